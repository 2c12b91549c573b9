package testenv

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// --- PostgreSQL ---------------------------------------------------------

var schemaRE = regexp.MustCompile(`^t_[a-z0-9_]*[a-z0-9]$`)

func currentSchema(t *testing.T, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) string {
	t.Helper()
	var s string
	require.NoError(t, q.QueryRow(ctxT(t), "SELECT current_schema()").Scan(&s))
	return s
}

func schemaExists(t *testing.T, schema string) bool {
	t.Helper()
	ctx := ctxT(t)
	conn, err := pgx.Connect(ctx, PostgresDSN())
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema).Scan(&n))
	return n == 1
}

func TestPostgresIsolation(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	a, b := Postgres(t), Postgres(t)

	sa, sb := currentSchema(t, a), currentSchema(t, b)
	require.NotEqual(t, sa, sb)
	require.Regexp(t, schemaRE, sa)
	require.Regexp(t, schemaRE, sb)
	require.LessOrEqual(t, len(sa), 63)

	// Unqualified DDL lands in the test's schema, on every pooled connection.
	_, err := a.Exec(ctx, "CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL)")
	require.NoError(t, err)
	_, err = a.Exec(ctx, "INSERT INTO widgets VALUES (1, 'sprocket')")
	require.NoError(t, err)
	var where string
	require.NoError(t, a.QueryRow(ctx, "SELECT table_schema FROM information_schema.tables WHERE table_name = 'widgets'").Scan(&where))
	require.Equal(t, sa, where)

	var name string
	require.NoError(t, a.QueryRow(ctx, "SELECT name FROM widgets WHERE id = 1").Scan(&name))
	require.Equal(t, "sprocket", name)

	// Not visible from the other schema; the same name can be reused there.
	_, err = b.Exec(ctx, "SELECT 1 FROM widgets")
	require.ErrorContains(t, err, "does not exist")
	_, err = b.Exec(ctx, "CREATE TABLE widgets (other bool)")
	require.NoError(t, err)
}

func TestPostgresCleanupDropsSchema(t *testing.T) {
	t.Parallel()
	var schema string
	t.Run("user", func(t *testing.T) {
		pool := Postgres(t)
		schema = currentSchema(t, pool)
		_, err := pool.Exec(ctxT(t), "CREATE TABLE things (id int); INSERT INTO things VALUES (1)")
		require.NoError(t, err)
		require.True(t, schemaExists(t, schema))
	})
	if schema == "" {
		return // the subtest was skipped or failed, and said why
	}
	require.False(t, schemaExists(t, schema), "schema %s survived cleanup", schema)
}

func TestPostgresURL(t *testing.T) {
	t.Parallel()
	var schema string
	t.Run("user", func(t *testing.T) {
		dsn := PostgresURL(t)
		require.Contains(t, dsn, "search_path")
		ctx := ctxT(t)
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close(context.Background()) })
		schema = currentSchema(t, conn)
		require.Regexp(t, schemaRE, schema)
		_, err = conn.Exec(ctx, "CREATE TABLE t (x int)")
		require.NoError(t, err)
	})
	if schema == "" {
		return // the subtest was skipped or failed, and said why
	}
	require.False(t, schemaExists(t, schema), "schema %s survived cleanup", schema)
}

func TestSchemaName(t *testing.T) {
	t.Parallel()
	names := []string{
		"TestX",
		"TestOrders/refund_after_capture#01",
		"Test" + strings.Repeat("VeryLong/Name-With Spaces", 10),
		"Test_ünïcode/ω",
		"///",
	}
	seen := map[string]bool{}
	for _, n := range names {
		s := schemaName(n)
		require.Regexp(t, schemaRE, s, n)
		require.LessOrEqual(t, len(s), 63, n)
		require.False(t, seen[s])
		seen[s] = true
	}
	require.NotEqual(t, schemaName("TestX"), schemaName("TestX"))
}

func TestWithSearchPath(t *testing.T) {
	t.Parallel()
	got, err := withSearchPath("postgres://u@h:5432/db?sslmode=disable", "t_x_1")
	require.NoError(t, err)
	require.Equal(t, "postgres://u@h:5432/db?options=-c%20search_path%3Dt_x_1&sslmode=disable", got)
	cfg, err := pgx.ParseConfig(got)
	require.NoError(t, err)
	require.Equal(t, "-c search_path=t_x_1", cfg.RuntimeParams["options"])

	got, err = withSearchPath("postgres://u@h/db?options=-c%20statement_timeout%3D5s", "t_y")
	require.NoError(t, err)
	cfg, err = pgx.ParseConfig(got)
	require.NoError(t, err)
	require.Equal(t, "-c statement_timeout=5s -c search_path=t_y", cfg.RuntimeParams["options"])

	got, err = withSearchPath("host=h user=u dbname=db", "t_z")
	require.NoError(t, err)
	cfg, err = pgx.ParseConfig(got)
	require.NoError(t, err)
	require.Equal(t, "-c search_path=t_z", cfg.RuntimeParams["options"])
}

// --- Redis --------------------------------------------------------------

func TestRedisIsolation(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	a, b := Redis(t), Redis(t)
	require.NotEqual(t, a.Prefix, b.Prefix)
	require.False(t, strings.HasPrefix(a.Prefix, b.Prefix) || strings.HasPrefix(b.Prefix, a.Prefix))
	require.NotContainsf(t, a.Prefix, "*", "prefix must be glob-safe")
	require.Regexp(t, `^t:[A-Za-z0-9_.-]*:[0-9a-f]{12}:$`, a.Prefix)
	require.Equal(t, a.Prefix+"cart:42", a.Key("cart", "42"))

	require.NoError(t, a.Client.Set(ctx, a.Key("k"), "a", 0).Err())
	require.NoError(t, b.Client.Set(ctx, b.Key("k"), "b", 0).Err())
	va, err := a.Client.Get(ctx, a.Key("k")).Result()
	require.NoError(t, err)
	vb, err := b.Client.Get(ctx, b.Key("k")).Result()
	require.NoError(t, err)
	require.Equal(t, "a", va)
	require.Equal(t, "b", vb)
}

func TestRedisCleanupDeletesKeys(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	outer := Redis(t)
	require.NoError(t, outer.Client.Set(ctx, outer.Key("keep"), "1", 0).Err())

	var inner *RedisEnv
	const n = 2500 // several SCAN pages
	t.Run("user", func(t *testing.T) {
		inner = Redis(t)
		pipe := inner.Client.Pipeline()
		for i := range n {
			pipe.Set(ctx, inner.Key("item", fmt.Sprint(i)), i, 0)
		}
		pipe.HSet(ctx, inner.Key("hash"), "f", "v")
		_, err := pipe.Exec(ctx)
		require.NoError(t, err)
		// Cleanup must not depend on the test's client still being open.
		require.NoError(t, inner.Client.Close())
	})
	if inner == nil {
		return // the subtest was skipped or failed, and said why
	}
	keys, _, err := outer.Client.Scan(ctx, 0, inner.Prefix+"*", 100000).Result()
	require.NoError(t, err)
	require.Empty(t, keys, "keys under %s survived cleanup", inner.Prefix)
	n2, err := outer.Client.Exists(ctx, inner.Key("item", "0"), inner.Key("hash")).Result()
	require.NoError(t, err)
	require.Zero(t, n2)

	v, err := outer.Client.Get(ctx, outer.Key("keep")).Result()
	require.NoError(t, err, "another test's key was deleted")
	require.Equal(t, "1", v)
}

// --- NATS ---------------------------------------------------------------

func TestNATSIsolation(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	a, b := NATS(t), NATS(t)
	require.NotEqual(t, a.Prefix, b.Prefix)
	require.Regexp(t, `^[A-Za-z0-9_-]+$`, a.Prefix)
	require.Regexp(t, `^[A-Za-z0-9_-]+$`, b.Prefix)
	require.NotEmpty(t, a.URL)

	jsA, err := a.JetStream()
	require.NoError(t, err)
	jsB, err := b.JetStream()
	require.NoError(t, err)

	// The same logical stream name in both tests does not collide.
	for _, e := range []struct {
		js  jetstream.JetStream
		env *NATSEnv
	}{{jsA, a}, {jsB, b}} {
		_, err := e.js.CreateStream(ctx, jetstream.StreamConfig{
			Name:     e.env.Prefix + "ORDERS",
			Subjects: []string{e.env.Prefix + "orders.>"},
			Storage:  jetstream.MemoryStorage,
		})
		require.NoError(t, err)
	}
	_, err = jsA.Publish(ctx, a.Prefix+"orders.created", []byte("hello"))
	require.NoError(t, err)

	sa, err := jsA.Stream(ctx, a.Prefix+"ORDERS")
	require.NoError(t, err)
	sb, err := jsB.Stream(ctx, b.Prefix+"ORDERS")
	require.NoError(t, err)
	ia, err := sa.Info(ctx)
	require.NoError(t, err)
	ib, err := sb.Info(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, ia.State.Msgs)
	require.EqualValues(t, 0, ib.State.Msgs)
}

func TestNATSCleanupDeletesStreams(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	outer := NATS(t)
	js, err := outer.JetStream()
	require.NoError(t, err)
	keep := outer.Prefix + "KEEP"
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: keep, Subjects: []string{outer.Prefix + "keep"}, Storage: jetstream.MemoryStorage})
	require.NoError(t, err)

	var created []string
	t.Run("user", func(t *testing.T) {
		env := NATS(t)
		js, err := env.JetStream()
		require.NoError(t, err)
		s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: env.Prefix + "EVENTS", Subjects: []string{env.Prefix + "events.>"}})
		require.NoError(t, err)
		kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: env.Prefix + "config", Storage: jetstream.MemoryStorage})
		require.NoError(t, err)
		_, err = js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: env.Prefix + "blobs", Storage: jetstream.MemoryStorage})
		require.NoError(t, err)
		created = []string{s.CachedInfo().Config.Name, "KV_" + kv.Bucket(), "OBJ_" + env.Prefix + "blobs"}
		for _, name := range created {
			_, err := js.Stream(ctx, name)
			require.NoError(t, err, name)
		}
		// Cleanup must not depend on the test's connection still being open.
		env.Conn.Close()
	})
	if created == nil {
		return // the subtest was skipped or failed, and said why
	}
	for _, name := range created {
		_, err := js.Stream(ctx, name)
		require.ErrorIs(t, err, jetstream.ErrStreamNotFound, "stream %s survived cleanup", name)
	}
	_, err = js.Stream(ctx, keep)
	require.NoError(t, err, "another test's stream was deleted")
}

func TestOwnsStream(t *testing.T) {
	t.Parallel()
	p := "T_TestA_0123456789ab_"
	require.True(t, ownsStream(p+"ORDERS", p))
	require.True(t, ownsStream("KV_"+p+"cfg", p))
	require.True(t, ownsStream("OBJ_"+p+"blobs", p))
	require.False(t, ownsStream("T_TestA_ffffffffffff_ORDERS", p))
	require.False(t, ownsStream("ORDERS", p))
}

// --- skip/fail rule -------------------------------------------------------

// fakeTB records how a helper ended the test. Skip and Fatal stop the
// calling goroutine, as the real ones do.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	skipped  bool
	failed   bool
	msg      string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func (f *fakeTB) end(skip bool, msg string) {
	f.mu.Lock()
	f.skipped, f.failed, f.msg = skip, !skip, msg
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) Skip(args ...any)                 { f.end(true, fmt.Sprint(args...)) }
func (f *fakeTB) Skipf(format string, args ...any) { f.end(true, fmt.Sprintf(format, args...)) }
func (f *fakeTB) SkipNow()                         { f.end(true, "") }
func (f *fakeTB) Fatal(args ...any)                { f.end(false, fmt.Sprint(args...)) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.end(false, fmt.Sprintf(format, args...))
}
func (f *fakeTB) FailNow() { f.end(false, "") }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
}

// run calls fn with a fakeTB in its own goroutine, waits for it to return or
// stop, runs the registered cleanups, and returns the fake.
func run(t *testing.T, fn func(testing.TB)) *fakeTB {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f
}

func TestUnreachableServices(t *testing.T) {
	// Not parallel: uses t.Setenv.
	cases := []struct {
		name, service, envVar, url string
		call                       func(testing.TB)
	}{
		{"Postgres", "postgres", EnvPostgresURL, "postgres://postgres:s3cret@127.0.0.1:1/test?sslmode=disable", func(tb testing.TB) { Postgres(tb) }},
		{"PostgresURL", "postgres", EnvPostgresURL, "postgres://postgres:s3cret@127.0.0.1:1/test?sslmode=disable", func(tb testing.TB) { PostgresURL(tb) }},
		{"Redis", "redis", EnvRedisURL, "redis://:s3cret@127.0.0.1:1/0", func(tb testing.TB) { Redis(tb) }},
		{"NATS", "nats", EnvNATSURL, "nats://u:s3cret@127.0.0.1:1", func(tb testing.TB) { NATS(tb) }},
	}
	for _, c := range cases {
		for _, require_ := range []string{"", "0", "1", "true"} {
			t.Run(c.name+"/require="+require_, func(t *testing.T) {
				t.Setenv(c.envVar, c.url)
				t.Setenv(EnvRequireServices, require_)
				f := run(t, c.call)
				wantFail := require_ == "1" || require_ == "true"
				require.Equal(t, wantFail, f.failed, f.msg)
				require.Equal(t, !wantFail, f.skipped, f.msg)
				require.Contains(t, f.msg, c.service+" not reachable at ")
				require.Contains(t, f.msg, "(set "+c.envVar+")")
				require.NotContains(t, f.msg, "s3cret", "password leaked into the message")
				if wantFail {
					require.Contains(t, f.msg, EnvRequireServices)
				}
			})
		}
	}
}

func TestBadURLFails(t *testing.T) {
	// A malformed URL is a misconfiguration: it fails even without
	// MERCATO_REQUIRE_SERVICES.
	t.Setenv(EnvRequireServices, "")
	t.Setenv(EnvPostgresURL, "postgres://%zz")
	t.Setenv(EnvRedisURL, "ftp://nope")
	for name, call := range map[string]func(testing.TB){
		"postgres": func(tb testing.TB) { Postgres(tb) },
		"redis":    func(tb testing.TB) { Redis(tb) },
	} {
		f := run(t, call)
		require.True(t, f.failed, name)
		require.False(t, f.skipped, name)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	require.Equal(t, "postgres://u:xxxxx@h/db", redact("postgres://u:pw@h/db"))
	require.Equal(t, "nats://127.0.0.1:4222", redact("nats://127.0.0.1:4222"))
	require.Equal(t, "host=h user=u", redact("host=h user=u"))
}

func TestSanitizeName(t *testing.T) {
	t.Parallel()
	keep := func(r rune) bool { return isAlnum(r) || r == '_' }
	require.Equal(t, "TestA_b_c", sanitizeName("TestA/b#c", 50, keep))
	require.Equal(t, "a_b", sanitizeName("//a//b//", 50, keep))
	require.Equal(t, "abc", sanitizeName("abc/def", 4, keep))
	require.Equal(t, "", sanitizeName("ü", 10, keep))
}
