package twilio_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/twilio"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "token0123456789"
	fromNumber = "+15017122661"
	// invalidNumber is Twilio's test number for "invalid To".
	invalidNumber = "+15005550001"
)

func newChannel(t testing.TB, baseURL string, mutate ...func(*twilio.Options)) *twilio.Channel {
	t.Helper()
	o := twilio.Options{AccountSID: accountSID, AuthToken: authToken, From: fromNumber, BaseURL: baseURL}
	for _, m := range mutate {
		m(&o)
	}
	ch, err := twilio.New(&o)
	require.NoError(t, err)
	return ch
}

func sms(to string) notify.Message {
	return notify.Message{ID: commerce.NewID[commerce.NotificationID](), Kind: notify.SMS, To: to, Text: "Order #1042 confirmed: €12.50 ✓", Event: "order.confirmed"}
}

func TestChannelSuite(t *testing.T) {
	f := newFakeTwilio(t, func(r recorded) (int, int) {
		if r.Form.Get("To") == invalidNumber {
			return http.StatusBadRequest, 21211
		}
		return http.StatusCreated, 0
	})
	notifytest.RunChannel(t, notifytest.ChannelHarness{
		New:           func(t testing.TB) notify.Channel { return newChannel(t, f.URL) },
		Delivered:     f.delivered,
		Undeliverable: invalidNumber,
		Down:          func(t testing.TB) notify.Channel { return newChannel(t, "http://"+testenv.ClosedAddr(t)) },
		Stalled: func(t testing.TB) (notify.Channel, <-chan struct{}) {
			url, reached := notifytest.StalledHTTPServer(t)
			return newChannel(t, url), reached
		},
	})
}

func TestExactRequest(t *testing.T) {
	f := newFakeTwilio(t, nil)
	r, err := newChannel(t, f.URL).Send(context.Background(), sms("+14155550123"))
	require.NoError(t, err)
	reqs := f.all()
	require.Len(t, reqs, 1)
	got := reqs[0]
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/2010-04-01/Accounts/"+accountSID+"/Messages.json", got.Path)
	assert.Equal(t, "application/x-www-form-urlencoded", got.ContentType)
	assert.True(t, got.BasicAuth)
	assert.Equal(t, accountSID, got.User)
	assert.Equal(t, authToken, got.Password)
	assert.Equal(t, url.Values{
		"To":   {"+14155550123"},
		"From": {fromNumber},
		"Body": {"Order #1042 confirmed: €12.50 ✓"},
	}, got.Form)
	assert.Equal(t, got.SID, r.ProviderRef)
	assert.Regexp(t, `^SM[0-9]{32}$`, r.ProviderRef)
}

func TestMessagingService(t *testing.T) {
	f := newFakeTwilio(t, nil)
	ch := newChannel(t, f.URL, func(o *twilio.Options) { o.From, o.MessagingServiceSID = "", "MG0123456789abcdef0123456789abcdef" })
	_, err := ch.Send(context.Background(), sms("+14155550123"))
	require.NoError(t, err)
	form := f.all()[0].Form
	assert.Equal(t, "MG0123456789abcdef0123456789abcdef", form.Get("MessagingServiceSid"))
	assert.NotContains(t, form, "From")
}

func TestClassification(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		code      int
		permanent bool
		want      commerce.ErrorCode
	}{
		{"InvalidTo", 400, 21211, true, commerce.CodeInvalidArgument},
		{"NotMobile", 400, 21614, true, commerce.CodeInvalidArgument},
		{"Unsubscribed", 400, 21610, true, commerce.CodeInvalidArgument},
		{"BadFrom", 400, 21606, true, commerce.CodeInvalidArgument},
		{"Authentication", 401, 20003, true, commerce.CodeUnauthenticated},
		{"NotFound", 404, 20404, true, commerce.CodeInvalidArgument},
		{"TooManyRequests", 429, 20429, false, commerce.CodeResourceExhausted},
		{"ServerError", 500, 20500, false, commerce.CodeUnavailable},
		{"Unavailable", 503, 20503, false, commerce.CodeUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeTwilio(t, func(recorded) (int, int) { return c.status, c.code })
			_, err := newChannel(t, f.URL).Send(context.Background(), sms("+14155550123"))
			require.Error(t, err)
			assert.Equal(t, c.permanent, commerce.IsPermanent(err), "%v", err)
			assert.Equal(t, c.want, commerce.Code(err), "%v", err)
		})
	}
	t.Run("UndecodableBadGateway", func(t *testing.T) {
		srv := newHTMLServer(t, http.StatusBadGateway)
		_, err := newChannel(t, srv).Send(context.Background(), sms("+14155550123"))
		require.Error(t, err)
		assert.False(t, commerce.IsPermanent(err), "%v", err)
	})
}

func TestNewValidatesOptions(t *testing.T) {
	cases := map[string]func(o *twilio.Options){
		"NoAccount":          func(o *twilio.Options) { o.AccountSID = "" },
		"AccountNotAC":       func(o *twilio.Options) { o.AccountSID = "XX0123" },
		"AccountWithSymbols": func(o *twilio.Options) { o.AccountSID = "AC01-23" },
		"NoToken":            func(o *twilio.Options) { o.AuthToken = "" },
		"NoSender":           func(o *twilio.Options) { o.From = "" },
		"BothSenders":        func(o *twilio.Options) { o.MessagingServiceSID = "MG0123" },
		"FromNotE164":        func(o *twilio.Options) { o.From = "5017122661" },
		"ServiceNotMG":       func(o *twilio.Options) { o.From, o.MessagingServiceSID = "", "XX0123" },
		"BaseURLNotURL":      func(o *twilio.Options) { o.BaseURL = "api.twilio.com" },
		"BaseURLWithPath":    func(o *twilio.Options) { o.BaseURL = "https://api.twilio.com/2010-04-01" },
		"NegativeTimeout":    func(o *twilio.Options) { o.Timeout = -1 },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			o := twilio.Options{AccountSID: accountSID, AuthToken: authToken, From: fromNumber}
			mutate(&o)
			_, err := twilio.New(&o)
			assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%v", err)
		})
	}
	_, err := twilio.New(nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "nil options lack the account: %v", err)
}

// newHTMLServer answers every request with status and an HTML page, as a
// proxy in front of Twilio might.
func newHTMLServer(t testing.TB, status int) string {
	srv := newFakeTwilio(t, nil)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = w.Write([]byte("<html>bad gateway</html>"))
	})
	return srv.URL
}
