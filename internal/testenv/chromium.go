package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const (
	// EnvChromium names the environment variable holding the path of a
	// Chromium or Chrome binary, when none is in PATH under a usual name.
	EnvChromium = "MERCATO_CHROMIUM"
	// chromiumProbe bounds how long "chromium --version" may take.
	chromiumProbe = 30 * time.Second
)

// chromiumNames are the names Chromium and Chrome are installed under
// (Debian's package is "chromium", Ubuntu's snap "chromium-browser").
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"}

// Chromium returns the path of a Chromium (or Chrome) binary for browser
// tests, which start it headless themselves (for example through
// chromedp's ExecPath). .ci/run installs it with
// "apt-get install -y chromium".
//
// The binary is [EnvChromium] when set, else the first of chromium,
// chromium-browser, google-chrome, google-chrome-stable and chrome found
// in PATH; it must answer --version. When none is found, or it does not
// run, the test is skipped, or failed when [EnvRequireServices] is set;
// see the package documentation.
func Chromium(t testing.TB) string {
	t.Helper()
	bin, err := findChromium()
	if err != nil {
		where := "PATH"
		if p := strings.TrimSpace(os.Getenv(EnvChromium)); p != "" {
			where = p
		}
		requireOrSkip(t, "chromium", where, EnvChromium, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), chromiumProbe)
	defer cancel()
	if out, err := exec.CommandContext(ctx, bin, "--version").CombinedOutput(); err != nil {
		requireOrSkip(t, "chromium", bin, EnvChromium, fmt.Errorf("%s --version: %w: %s", bin, err, strings.TrimSpace(string(out))))
	}
	return bin
}

// findChromium returns the path of the browser binary.
func findChromium() (string, error) {
	if p := strings.TrimSpace(os.Getenv(EnvChromium)); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium or Chrome binary found (apt-get install -y chromium)")
}
