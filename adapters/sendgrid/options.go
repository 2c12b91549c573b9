package sendgrid

import (
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults applied by [New] to zero-valued options.
const (
	DefaultHost    = "https://api.sendgrid.com"
	DefaultTimeout = 30 * time.Second
)

// Options configure a [Channel]. APIKey and From are required.
type Options struct {
	// APIKey is a SendGrid API key with the Mail Send permission.
	APIKey string
	// From is the verified sender's bare address; FromName its optional
	// display name.
	From     string
	FromName string
	// Host is the API's base URL, DefaultHost when empty (use
	// "https://api.eu.sendgrid.com" for EU data residency, or a local
	// server in tests).
	Host string
	// HTTPClient sends the requests; a client of the channel's own with
	// Timeout when nil. Its own Timeout, if any, applies as well.
	HTTPClient *http.Client
	// Timeout bounds one Send on top of the caller's context;
	// DefaultTimeout when zero.
	Timeout time.Duration
}

// validate checks o and returns the host without a trailing slash.
func (o Options) validate() (string, error) {
	invalid := func(field, format string, args ...any) error {
		return commerce.Errorf(commerce.CodeInvalidArgument, "sendgrid: "+format, args...).WithDetail("field", field)
	}
	if o.APIKey == "" || strings.ContainsAny(o.APIKey, " \t\r\n") {
		return "", invalid("APIKey", "APIKey is empty or holds whitespace")
	}
	a, err := mail.ParseAddress(o.From)
	if err != nil || a.Address != o.From || a.Name != "" {
		return "", invalid("From", "From %q is not a bare email address", o.From)
	}
	if strings.ContainsAny(o.FromName, "\r\n") {
		return "", invalid("FromName", "FromName contains a line break")
	}
	host := o.Host
	if host == "" {
		host = DefaultHost
	}
	u, err := url.Parse(host)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", invalid("Host", "Host %q is not an http(s) base URL", o.Host)
	}
	if o.Timeout < 0 {
		return "", invalid("Timeout", "Timeout cannot be negative")
	}
	return strings.TrimRight(host, "/"), nil
}
