package twilio

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults applied by [New] to zero-valued options.
const (
	DefaultBaseURL = "https://api.twilio.com"
	DefaultTimeout = 30 * time.Second
)

// Options configure a [Channel]. AccountSID, AuthToken and one of From or
// MessagingServiceSID are required.
type Options struct {
	// AccountSID ("AC...") and AuthToken authenticate every request.
	AccountSID string
	AuthToken  string
	// From is the sending Twilio number in E.164 form. Leave it empty to
	// send through MessagingServiceSID ("MG...") instead; exactly one of
	// the two is set.
	From                string
	MessagingServiceSID string
	// BaseURL replaces https://api.twilio.com (a regional or edge host,
	// a proxy, or a local server in tests); the request path is kept.
	BaseURL string
	// Transport carries the requests; a clone of http.DefaultTransport
	// of the channel's own when nil.
	Transport http.RoundTripper
	// Timeout bounds one Send on top of the caller's context;
	// DefaultTimeout when zero.
	Timeout time.Duration
}

// alphanumeric reports whether s is non-empty and only ASCII letters and
// digits, as Twilio requires of SIDs and tokens.
func alphanumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// validate checks o and returns the parsed base URL.
func (o Options) validate() (*url.URL, error) {
	invalid := func(field, format string, args ...any) error {
		return commerce.Errorf(commerce.CodeInvalidArgument, "twilio: "+format, args...).WithDetail("field", field)
	}
	if !alphanumeric(o.AccountSID) || !strings.HasPrefix(o.AccountSID, "AC") {
		return nil, invalid("AccountSID", "AccountSID must be AC followed by letters and digits")
	}
	if !alphanumeric(o.AuthToken) {
		return nil, invalid("AuthToken", "AuthToken is empty or not alphanumeric")
	}
	switch {
	case o.From == "" && o.MessagingServiceSID == "":
		return nil, invalid("From", "set From or MessagingServiceSID")
	case o.From != "" && o.MessagingServiceSID != "":
		return nil, invalid("From", "set From or MessagingServiceSID, not both")
	case o.From != "" && !commerce.IsE164(o.From):
		return nil, invalid("From", "From %q is not an E.164 number", o.From)
	case o.MessagingServiceSID != "" && (!alphanumeric(o.MessagingServiceSID) || !strings.HasPrefix(o.MessagingServiceSID, "MG")):
		return nil, invalid("MessagingServiceSID", "MessagingServiceSID must be MG followed by letters and digits")
	}
	base := o.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, invalid("BaseURL", "BaseURL %q is not an http(s) scheme and host", o.BaseURL)
	}
	if o.Timeout < 0 {
		return nil, invalid("Timeout", "Timeout cannot be negative")
	}
	return u, nil
}
