package twilio_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/mercatohq/mercato/notify/notifytest"
)

// recorded is one request as the local server received it.
type recorded struct {
	Method, Path, ContentType string
	User, Password            string
	BasicAuth                 bool
	Form                      url.Values
	Status                    int
	SID                       string
}

// fakeTwilio records every request and answers with respond (201 and a
// fresh message SID by default), in Twilio's JSON shapes.
type fakeTwilio struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	next     int
	respond  func(r recorded) (status int, errorCode int)
}

func newFakeTwilio(t testing.TB, respond func(r recorded) (int, int)) *fakeTwilio {
	t.Helper()
	f := &fakeTwilio{respond: respond}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTwilio) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	rec := recorded{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Form: r.PostForm}
	rec.User, rec.Password, rec.BasicAuth = r.BasicAuth()
	status, code := http.StatusCreated, 0
	if f.respond != nil {
		status, code = f.respond(rec)
	}
	f.mu.Lock()
	if status == http.StatusCreated {
		f.next++
		rec.SID = fmt.Sprintf("SM%032d", f.next)
	}
	rec.Status = status
	f.requests = append(f.requests, rec)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status == http.StatusCreated {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"sid": rec.SID, "status": "queued", "to": rec.Form.Get("To"), "from": rec.Form.Get("From"),
			"body": rec.Form.Get("Body"), "num_segments": "1", "direction": "outbound-api",
		})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"code": code, "message": fmt.Sprintf("error %d", code),
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status,
	})
}

func (f *fakeTwilio) all() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

func (f *fakeTwilio) delivered(testing.TB) []notifytest.Delivered {
	var out []notifytest.Delivered
	for _, r := range f.all() {
		if r.Status == http.StatusCreated {
			out = append(out, notifytest.Delivered{To: r.Form.Get("To"), Text: r.Form.Get("Body"), ProviderRef: r.SID})
		}
	}
	return out
}
