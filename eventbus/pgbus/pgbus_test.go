package pgbus_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

func config(pool *pgxpool.Pool) eventbustest.Config {
	return eventbustest.Config{
		NewBackend: func(t testing.TB) eventbus.Backend {
			b, err := pgbus.New(pool, &pgbus.Options{Logger: quiet})
			require.NoError(t, err)
			return b
		},
		Ordered: true,
		Durable: true,
	}
}

func TestConformance(t *testing.T) {
	eventbustest.Run(t, config(testenv.Postgres(t)))
}

func BenchmarkBackend(b *testing.B) {
	eventbustest.Bench(b, config(testenv.Postgres(b)))
}
