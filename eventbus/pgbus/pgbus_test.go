package pgbus_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

func TestConformance(t *testing.T) {
	pool := testenv.Postgres(t)
	eventbustest.Run(t, eventbustest.Config{
		NewBackend: func(t *testing.T) eventbus.Backend {
			b, err := pgbus.New(pool, &pgbus.Options{Logger: quiet})
			require.NoError(t, err)
			return b
		},
		Ordered: true,
		Durable: true,
	})
}
