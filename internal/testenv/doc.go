// Package testenv gives tests isolated access to the real services Mercato
// depends on: PostgreSQL, Redis and NATS (with JetStream), and the test peers
// stripe-mock and Mailpit.
//
// Each helper connects to a service found through an environment variable,
// falling back to a local default:
//
//	MERCATO_POSTGRES_URL  postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	MERCATO_REDIS_URL     redis://127.0.0.1:6379/0
//	MERCATO_NATS_URL      nats://127.0.0.1:4222
//
// Every call hands the test its own namespace and removes it when the test
// (or subtest) finishes, through t.Cleanup:
//
//   - [Postgres] creates a fresh schema and returns a pool whose search_path
//     is that schema alone; the schema is dropped with CASCADE afterwards.
//     [PostgresURL] does the same for libraries that want a connection string.
//   - [Redis] returns a client and a unique key prefix; every key under the
//     prefix is deleted afterwards. Redis cannot enforce the prefix, so the
//     test must put it on every key it writes (see [RedisEnv.Key]).
//   - [NATS] returns a connection and a unique prefix made only of
//     [A-Za-z0-9_-], so it is valid in stream, consumer and bucket names and
//     in subject tokens; every JetStream stream whose name starts with the
//     prefix (including the KV_ and OBJ_ streams behind key-value and object
//     stores) is deleted afterwards.
//
// Two peers run as child processes of the test, on free loopback ports,
// and are killed at cleanup:
//
//   - [StripeMock] starts Stripe's stripe-mock (MERCATO_STRIPE_MOCK names the
//     binary, MERCATO_STRIPE_MOCK_URL an instance already running).
//   - [Mailpit] starts the Mailpit SMTP server with its HTTP API
//     (MERCATO_MAILPIT names the binary).
//
// Both binaries are looked up in PATH and in $(go env GOPATH)/bin, where
// .ci/run installs them; a missing one counts as an absent service.
//
// Because of the isolation, tests using these helpers may call t.Parallel.
//
// # Skip or fail
//
// When a service cannot be reached the test is skipped with a message that
// names the variable to set, for example:
//
//	postgres not reachable at postgres://postgres@127.0.0.1:5432/test?sslmode=disable (set MERCATO_POSTGRES_URL): ...
//
// When MERCATO_REQUIRE_SERVICES is set to a true value ("1", "true", ...), as
// it is in CI (.ci/run), the same condition fails the test instead, so that a
// missing service can never turn into a silently green run.
//
// A URL that cannot be parsed always fails the test: that is a
// misconfiguration, not an absent service.
package testenv
