package testenv_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"

	"github.com/mercatohq/mercato/internal/testenv"
)

func TestMailpitReceivesAndIsIsolated(t *testing.T) {
	smtpA, apiA := testenv.Mailpit(t)
	smtpB, apiB := testenv.Mailpit(t)
	if smtpA == smtpB || apiA == apiB {
		t.Fatalf("two servers share an address: %s %s", smtpA, apiA)
	}
	for _, a := range []string{smtpA, apiA} {
		if !strings.Contains(a, "127.0.0.1:") {
			t.Errorf("address %q is not on loopback", a)
		}
	}
	msg := "From: shop@example.com\r\nTo: ada@example.com\r\nSubject: hello\r\n\r\nbody\r\n"
	if err := smtp.SendMail(smtpA, nil, "shop@example.com", []string{"ada@example.com"}, []byte(msg)); err != nil {
		t.Fatalf("send: %v", err)
	}
	if n := countMessages(t, apiA); n != 1 {
		t.Errorf("first server holds %d messages, want 1", n)
	}
	if n := countMessages(t, apiB); n != 0 {
		t.Errorf("second server holds %d messages, want 0", n)
	}
}

func TestMailpitExtraArgsRejectRecipients(t *testing.T) {
	addr, api := testenv.Mailpit(t, "--smtp-allowed-recipients", `@example\.com$`)
	err := smtp.SendMail(addr, nil, "shop@example.com", []string{"bob@example.org"}, []byte("Subject: x\r\n\r\nx\r\n"))
	var tp *textproto.Error
	if !errors.As(err, &tp) || tp.Code != 550 {
		t.Fatalf("send to a refused recipient: %v, want a 550 reply", err)
	}
	if n := countMessages(t, api); n != 0 {
		t.Errorf("server holds %d messages, want 0", n)
	}
}

func countMessages(t *testing.T, api string) int {
	t.Helper()
	resp, err := http.Get(api + "/api/v1/messages")
	if err != nil {
		t.Fatalf("GET messages: %v", err)
	}
	defer resp.Body.Close()
	var body struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decode messages: %v", err)
	}
	return body.Total
}
