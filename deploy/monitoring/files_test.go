// Package monitoring_test checks the monitoring files with the tools that
// read them: promtool and amtool, from Debian's prometheus and
// prometheus-alertmanager packages.
package monitoring_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/internal/testenv"
)

func run(t *testing.T, bin string, args ...string) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", bin, strings.Join(args, " "), out)
}

func TestRulesCheck(t *testing.T) {
	run(t, testenv.Promtool(t), "check", "rules", "prometheus/rules.yml")
	run(t, testenv.Promtool(t), "check", "config", "prometheus/prometheus.yml")
}

// TestRulesUnitTests runs rules_test.yml: every alert, firing and not.
func TestRulesUnitTests(t *testing.T) {
	run(t, testenv.Promtool(t), "test", "rules", "prometheus/rules_test.yml")
}

func TestAlertmanagerConfig(t *testing.T) {
	run(t, testenv.Amtool(t), "check-config", "alertmanager/alertmanager.yml")
}

// TestEveryAlertIsUnitTested keeps rules_test.yml complete: each alert of
// rules.yml is evaluated there, and has a runbook.
func TestEveryAlertIsUnitTested(t *testing.T) {
	rules, err := os.ReadFile("prometheus/rules.yml")
	require.NoError(t, err)
	tests, err := os.ReadFile("prometheus/rules_test.yml")
	require.NoError(t, err)
	var alerts int
	for _, line := range strings.Split(string(rules), "\n") {
		name, ok := strings.CutPrefix(strings.TrimSpace(line), "- alert: ")
		if !ok {
			continue
		}
		alerts++
		require.Contains(t, string(tests), "alertname: "+name+"\n", "alert %s has no unit test", name)
	}
	require.Equal(t, alerts, strings.Count(string(rules), "runbook: >-"), "every alert has a runbook")
	require.GreaterOrEqual(t, alerts, 10)
}

// TestDashboard checks the dashboard is Grafana JSON whose every panel
// queries Prometheus.
func TestDashboard(t *testing.T) {
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Type    string `json:"type"`
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	data, err := os.ReadFile("grafana/dashboards/mercato.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &dash))
	require.NotEmpty(t, dash.UID)
	var n int
	for _, p := range dash.Panels {
		if p.Type == "row" {
			continue
		}
		n++
		require.Len(t, p.Targets, 1, p.Title)
		require.NotEmpty(t, p.Targets[0].Expr, p.Title)
	}
	require.GreaterOrEqual(t, n, 20)
}
