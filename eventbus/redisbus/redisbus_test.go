package redisbus_test

import (
	"testing"
	"time"

	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/redisbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

func TestConformance(t *testing.T) {
	env := testenv.Redis(t)
	eventbustest.Run(t, eventbustest.Config{
		NewBackend: func(t *testing.T) eventbus.Backend {
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
	})
}
