package notifytest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// StalledHTTPServer starts a local HTTP server that takes every request
// and never answers it, for the Stalled harness of channels that call an
// HTTP API. reached is closed when the first request arrives. The server
// lets its requests go and closes at cleanup.
func StalledHTTPServer(t testing.TB) (url string, reached <-chan struct{}) {
	t.Helper()
	arrived := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(arrived) })
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	return srv.URL, arrived
}
