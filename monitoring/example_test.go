package monitoring_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mercatohq/mercato/monitoring"
)

// Example measures a mux and serves the metrics at /metrics.
func Example() {
	reg := prometheus.NewRegistry()
	m, err := monitoring.New(reg, nil) // no TracerProvider: no tracing
	if err != nil {
		panic(err)
	}
	api := http.NewServeMux()
	api.HandleFunc("GET /products/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "a product")
	})
	root := http.NewServeMux()
	root.Handle("/api/", http.StripPrefix("/api", m.HTTP("/api", api)))
	root.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	shop := m.Trace(root)

	shop.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/products/prd_123", nil))
	w := httptest.NewRecorder()
	shop.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if strings.HasPrefix(line, "mercato_http_request_duration_seconds_count") {
			fmt.Println(line)
		}
	}
	// Output:
	// mercato_http_request_duration_seconds_count{route="GET /api/products/{id}",status_class="2xx"} 1
}
