package smtp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mercatohq/mercato/notify/notifytest"
)

// mailpitAPI reads what a Mailpit instance received.
type mailpitAPI struct{ base string }

type mailpitAddress struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

type mailpitSummary struct {
	ID        string           `json:"ID"`
	MessageID string           `json:"MessageID"`
	To        []mailpitAddress `json:"To"`
	Subject   string           `json:"Subject"`
}

type mailpitMessage struct {
	mailpitSummary
	From mailpitAddress `json:"From"`
	Text string         `json:"Text"`
	HTML string         `json:"HTML"`
}

func (a mailpitAPI) get(t testing.TB, path string, into any) {
	t.Helper()
	resp, err := http.Get(a.base + path)
	if err != nil {
		t.Fatalf("mailpit GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("mailpit GET %s: %s %s", path, resp.Status, body)
	}
	if s, ok := into.(*string); ok {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("mailpit GET %s: %v", path, err)
		}
		*s = string(b)
		return
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("mailpit GET %s: decode: %v", path, err)
	}
}

// summaries lists every message, newest first.
func (a mailpitAPI) summaries(t testing.TB) []mailpitSummary {
	t.Helper()
	var out []mailpitSummary
	for start := 0; ; {
		var page struct {
			Total    int              `json:"total"`
			Messages []mailpitSummary `json:"messages"`
		}
		a.get(t, fmt.Sprintf("/api/v1/messages?start=%d&limit=500", start), &page)
		out = append(out, page.Messages...)
		start += len(page.Messages)
		if len(page.Messages) == 0 || start >= page.Total {
			return out
		}
	}
}

func (a mailpitAPI) message(t testing.TB, id string) mailpitMessage {
	t.Helper()
	var m mailpitMessage
	a.get(t, "/api/v1/message/"+url.PathEscape(id), &m)
	return m
}

func (a mailpitAPI) raw(t testing.TB, id string) string {
	t.Helper()
	var s string
	a.get(t, "/api/v1/message/"+url.PathEscape(id)+"/raw", &s)
	return s
}

// delivered is the suite's view of the inbox: one entry per recipient of
// every message.
func (a mailpitAPI) delivered(t testing.TB) []notifytest.Delivered {
	t.Helper()
	var out []notifytest.Delivered
	for _, s := range a.summaries(t) {
		m := a.message(t, s.ID)
		ntf, _, _ := strings.Cut(m.MessageID, "@")
		for _, to := range m.To {
			out = append(out, notifytest.Delivered{
				To: to.Address, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
				ProviderRef: m.ID, MessageID: ntf,
			})
		}
	}
	return out
}

// silentServer accepts connections and never answers, so only a deadline
// or a cancellation ends a session with it. accepted receives once per
// connection.
func silentServer(t testing.TB) (addr string, accepted <-chan struct{}) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	acc := make(chan struct{}, 64)
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			select {
			case acc <- struct{}{}:
			default:
			}
			if ctx.Err() != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = l.Close()
		<-done
	})
	return l.Addr().String(), acc
}
