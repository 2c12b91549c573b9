package customer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/ratelimit"
)

// hashSlots bounds the argon2id hashes that run at once: each takes
// PasswordParams.Memory (19 MiB by default), so without a bound a burst of
// logins takes as many times that as there are requests.
type hashSlots struct {
	slots chan struct{}
	wait  time.Duration
}

func newHashSlots(n int, wait time.Duration) hashSlots {
	return hashSlots{slots: make(chan struct{}, n), wait: wait}
}

// acquire takes a slot, waiting at most h.wait and while ctx lasts; then
// it is Unavailable. release gives the slot back.
func (h hashSlots) acquire(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, nil
	default:
	}
	timer := time.NewTimer(h.wait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, nil
	case <-ctx.Done():
		return nil, commerce.Errorf(commerce.CodeUnavailable, "customer: too many password checks at once: %w", ctx.Err())
	case <-timer.C:
		return nil, commerce.Errorf(commerce.CodeUnavailable, "customer: too many password checks at once; retry")
	}
}

// hash is hashPassword within a hashing slot.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	release, err := s.hashing.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return hashPassword(password, s.opts.Password)
}

// verify is verifyPassword within a hashing slot.
func (s *Service) verify(ctx context.Context, encoded, password string) (ok, outdated bool, err error) {
	release, err := s.hashing.acquire(ctx)
	if err != nil {
		return false, false, err
	}
	defer release()
	return verifyPassword(encoded, password, s.opts.Password)
}

// limitKey is a rate-limit key for what and who: who is hashed, so that
// no e-mail address or client address is written to a shared store.
func limitKey(what, who string) string {
	sum := sha256.Sum256([]byte(who))
	return "customer:" + what + ":" + hex.EncodeToString(sum[:16])
}

// allow counts one event of what for who under lim, and answers
// ResourceExhausted (429 over HTTP, with Retry-After) when lim refuses it.
func (s *Service) allow(ctx context.Context, what, who string, lim ratelimit.Limit, message string) error {
	res, err := s.opts.Limiter.Allow(ctx, limitKey(what, who), lim)
	if err != nil {
		return err
	}
	if !res.Allowed {
		return ratelimit.Exhausted(res, message)
	}
	return nil
}
