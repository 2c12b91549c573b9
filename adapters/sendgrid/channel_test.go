package sendgrid_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/sendgrid"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

const apiKey = "SG.test-key"

func newChannel(t testing.TB, host string) *sendgrid.Channel {
	t.Helper()
	ch, err := sendgrid.New(&sendgrid.Options{APIKey: apiKey, From: "shop@mercato.example", FromName: "Mercato Shop", Host: host})
	require.NoError(t, err)
	return ch
}

// refused is the recipient the fake refuses the way SendGrid refuses a
// malformed address.
const refused = "refused@example.org"

func TestChannelSuite(t *testing.T) {
	f := newFakeSendGrid(t, func(r recorded) (int, string) {
		if strings.Contains(string(r.Raw), refused) {
			return http.StatusBadRequest, `{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email"}]}`
		}
		return http.StatusAccepted, ""
	})
	notifytest.RunChannel(t, notifytest.ChannelHarness{
		New:           func(t testing.TB) notify.Channel { return newChannel(t, f.URL) },
		Delivered:     f.delivered,
		Undeliverable: refused,
		Down:          func(t testing.TB) notify.Channel { return newChannel(t, "http://"+testenv.ClosedAddr(t)) },
		Stalled: func(t testing.TB) (notify.Channel, <-chan struct{}) {
			url, reached := notifytest.StalledHTTPServer(t)
			return newChannel(t, url), reached
		},
	})
}

func TestExactRequest(t *testing.T) {
	f := newFakeSendGrid(t, nil)
	ch := newChannel(t, f.URL)
	m := notify.Message{
		ID: commerce.NewID[commerce.NotificationID](), Kind: notify.Email,
		To: "zoe@example.com", ToName: "Zoë Ünal",
		Subject: "Order #1042 confirmed", Text: "Total €12.50", HTML: "<p>Total &euro;12.50 &amp; more</p>",
		Event: "order.confirmed",
	}
	r, err := ch.Send(context.Background(), m)
	require.NoError(t, err)
	reqs := f.all()
	require.Len(t, reqs, 1)
	got := reqs[0]
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v3/mail/send", got.Path)
	assert.Equal(t, "Bearer "+apiKey, got.Auth)
	assert.Equal(t, "application/json", got.ContentType)
	assert.Equal(t, "sg-msg-1", r.ProviderRef)
	assert.Equal(t, map[string]any{
		"from":    map[string]any{"name": "Mercato Shop", "email": "shop@mercato.example"},
		"subject": "Order #1042 confirmed",
		"personalizations": []any{map[string]any{
			"to": []any{map[string]any{"name": "Zoë Ünal", "email": "zoe@example.com"}},
		}},
		"content": []any{
			map[string]any{"type": "text/plain", "value": "Total €12.50"},
			map[string]any{"type": "text/html", "value": "<p>Total &euro;12.50 &amp; more</p>"},
		},
		"custom_args": map[string]any{"mercato_notification_id": m.ID.String(), "mercato_event": "order.confirmed"},
		"categories":  []any{"order.confirmed"},
	}, got.Body)
}

func TestTextOnlyHasOneContent(t *testing.T) {
	f := newFakeSendGrid(t, nil)
	ch := newChannel(t, f.URL)
	m := notify.Message{ID: commerce.NewID[commerce.NotificationID](), Kind: notify.Email, To: "a@example.com", Subject: "s", Text: "t"}
	_, err := ch.Send(context.Background(), m)
	require.NoError(t, err)
	body := f.all()[0].Body
	assert.Equal(t, []any{map[string]any{"type": "text/plain", "value": "t"}}, body["content"])
	assert.NotContains(t, body, "categories")
}

func TestClassification(t *testing.T) {
	cases := []struct {
		status    int
		permanent bool
		code      commerce.ErrorCode
	}{
		{http.StatusBadRequest, true, commerce.CodeInvalidArgument},
		{http.StatusUnauthorized, true, commerce.CodeUnauthenticated},
		{http.StatusForbidden, true, commerce.CodePermissionDenied},
		{http.StatusNotFound, true, commerce.CodeInvalidArgument},
		{http.StatusRequestEntityTooLarge, true, commerce.CodeInvalidArgument},
		{http.StatusTooManyRequests, false, commerce.CodeResourceExhausted},
		{http.StatusInternalServerError, false, commerce.CodeUnavailable},
		{http.StatusBadGateway, false, commerce.CodeUnavailable},
		{http.StatusServiceUnavailable, false, commerce.CodeUnavailable},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			f := newFakeSendGrid(t, func(recorded) (int, string) {
				return c.status, `{"errors":[{"message":"nope","field":"from"}]}`
			})
			_, err := newChannel(t, f.URL).Send(context.Background(), notify.Message{
				ID: commerce.NewID[commerce.NotificationID](), Kind: notify.Email, To: "a@example.com", Subject: "s", Text: "t",
			})
			require.Error(t, err)
			assert.Equal(t, c.permanent, commerce.IsPermanent(err), "%v", err)
			assert.Equal(t, c.code, commerce.Code(err), "%v", err)
			assert.Contains(t, err.Error(), "from: nope")
		})
	}
}

func TestNewValidatesOptions(t *testing.T) {
	ok := sendgrid.Options{APIKey: apiKey, From: "shop@example.com"}
	cases := map[string]func(o *sendgrid.Options){
		"NoKey":           func(o *sendgrid.Options) { o.APIKey = "" },
		"KeyWithNewline":  func(o *sendgrid.Options) { o.APIKey = "SG.x\n" },
		"NoFrom":          func(o *sendgrid.Options) { o.From = "" },
		"FromWithName":    func(o *sendgrid.Options) { o.From = "Shop <shop@example.com>" },
		"FromNameNewline": func(o *sendgrid.Options) { o.FromName = "a\r\nb" },
		"HostNotURL":      func(o *sendgrid.Options) { o.Host = "api.sendgrid.com" },
		"HostFTP":         func(o *sendgrid.Options) { o.Host = "ftp://api.sendgrid.com" },
		"NegativeTimeout": func(o *sendgrid.Options) { o.Timeout = -1 },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			o := ok
			mutate(&o)
			_, err := sendgrid.New(&o)
			assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%v", err)
		})
	}
	_, err := sendgrid.New(&ok)
	assert.NoError(t, err)
	_, err = sendgrid.New(nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "nil options lack the key: %v", err)
}
