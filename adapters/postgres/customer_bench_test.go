package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

// BenchmarkCustomerLogin measures a login with the default argon2id
// parameters (m=19456 KiB, t=2, p=1) against PostgreSQL: one lookup, one
// hash, one session insert. Hashing dominates by design.
func BenchmarkCustomerLogin(b *testing.B) {
	ctx := context.Background()
	svc := benchCustomerService(b)
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := svc.Login(ctx, "bench@example.com", "correct horse battery"); err != nil {
			b.Fatal(err)
		}
		latencies = append(latencies, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(len(latencies))/b.Elapsed().Seconds(), "logins/s")
	eventbustest.ReportLatencies(b, latencies)
}

// BenchmarkCustomerAuthenticate measures checking a session token: JWT
// verification plus one session read.
func BenchmarkCustomerAuthenticate(b *testing.B) {
	ctx := context.Background()
	svc := benchCustomerService(b)
	s, err := svc.Login(ctx, "bench@example.com", "correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := svc.Authenticate(ctx, s.Token); err != nil {
			b.Fatal(err)
		}
		latencies = append(latencies, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(len(latencies))/b.Elapsed().Seconds(), "auths/s")
	eventbustest.ReportLatencies(b, latencies)
}

func benchCustomerService(b *testing.B) *customer.Service {
	b.Helper()
	store, err := postgres.NewCustomerStore(newPool(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	svc, err := customer.NewService(store, &customer.Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Register(context.Background(), customer.RegisterInput{
		Email: "bench@example.com", Password: "correct horse battery", Name: "Bench",
	}); err != nil {
		b.Fatal(err)
	}
	return svc
}
