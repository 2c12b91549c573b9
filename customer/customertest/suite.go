package customertest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/customer"
)

// NewStore returns a fresh, empty store under test that commits the events
// of its writes to events.
type NewStore func(t testing.TB, events commerce.EventPublisher) customer.Store

// racers is how many goroutines the race tests release at once.
const racers = 20

// Cheap argon2id parameters keep the suite fast; the defaults are
// exercised by the benchmarks.
var (
	cheapParams = customer.PasswordParams{Memory: 64, Iterations: 1, Parallelism: 1}
	costlier    = customer.PasswordParams{Memory: 128, Iterations: 2, Parallelism: 1}
	keyA        = []byte("0123456789abcdef0123456789abcdef")
	keyB        = []byte("fedcba9876543210fedcba9876543210")
	start       = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
)

const (
	issuer   = "mercato-suite"
	audience = "store"
	password = "correct horse battery"
)

// Run runs the conformance suite against the stores newStore returns.
func Run(t *testing.T, newStore NewStore) {
	t.Run("Guests", func(t *testing.T) { testGuests(t, newStore) })
	t.Run("Register", func(t *testing.T) { testRegister(t, newStore) })
	t.Run("RegisterBadInput", func(t *testing.T) { testRegisterBadInput(t, newStore) })
	t.Run("RegisterRace", func(t *testing.T) { testRegisterRace(t, newStore) })
	t.Run("Login", func(t *testing.T) { testLogin(t, newStore) })
	t.Run("LoginRevealsNothing", func(t *testing.T) { testLoginRevealsNothing(t, newStore) })
	t.Run("LoginThrottled", func(t *testing.T) { testLoginThrottled(t, newStore) })
	t.Run("RejectedTokens", func(t *testing.T) { testRejectedTokens(t, newStore) })
	t.Run("Logout", func(t *testing.T) { testLogout(t, newStore) })
	t.Run("KeyRotation", func(t *testing.T) { testKeyRotation(t, newStore) })
	t.Run("Rehash", func(t *testing.T) { testRehash(t, newStore) })
	t.Run("PasswordReset", func(t *testing.T) { testPasswordReset(t, newStore) })
	t.Run("PasswordResetRace", func(t *testing.T) { testPasswordResetRace(t, newStore) })
	t.Run("PasswordResetVoidsOthers", func(t *testing.T) { testPasswordResetVoidsOthers(t, newStore) })
	t.Run("PasswordResetInOneStep", func(t *testing.T) { testPasswordResetInOneStep(t, newStore) })
	t.Run("PasswordResetThrottled", func(t *testing.T) { testPasswordResetThrottled(t, newStore) })
	t.Run("ChangePassword", func(t *testing.T) { testChangePassword(t, newStore) })
	t.Run("Update", func(t *testing.T) { testUpdate(t, newStore) })
	t.Run("StoreContract", func(t *testing.T) { testStoreContract(t, newStore) })
	t.Run("Purge", func(t *testing.T) { testPurge(t, newStore) })
}

// env is one test's world: a store, the events it committed, a clock and
// a service.
type env struct {
	t      *testing.T
	ctx    context.Context
	store  customer.Store
	events *commercetest.Recorder
	clock  *commerce.TestClock
	svc    *customer.Service
}

func newEnv(t *testing.T, newStore NewStore) *env {
	t.Helper()
	rec := commercetest.NewRecorder()
	e := &env{t: t, ctx: context.Background(), events: rec, clock: commerce.NewTestClock(start)}
	e.store = newStore(t, rec)
	e.svc = e.service(nil)
	return e
}

// service returns a Service over e's store with the suite's options,
// changed by edit when it is not nil.
func (e *env) service(edit func(*customer.Options)) *customer.Service {
	e.t.Helper()
	opts := &customer.Options{
		Clock:        e.clock,
		Keys:         map[string][]byte{"a": keyA},
		CurrentKeyID: "a",
		Issuer:       issuer,
		Audience:     audience,
		Password:     cheapParams,
	}
	if edit != nil {
		edit(opts)
	}
	svc, err := customer.NewService(e.store, opts)
	require.NoError(e.t, err)
	return svc
}

func (e *env) register(email string) customer.Customer {
	e.t.Helper()
	c, err := e.svc.Register(e.ctx, customer.RegisterInput{Email: email, Password: password, Name: "Ada Lovelace"})
	require.NoError(e.t, err)
	return c
}

func (e *env) login(email string) customer.Session {
	e.t.Helper()
	s, err := e.svc.Login(e.ctx, email, password)
	require.NoError(e.t, err)
	return s
}

func requireCode(t *testing.T, want commerce.ErrorCode, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, want, commerce.Code(err), append([]any{"error: %v"}, err)...)
}

// payload returns the single event named name about aggregate, waiting
// for it.
func payload[E commerce.Event](e *env, name, aggregate string) E {
	e.t.Helper()
	var found []E
	require.Eventually(e.t, func() bool {
		found = found[:0]
		for _, env := range e.events.Named(name) {
			if env.AggregateID == aggregate {
				found = append(found, env.Payload.(E))
			}
		}
		return len(found) > 0
	}, commercetest.AwaitTimeout(e.t), time.Millisecond, "no %s event for %s (recorded: %v)", name, aggregate, e.events.Names())
	require.Len(e.t, found, 1, "%s events for %s", name, aggregate)
	return found[0]
}

func testGuests(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	g, err := e.svc.EnsureGuest(e.ctx, "  Grace@Example.COM ")
	require.NoError(t, err)
	require.NoError(t, g.ID.Validate())
	require.Equal(t, "grace@example.com", g.Email)
	require.True(t, g.Guest)
	require.Empty(t, g.PasswordHash)
	require.Equal(t, customer.DefaultPreferences(), g.Preferences)

	again, err := e.svc.EnsureGuest(e.ctx, "GRACE@example.com")
	require.NoError(t, err)
	require.Equal(t, g.ID, again.ID, "one customer per e-mail, whatever its case")

	got, err := e.svc.GetByEmail(e.ctx, "grace@EXAMPLE.com")
	require.NoError(t, err)
	require.Equal(t, g.ID, got.ID)
	got, err = e.svc.Get(e.ctx, g.ID)
	require.NoError(t, err)
	require.Equal(t, "grace@example.com", got.Email)

	// A guest cannot log in, and the refusal is the ordinary one.
	_, err = e.svc.Login(e.ctx, "grace@example.com", "")
	requireCode(t, commerce.CodeUnauthenticated, err)

	for _, bad := range []string{"", "   ", "grace", "grace@", "@example.com", "grace@example", "gr ace@example.com",
		"a@b@example.com", "Grace <grace@example.com>", "grace@example..com", "grace\n@example.com",
		strings.Repeat("a", 250) + "@example.com"} {
		_, err := e.svc.EnsureGuest(e.ctx, bad)
		requireCode(t, commerce.CodeInvalidArgument, err, "email %q", bad)
	}

	// Concurrent checkouts with one new e-mail share one guest.
	ids := make(chan commerce.CustomerID, racers)
	errs := make(chan error, racers)
	startGun := make(chan struct{})
	for i := range racers {
		go func() {
			<-startGun
			email := "race@example.com"
			if i%2 == 1 {
				email = "RACE@example.com"
			}
			c, err := e.svc.EnsureGuest(e.ctx, email)
			ids <- c.ID
			errs <- err
		}()
	}
	close(startGun)
	first := commerce.CustomerID("")
	for range racers {
		require.NoError(t, <-errs)
		id := <-ids
		if first == "" {
			first = id
		}
		require.Equal(t, first, id, "every racer gets the same guest")
	}
}

func testRegister(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c, err := e.svc.Register(e.ctx, customer.RegisterInput{
		Email: " Ada@Example.com", Password: password, Name: " Ada Lovelace ", Phone: "+442071234567",
	})
	require.NoError(t, err)
	require.Equal(t, "ada@example.com", c.Email)
	require.Equal(t, "Ada Lovelace", c.Name)
	require.Equal(t, "+442071234567", c.Phone)
	require.False(t, c.Guest)
	require.Empty(t, c.PasswordHash, "the service never hands out the hash")
	require.Equal(t, start, c.CreatedAt.UTC())

	raw, err := json.Marshal(c)
	require.NoError(t, err)
	require.NotContains(t, string(raw), "argon2")
	require.NotContains(t, strings.ToLower(string(raw)), "password")

	stored, err := e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(stored.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$"), stored.PasswordHash)
	require.NotContains(t, stored.PasswordHash, password)

	got, err := e.svc.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.Empty(t, got.PasswordHash)

	ev := payload[customer.Registered](e, "customer.registered", c.ID.String())
	require.Equal(t, customer.Registered{CustomerID: c.ID, Email: "ada@example.com", Name: "Ada Lovelace"}, ev)

	_, err = e.svc.Register(e.ctx, customer.RegisterInput{Email: "ADA@example.COM", Password: password + "!", Name: "Other"})
	requireCode(t, commerce.CodeConflict, err, "an e-mail registers once, whatever its case")
	_, err = e.svc.EnsureGuest(e.ctx, "ada@example.com")
	require.NoError(t, err, "checkout with a registered e-mail finds the account")

	// A guest who registers keeps its ID, so its orders stay with it.
	g, err := e.svc.EnsureGuest(e.ctx, "bob@example.com")
	require.NoError(t, err)
	up, err := e.svc.Register(e.ctx, customer.RegisterInput{Email: "Bob@Example.com", Password: password, Name: "Bob"})
	require.NoError(t, err)
	require.Equal(t, g.ID, up.ID)
	require.False(t, up.Guest)
	require.Equal(t, "Bob", up.Name)
	require.Equal(t, g.CreatedAt, up.CreatedAt)
	ev = payload[customer.Registered](e, "customer.registered", g.ID.String())
	require.True(t, ev.WasGuest)
	_, err = e.svc.Login(e.ctx, "bob@example.com", password)
	require.NoError(t, err)
	_, err = e.svc.Register(e.ctx, customer.RegisterInput{Email: "bob@example.com", Password: password, Name: "Bob"})
	requireCode(t, commerce.CodeConflict, err)
}

func testRegisterBadInput(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	g, err := e.svc.EnsureGuest(e.ctx, "guest@example.com")
	require.NoError(t, err)
	ok := customer.RegisterInput{Email: "new@example.com", Password: password, Name: "New"}
	cases := map[string]func(*customer.RegisterInput){
		"empty email":         func(in *customer.RegisterInput) { in.Email = "" },
		"malformed email":     func(in *customer.RegisterInput) { in.Email = "new.example.com" },
		"empty password":      func(in *customer.RegisterInput) { in.Password = "" },
		"short password":      func(in *customer.RegisterInput) { in.Password = "1234567" },
		"oversized password":  func(in *customer.RegisterInput) { in.Password = strings.Repeat("p", customer.MaxPasswordLength+1) },
		"phone not E.164":     func(in *customer.RegisterInput) { in.Phone = "030 1234567" },
		"phone leading zero":  func(in *customer.RegisterInput) { in.Phone = "+0301234567" },
		"name control chars":  func(in *customer.RegisterInput) { in.Name = "New\x00" },
		"name too long":       func(in *customer.RegisterInput) { in.Name = strings.Repeat("n", customer.MaxNameLength+1) },
		"guest, bad password": func(in *customer.RegisterInput) { in.Email = "guest@example.com"; in.Password = "short" },
	}
	for name, edit := range cases {
		in := ok
		edit(&in)
		_, err := e.svc.Register(e.ctx, in)
		requireCode(t, commerce.CodeInvalidArgument, err, name)
	}
	_, err = e.svc.GetByEmail(e.ctx, "new@example.com")
	requireCode(t, commerce.CodeNotFound, err, "nothing half-written")
	still, err := e.svc.Get(e.ctx, g.ID)
	require.NoError(t, err)
	require.True(t, still.Guest, "a failed registration leaves the guest a guest")

	// Exactly the minimum length, counted in characters, is enough.
	in := ok
	in.Password = "ääääääää"
	_, err = e.svc.Register(e.ctx, in)
	require.NoError(t, err)
}

func testRegisterRace(t *testing.T, newStore NewStore) {
	race := func(t *testing.T, e *env, email string) commerce.CustomerID {
		t.Helper()
		type result struct {
			c   customer.Customer
			err error
		}
		results := make(chan result, racers)
		startGun := make(chan struct{})
		for i := range racers {
			go func() {
				<-startGun
				c, err := e.svc.Register(e.ctx, customer.RegisterInput{Email: email, Password: password, Name: "Racer " + string(rune('A'+i))})
				results <- result{c, err}
			}()
		}
		close(startGun)
		var winners []customer.Customer
		for range racers {
			r := <-results
			if r.err == nil {
				winners = append(winners, r.c)
				continue
			}
			require.Equal(t, commerce.CodeConflict, commerce.Code(r.err), "loser's error: %v", r.err)
		}
		require.Len(t, winners, 1, "exactly one registration wins")
		return winners[0].ID
	}
	t.Run("new", func(t *testing.T) {
		e := newEnv(t, newStore)
		id := race(t, e, "race@example.com")
		got, err := e.svc.GetByEmail(e.ctx, "race@example.com")
		require.NoError(t, err)
		require.Equal(t, id, got.ID)
		require.Len(t, e.events.Await(t, "customer.registered", 1), 1)
	})
	t.Run("guest", func(t *testing.T) {
		e := newEnv(t, newStore)
		g, err := e.svc.EnsureGuest(e.ctx, "race@example.com")
		require.NoError(t, err)
		require.Equal(t, g.ID, race(t, e, "race@example.com"))
		require.Len(t, e.events.Await(t, "customer.registered", 1), 1)
	})
}

func testLogin(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	s, err := e.svc.Login(e.ctx, "  ADA@example.com ", password)
	require.NoError(t, err)
	require.NotEmpty(t, s.Token)
	require.NoError(t, s.ID.Validate())
	require.Equal(t, c.ID, s.Customer.ID)
	require.Empty(t, s.Customer.PasswordHash)
	require.Equal(t, start.Add(customer.DefaultSessionTTL), s.ExpiresAt.UTC())

	claims, err := e.svc.Authenticate(e.ctx, s.Token)
	require.NoError(t, err)
	require.Equal(t, c.ID, claims.CustomerID)
	require.Equal(t, s.ID, claims.SessionID)

	rec, err := e.store.GetSession(e.ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, c.ID, rec.CustomerID)
	require.True(t, rec.RevokedAt.IsZero())

	// Still valid a second before expiry, invalid at it.
	e.clock.Advance(customer.DefaultSessionTTL - time.Second)
	_, err = e.svc.Authenticate(e.ctx, s.Token)
	require.NoError(t, err)
	e.clock.Advance(time.Second)
	_, err = e.svc.Authenticate(e.ctx, s.Token)
	requireCode(t, commerce.CodeUnauthenticated, err)
}

func testLoginRevealsNothing(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	e.register("ada@example.com")
	_, err := e.svc.EnsureGuest(e.ctx, "guest@example.com")
	require.NoError(t, err)

	attempts := map[string][2]string{
		"wrong password":  {"ada@example.com", "wrong password"},
		"unknown email":   {"nobody@example.com", password},
		"guest":           {"guest@example.com", password},
		"malformed email": {"not an email", password},
		"empty password":  {"ada@example.com", ""},
	}
	var first error
	for name, a := range attempts {
		_, err := e.svc.Login(e.ctx, a[0], a[1])
		requireCode(t, commerce.CodeUnauthenticated, err, name)
		if first == nil {
			first = err
		}
		require.Equal(t, first.Error(), err.Error(), "%s: the message must not differ", name)
	}
}

func testLogout(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	s1 := e.login("ada@example.com")
	s2 := e.login("ada@example.com")

	require.NoError(t, e.svc.Logout(e.ctx, s1.Token))
	_, err := e.svc.Authenticate(e.ctx, s1.Token)
	requireCode(t, commerce.CodeUnauthenticated, err, "a revoked session is over")
	require.NoError(t, e.svc.Logout(e.ctx, s1.Token), "logging out twice is fine")
	_, err = e.svc.Authenticate(e.ctx, s2.Token)
	require.NoError(t, err, "other sessions live on")

	requireCode(t, commerce.CodeUnauthenticated, e.svc.Logout(e.ctx, "garbage"))

	s3 := e.login("ada@example.com")
	require.NoError(t, e.svc.LogoutAll(e.ctx, c.ID))
	for _, s := range []customer.Session{s2, s3} {
		_, err = e.svc.Authenticate(e.ctx, s.Token)
		requireCode(t, commerce.CodeUnauthenticated, err)
	}
	_, err = e.svc.Authenticate(e.ctx, e.login("ada@example.com").Token)
	require.NoError(t, err, "logging in again works")
}

func testKeyRotation(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	e.register("ada@example.com")
	old := e.login("ada@example.com")

	both := e.service(func(o *customer.Options) {
		o.Keys = map[string][]byte{"a": keyA, "b": keyB}
		o.CurrentKeyID = "b"
	})
	_, err := both.Authenticate(e.ctx, old.Token)
	require.NoError(t, err, "tokens of a key still in the ring stay valid")
	fresh, err := both.Login(e.ctx, "ada@example.com", password)
	require.NoError(t, err)
	require.Equal(t, "b", kidOf(t, fresh.Token))

	onlyB := e.service(func(o *customer.Options) {
		o.Keys = map[string][]byte{"b": keyB}
		o.CurrentKeyID = "b"
	})
	_, err = onlyB.Authenticate(e.ctx, old.Token)
	requireCode(t, commerce.CodeUnauthenticated, err, "removing a key invalidates its tokens")
	_, err = onlyB.Authenticate(e.ctx, fresh.Token)
	require.NoError(t, err)
}

func testRehash(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	before, err := e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)

	// Logging in under the same parameters keeps the hash.
	e.login("ada@example.com")
	same, err := e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, before.PasswordHash, same.PasswordHash)

	// A failed login under new parameters does not rehash.
	stronger := e.service(func(o *customer.Options) { o.Password = costlier })
	_, err = stronger.Login(e.ctx, "ada@example.com", "wrong password")
	requireCode(t, commerce.CodeUnauthenticated, err)
	same, err = e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, before.PasswordHash, same.PasswordHash)

	_, err = stronger.Login(e.ctx, "ada@example.com", password)
	require.NoError(t, err)
	after, err := e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(after.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$"), after.PasswordHash)

	// Both services still verify the new hash: it carries its parameters.
	_, err = e.svc.Login(e.ctx, "ada@example.com", password)
	require.NoError(t, err)
	_, err = stronger.Login(e.ctx, "ada@example.com", password)
	require.NoError(t, err)
}

// resetToken waits for the n-th password_reset_requested event about id
// and returns its token.
func (e *env) resetToken(id commerce.CustomerID, n int) customer.PasswordResetRequested {
	e.t.Helper()
	var got []customer.PasswordResetRequested
	require.Eventually(e.t, func() bool {
		got = got[:0]
		for _, env := range e.events.Named("customer.password_reset_requested") {
			if env.AggregateID == id.String() {
				got = append(got, env.Payload.(customer.PasswordResetRequested))
			}
		}
		return len(got) >= n
	}, commercetest.AwaitTimeout(e.t), time.Millisecond)
	return got[n-1]
}

func testPasswordReset(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	session := e.login("ada@example.com")
	_, err := e.svc.EnsureGuest(e.ctx, "guest@example.com")
	require.NoError(t, err)

	// No account, no reset, and no way to tell.
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "nobody@example.com"))
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "guest@example.com"))
	requireCode(t, commerce.CodeInvalidArgument, e.svc.RequestPasswordReset(e.ctx, "not an email"))

	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "ADA@example.com"))
	req := e.resetToken(c.ID, 1)
	require.Equal(t, "ada@example.com", req.Email)
	require.Equal(t, start.Add(customer.DefaultResetTTL), req.ExpiresAt.UTC())
	require.GreaterOrEqual(t, len(req.Token), 43, "32 random bytes")
	require.Len(t, e.events.Named("customer.password_reset_requested"), 1, "nothing for unknown e-mails or guests")

	requireCode(t, commerce.CodeInvalidArgument, e.svc.ResetPassword(e.ctx, req.Token, "short"))
	requireCode(t, commerce.CodeUnauthenticated, e.svc.ResetPassword(e.ctx, req.Token+"x", "new password 1"))
	requireCode(t, commerce.CodeUnauthenticated, e.svc.ResetPassword(e.ctx, "", "new password 1"))

	require.NoError(t, e.svc.ResetPassword(e.ctx, req.Token, "new password 1"), "a bad attempt does not burn the token")
	requireCode(t, commerce.CodeUnauthenticated, e.svc.ResetPassword(e.ctx, req.Token, "new password 2"), "a token works once")

	_, err = e.svc.Authenticate(e.ctx, session.Token)
	requireCode(t, commerce.CodeUnauthenticated, err, "a reset ends every session")
	_, err = e.svc.Login(e.ctx, "ada@example.com", password)
	requireCode(t, commerce.CodeUnauthenticated, err)
	_, err = e.svc.Login(e.ctx, "ada@example.com", "new password 1")
	require.NoError(t, err)

	// Tokens expire.
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "ada@example.com"))
	expiring := e.resetToken(c.ID, 2)
	e.clock.Advance(customer.DefaultResetTTL)
	requireCode(t, commerce.CodeUnauthenticated, e.svc.ResetPassword(e.ctx, expiring.Token, "new password 3"))
	_, err = e.svc.Login(e.ctx, "ada@example.com", "new password 1")
	require.NoError(t, err)
}

func testPasswordResetRace(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "ada@example.com"))
	token := e.resetToken(c.ID, 1).Token

	errs := make(chan error, racers)
	startGun := make(chan struct{})
	for range racers {
		go func() {
			<-startGun
			errs <- e.svc.ResetPassword(e.ctx, token, "raced password")
		}()
	}
	close(startGun)
	wins := 0
	for range racers {
		err := <-errs
		if err == nil {
			wins++
			continue
		}
		require.Equal(t, commerce.CodeUnauthenticated, commerce.Code(err), "loser's error: %v", err)
	}
	require.Equal(t, 1, wins, "a reset token is consumed exactly once")
	_, err := e.svc.Login(e.ctx, "ada@example.com", "raced password")
	require.NoError(t, err)
}

func testChangePassword(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	s := e.login("ada@example.com")

	requireCode(t, commerce.CodeUnauthenticated, e.svc.ChangePassword(e.ctx, c.ID, "wrong password", "brand new password"))
	requireCode(t, commerce.CodeInvalidArgument, e.svc.ChangePassword(e.ctx, c.ID, password, "short"))
	requireCode(t, commerce.CodeNotFound, e.svc.ChangePassword(e.ctx, commerce.NewID[commerce.CustomerID](), password, "brand new password"))
	requireCode(t, commerce.CodeInvalidArgument, e.svc.ChangePassword(e.ctx, "nope", password, "brand new password"))
	_, err := e.svc.Authenticate(e.ctx, s.Token)
	require.NoError(t, err, "failed attempts change nothing")

	g, err := e.svc.EnsureGuest(e.ctx, "guest@example.com")
	require.NoError(t, err)
	requireCode(t, commerce.CodeFailedPrecondition, e.svc.ChangePassword(e.ctx, g.ID, "", "brand new password"))

	require.NoError(t, e.svc.ChangePassword(e.ctx, c.ID, password, "brand new password"))
	_, err = e.svc.Authenticate(e.ctx, s.Token)
	requireCode(t, commerce.CodeUnauthenticated, err, "changing the password ends every session")
	_, err = e.svc.Login(e.ctx, "ada@example.com", password)
	requireCode(t, commerce.CodeUnauthenticated, err)
	_, err = e.svc.Login(e.ctx, "ada@example.com", "brand new password")
	require.NoError(t, err)
}

func testUpdate(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	e.clock.Advance(time.Minute)

	name, phone := "  Ada King ", "+4930123456"
	addrs := []commerce.Address{{Name: " Ada King", Line1: "1 Main St", City: "London", PostalCode: "N1 9GU", Country: "gb"}}
	prefs := customer.Preferences{Email: false, SMS: true}
	up, err := e.svc.Update(e.ctx, c.ID, customer.UpdateInput{Name: &name, Phone: &phone, Addresses: &addrs, Preferences: &prefs})
	require.NoError(t, err)
	require.Equal(t, "Ada King", up.Name)
	require.Equal(t, phone, up.Phone)
	require.Equal(t, prefs, up.Preferences)
	require.Len(t, up.Addresses, 1)
	require.Equal(t, "GB", up.Addresses[0].Country, "addresses are normalised")
	require.Equal(t, "Ada King", up.Addresses[0].Name)
	require.Equal(t, start.Add(time.Minute), up.UpdatedAt.UTC())
	require.Empty(t, up.PasswordHash)

	got, err := e.svc.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, up.Addresses, got.Addresses)
	require.Equal(t, prefs, got.Preferences)
	stored, err := e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.NotEmpty(t, stored.PasswordHash, "a profile update keeps the password")

	ev := payload[customer.Updated](e, "customer.updated", c.ID.String())
	require.Equal(t, prefs, ev.Preferences)
	require.ElementsMatch(t, []string{"name", "phone", "addresses", "preferences"}, ev.Fields)

	// Changing only some fields leaves the others alone.
	other := "Ada"
	up, err = e.svc.Update(e.ctx, c.ID, customer.UpdateInput{Name: &other})
	require.NoError(t, err)
	require.Equal(t, phone, up.Phone)
	require.Len(t, up.Addresses, 1)

	bad := map[string]customer.UpdateInput{
		"phone":          {Phone: ptr("12345")},
		"name":           {Name: ptr("A\x07da")},
		"address":        {Addresses: &[]commerce.Address{{Name: "A", Line1: "1 Main St", City: "London", Country: "XX"}}},
		"address fields": {Addresses: &[]commerce.Address{{Name: "A"}}},
		"many addresses": {Addresses: ptr(make([]commerce.Address, customer.MaxAddresses+1))},
		"name and phone": {Name: ptr("Fine"), Phone: ptr("+0")},
	}
	for what, in := range bad {
		_, err := e.svc.Update(e.ctx, c.ID, in)
		requireCode(t, commerce.CodeInvalidArgument, err, what)
	}
	got, err = e.svc.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "Ada", got.Name, "nothing half-written")
	require.Equal(t, phone, got.Phone)

	// Clearing works.
	up, err = e.svc.Update(e.ctx, c.ID, customer.UpdateInput{Phone: ptr(""), Addresses: &[]commerce.Address{}})
	require.NoError(t, err)
	require.Empty(t, up.Phone)
	require.Empty(t, up.Addresses)

	_, err = e.svc.Update(e.ctx, commerce.NewID[commerce.CustomerID](), customer.UpdateInput{Name: &other})
	requireCode(t, commerce.CodeNotFound, err)
	_, err = e.svc.Update(e.ctx, "cus_nope", customer.UpdateInput{Name: &other})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = e.svc.Get(e.ctx, commerce.NewID[commerce.CustomerID]())
	requireCode(t, commerce.CodeNotFound, err)
	_, err = e.svc.GetByEmail(e.ctx, "nobody@example.com")
	requireCode(t, commerce.CodeNotFound, err)
}

func ptr[T any](v T) *T { return &v }

// testStoreContract checks the port's own promises that the Service does
// not reach through its happy paths.
func testStoreContract(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	g, err := e.svc.EnsureGuest(e.ctx, "guest@example.com")
	require.NoError(t, err)

	// Duplicates by ID and by e-mail.
	stored, err := e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	dup := stored
	dup.ID = commerce.NewID[commerce.CustomerID]()
	requireCode(t, commerce.CodeConflict, e.store.Create(e.ctx, dup, nil))
	dup = stored
	dup.Email = "other@example.com"
	requireCode(t, commerce.CodeConflict, e.store.Create(e.ctx, dup, nil))

	// A failing closure writes nothing and its error comes back unchanged.
	boom := commerce.Errorf(commerce.CodeFailedPrecondition, "boom")
	_, err = e.store.Update(e.ctx, c.ID, func(cur *customer.Customer) ([]commerce.Envelope, error) {
		cur.Name = "changed"
		return nil, boom
	})
	require.ErrorIs(t, err, boom)
	got, err := e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "Ada Lovelace", got.Name)

	// Taking another customer's e-mail is a Conflict.
	_, err = e.store.Update(e.ctx, g.ID, func(cur *customer.Customer) ([]commerce.Envelope, error) {
		cur.Email = "ada@example.com"
		return nil, nil
	})
	requireCode(t, commerce.CodeConflict, err)

	// Returned values are copies.
	got.Addresses = append(got.Addresses, commerce.Address{Name: "x"})
	again, err := e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.Empty(t, again.Addresses)

	// Concurrent updates are serialised: none is lost.
	errs := make(chan error, racers)
	startGun := make(chan struct{})
	for range racers {
		go func() {
			<-startGun
			_, err := e.store.Update(e.ctx, c.ID, func(cur *customer.Customer) ([]commerce.Envelope, error) {
				cur.Name += "+"
				return nil, nil
			})
			errs <- err
		}()
	}
	close(startGun)
	for range racers {
		require.NoError(t, <-errs)
	}
	got, err = e.store.Get(e.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "Ada Lovelace"+strings.Repeat("+", racers), got.Name)

	// Sessions.
	now := e.clock.Now()
	rec := customer.SessionRecord{ID: commerce.NewID[commerce.SessionID](), CustomerID: c.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, e.store.CreateSession(e.ctx, rec))
	requireCode(t, commerce.CodeConflict, e.store.CreateSession(e.ctx, rec))
	orphan := rec
	orphan.ID = commerce.NewID[commerce.SessionID]()
	orphan.CustomerID = commerce.NewID[commerce.CustomerID]()
	err = e.store.CreateSession(e.ctx, orphan)
	require.Contains(t, []commerce.ErrorCode{commerce.CodeNotFound, commerce.CodeFailedPrecondition}, commerce.Code(err), "%v", err)
	_, err = e.store.GetSession(e.ctx, commerce.NewID[commerce.SessionID]())
	requireCode(t, commerce.CodeNotFound, err)
	requireCode(t, commerce.CodeNotFound, e.store.RevokeSession(e.ctx, commerce.NewID[commerce.SessionID](), now))
	require.NoError(t, e.store.RevokeSession(e.ctx, rec.ID, now.Add(time.Minute)))
	require.NoError(t, e.store.RevokeSession(e.ctx, rec.ID, now.Add(time.Hour)))
	got2, err := e.store.GetSession(e.ctx, rec.ID)
	require.NoError(t, err)
	require.True(t, got2.RevokedAt.Equal(now.Add(time.Minute)), "the first revocation time stays: %v", got2.RevokedAt)
	require.False(t, got2.Active(now))
	require.NoError(t, e.store.RevokeSessions(e.ctx, commerce.NewID[commerce.CustomerID](), now))

	// Password resets.
	hash := make([]byte, 32)
	hash[0] = 1
	r := customer.PasswordReset{TokenHash: hash, CustomerID: c.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, e.store.CreatePasswordReset(e.ctx, r, nil))
	requireCode(t, commerce.CodeConflict, e.store.CreatePasswordReset(e.ctx, r, nil))
	_, err = e.store.ConsumePasswordReset(e.ctx, hash, now.Add(time.Hour))
	requireCode(t, commerce.CodeNotFound, err, "expired at ExpiresAt")
	id, err := e.store.ConsumePasswordReset(e.ctx, hash, now)
	require.NoError(t, err)
	require.Equal(t, c.ID, id)
	_, err = e.store.ConsumePasswordReset(e.ctx, hash, now)
	requireCode(t, commerce.CodeNotFound, err, "used")
	_, err = e.store.ConsumePasswordReset(e.ctx, make([]byte, 32), now)
	requireCode(t, commerce.CodeNotFound, err, "unknown")
}
