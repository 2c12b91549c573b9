package testenv

import (
	"net"
	"testing"
)

// ClosedAddr returns a loopback host:port nothing listens on, for tests
// that check how a client reports a peer that is down.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: reserve a loopback port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("testenv: release a loopback port: %v", err)
	}
	return addr
}
