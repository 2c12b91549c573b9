package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// maxAdminSessions bounds the admin session table: logging in again and
// again evicts the sessions closest to their end.
const maxAdminSessions = 1000

// adminSessions is the server-side table of admin web sessions. A session
// is a random token held in the admin's cookie; the table keeps only its
// hash and expiry, so a session ends when it expires, when the admin logs
// out, or when the process stops. Safe for concurrent use.
type adminSessions struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	expires map[[sha256.Size]byte]time.Time
}

func newAdminSessions(ttl time.Duration, now func() time.Time) *adminSessions {
	return &adminSessions{ttl: ttl, now: now, expires: map[[sha256.Size]byte]time.Time{}}
}

// open starts a session and returns its token.
func (s *adminSessions) open() string {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand never fails
	token := base64.RawURLEncoding.EncodeToString(raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if len(s.expires) >= maxAdminSessions {
		s.evict(now)
	}
	s.expires[sha256.Sum256([]byte(token))] = now.Add(s.ttl)
	return token
}

// valid reports whether token is a live session. Looking the hash up in a
// map leaks nothing useful through timing: the hash of a guess says
// nothing about the hash of the token.
func (s *adminSessions) valid(token string) bool {
	if token == "" {
		return false
	}
	h := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.expires[h]
	if ok && !s.now().Before(exp) {
		delete(s.expires, h)
		return false
	}
	return ok
}

// revoke ends the session of token, if any.
func (s *adminSessions) revoke(token string) {
	h := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.expires, h)
}

// evict drops expired sessions and, if the table is still full, the one
// that would end first. Callers hold mu.
func (s *adminSessions) evict(now time.Time) {
	var first [sha256.Size]byte
	var firstAt time.Time
	for h, exp := range s.expires {
		if !now.Before(exp) {
			delete(s.expires, h)
			continue
		}
		if firstAt.IsZero() || exp.Before(firstAt) {
			first, firstAt = h, exp
		}
	}
	if len(s.expires) >= maxAdminSessions {
		delete(s.expires, first)
	}
}
