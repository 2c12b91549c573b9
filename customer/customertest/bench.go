package customertest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/internal/benchload"
)

const (
	benchEmail    = "bench@example.com"
	benchPassword = "correct horse battery"
)

// BenchLogin measures Login with the default argon2id parameters
// (m=19456 KiB, t=2, p=1) over the stores newStore makes: one lookup, one
// hash, one session insert. Hashing dominates by design. It reports
// logins/s and p50/p99 latencies.
func BenchLogin(b *testing.B, newStore NewStore) {
	ctx := context.Background()
	svc := benchService(b, newStore)
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := svc.Login(ctx, benchEmail, benchPassword); err != nil {
			b.Fatal(err)
		}
		latencies = append(latencies, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(len(latencies))/b.Elapsed().Seconds(), "logins/s")
	benchload.ReportLatencies(b, latencies)
}

// BenchAuthenticate measures checking a session token: JWT verification
// plus one session read. It reports auths/s and p50/p99 latencies.
func BenchAuthenticate(b *testing.B, newStore NewStore) {
	ctx := context.Background()
	svc := benchService(b, newStore)
	s, err := svc.Login(ctx, benchEmail, benchPassword)
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
	benchload.ReportLatencies(b, latencies)
}

func benchService(b *testing.B, newStore NewStore) *customer.Service {
	b.Helper()
	svc, err := customer.NewService(newStore(b, commerce.DiscardEvents{}), &customer.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Register(context.Background(), customer.RegisterInput{
		Email: benchEmail, Password: benchPassword, Name: "Bench",
	}); err != nil {
		b.Fatal(err)
	}
	return svc
}
