package twilio

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	twiliogo "github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// Name is the channel's name in the delivery log.
const Name = "twilio"

// Channel sends SMS through Twilio. It is safe for concurrent use.
type Channel struct {
	accountSID string
	authToken  string
	from       string
	service    string
	base       *url.URL
	transport  http.RoundTripper
	timeout    time.Duration
}

var _ notify.Channel = (*Channel)(nil)

// New returns a channel for opts, or an InvalidArgument error naming the
// option at fault (a nil opts is the zero value, which lacks the required
// options). It makes no request.
func New(opts *Options) (*Channel, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	base, err := o.validate()
	if err != nil {
		return nil, err
	}
	c := &Channel{
		accountSID: o.AccountSID,
		authToken:  o.AuthToken,
		from:       o.From,
		service:    o.MessagingServiceSID,
		base:       base,
		transport:  o.Transport,
		timeout:    o.Timeout,
	}
	if c.transport == nil {
		c.transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	return c, nil
}

// Name returns "twilio".
func (c *Channel) Name() string { return Name }

// Kind returns notify.SMS.
func (c *Channel) Kind() notify.Kind { return notify.SMS }

// Send creates one Message resource for m; see the package documentation
// for how failures are classified.
func (c *Channel) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	if m.Kind != notify.SMS {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeInvalidArgument, "twilio: cannot send a %q message", m.Kind)
	}
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeInvalidArgument, "twilio: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeUnavailable, "twilio: not sent: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	params := &openapi.CreateMessageParams{}
	params.SetTo(m.To)
	params.SetBody(m.Text)
	if c.service != "" {
		params.SetMessagingServiceSid(c.service)
	} else {
		params.SetFrom(c.from)
	}
	msg, err := c.restClient(ctx).Api.CreateMessage(params)
	if err != nil {
		return notify.Receipt{}, classify(ctx, err)
	}
	var ref string
	if msg != nil && msg.Sid != nil {
		ref = *msg.Sid
	}
	return notify.Receipt{ProviderRef: ref}, nil
}

// restClient returns a client bound to ctx: twilio-go builds its requests
// without one, so the transport attaches it.
func (c *Channel) restClient(ctx context.Context) *twiliogo.RestClient {
	base := &client.Client{
		Credentials: client.NewCredentials(c.accountSID, c.authToken),
		HTTPClient: &http.Client{
			Transport: ctxTransport{ctx: ctx, base: c.base, next: c.transport},
			// Twilio's own default: a redirect is an answer, not a hop.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	base.SetAccountSid(c.accountSID)
	rc := twiliogo.NewRestClientWithParams(twiliogo.ClientParams{Client: base})
	// The host comes from BaseURL, never from TWILIO_EDGE/TWILIO_REGION.
	rc.Edge, rc.Region = "", ""
	return rc
}

// ctxTransport sends each request with ctx and on base's scheme and host.
type ctxTransport struct {
	ctx  context.Context
	base *url.URL
	next http.RoundTripper
}

func (t ctxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(t.ctx)
	r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, ""
	return t.next.RoundTrip(r)
}

// permanentCodes are Twilio error codes about the recipient or the
// message, which no retry fixes, even if they came with another status.
var permanentCodes = map[int]bool{
	21211: true, // invalid To number
	21214: true, // To number cannot be reached
	21408: true, // permission to send to this region not enabled
	21610: true, // recipient unsubscribed (STOP)
	21612: true, // To number not reachable from this From
	21614: true, // To number is not a mobile number
	21617: true, // body exceeds the concatenated length limit
}

// classify turns a twilio-go error into a permanent or transient error.
func classify(ctx context.Context, err error) error {
	var te *client.TwilioRestError
	if errors.As(err, &te) {
		e := commerce.Errorf(commerce.CodeUnavailable, "twilio: create message: %w", err).WithDetail("twilio_code", te.Code).WithDetail("status", te.Status)
		switch {
		case permanentCodes[te.Code]:
			e.Code = commerce.CodeInvalidArgument
			return commerce.Permanent(e.WithDetail("field", "to"))
		case te.Status == http.StatusTooManyRequests:
			e.Code = commerce.CodeResourceExhausted
			return e
		case te.Status >= 500:
			return e
		case te.Status == http.StatusUnauthorized:
			e.Code = commerce.CodeUnauthenticated
			return commerce.Permanent(e)
		case te.Status >= 400:
			e.Code = commerce.CodeInvalidArgument
			return commerce.Permanent(e)
		}
		return e
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "twilio: create message: %w (%v)", ctxErr, err)
	}
	// A connection failure, or an error answer twilio-go could not decode
	// (a proxy's HTML 502): try again.
	return commerce.Errorf(commerce.CodeUnavailable, "twilio: create message: %w", err)
}
