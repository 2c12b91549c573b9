package notifytest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// Delivered is one message as the peer of a channel received it: what a
// Mailpit inbox shows, or what a local server recorded from a provider's
// library.
type Delivered struct {
	// To is the recipient (email address or E.164 number).
	To string
	// Subject, Text and HTML are the decoded contents. Line endings may be
	// CRLF; the suite compares them as LF and ignores trailing newlines,
	// which transports add.
	Subject string
	Text    string
	HTML    string
	// ProviderRef is the peer's identifier for the message (the ID an SMTP
	// server reported as "queued as", a X-Message-Id, a SID); empty when
	// the peer gives none.
	ProviderRef string
	// MessageID is the notification ID the peer recorded (from the
	// Message-ID header, a custom argument...); empty when the channel
	// cannot pass one on.
	MessageID string
}

// ChannelHarness is what RunChannel needs to drive one Channel
// implementation against its peer.
type ChannelHarness struct {
	// New returns a channel connected to a working peer. Subtests call it
	// once each; they may share the peer.
	New func(t testing.TB) notify.Channel
	// Delivered returns what the peer behind New's channels has received
	// so far. The suite sends every subtest's messages to recipients of
	// its own and filters by recipient, so a shared peer is fine.
	Delivered func(t testing.TB) []Delivered
	// Undeliverable is a recipient the peer rejects permanently (an
	// address the SMTP server refuses with a 5xx, a number the provider
	// declares invalid). Empty when the peer cannot reject; the subtest is
	// then left out.
	Undeliverable string
	// Down, when set, returns a channel whose peer does not answer (a
	// closed port). Sends through it must fail transiently.
	Down func(t testing.TB) notify.Channel
	// Stalled, when set, returns a channel whose peer takes the send and
	// never answers, and a channel that yields (a value, or its close)
	// once a send has reached the peer. Cancelling the send's context then must end it transiently
	// with context.Canceled.
	Stalled func(t testing.TB) (ch notify.Channel, reached <-chan struct{})
}

// RunChannel checks that a notify.Channel keeps the port's contract:
// messages arrive once and intact, concurrent sends all arrive, bad
// messages are refused as permanent before the peer is contacted, a
// cancelled context sends nothing, a permanent rejection is permanent, an
// unreachable peer is transient, cancelling a send that waits on its peer
// ends it transiently, and the receipt carries the peer's reference.
func RunChannel(t *testing.T, h ChannelHarness) {
	t.Helper()
	if h.New == nil || h.Delivered == nil {
		t.Fatal("notifytest: ChannelHarness needs New and Delivered")
	}
	t.Run("Identity", func(t *testing.T) {
		ch := h.New(t)
		if ch.Name() == "" || strings.TrimSpace(ch.Name()) != ch.Name() {
			t.Errorf("Name() = %q, want a stable non-empty name", ch.Name())
		}
		if !ch.Kind().Valid() {
			t.Errorf("Kind() = %q, want email or sms", ch.Kind())
		}
	})
	t.Run("ArrivesOnceIntact", func(t *testing.T) { testArrivesOnce(t, h) })
	t.Run("ConcurrentSends", func(t *testing.T) { testConcurrent(t, h) })
	t.Run("RefusesBadMessages", func(t *testing.T) { testRefusesBad(t, h) })
	t.Run("CancelledContext", func(t *testing.T) { testCancelled(t, h) })
	if h.Undeliverable != "" {
		t.Run("PermanentRejection", func(t *testing.T) { testUndeliverable(t, h) })
	}
	if h.Down != nil {
		t.Run("PeerDownIsTransient", func(t *testing.T) { testDown(t, h) })
	}
	if h.Stalled != nil {
		t.Run("CancelWhileWaiting", func(t *testing.T) { testCancelWhileWaiting(t, h) })
	}
}

// longLine is longer than both the 76 characters of quoted-printable and
// the 998 of an SMTP line, with multi-byte characters across the breaks.
var longLine = strings.Repeat("Größe €12,50 — naïve café ✓ ", 45)

// sampleMessage returns a message of the channel's kind to a recipient of
// its own, full of what transports tend to damage.
func sampleMessage(t testing.TB, kind notify.Kind) notify.Message {
	t.Helper()
	m := notify.Message{
		ID:    commerce.NewID[commerce.NotificationID](),
		Kind:  kind,
		Event: "order.confirmed",
	}
	switch kind {
	case notify.SMS:
		m.To = uniquePhone(t)
		m.Text = "Mercato: order #1042 confirmed, total €12.50 ✓ " + longLine[:200]
	default:
		m.To = uniqueEmail(t)
		m.ToName = "Zoë O'Brien-Ünal"
		m.Subject = "Order #1042 confirmed — total €12.50 ✓ «Größe» " + strings.Repeat("long subject ", 6)
		m.Text = "Hello Zoë,\n\nyour order #1042 is confirmed.\n" +
			".a line starting with a dot\nFrom the start of a line\nx = y + 1 =3D\n" +
			longLine + "\nTotal: €12.50\n"
		m.HTML = `<!doctype html><html><body><h1>Order #1042</h1>` +
			`<p>Tom &amp; Jerry &lt;3 &quot;quotes&quot; &#39;apos&#39; <a href="https://shop.example.com/o?a=1&amp;b=2">view</a></p>` +
			"\n.dot line\n<p>" + longLine + "</p>\n<p>Total: €12.50</p></body></html>"
	}
	return m
}

// uniqueEmail returns an address no other subtest uses.
func uniqueEmail(t testing.TB) string {
	return "rcpt-" + strings.ToLower(randomDigits(t, 12)) + "@example.com"
}

// uniquePhone returns a North American E.164 number no other subtest uses
// (555 numbers are reserved for fiction).
func uniquePhone(t testing.TB) string {
	return "+1555" + randomDigits(t, 7)
}

// randomDigits returns n random decimal digits.
func randomDigits(t testing.TB, n int) string {
	t.Helper()
	var b strings.Builder
	for range n {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			t.Fatalf("notifytest: crypto/rand: %v", err)
		}
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

// deliveredTo returns what the peer received for recipient to.
func deliveredTo(t testing.TB, h ChannelHarness, to string) []Delivered {
	t.Helper()
	var out []Delivered
	for _, d := range h.Delivered(t) {
		if strings.EqualFold(d.To, to) {
			out = append(out, d)
		}
	}
	return out
}

// normalize makes bodies comparable across transports: LF line endings,
// no trailing newlines.
func normalize(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

// checkDelivered asserts that d carries m intact and that the receipt
// matches the peer's reference.
func checkDelivered(t testing.TB, m notify.Message, r notify.Receipt, d Delivered) {
	t.Helper()
	if m.Kind == notify.Email && d.Subject != m.Subject {
		t.Errorf("subject = %q, want %q", d.Subject, m.Subject)
	}
	if got, want := normalize(d.Text), normalize(m.Text); got != want {
		t.Errorf("text differs:\n got %q\nwant %q", got, want)
	}
	if got, want := normalize(d.HTML), normalize(m.HTML); got != want {
		t.Errorf("html differs:\n got %q\nwant %q", got, want)
	}
	if d.MessageID != "" && d.MessageID != m.ID.String() {
		t.Errorf("peer recorded notification ID %q, want %q", d.MessageID, m.ID)
	}
	if d.ProviderRef != r.ProviderRef {
		t.Errorf("receipt ProviderRef = %q, peer's reference is %q", r.ProviderRef, d.ProviderRef)
	}
}

func testArrivesOnce(t *testing.T, h ChannelHarness) {
	ch := h.New(t)
	m := sampleMessage(t, ch.Kind())
	r, err := ch.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := deliveredTo(t, h, m.To)
	if len(got) != 1 {
		t.Fatalf("peer received %d messages for %s, want exactly 1", len(got), m.To)
	}
	checkDelivered(t, m, r, got[0])
}

func testConcurrent(t *testing.T, h ChannelHarness) {
	const n = 20
	ch := h.New(t)
	msgs := make([]notify.Message, n)
	for i := range msgs {
		msgs[i] = sampleMessage(t, ch.Kind())
		msgs[i].Text = fmt.Sprintf("message %d: %s", i, msgs[i].Text)
	}
	receipts := make([]notify.Receipt, n)
	errs := make(chan error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range msgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := ch.Send(context.Background(), msgs[i])
			if err != nil {
				errs <- fmt.Errorf("send %d: %w", i, err)
				return
			}
			receipts[i] = r
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	for i, m := range msgs {
		got := deliveredTo(t, h, m.To)
		if len(got) != 1 {
			t.Errorf("message %d: peer received %d for %s, want exactly 1", i, len(got), m.To)
			continue
		}
		checkDelivered(t, m, receipts[i], got[0])
	}
}

func testRefusesBad(t *testing.T, h ChannelHarness) {
	live := h.New(t)
	kind := live.Kind()
	other := notify.SMS
	if kind == notify.SMS {
		other = notify.Email
	}
	wrongKind := sampleMessage(t, other)
	noID := sampleMessage(t, kind)
	noID.ID = ""
	badTo := sampleMessage(t, kind)
	badTo.To = "not a recipient"
	noBody := sampleMessage(t, kind)
	noBody.Text = ""
	cases := map[string]notify.Message{
		"WrongKind":  wrongKind,
		"NoID":       noID,
		"BadTo":      badTo,
		"NoBody":     noBody,
		"ZeroValued": {},
	}
	var down notify.Channel
	if h.Down != nil {
		down = h.Down(t)
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := live.Send(context.Background(), m)
			if !commerce.IsPermanent(err) {
				t.Errorf("Send = %v, want a permanent error", err)
			}
			if code := commerce.Code(err); code != commerce.CodeInvalidArgument {
				t.Errorf("code = %v, want InvalidArgument", code)
			}
			if m.To != "" {
				if got := deliveredTo(t, h, m.To); len(got) != 0 {
					t.Errorf("peer received %d messages for a refused one", len(got))
				}
			}
			if down != nil {
				// A channel that contacted its (absent) peer first would
				// report a transient connection error instead.
				if _, err := down.Send(context.Background(), m); !commerce.IsPermanent(err) {
					t.Errorf("Send through a channel whose peer is down = %v, want permanent before any contact", err)
				}
			}
		})
	}
}

func testCancelled(t *testing.T, h ChannelHarness) {
	ch := h.New(t)
	m := sampleMessage(t, ch.Kind())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ch.Send(ctx, m)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v, want context.Canceled", err)
	}
	if commerce.IsPermanent(err) {
		t.Errorf("a cancelled send is permanent: %v", err)
	}
	if got := deliveredTo(t, h, m.To); len(got) != 0 {
		t.Errorf("peer received %d messages for a cancelled send", len(got))
	}
}

func testUndeliverable(t *testing.T, h ChannelHarness) {
	ch := h.New(t)
	m := sampleMessage(t, ch.Kind())
	m.To = h.Undeliverable
	r, err := ch.Send(context.Background(), m)
	if err == nil {
		t.Fatalf("Send to %s succeeded (receipt %+v), want a permanent rejection", m.To, r)
	}
	if !commerce.IsPermanent(err) {
		t.Errorf("Send to %s = %v, want a permanent error", m.To, err)
	}
	if got := deliveredTo(t, h, m.To); len(got) != 0 {
		t.Errorf("peer accepted %d messages for the rejected recipient", len(got))
	}
}

func testDown(t *testing.T, h ChannelHarness) {
	ch := h.Down(t)
	m := sampleMessage(t, ch.Kind())
	_, err := ch.Send(context.Background(), m)
	if err == nil {
		t.Fatal("Send through a channel whose peer is down succeeded")
	}
	if commerce.IsPermanent(err) {
		t.Errorf("Send through a channel whose peer is down = %v, want transient", err)
	}
}

func testCancelWhileWaiting(t *testing.T, h ChannelHarness) {
	ch, reached := h.Stalled(t)
	m := sampleMessage(t, ch.Kind())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := ch.Send(ctx, m)
		errc <- err
	}()
	<-reached
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) || commerce.IsPermanent(err) {
		t.Fatalf("Send cancelled while waiting for its peer = %v, want a transient context.Canceled", err)
	}
}
