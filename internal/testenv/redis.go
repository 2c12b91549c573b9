package testenv

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

const (
	// EnvRedisURL names the environment variable holding the Redis URL.
	EnvRedisURL = "MERCATO_REDIS_URL"
	// DefaultRedisURL is used when [EnvRedisURL] is unset.
	DefaultRedisURL = "redis://127.0.0.1:6379/0"
)

// RedisEnv is a Redis connection together with the key prefix reserved for
// one test.
type RedisEnv struct {
	// Client is connected to the configured server. It is closed at cleanup.
	Client *redis.Client
	// Prefix is unique to the test, of the form "t:<name>:<hex>:", and
	// contains no glob metacharacters. Every key the test writes must start
	// with it: only keys under Prefix are deleted at cleanup, and only they
	// are isolated from other tests.
	Prefix string
}

// Key returns Prefix followed by parts joined with ':'.
func (e *RedisEnv) Key(parts ...string) string {
	return e.Prefix + strings.Join(parts, ":")
}

// Redis connects to the configured Redis server and reserves a unique key
// prefix for the test. At cleanup every key matching Prefix+"*" is deleted
// (found with SCAN, over a separate connection, so it works even if the test
// closed Client) and Client is closed. If Redis cannot be reached the test is
// skipped, or failed when [EnvRequireServices] is set; see the package
// documentation.
func Redis(t testing.TB) *RedisEnv {
	t.Helper()
	addr := envOr(EnvRedisURL, DefaultRedisURL)
	opts, err := redis.ParseURL(addr)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", EnvRedisURL, err)
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = connectTimeout
	}
	if err := probeRedis(opts); err != nil {
		requireOrSkip(t, "redis", addr, EnvRedisURL, err)
	}
	client := redis.NewClient(opts)

	name := sanitizeName(t.Name(), 64, func(r rune) bool { return isAlnum(r) || r == '_' || r == '-' || r == '.' })
	env := &RedisEnv{Client: client, Prefix: "t:" + name + ":" + randomHex(6) + ":"}
	t.Cleanup(func() {
		_ = client.Close()
		deleteKeys(t, opts, env.Prefix)
	})
	return env
}

// probeRedis pings the server once, without the client's usual retries, so
// an absent server is reported quickly.
func probeRedis(opts *redis.Options) error {
	o := *opts
	o.MaxRetries = -1
	o.PoolSize = 1
	o.DialerRetries = 1
	c := redis.NewClient(&o)
	defer func() { _ = c.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*connectTimeout)
	defer cancel()
	return c.Ping(ctx).Err()
}

// deleteKeys removes every key starting with prefix, using SCAN so the
// server is never blocked. prefix must contain no glob metacharacters.
func deleteKeys(t testing.TB, opts *redis.Options, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	client := redis.NewClient(opts)
	defer func() { _ = client.Close() }()

	var cursor uint64
	for {
		keys, next, err := client.Scan(ctx, cursor, prefix+"*", 1000).Result()
		if err != nil {
			t.Errorf("testenv: redis cleanup of %q: scan: %v", prefix, err)
			return
		}
		if len(keys) > 0 {
			if err := client.Unlink(ctx, keys...).Err(); err != nil {
				t.Errorf("testenv: redis cleanup of %q: unlink: %v", prefix, err)
				return
			}
		}
		if next == 0 {
			return
		}
		cursor = next
	}
}
