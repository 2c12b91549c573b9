package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// EnvRequireServices is the environment variable that, when set to a true
// value (as understood by [strconv.ParseBool], e.g. "1"), turns a skip for an
// unreachable service into a test failure.
const EnvRequireServices = "MERCATO_REQUIRE_SERVICES"

const (
	// connectTimeout bounds how long a helper waits for a service before it
	// declares it unreachable.
	connectTimeout = 2 * time.Second
	// cleanupTimeout bounds each cleanup step, so a wedged service cannot
	// hang the test binary.
	cleanupTimeout = 30 * time.Second
)

// RequireServices reports whether unreachable services must fail tests
// rather than skip them, i.e. whether [EnvRequireServices] is set to a true
// value.
func RequireServices() bool {
	v, err := strconv.ParseBool(strings.TrimSpace(os.Getenv(EnvRequireServices)))
	return err == nil && v
}

// envOr returns the value of the environment variable name, or def when it
// is unset or empty.
func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

// requireOrSkip is the single place that applies the skip/fail rule: the
// test is skipped because service could not be reached at addr, unless
// [RequireServices] is true, in which case it fails. The message names
// envVar so the reader knows what to set. It never returns.
func requireOrSkip(t testing.TB, service, addr, envVar string, err error) {
	t.Helper()
	msg := fmt.Sprintf("%s not reachable at %s (set %s): %v", service, redact(addr), envVar, err)
	if RequireServices() {
		t.Fatalf("%s [%s is set, so this fails instead of skipping]", msg, EnvRequireServices)
	}
	t.Skip(msg)
}

// redact hides a password embedded in a URL so it never reaches test logs.
// Strings that are not URLs are returned unchanged.
func redact(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme == "" || u.User == nil {
		return addr
	}
	return u.Redacted()
}

// randomHex returns n random bytes encoded as 2n lowercase hex characters.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("testenv: crypto/rand: %v", err)) // never happens on supported platforms
	}
	return hex.EncodeToString(b)
}

// sanitizeName maps a test name onto the characters keep allows, replacing
// every run of other characters with a single '_', trimming '_' from both
// ends and truncating to at most max bytes. The result may be empty.
func sanitizeName(name string, max int, keep func(r rune) bool) string {
	var b strings.Builder
	lastUnderscore := false
	for _, r := range name {
		if r < 0x80 && keep(r) {
			b.WriteRune(r)
			lastUnderscore = r == '_'
			continue
		}
		if !lastUnderscore {
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	s := strings.Trim(b.String(), "_")
	if len(s) > max {
		s = strings.TrimRight(s[:max], "_")
	}
	return s
}

// isAlnum reports whether r is an ASCII letter or digit.
func isAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}
