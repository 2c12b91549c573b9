package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/adapters/smtp"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/benchload"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
)

// BenchmarkOrderNotifications measures notifications/s end to end through
// the Service's order.confirmed bus handler: the binding maps the event's
// order, Notify renders the email, claims it in the memory store, sends
// it and records the outcome. Every operation is a new event (a new event
// ID), so every one sends. "log" sends through a LogChannel that discards
// its output: the notifier's own cost. "smtp-mailpit" sends over SMTP
// into a fresh Mailpit, with as many kept sessions as workers.
func BenchmarkOrderNotifications(b *testing.B) {
	quiet := slog.New(slog.DiscardHandler)
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("log/workers=%d", workers), func(b *testing.B) {
			benchOrderConfirmed(b, notify.NewLogChannel(notify.Email, quiet), workers)
		})
	}
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("smtp-mailpit/workers=%d", workers), func(b *testing.B) {
			// A Mailpit per run: it keeps every message, and one that
			// filled up over earlier runs takes longer to store each.
			addr, _ := testenv.Mailpit(b)
			ch, err := smtp.New(&smtp.Options{Addr: addr, From: "shop@tea.example", FromName: "Tea Shop", MaxIdleConns: workers})
			if err != nil {
				b.Fatal(err)
			}
			defer ch.Close()
			benchOrderConfirmed(b, ch, workers)
		})
	}
}

// benchOrderConfirmed hands b.N order.confirmed events of a guest's order
// to the handler of a Service sending through ch, from workers goroutines.
func benchOrderConfirmed(b *testing.B, ch notify.Channel, workers int) {
	svc, err := notify.NewService(memory.NewNotifyStore(nil), []notify.Channel{ch}, nil,
		&notify.Options{ShopName: "Tea Shop", BaseURL: "https://tea.example", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	handle, _ := svc.Handler("order.confirmed")
	o := anOrder("", "bench@example.com")
	event := commerce.NewEnvelope(o.ID.String(), o.UpdatedAt, order.Confirmed{Change: order.Change{Order: o, From: order.StatusPaymentPending}})
	ctx := context.Background()
	b.ReportAllocs()
	benchload.Run(b, workers, "notifications/s", func(_, _ int) error {
		env := event
		env.ID = commerce.NewID[commerce.EventID]()
		return handle(ctx, env)
	})
}
