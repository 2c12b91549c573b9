package testenv_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mercatohq/mercato/internal/testenv"
)

func TestChromiumFindsARunnableBrowser(t *testing.T) {
	bin := testenv.Chromium(t)
	if !filepath.IsAbs(bin) {
		t.Errorf("Chromium returned %q, not an absolute path", bin)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || len(out) == 0 {
		t.Errorf("%s --version: %v %q", bin, err, out)
	}
}

func TestChromiumHonoursTheVariable(t *testing.T) {
	bin := testenv.Chromium(t)
	t.Setenv(testenv.EnvChromium, bin)
	if got := testenv.Chromium(t); got != bin {
		t.Errorf("with %s=%s Chromium returned %s", testenv.EnvChromium, bin, got)
	}
}
