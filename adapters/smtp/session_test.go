package smtp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/smtp"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

// proxy forwards connections to a server and counts them; drop closes the
// live ones, as a server's own idle timeout would.
type proxy struct {
	addr string

	mu       sync.Mutex
	accepted int
	live     []net.Conn
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = ln.Close()
		p.drop()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			down, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				_ = down.Close()
				continue
			}
			p.mu.Lock()
			p.accepted++
			p.live = append(p.live, down, up)
			p.mu.Unlock()
			wg.Go(func() { _, _ = io.Copy(up, down); _ = up.Close() })
			wg.Go(func() { _, _ = io.Copy(down, up); _ = down.Close() })
		}
	})
	return p
}

func (p *proxy) connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

func (p *proxy) drop() {
	p.mu.Lock()
	live := p.live
	p.live = nil
	p.mu.Unlock()
	for _, c := range live {
		_ = c.Close()
	}
}

// sendAll sends one message to each address and fails the test on the
// first error.
func sendAll(t *testing.T, ch *smtp.Channel, to ...string) {
	t.Helper()
	for _, addr := range to {
		if _, err := ch.Send(context.Background(), email(addr)); err != nil {
			t.Fatalf("Send to %s: %v", addr, err)
		}
	}
}

// requireInbox checks that Mailpit holds exactly one message for each
// address in want, and nothing else.
func requireInbox(t *testing.T, inbox mailpitAPI, want ...string) {
	t.Helper()
	got := map[string]int{}
	for _, d := range inbox.delivered(t) {
		got[d.To]++
	}
	if len(got) != len(want) {
		t.Fatalf("inbox holds mail for %v, want one message for each of %v", got, want)
	}
	for _, addr := range want {
		if got[addr] != 1 {
			t.Fatalf("inbox holds %d messages for %s, want 1 (inbox: %v)", got[addr], addr, got)
		}
	}
}

func TestSendsShareAKeptSession(t *testing.T) {
	addr, api := testenv.Mailpit(t)
	p := newProxy(t, addr)
	ch := newChannel(t, smtp.Options{Addr: p.addr})
	defer ch.Close()

	sendAll(t, ch, "a@example.com", "b@example.com", "c@example.com")
	if n := p.connections(); n != 1 {
		t.Fatalf("three sequential Sends used %d connections, want 1", n)
	}
	requireInbox(t, mailpitAPI{api}, "a@example.com", "b@example.com", "c@example.com")
}

func TestDroppedSessionIsReplaced(t *testing.T) {
	addr, api := testenv.Mailpit(t)
	p := newProxy(t, addr)
	ch := newChannel(t, smtp.Options{Addr: p.addr})
	defer ch.Close()

	sendAll(t, ch, "before@example.com")
	p.drop() // the server hangs up on the kept session
	sendAll(t, ch, "after@example.com")
	if n := p.connections(); n != 2 {
		t.Fatalf("connections = %d, want 2: the kept one and its replacement", n)
	}
	requireInbox(t, mailpitAPI{api}, "before@example.com", "after@example.com")
}

func TestNoKeptSessions(t *testing.T) {
	addr, api := testenv.Mailpit(t)
	p := newProxy(t, addr)
	ch := newChannel(t, smtp.Options{Addr: p.addr, MaxIdleConns: -1})
	defer ch.Close()

	sendAll(t, ch, "a@example.com", "b@example.com", "c@example.com")
	if n := p.connections(); n != 3 {
		t.Fatalf("connections = %d, want one per message", n)
	}
	requireInbox(t, mailpitAPI{api}, "a@example.com", "b@example.com", "c@example.com")
}

func TestIdleSessionsExpire(t *testing.T) {
	addr, _ := testenv.Mailpit(t)
	p := newProxy(t, addr)
	clock := commerce.NewTestClock(time.Date(2031, 3, 14, 15, 9, 26, 0, time.UTC))
	ch := newChannel(t, smtp.Options{Addr: p.addr, Clock: clock})
	defer ch.Close()

	sendAll(t, ch, "a@example.com")
	clock.Advance(smtp.DefaultIdleTimeout - 1)
	sendAll(t, ch, "b@example.com")
	if n := p.connections(); n != 1 {
		t.Fatalf("connections = %d, want 1 while the session is fresh", n)
	}
	clock.Advance(smtp.DefaultIdleTimeout)
	sendAll(t, ch, "c@example.com")
	if n := p.connections(); n != 2 {
		t.Fatalf("connections = %d, want a new one after IdleTimeout", n)
	}
}

func TestSendAfterClose(t *testing.T) {
	addr, api := testenv.Mailpit(t)
	ch := newChannel(t, smtp.Options{Addr: addr})
	sendAll(t, ch, "a@example.com")
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ch.Close(); err != nil {
		t.Fatalf("second Close = %v, want nil", err)
	}
	_, err := ch.Send(context.Background(), email("late@example.com"))
	if commerce.Code(err) != commerce.CodeFailedPrecondition {
		t.Fatalf("Send after Close = %v, want FailedPrecondition", err)
	}
	requireInbox(t, mailpitAPI{api}, "a@example.com")
}

func TestConcurrentSendsOnKeptSessions(t *testing.T) {
	addr, api := testenv.Mailpit(t)
	ch := newChannel(t, smtp.Options{Addr: addr, MaxIdleConns: 3})
	defer ch.Close()

	const senders, each = 8, 10
	var want []string
	errs := make(chan error, senders*each)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range senders {
		for i := range each {
			want = append(want, fmt.Sprintf("g%d-m%d@example.com", g, i))
		}
		wg.Go(func() {
			<-start
			for i := range each {
				if _, err := ch.Send(context.Background(), email(fmt.Sprintf("g%d-m%d@example.com", g, i))); err != nil {
					errs <- err
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	if err := errors.Join(func() (all []error) {
		for err := range errs {
			all = append(all, err)
		}
		return all
	}()...); err != nil {
		t.Fatal(err)
	}
	requireInbox(t, mailpitAPI{api}, want...)
}
