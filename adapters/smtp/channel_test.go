package smtp_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/smtp"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

const sender = "shop@mercato.example"

func newChannel(t testing.TB, opts smtp.Options) *smtp.Channel {
	t.Helper()
	if opts.From == "" {
		opts.From = sender
	}
	ch, err := smtp.New(&opts)
	if err != nil {
		t.Fatalf("smtp.New: %v", err)
	}
	return ch
}

func TestChannelSuite(t *testing.T) {
	addr, api := testenv.Mailpit(t, "--smtp-allowed-recipients", `@example\.com$`)
	inbox := mailpitAPI{api}
	notifytest.RunChannel(t, notifytest.ChannelHarness{
		New: func(t testing.TB) notify.Channel {
			return newChannel(t, smtp.Options{Addr: addr, FromName: "Mercato Shop"})
		},
		Delivered:     inbox.delivered,
		Undeliverable: "nobody@refused.example.org",
		Down: func(t testing.TB) notify.Channel {
			return newChannel(t, smtp.Options{Addr: testenv.ClosedAddr(t)})
		},
		Stalled: func(t testing.TB) (notify.Channel, <-chan struct{}) {
			addr, accepted := silentServer(t) // the session waits for the greeting
			return newChannel(t, smtp.Options{Addr: addr}), accepted
		},
	})
}

func email(to string) notify.Message {
	return notify.Message{
		ID:      commerce.NewID[commerce.NotificationID](),
		Kind:    notify.Email,
		To:      to,
		ToName:  "Zoë Ünal",
		Subject: "Bestellung bestätigt",
		Text:    "Danke!\n",
		HTML:    "<p>Danke!</p>",
		Event:   "order.confirmed",
	}
}

func TestMessageOnTheWire(t *testing.T) {
	addr, api := testenv.Mailpit(t)
	inbox := mailpitAPI{api}
	clock := commerce.NewTestClock(time.Date(2031, 3, 14, 15, 9, 26, 0, time.UTC))
	ch := newChannel(t, smtp.Options{Addr: addr, FromName: "Mercato Shop — Berlin", Clock: clock})
	m := email("zoe@example.com")
	r, err := ch.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	raw := inbox.raw(t, r.ProviderRef)
	got := inbox.message(t, r.ProviderRef)
	if got.From.Name != "Mercato Shop — Berlin" || got.From.Address != sender {
		t.Errorf("From = %+v", got.From)
	}
	if len(got.To) != 1 || got.To[0].Name != "Zoë Ünal" {
		t.Errorf("To = %+v", got.To)
	}
	for _, want := range []string{
		"Message-ID: <" + m.ID.String() + "@mercato.example>\r\n",
		"Date: " + clock.Now().Format(time.RFC1123Z) + "\r\n",
		"MIME-Version: 1.0\r\n",
		"Auto-Submitted: auto-generated\r\n",
		"X-Mercato-Event: order.confirmed\r\n",
		"Content-Type: multipart/alternative; boundary=",
		"Content-Type: text/plain; charset=utf-8\r\n",
		"Content-Type: text/html; charset=utf-8\r\n",
		"Content-Transfer-Encoding: quoted-printable\r\n",
		"Subject: =?utf-8?q?",
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("raw message lacks %q:\n%s", want, raw)
		}
	}
	if strings.Index(raw, "text/plain") > strings.Index(raw, "text/html") {
		t.Error("the HTML part comes before the text part")
	}
	for i, line := range strings.Split(raw, "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes long", i, len(line))
		}
		for _, b := range []byte(line) {
			if b >= 0x80 {
				t.Fatalf("line %d holds 8-bit data: %q", i, line)
			}
		}
	}
}

func TestTextOnlyMessage(t *testing.T) {
	addr, api := testenv.Mailpit(t)
	ch := newChannel(t, smtp.Options{Addr: addr})
	m := email("text@example.com")
	m.HTML = ""
	r, err := ch.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	inbox := mailpitAPI{api}
	got := inbox.message(t, r.ProviderRef)
	if strings.TrimSpace(got.Text) != "Danke!" || got.HTML != "" {
		t.Errorf("text %q html %q", got.Text, got.HTML)
	}
	if raw := inbox.raw(t, r.ProviderRef); strings.Contains(raw, "multipart") {
		t.Errorf("a text-only message is multipart:\n%s", raw)
	}
}

func TestTemporaryRejectionIsTransient(t *testing.T) {
	addr, api := testenv.Mailpit(t, "--enable-chaos", "--chaos-triggers", "recipient:451:100")
	ch := newChannel(t, smtp.Options{Addr: addr})
	_, err := ch.Send(context.Background(), email("later@example.com"))
	if err == nil || commerce.IsPermanent(err) {
		t.Fatalf("Send = %v, want a transient error", err)
	}
	if commerce.Code(err) != commerce.CodeUnavailable || !strings.Contains(err.Error(), "451") {
		t.Errorf("Send = %v, want Unavailable with the 451 reply", err)
	}
	if n := len(mailpitAPI{api}.summaries(t)); n != 0 {
		t.Errorf("mailpit holds %d messages", n)
	}
}

func TestAuthOnLoopbackWithoutTLS(t *testing.T) {
	addr, api := testenv.Mailpit(t, "--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	ch := newChannel(t, smtp.Options{Addr: addr, Username: "shop", Password: "secret"})
	if _, err := ch.Send(context.Background(), email("auth@example.com")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if n := len(mailpitAPI{api}.summaries(t)); n != 1 {
		t.Errorf("mailpit holds %d messages, want 1", n)
	}
}

func TestAuthRejectedIsPermanent(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "passwords")
	if err := os.WriteFile(pw, []byte("shop:right\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, _ := testenv.Mailpit(t, "--smtp-auth-file", pw, "--smtp-auth-allow-insecure")
	ch := newChannel(t, smtp.Options{Addr: addr, Username: "shop", Password: "wrong"})
	_, err := ch.Send(context.Background(), email("auth@example.com"))
	if !commerce.IsPermanent(err) {
		t.Fatalf("Send with bad credentials = %v, want permanent", err)
	}
}

func TestSTARTTLS(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t)
	addr, api := testenv.Mailpit(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile,
		"--smtp-require-starttls", "--smtp-auth-accept-any")
	inbox := mailpitAPI{api}
	trusted := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}

	for _, policy := range []smtp.TLSPolicy{smtp.TLSRequired, smtp.TLSOpportunistic} {
		t.Run(policy.String(), func(t *testing.T) {
			ch := newChannel(t, smtp.Options{Addr: addr, TLS: policy, TLSConfig: trusted, Username: "shop", Password: "secret"})
			m := email("tls-" + policy.String() + "@example.com")
			if _, err := ch.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
		})
	}
	if n := len(inbox.summaries(t)); n != 2 {
		t.Errorf("mailpit holds %d messages, want 2", n)
	}
	t.Run("UntrustedCertificate", func(t *testing.T) {
		ch := newChannel(t, smtp.Options{Addr: addr, TLS: smtp.TLSRequired})
		_, err := ch.Send(context.Background(), email("untrusted@example.com"))
		if err == nil {
			t.Fatal("Send trusted a self-signed certificate")
		}
	})
	t.Run("PlainToAServerThatRequiresTLS", func(t *testing.T) {
		ch := newChannel(t, smtp.Options{Addr: addr, TLS: smtp.TLSNone})
		if _, err := ch.Send(context.Background(), email("plain@example.com")); !commerce.IsPermanent(err) {
			t.Fatalf("Send = %v, want the server's 5xx as permanent", err)
		}
	})
}

func TestTLSRequiredWithoutSTARTTLSIsRefused(t *testing.T) {
	addr, api := testenv.Mailpit(t)
	ch := newChannel(t, smtp.Options{Addr: addr, TLS: smtp.TLSRequired})
	_, err := ch.Send(context.Background(), email("clear@example.com"))
	if commerce.Code(err) != commerce.CodeFailedPrecondition || !commerce.IsPermanent(err) {
		t.Fatalf("Send = %v, want permanent FailedPrecondition", err)
	}
	if n := len(mailpitAPI{api}.summaries(t)); n != 0 {
		t.Errorf("mailpit holds %d messages", n)
	}
}

func TestSendTimeoutIsTransient(t *testing.T) {
	addr, _ := silentServer(t)
	ch := newChannel(t, smtp.Options{Addr: addr, SendTimeout: 50 * time.Millisecond})
	_, err := ch.Send(context.Background(), email("slow@example.com"))
	if !errors.Is(err, context.DeadlineExceeded) || commerce.IsPermanent(err) {
		t.Fatalf("Send to a server that never greets = %v, want a transient DeadlineExceeded", err)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	cases := map[string]smtp.Options{
		"NoAddr":                {From: sender},
		"AddrWithoutPort":       {Addr: "mail.example.com", From: sender},
		"BadPort":               {Addr: "mail.example.com:99999", From: sender},
		"NoFrom":                {Addr: "mail.example.com:587"},
		"FromWithName":          {Addr: "mail.example.com:587", From: "Shop <shop@example.com>"},
		"FromNameInjection":     {Addr: "mail.example.com:587", From: sender, FromName: "x\r\nBcc: a@b.c"},
		"UsernameOnly":          {Addr: "mail.example.com:587", From: sender, Username: "u"},
		"PasswordOnly":          {Addr: "mail.example.com:587", From: sender, Password: "p"},
		"CredentialsInClear":    {Addr: "mail.example.com:25", From: sender, Username: "u", Password: "p", TLS: smtp.TLSNone},
		"UnknownPolicy":         {Addr: "mail.example.com:587", From: sender, TLS: smtp.TLSPolicy(9)},
		"NegativeTimeout":       {Addr: "mail.example.com:587", From: sender, SendTimeout: -time.Second},
		"LocalNameWithSpace":    {Addr: "mail.example.com:587", From: sender, LocalName: "a b"},
		"NegativeDialTimeout":   {Addr: "mail.example.com:587", From: sender, DialTimeout: -1},
		"AddrWithEmptyHostPort": {Addr: ":", From: sender},
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := smtp.New(&opts); commerce.Code(err) != commerce.CodeInvalidArgument {
				t.Errorf("New = %v, want InvalidArgument", err)
			}
		})
	}
	if _, err := smtp.New(&smtp.Options{Addr: "127.0.0.1:25", From: sender, Username: "u", Password: "p", TLS: smtp.TLSNone}); err != nil {
		t.Errorf("credentials in clear to loopback: %v", err)
	}
	if _, err := smtp.New(nil); commerce.Code(err) != commerce.CodeInvalidArgument {
		t.Errorf("New(nil) = %v, want InvalidArgument for the missing address", err)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key to temporary
// files and returns them with a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}
