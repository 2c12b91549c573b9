package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/smtp"
	"github.com/mercatohq/mercato/notify"
)

// notifyGroup names the consumer groups of the notification handlers
// (see consumerGroup).
const notifyGroup = "notify"

// wireNotification sends email for the events of the other services:
// order confirmed, shipped, cancelled, refunded; final payment failures;
// registrations and password resets. Deliveries are recorded in the
// notification schema, so an event delivered twice sends once. It finds
// whom to write to by asking the user and order services.
func wireNotification(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openPostgres(ctx); err != nil {
		return nil, err
	}
	store, err := postgres.NewNotifyStore(p.pool, p.pg)
	if err != nil {
		return nil, err
	}
	email, err := openEmail(p)
	if err != nil {
		return nil, err
	}
	dir, err := p.directoryClient()
	if err != nil {
		return nil, err
	}
	svc, err := notify.NewService(store, []notify.Channel{email}, dir, &notify.Options{
		ShopName: "Mercato", BaseURL: "http://" + dialable(p.cfg.GatewayAddr), Logger: p.log,
	})
	if err != nil {
		return nil, err
	}
	for _, name := range svc.Events() {
		h, _ := svc.Handler(name)
		if err := p.bus.Subscribe(p.group(notifyGroup, name), name, h); err != nil {
			return nil, fmt.Errorf("subscribe the notifications: %w", err)
		}
	}
	return serve(p, apiServices{}, rpcServers{})
}

// openEmail is SMTP when -smtp is set, the log otherwise.
func openEmail(p *process) (notify.Channel, error) {
	if p.cfg.SMTP == "" {
		return notify.NewLogChannel(notify.Email, p.log), nil
	}
	ch, err := smtp.New(&smtp.Options{Addr: p.cfg.SMTP, From: p.cfg.SMTPFrom, FromName: "Mercato"})
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	p.onClose(func(context.Context) error { return ch.Close() })
	return ch, nil
}
