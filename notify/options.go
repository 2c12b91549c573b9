package notify

import (
	"context"
	"io/fs"
	"log/slog"
	"net/url"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/retry"
)

// Options configures a Service. A nil *Options, and every zero field,
// takes the documented default.
type Options struct {
	// Clock stamps deliveries and leases. Default: the system clock.
	Clock commerce.Clock
	// Templates overrides the embedded templates, file by file. Its root
	// holds <event name>/<locale>/<file> with the files subject.txt,
	// email.txt and sms.txt (text/template) and email.html
	// (html/template). A file found here wins over the embedded file of
	// the same path; directories for events without embedded templates
	// add notifications for those events. Default: none.
	Templates fs.FS
	// ShopName is shown in messages. Default: "Mercato".
	ShopName string
	// BaseURL is the shop's public URL, from which templates build links
	// (the url template function). Default: "http://localhost:8080".
	BaseURL string
	// Retry is the backoff between sends of one delivery within one
	// Notify call.
	Retry Retry
	// Lease is how long a claimed delivery belongs to its sender. A
	// pending delivery older than that is taken over by a later attempt:
	// that takeover, after a sender crashed between sending and recording,
	// is the one case in which a message can be sent twice. It must
	// exceed the time the whole Retry schedule can take. Default: 1m.
	Lease time.Duration
	// Sleep waits d or until ctx ends (then returning ctx's error); tests
	// replace it to observe backoff without waiting. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives skipped notifications and failures. It never sees
	// message bodies. Default: slog.Default().
	Logger *slog.Logger
	// Bindings adds or replaces event bindings: how the payload of an
	// event maps to a Request. Each event needs templates. Default: none
	// beyond the built-in ones.
	Bindings map[string]Binding
}

// Retry is exponential backoff between attempts of one delivery.
type Retry struct {
	// MaxAttempts counts sends per Notify call, the first included.
	// Default: 5.
	MaxAttempts int
	// Initial is the wait after the first failure. Default: 200ms.
	Initial time.Duration
	// Max caps the wait. Default: 10s.
	Max time.Duration
	// Multiplier grows the wait after each failure; at least 1.
	// Default: 2.
	Multiplier float64
}

// policy returns r in the form the shared retry loop runs.
func (r Retry) policy() retry.Policy {
	return retry.Policy{MaxAttempts: r.MaxAttempts, Initial: r.Initial, Max: r.Max, Multiplier: r.Multiplier}
}

func (o *Options) resolved() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Clock == nil {
		out.Clock = commerce.SystemClock{}
	}
	if out.ShopName == "" {
		out.ShopName = "Mercato"
	}
	if out.BaseURL == "" {
		out.BaseURL = "http://localhost:8080"
	}
	if u, err := url.Parse(out.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "notify: BaseURL %q must be an absolute http(s) URL", out.BaseURL).WithDetail("field", "base_url")
	}
	r := &out.Retry
	if r.MaxAttempts == 0 {
		r.MaxAttempts = 5
	}
	if r.Initial == 0 {
		r.Initial = 200 * time.Millisecond
	}
	if r.Max == 0 {
		r.Max = 10 * time.Second
	}
	if r.Multiplier == 0 {
		r.Multiplier = 2
	}
	switch {
	case r.MaxAttempts < 1:
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "notify: Retry.MaxAttempts must be at least 1, got %d", r.MaxAttempts)
	case r.Initial < 0 || r.Max < r.Initial:
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "notify: Retry needs 0 <= Initial <= Max, got %v and %v", r.Initial, r.Max)
	case r.Multiplier < 1:
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "notify: Retry.Multiplier must be at least 1, got %v", r.Multiplier)
	}
	if out.Lease == 0 {
		out.Lease = time.Minute
	}
	if out.Lease <= r.policy().Budget() {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "notify: Lease %v must exceed the retry schedule (%v)", out.Lease, r.policy().Budget())
	}
	if out.Sleep == nil {
		out.Sleep = commerce.Sleep
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out, nil
}
