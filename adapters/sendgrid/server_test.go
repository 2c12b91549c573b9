package sendgrid_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/mercatohq/mercato/notify/notifytest"
)

// recorded is one request as the local server received it.
type recorded struct {
	Method, Path, Auth, ContentType string
	Body                            map[string]any
	Raw                             []byte
	Status                          int
	MessageID                       string
}

// fakeSendGrid records every request and answers with respond (202 and a
// fresh X-Message-Id by default).
type fakeSendGrid struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	next     int
	respond  func(r recorded) (status int, body string)
}

func newFakeSendGrid(t testing.TB, respond func(r recorded) (int, string)) *fakeSendGrid {
	t.Helper()
	f := &fakeSendGrid{respond: respond}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSendGrid) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	rec := recorded{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), Raw: raw}
	_ = json.Unmarshal(raw, &rec.Body)
	status, body := http.StatusAccepted, ""
	if f.respond != nil {
		status, body = f.respond(rec)
	}
	f.mu.Lock()
	if status == http.StatusAccepted {
		f.next++
		rec.MessageID = fmt.Sprintf("sg-msg-%d", f.next)
		w.Header().Set("X-Message-Id", rec.MessageID)
	}
	rec.Status = status
	f.requests = append(f.requests, rec)
	f.mu.Unlock()
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (f *fakeSendGrid) all() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

// delivered turns the accepted requests into what the suite compares.
func (f *fakeSendGrid) delivered(t testing.TB) []notifytest.Delivered {
	var out []notifytest.Delivered
	for _, r := range f.all() {
		if r.Status != http.StatusAccepted {
			continue
		}
		var body struct {
			Personalizations []struct {
				To []struct{ Email string } `json:"to"`
			} `json:"personalizations"`
			Subject string `json:"subject"`
			Content []struct {
				Type  string `json:"type"`
				Value string `json:"value"`
			} `json:"content"`
			CustomArgs map[string]string `json:"custom_args"`
		}
		if err := json.Unmarshal(r.Raw, &body); err != nil {
			t.Fatalf("request body: %v", err)
		}
		d := notifytest.Delivered{Subject: body.Subject, ProviderRef: r.MessageID, MessageID: body.CustomArgs["mercato_notification_id"]}
		for _, c := range body.Content {
			switch c.Type {
			case "text/plain":
				d.Text = c.Value
			case "text/html":
				d.HTML = c.Value
			}
		}
		for _, p := range body.Personalizations {
			for _, to := range p.To {
				d.To = to.Email
				out = append(out, d)
			}
		}
	}
	return out
}
