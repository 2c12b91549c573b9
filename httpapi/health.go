package httpapi

import "net/http"

// HealthPath is the route every API answers 200 {"status":"ok"} on while
// it serves: the target of a gateway's or a load balancer's health
// checks. It needs no credentials, is no service's and is not in the
// OpenAPI document.
const HealthPath = "/healthz"

// Health is the body of GET /healthz.
type Health struct {
	Status string `json:"status"`
}

// healthRoute serves GET /healthz.
func (a *API) healthRoute() {
	a.mux.HandleFunc(http.MethodGet+" "+HealthPath, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, Health{Status: "ok"})
	})
}
