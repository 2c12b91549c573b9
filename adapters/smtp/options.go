package smtp

import (
	"crypto/tls"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// TLSPolicy says when a channel upgrades its connection with STARTTLS.
type TLSPolicy int

const (
	// TLSOpportunistic upgrades when the server offers STARTTLS and sends
	// in clear otherwise; certificates are verified when it upgrades. It
	// is the default.
	TLSOpportunistic TLSPolicy = iota
	// TLSRequired refuses to send unless the server offers STARTTLS and
	// the handshake succeeds.
	TLSRequired
	// TLSNone never upgrades. Only for a local relay or a test server.
	TLSNone
)

// String names the policy.
func (p TLSPolicy) String() string {
	switch p {
	case TLSOpportunistic:
		return "opportunistic"
	case TLSRequired:
		return "required"
	case TLSNone:
		return "none"
	}
	return "TLSPolicy(" + strconv.Itoa(int(p)) + ")"
}

// Defaults applied by [New] to zero-valued options.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultSendTimeout = 30 * time.Second
	DefaultLocalName   = "localhost"
	// DefaultMaxIdleConns sessions are kept open between Sends.
	DefaultMaxIdleConns = 2
	// DefaultIdleTimeout is well inside the five minutes RFC 5321 lets a
	// server wait for the next command, so a kept session is rarely found
	// closed by the server.
	DefaultIdleTimeout = 30 * time.Second
)

// Options configure a [Channel]. Addr and From are required.
type Options struct {
	// Addr is the server's host:port, such as "smtp.example.com:587".
	Addr string
	// From is the sender's bare address ("shop@example.com"); its domain
	// also names Message-IDs.
	From string
	// FromName is the sender's display name ("Mercato Shop"); optional.
	FromName string
	// Username and Password enable AUTH PLAIN; both or neither.
	Username string
	Password string
	// TLS is the STARTTLS policy; TLSOpportunistic by default.
	TLS TLSPolicy
	// TLSConfig is used for STARTTLS (to trust a private CA, for
	// instance); nil means the system roots. ServerName defaults to the
	// host of Addr. The channel clones it and never changes it.
	TLSConfig *tls.Config
	// LocalName is the name given in EHLO; DefaultLocalName when empty.
	LocalName string
	// DialTimeout bounds connecting; DefaultDialTimeout when zero.
	DialTimeout time.Duration
	// SendTimeout bounds one whole Send, connection included, on top of
	// the caller's context; DefaultSendTimeout when zero.
	SendTimeout time.Duration
	// MaxIdleConns is how many sessions the channel keeps open between
	// Sends, so a burst of mail does not pay a connection, EHLO, STARTTLS
	// and AUTH per message. DefaultMaxIdleConns when zero; negative keeps
	// none (one connection per message).
	MaxIdleConns int
	// IdleTimeout ends a kept session unused for this long;
	// DefaultIdleTimeout when zero.
	IdleTimeout time.Duration
	// Clock dates messages and times kept sessions; commerce.SystemClock{}
	// when nil.
	Clock commerce.Clock
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validate checks o and returns the resolved host of Addr and the sender.
func (o Options) validate() (host string, from *mail.Address, err error) {
	invalid := func(field, format string, args ...any) error {
		return commerce.Errorf(commerce.CodeInvalidArgument, "smtp: "+format, args...).WithDetail("field", field)
	}
	h, port, err := net.SplitHostPort(o.Addr)
	if err != nil || h == "" || port == "" {
		return "", nil, invalid("Addr", "Addr %q is not host:port", o.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return "", nil, invalid("Addr", "Addr %q has an invalid port", o.Addr)
	}
	a, err := mail.ParseAddress(o.From)
	if err != nil || a.Address != o.From || a.Name != "" || !strings.Contains(o.From, "@") {
		return "", nil, invalid("From", "From %q is not a bare email address", o.From)
	}
	if strings.ContainsAny(o.FromName, "\r\n") {
		return "", nil, invalid("FromName", "FromName contains a line break")
	}
	if (o.Username == "") != (o.Password == "") {
		return "", nil, invalid("Username", "Username and Password go together")
	}
	switch o.TLS {
	case TLSOpportunistic, TLSRequired, TLSNone:
	default:
		return "", nil, invalid("TLS", "unknown TLS policy %v", o.TLS)
	}
	if o.TLS == TLSNone && o.Username != "" && !isLoopback(h) {
		return "", nil, invalid("TLS", "credentials would be sent in clear to %s: use TLSRequired or TLSOpportunistic", h)
	}
	if strings.ContainsAny(o.LocalName, " \r\n") {
		return "", nil, invalid("LocalName", "LocalName %q is not a host name", o.LocalName)
	}
	if o.DialTimeout < 0 || o.SendTimeout < 0 || o.IdleTimeout < 0 {
		return "", nil, invalid("DialTimeout", "timeouts cannot be negative")
	}
	return h, &mail.Address{Name: o.FromName, Address: o.From}, nil
}
