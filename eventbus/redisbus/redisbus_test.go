package redisbus_test

import (
	"testing"
	"time"

	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/redisbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

func config(env *testenv.RedisEnv) eventbustest.Config {
	return eventbustest.Config{
		NewBackend: func(t testing.TB) eventbus.Backend {
			b, err := redisbus.New(env.Client, &redisbus.Options{
				KeyPrefix:     env.Prefix,
				ClaimIdle:     time.Second,
				ClaimInterval: 100 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
		Ordered: true,
		Durable: true,
	}
}

func TestConformance(t *testing.T) {
	eventbustest.Run(t, config(testenv.Redis(t)))
}

func BenchmarkBackend(b *testing.B) {
	eventbustest.Bench(b, config(testenv.Redis(b)))
}
