package customer

import (
	"crypto/rand"
	"log/slog"
	"runtime"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/ratelimit"
)

// Defaults applied by NewService to zero Options fields.
const (
	DefaultSessionTTL        = 24 * time.Hour
	DefaultResetTTL          = time.Hour
	DefaultMinPasswordLength = 8
	// MaxPasswordLength caps passwords, in bytes, checked before any
	// hashing: registration, login, change and reset refuse a longer one
	// with InvalidArgument naming the field. 256 bytes is more than any
	// passphrase or password manager needs.
	MaxPasswordLength = 256
	// DefaultHashWait is how long a password check waits for a hashing
	// slot before it is Unavailable.
	DefaultHashWait = 5 * time.Second
	// MinKeyLength is the shortest signing key accepted, in bytes: HS256
	// is only as strong as a key of at least its output size.
	MinKeyLength = 32
	// defaultKeyID names the key NewService generates when none is given.
	defaultKeyID = "default"
)

// Options configures a Service. A nil *Options, or a zero field, takes the
// documented default.
type Options struct {
	// Clock is the source of time for sessions, tokens and reset expiry.
	// Default commerce.SystemClock{}.
	Clock commerce.Clock

	// Keys is the ring of HS256 signing keys, by key ID. Every key must be
	// at least MinKeyLength bytes. Tokens name their key in the "kid"
	// header; removing a key from the ring invalidates every token signed
	// with it. Rotate by adding a key, making it current, and removing the
	// old one once its tokens have expired (SessionTTL later).
	//
	// When Keys is empty, NewService generates one random key: tokens then
	// stop working when the process restarts and are not accepted by other
	// processes. That suits tests and the demo shop, never production.
	Keys map[string][]byte
	// CurrentKeyID is the key new tokens are signed with. It must be in
	// Keys; it may be empty only when Keys holds exactly one key.
	CurrentKeyID string
	// Issuer is the token's "iss" claim, checked on every token when set.
	Issuer string
	// Audience is the token's "aud" claim, checked on every token when set.
	Audience string

	// SessionTTL is how long a login stays valid. Default DefaultSessionTTL.
	SessionTTL time.Duration
	// ResetTTL is how long a password-reset token stays valid. Default
	// DefaultResetTTL.
	ResetTTL time.Duration

	// Password are the argon2id parameters of new hashes. Default
	// DefaultPasswordParams. Raising them upgrades each customer's hash at
	// their next login.
	Password PasswordParams
	// MinPasswordLength is the fewest characters a new password may have.
	// Default DefaultMinPasswordLength.
	MinPasswordLength int

	// MaxConcurrentHashes bounds the argon2id hashes (logins,
	// registrations, password changes) running at once, each taking
	// Password.Memory: the bound caps the memory a burst of logins takes.
	// Others wait for a slot. Default half of runtime.GOMAXPROCS(0), at
	// least 1: hashing is CPU-bound, so more at once would not finish
	// sooner, and the other half of the processors keep serving the rest
	// of the shop during a flood of logins.
	MaxConcurrentHashes int
	// HashWait is how long a request waits for a hashing slot (and no
	// longer than its context) before failing with Unavailable. Default
	// DefaultHashWait.
	HashWait time.Duration

	// Limiter counts failed logins and password-reset requests. Default a
	// ratelimit.Local on Clock, which counts per process: give every
	// instance of a shop one shared limiter (adapters/redis.RateLimiter).
	Limiter ratelimit.Limiter
	// LoginPerAccount bounds the login attempts for one e-mail address,
	// whether or not it has an account; a successful login starts the
	// count again. Default DefaultLoginPerAccount.
	LoginPerAccount ratelimit.Limit
	// LoginPerClient bounds the login attempts from one client address
	// (LoginFrom's client). Default DefaultLoginPerClient.
	LoginPerClient ratelimit.Limit
	// ResetPerAccount bounds the password-reset e-mails sent for one
	// address; requests past it answer as usual and send nothing.
	// Default DefaultResetPerAccount.
	ResetPerAccount ratelimit.Limit

	// Logger receives failures that do not fail the caller's request, such
	// as a rehash that could not be stored, and failed logins. Default
	// slog.Default().
	Logger *slog.Logger

	// IDs mints the IDs of new customers and sessions. Default
	// commerce.NewID. A host whose store is sharded sets it so that an ID
	// says where its record lives (see IDMinter).
	IDs IDMinter
}

// IDMinter mints the IDs of new customers and sessions. Each method is
// told what the new record belongs to (a customer's normalised e-mail, a
// session's customer), so a sharded store can mint an ID that carries the
// shard of its owner. Implementations are safe for concurrent use and
// return well-formed, unique IDs.
type IDMinter interface {
	NewCustomerID(email string) commerce.CustomerID
	NewSessionID(customer commerce.CustomerID) commerce.SessionID
}

// randomIDs is the default IDMinter: commerce.NewID.
type randomIDs struct{}

func (randomIDs) NewCustomerID(string) commerce.CustomerID {
	return commerce.NewID[commerce.CustomerID]()
}

func (randomIDs) NewSessionID(commerce.CustomerID) commerce.SessionID {
	return commerce.NewID[commerce.SessionID]()
}

// Default limits of Options.
var (
	// DefaultLoginPerAccount: 10 attempts, then one every 90 s.
	DefaultLoginPerAccount = ratelimit.PerPeriod(10, 15*time.Minute)
	// DefaultLoginPerClient: 100 attempts, then one every 9 s.
	DefaultLoginPerClient = ratelimit.PerPeriod(100, 15*time.Minute)
	// DefaultResetPerAccount: 3 reset e-mails an hour.
	DefaultResetPerAccount = ratelimit.PerPeriod(3, time.Hour)
)

// resolved returns a copy of o with defaults filled in, or an
// InvalidArgument error naming the first bad field.
func (o *Options) resolved() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	invalid := func(format string, args ...any) (Options, error) {
		return Options{}, commerce.Errorf(commerce.CodeInvalidArgument, "customer: options: "+format, args...)
	}
	if r.Clock == nil {
		r.Clock = commerce.SystemClock{}
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	if r.IDs == nil {
		r.IDs = randomIDs{}
	}
	if r.MaxConcurrentHashes == 0 {
		r.MaxConcurrentHashes = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if r.HashWait == 0 {
		r.HashWait = DefaultHashWait
	}
	if r.MaxConcurrentHashes < 0 || r.HashWait < 0 {
		return invalid("MaxConcurrentHashes and HashWait must be positive")
	}
	if r.Limiter == nil {
		r.Limiter = ratelimit.NewLocal(r.Clock)
	}
	for _, l := range []struct {
		name string
		lim  *ratelimit.Limit
		def  ratelimit.Limit
	}{{"LoginPerAccount", &r.LoginPerAccount, DefaultLoginPerAccount}, {"LoginPerClient", &r.LoginPerClient, DefaultLoginPerClient}, {"ResetPerAccount", &r.ResetPerAccount, DefaultResetPerAccount}} {
		if *l.lim == (ratelimit.Limit{}) {
			*l.lim = l.def
		}
		if err := l.lim.Validate(); err != nil {
			return invalid("%s: %v", l.name, err)
		}
	}
	if r.SessionTTL == 0 {
		r.SessionTTL = DefaultSessionTTL
	}
	if r.ResetTTL == 0 {
		r.ResetTTL = DefaultResetTTL
	}
	if r.SessionTTL < 0 || r.ResetTTL < 0 {
		return invalid("SessionTTL and ResetTTL must be positive")
	}
	if r.MinPasswordLength == 0 {
		r.MinPasswordLength = DefaultMinPasswordLength
	}
	if r.MinPasswordLength < 1 || r.MinPasswordLength > MaxPasswordLength/4 {
		return invalid("MinPasswordLength must be between 1 and %d, got %d", MaxPasswordLength/4, r.MinPasswordLength)
	}
	if r.Password == (PasswordParams{}) {
		r.Password = DefaultPasswordParams
	}
	if err := r.Password.validate(); err != nil {
		return invalid("Password: %v", err)
	}
	keys := make(map[string][]byte, len(r.Keys))
	for id, k := range r.Keys {
		if id == "" {
			return invalid("Keys: a key ID must not be empty")
		}
		if len(k) < MinKeyLength {
			return invalid("Keys: key %q is %d bytes, at least %d are required", id, len(k), MinKeyLength)
		}
		keys[id] = append([]byte(nil), k...)
	}
	switch {
	case len(keys) == 0:
		if r.CurrentKeyID != "" {
			return invalid("CurrentKeyID %q is not in Keys", r.CurrentKeyID)
		}
		k := make([]byte, MinKeyLength)
		if _, err := rand.Read(k); err != nil {
			return Options{}, commerce.Errorf(commerce.CodeInternal, "customer: generate signing key: %w", err)
		}
		keys[defaultKeyID] = k
		r.CurrentKeyID = defaultKeyID
	case r.CurrentKeyID == "" && len(keys) == 1:
		for id := range keys {
			r.CurrentKeyID = id
		}
	case r.CurrentKeyID == "":
		return invalid("CurrentKeyID is required when Keys holds several keys")
	default:
		if _, ok := keys[r.CurrentKeyID]; !ok {
			return invalid("CurrentKeyID %q is not in Keys", r.CurrentKeyID)
		}
	}
	r.Keys = keys
	return r, nil
}
