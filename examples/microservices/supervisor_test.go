package main

import (
	"net/http"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSupervisorStartsEveryServiceAndStops starts the topology with two
// cart instances: every instance is a process of its own answering
// /healthz, the gateway too; a stop ends them all and frees their ports.
func TestSupervisorStartsEveryServiceAndStops(t *testing.T) {
	tp := startTopology(t, func(c *Config) { c.Replicas["cart"] = 2 })
	pids := map[int]string{}
	names := map[string]bool{}
	for _, in := range tp.sup.instances {
		assert.Equal(t, http.StatusOK, healthz(instanceURL(in)), in.Name())
		pid := in.Pid()
		require.NotZero(t, pid, in.Name())
		assert.NotContains(t, pids, pid, "%s shares a process", in.Name())
		pids[pid] = in.Name()
		names[in.Name()] = true
	}
	assert.Equal(t, map[string]bool{
		"gateway": true, "user": true, "product": true, "cart": true, "cart#2": true,
		"order": true, "payment": true, "inventory": true, "notification": true,
	}, names)
	assert.Equal(t, "127.0.0.1:"+itoa(tp.cfg.PortBase+103), tp.sup.instances[3].Addr, "the second cart listens 100 above the first")

	tp.stop(t)
	for pid, name := range pids {
		assert.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "%s still runs", name)
	}
	for _, in := range tp.sup.instances {
		assert.Zero(t, healthz(instanceURL(in)), "%s still answers", in.Name())
	}
}

// TestSupervisorRestartsAKilledInstance kills an instance with SIGKILL:
// the supervisor starts it again, and it answers /healthz.
func TestSupervisorRestartsAKilledInstance(t *testing.T) {
	tp := startTopology(t, nil)
	var in *instance
	for _, i := range tp.sup.instances {
		if i.Service == svcInventory {
			in = i
		}
	}
	old := in.Pid()
	require.NoError(t, syscall.Kill(old, syscall.SIGKILL))
	waitFor(t, "inventory restarted", func() bool {
		pid := in.Pid()
		return pid != 0 && pid != old && healthz(instanceURL(in)) == http.StatusOK
	})
}
