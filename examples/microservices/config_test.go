package main

import (
	"io"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func itoa(i int) string { return strconv.Itoa(i) }

func TestParseConfigPlacesReplicas(t *testing.T) {
	cfg, err := parseConfig([]string{"-replicas", "cart=2,order=3,gateway=2"}, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"127.0.0.1:3001"}, cfg.instanceAddrs(svcUser))
	assert.Equal(t, []string{"127.0.0.1:3003", "127.0.0.1:3103"}, cfg.instanceAddrs(svcCart))
	assert.Equal(t, []string{"127.0.0.1:3004", "127.0.0.1:3104", "127.0.0.1:3204"}, cfg.instanceAddrs(svcOrder))
	assert.Equal(t, []string{"127.0.0.1:3007"}, cfg.instanceAddrs(svcNotification))
	assert.Equal(t, []string{"127.0.0.1:8080", "127.0.0.1:8180"}, cfg.instanceAddrs(svcGateway))
	assert.Equal(t, []string{"http://127.0.0.1:3003", "http://127.0.0.1:3103"}, cfg.peerURLs(svcCart))

	child, err := parseConfig(cfg.childArgs(svcCart, "127.0.0.1:3103"), func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, svcCart, child.Service)
	assert.Equal(t, cfg.Replicas, child.Replicas)
	assert.Equal(t, cfg.instanceAddrs(svcOrder), child.instanceAddrs(svcOrder))
}

func TestParseConfigRefusesNonsense(t *testing.T) {
	for _, args := range [][]string{
		{"-replicas", "cart"},
		{"-replicas", "cart=0"},
		{"-replicas", "cart=10"},
		{"-replicas", "basket=2"},
		{"-service", "basket", "-addr", ":1"},
		{"-service", "cart"},
		{"-bus", "carrier-pigeon"},
		{"-port-base", "65000"},
		{"-gateway-addr", "nowhere"},
		{"stray"},
	} {
		_, err := parseConfig(args, func(string) string { return "" }, io.Discard)
		assert.Error(t, err, "%v", args)
	}
}
