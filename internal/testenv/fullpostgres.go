package testenv

import (
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
)

// FullPostgres returns the URL of a loopback server that answers every
// connection as a PostgreSQL server whose connection slots are all taken:
// it reads the startup message and replies FATAL 53300 "sorry, too many
// clients already", as a real server at max_connections does. Tests use it
// to check how a store reports a database that is up but full. The server
// stops at cleanup.
func FullPostgres(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: listen on loopback: %v", err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = l.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := l.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				refuseFull(conn)
			}()
		}
	}()
	return "postgres://postgres@" + l.Addr().String() + "/test?sslmode=disable&connect_timeout=5"
}

// refuseFull answers one connection's startup as a full server does.
func refuseFull(conn net.Conn) {
	defer conn.Close()
	be := pgproto3.NewBackend(conn, conn)
	if _, err := be.ReceiveStartupMessage(); err != nil {
		return
	}
	be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: "53300", Message: "sorry, too many clients already"})
	_ = be.Flush()
}
