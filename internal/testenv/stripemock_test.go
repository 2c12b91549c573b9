package testenv_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mercatohq/mercato/internal/testenv"
)

func TestStripeMockAnswersAndIsIsolated(t *testing.T) {
	a := testenv.StripeMock(t)
	b := testenv.StripeMock(t)
	if a == b {
		t.Fatalf("two servers share %s", a)
	}
	for _, base := range []string{a, b} {
		if !strings.HasPrefix(base, "http://127.0.0.1:") {
			t.Errorf("base URL %q is not on loopback", base)
		}
		req, err := http.NewRequest(http.MethodPost, base+"/v1/payment_intents", strings.NewReader("amount=1999&currency=usd&capture_method=manual"))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth("sk_test_123", "")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", base, err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"object":"payment_intent"`) {
			t.Errorf("POST /v1/payment_intents: %s %s", resp.Status, body)
		}
	}
}
