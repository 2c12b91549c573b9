package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	netsmtp "net/smtp"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// Name is the channel's name in the delivery log.
const Name = "smtp"

// Channel sends email through one SMTP server. It is safe for concurrent
// use: each Send has a session of its own, a kept one or a new one, and up
// to MaxIdleConns sessions are kept open between Sends.
type Channel struct {
	addr        string
	host        string
	from        *mail.Address
	username    string
	password    string
	policy      TLSPolicy
	tlsConfig   *tls.Config
	localName   string
	dialTimeout time.Duration
	sendTimeout time.Duration
	maxIdle     int
	idleTimeout time.Duration
	clock       commerce.Clock

	mu sync.Mutex
	// idle holds the kept sessions, least recently used first.
	idle   []*session
	closed bool
}

var _ notify.Channel = (*Channel)(nil)

// New returns a channel for opts, or an InvalidArgument error naming the
// option at fault (a nil opts is the zero value, which lacks the required
// options). It does not connect.
func New(opts *Options) (*Channel, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	host, from, err := o.validate()
	if err != nil {
		return nil, err
	}
	c := &Channel{
		addr:        o.Addr,
		host:        host,
		from:        from,
		username:    o.Username,
		password:    o.Password,
		policy:      o.TLS,
		localName:   o.LocalName,
		dialTimeout: o.DialTimeout,
		sendTimeout: o.SendTimeout,
		maxIdle:     o.MaxIdleConns,
		idleTimeout: o.IdleTimeout,
		clock:       o.Clock,
	}
	if o.TLSConfig != nil {
		c.tlsConfig = o.TLSConfig.Clone()
	} else {
		c.tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if c.tlsConfig.ServerName == "" {
		c.tlsConfig.ServerName = host
	}
	if c.localName == "" {
		c.localName = DefaultLocalName
	}
	if c.dialTimeout == 0 {
		c.dialTimeout = DefaultDialTimeout
	}
	if c.sendTimeout == 0 {
		c.sendTimeout = DefaultSendTimeout
	}
	switch {
	case c.maxIdle == 0:
		c.maxIdle = DefaultMaxIdleConns
	case c.maxIdle < 0:
		c.maxIdle = 0
	}
	if c.idleTimeout == 0 {
		c.idleTimeout = DefaultIdleTimeout
	}
	if c.clock == nil {
		c.clock = commerce.SystemClock{}
	}
	return c, nil
}

// Name returns "smtp".
func (c *Channel) Name() string { return Name }

// Kind returns notify.Email.
func (c *Channel) Kind() notify.Kind { return notify.Email }

// Send delivers m in one SMTP transaction; see the package documentation
// for how failures are classified. After Close it is FailedPrecondition.
func (c *Channel) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	if m.Kind != notify.Email {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeInvalidArgument, "smtp: cannot send a %q message", m.Kind)
	}
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeInvalidArgument, "smtp: %w", err)
	}
	data, err := compose(m, c.from, c.clock.Now())
	if err != nil {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeInvalidArgument, "smtp: compose message: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeUnavailable, "smtp: not sent: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.sendTimeout)
	defer cancel()

	for {
		s, err := c.take()
		if err != nil {
			return notify.Receipt{}, err
		}
		fresh := s == nil
		if fresh {
			d := net.Dialer{Timeout: c.dialTimeout}
			conn, err := d.DialContext(ctx, "tcp", c.addr)
			if err != nil {
				return notify.Receipt{}, c.transportError(ctx, "connect", err)
			}
			s = &session{conn: conn}
		}
		ref, err := c.use(ctx, s, fresh, m.To, data)
		if err == nil {
			return notify.Receipt{ProviderRef: ref}, nil
		}
		if !fresh && stale(err) && ctx.Err() == nil {
			continue // the server dropped a kept session: nothing was sent on it
		}
		return notify.Receipt{}, c.classify(ctx, err)
	}
}

// use runs one mail transaction on s, greeting the server first when s is
// fresh, and keeps s for the next Send when it ends cleanly.
func (c *Channel) use(ctx context.Context, s *session, fresh bool, to string, data []byte) (string, error) {
	// The end of ctx (cancelled, or the send timeout) interrupts whatever
	// read or write is pending; ctx.Err() is set by then, so the failure
	// is reported as the context's.
	stop := context.AfterFunc(ctx, func() { _ = s.conn.SetDeadline(time.Unix(1, 0)) })
	var ref string
	var err error
	if fresh {
		err = c.handshake(s)
	}
	if err == nil {
		ref, err = c.transaction(s, to, data)
	}
	interrupted := !stop()
	switch {
	case err != nil:
		s.close()
		return "", err
	case interrupted:
		// Accepted, but the deadline set on the connection spoils it.
		s.close()
	default:
		c.put(s)
	}
	return ref, nil
}

// stale reports whether err is a kept session found dead at its first
// command: a broken connection, or the server announcing it is closing
// (421). No part of the message was sent, so a fresh session may retry.
func stale(err error) bool {
	var se *stepError
	if !errors.As(err, &se) || se.step != "MAIL" {
		return false
	}
	code, ok := replyCode(err)
	return !ok || code == 421
}

// take returns a kept session, nil when there is none, closing the ones
// idle for longer than IdleTimeout.
func (c *Channel) take() (*session, error) {
	now := c.clock.Now()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "smtp: channel closed")
	}
	n := 0
	for n < len(c.idle) && now.Sub(c.idle[n].lastUsed) >= c.idleTimeout {
		n++
	}
	expired := slices.Clone(c.idle[:n])
	c.idle = slices.Delete(c.idle, 0, n)
	var s *session
	if last := len(c.idle) - 1; last >= 0 {
		s = c.idle[last]
		c.idle = c.idle[:last]
	}
	c.mu.Unlock()
	for _, e := range expired {
		e.quit()
	}
	return s, nil
}

// put keeps s for a later Send, or ends it when the channel keeps enough
// or is closed.
func (c *Channel) put(s *session) {
	s.lastUsed = c.clock.Now()
	c.mu.Lock()
	if !c.closed && len(c.idle) < c.maxIdle {
		c.idle = append(c.idle, s)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	s.quit()
}

// Close ends the kept sessions with QUIT. Sends after Close are
// FailedPrecondition; a Send in progress finishes. Close is idempotent.
func (c *Channel) Close() error {
	c.mu.Lock()
	idle := c.idle
	c.idle, c.closed = nil, true
	c.mu.Unlock()
	for _, s := range idle {
		s.quit()
	}
	return nil
}

// session is one connection to the server and its SMTP client.
type session struct {
	conn     net.Conn
	cl       *netsmtp.Client
	lastUsed time.Time
}

// quitTimeout bounds the polite end of a session nobody waits for.
const quitTimeout = time.Second

// quit says QUIT and closes the connection.
func (s *session) quit() {
	_ = s.conn.SetDeadline(time.Now().Add(quitTimeout))
	if s.cl != nil {
		_ = s.cl.Quit()
	}
	s.close()
}

func (s *session) close() {
	if s.cl != nil {
		_ = s.cl.Close()
		return
	}
	_ = s.conn.Close()
}

// stepError records which SMTP step failed, for classification and
// messages.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// configError is a refusal of the channel's own making (no STARTTLS where
// required, credentials that would travel in clear).
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func step(name string, err error) error { return &stepError{step: name, err: err} }

// handshake reads the greeting, says EHLO, upgrades with STARTTLS and
// authenticates as the options ask. Errors are *stepError.
func (c *Channel) handshake(s *session) error {
	cl, err := netsmtp.NewClient(s.conn, c.host)
	if err != nil {
		return step("greeting", err)
	}
	s.cl = cl
	if err := cl.Hello(c.localName); err != nil {
		return step("EHLO", err)
	}
	if c.policy != TLSNone {
		if ok, _ := cl.Extension("STARTTLS"); ok {
			if err := cl.StartTLS(c.tlsConfig); err != nil {
				return step("STARTTLS", err)
			}
		} else if c.policy == TLSRequired {
			return step("STARTTLS", &configError{"the server does not offer STARTTLS and the TLS policy requires it"})
		}
	}
	if c.username != "" {
		if _, isTLS := cl.TLSConnectionState(); !isTLS && !isLoopback(c.host) {
			return step("AUTH", &configError{"credentials would be sent in clear to " + c.host})
		}
		if ok, _ := cl.Extension("AUTH"); !ok {
			return step("AUTH", &configError{"the server does not offer AUTH"})
		}
		if err := cl.Auth(netsmtp.PlainAuth("", c.username, c.password, c.host)); err != nil {
			return step("AUTH", err)
		}
	}
	return nil
}

// transaction sends one message on a greeted session and returns the
// queue ID the server reported. Once the server has taken the message the
// session is ready for the next MAIL. Errors are *stepError.
func (c *Channel) transaction(s *session, to string, data []byte) (string, error) {
	if err := s.cl.Mail(c.from.Address); err != nil {
		return "", step("MAIL", err)
	}
	if err := s.cl.Rcpt(to); err != nil {
		return "", step("RCPT", err)
	}
	ref, err := sendData(s.cl, data)
	if err != nil {
		return "", step("DATA", err)
	}
	return ref, nil
}

// sendData runs DATA by hand rather than through Client.Data, whose
// writer drops the final reply that carries the queue ID.
func sendData(cl *netsmtp.Client, data []byte) (string, error) {
	id, err := cl.Text.Cmd("DATA")
	if err != nil {
		return "", err
	}
	cl.Text.StartResponse(id)
	_, _, err = cl.Text.ReadResponse(354)
	cl.Text.EndResponse(id)
	if err != nil {
		return "", err
	}
	w := cl.Text.DotWriter()
	if _, err := w.Write(data); err != nil {
		_ = w.Close()
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	_, msg, err := cl.Text.ReadResponse(250)
	if err != nil {
		return "", err
	}
	return queueID(msg), nil
}

// queueID extracts the ID from a reply such as "2.0.0 Ok: queued as
// 4Bc1X" (Postfix, Mailpit); empty when the reply names none.
func queueID(reply string) string {
	_, after, ok := strings.Cut(reply, "queued as ")
	if !ok {
		return ""
	}
	if f := strings.Fields(after); len(f) > 0 {
		return strings.Trim(f[0], "<>")
	}
	return ""
}

// transportError classifies a failure outside any SMTP reply: the
// context's error when it ended, transient otherwise.
func (c *Channel) transportError(ctx context.Context, doing string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "smtp: %s %s: %w (%v)", doing, c.addr, ctxErr, err)
	}
	return commerce.Errorf(commerce.CodeUnavailable, "smtp: %s %s: %w", doing, c.addr, err)
}

// classify turns a failed session into a permanent or transient error.
func (c *Channel) classify(ctx context.Context, err error) error {
	var se *stepError
	doing := "session"
	if errors.As(err, &se) {
		doing = se.step
	}
	var ce *configError
	if errors.As(err, &ce) {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "smtp: %s %s: %w", doing, c.addr, err)
	}
	if code, ok := replyCode(err); ok {
		switch {
		case code >= 500 && doing == "RCPT":
			return commerce.Permanent(commerce.Errorf(commerce.CodeInvalidArgument, "smtp: %s %s: recipient refused: %w", doing, c.addr, err).WithDetail("field", "to"))
		case code >= 500:
			return commerce.Permanent(commerce.Errorf(commerce.CodeFailedPrecondition, "smtp: %s %s: %w", doing, c.addr, err))
		default:
			return commerce.Errorf(commerce.CodeUnavailable, "smtp: %s %s: %w", doing, c.addr, err)
		}
	}
	return c.transportError(ctx, doing, err)
}

// replyCode returns the SMTP reply code err carries, if any.
func replyCode(err error) (int, bool) {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code, true
	}
	return 0, false
}

// String describes the channel without its credentials.
func (c *Channel) String() string {
	return fmt.Sprintf("smtp(%s, from %s, tls %s)", c.addr, c.from.Address, c.policy)
}
