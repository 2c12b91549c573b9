package sendgrid

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/sendgrid/rest"
	sendgridgo "github.com/sendgrid/sendgrid-go"
	"github.com/sendgrid/sendgrid-go/helpers/mail"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// Name is the channel's name in the delivery log.
const Name = "sendgrid"

// Custom argument keys set on every message; SendGrid echoes them in its
// event webhooks.
const (
	ArgNotificationID = "mercato_notification_id"
	ArgEvent          = "mercato_event"
)

// mailSendPath is the v3 Mail Send endpoint.
const mailSendPath = "/v3/mail/send"

// Channel sends email through SendGrid. It is safe for concurrent use.
type Channel struct {
	apiKey  string
	from    *mail.Email
	host    string
	client  *rest.Client
	timeout time.Duration
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
	host, err := o.validate()
	if err != nil {
		return nil, err
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: timeout}
	}
	return &Channel{
		apiKey:  o.APIKey,
		from:    mail.NewEmail(o.FromName, o.From),
		host:    host,
		client:  &rest.Client{HTTPClient: hc},
		timeout: timeout,
	}, nil
}

// Name returns "sendgrid".
func (c *Channel) Name() string { return Name }

// Kind returns notify.Email.
func (c *Channel) Kind() notify.Kind { return notify.Email }

// Send posts m to the Mail Send API; see the package documentation for
// how responses are classified.
func (c *Channel) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	if m.Kind != notify.Email {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeInvalidArgument, "sendgrid: cannot send a %q message", m.Kind)
	}
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeInvalidArgument, "sendgrid: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, commerce.Errorf(commerce.CodeUnavailable, "sendgrid: not sent: %w", err)
	}
	req := sendgridgo.GetRequest(c.apiKey, mailSendPath, c.host)
	req.Method = rest.Post
	req.Body = mail.GetRequestBody(c.build(m))

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.client.SendWithContext(ctx, req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return notify.Receipt{}, commerce.Errorf(commerce.CodeUnavailable, "sendgrid: mail send: %w (%v)", ctxErr, err)
		}
		return notify.Receipt{}, commerce.Errorf(commerce.CodeUnavailable, "sendgrid: mail send: %w", err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return notify.Receipt{ProviderRef: http.Header(resp.Headers).Get("X-Message-Id")}, nil
	}
	return notify.Receipt{}, classify(resp)
}

// build maps m onto a v3 mail.
func (c *Channel) build(m notify.Message) *mail.SGMailV3 {
	p := mail.NewPersonalization()
	p.AddTos(mail.NewEmail(m.ToName, m.To))
	sg := mail.NewV3Mail()
	sg.SetFrom(c.from)
	sg.Subject = m.Subject
	sg.AddPersonalizations(p)
	sg.AddContent(mail.NewContent("text/plain", m.Text))
	if m.HTML != "" {
		sg.AddContent(mail.NewContent("text/html", m.HTML))
	}
	sg.SetCustomArg(ArgNotificationID, m.ID.String())
	if m.Event != "" {
		sg.SetCustomArg(ArgEvent, m.Event)
		sg.AddCategories(m.Event)
	}
	return sg
}

// classify turns a non-2xx response into a permanent or transient error
// carrying SendGrid's own messages.
func classify(resp *rest.Response) error {
	msg := apiMessage(resp.Body)
	status := resp.StatusCode
	switch {
	case status == http.StatusTooManyRequests:
		return commerce.Errorf(commerce.CodeResourceExhausted, "sendgrid: mail send: %d rate limited: %s", status, msg).WithDetail("status", status)
	case status >= 500:
		return commerce.Errorf(commerce.CodeUnavailable, "sendgrid: mail send: %d: %s", status, msg).WithDetail("status", status)
	case status == http.StatusUnauthorized:
		return commerce.Permanent(commerce.Errorf(commerce.CodeUnauthenticated, "sendgrid: mail send: %d API key refused: %s", status, msg).WithDetail("status", status))
	case status == http.StatusForbidden:
		return commerce.Permanent(commerce.Errorf(commerce.CodePermissionDenied, "sendgrid: mail send: %d forbidden: %s", status, msg).WithDetail("status", status))
	case status >= 400:
		return commerce.Permanent(commerce.Errorf(commerce.CodeInvalidArgument, "sendgrid: mail send: %d refused: %s", status, msg).WithDetail("status", status))
	default:
		// 1xx or 3xx: not an answer Mail Send gives; try again later.
		return commerce.Errorf(commerce.CodeUnavailable, "sendgrid: mail send: unexpected %d: %s", status, msg).WithDetail("status", status)
	}
}

// apiMessage extracts the messages of a SendGrid error body
// ({"errors":[{"message":..., "field":...}]}), or returns the body
// shortened when it is not one.
func apiMessage(body string) string {
	var e struct {
		Errors []struct {
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &e) == nil && len(e.Errors) > 0 {
		parts := make([]string, 0, len(e.Errors))
		for _, x := range e.Errors {
			if x.Field != "" {
				parts = append(parts, x.Field+": "+x.Message)
			} else {
				parts = append(parts, x.Message)
			}
		}
		return strings.Join(parts, "; ")
	}
	if len(body) > 200 {
		body = body[:200] + "..."
	}
	return body
}
