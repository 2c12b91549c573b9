package customer

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mercatohq/mercato/commerce"
)

// maxTokenLength bounds the tokens Authenticate parses; Mercato's own are
// about 300 bytes.
const maxTokenLength = 4096

// signingMethod is the only algorithm tokens are signed and accepted with.
var signingMethod = jwt.SigningMethodHS256

// Claims is what a valid session token says about its bearer.
type Claims struct {
	CustomerID commerce.CustomerID `json:"customer_id"`
	SessionID  commerce.SessionID  `json:"session_id"`
	IssuedAt   time.Time           `json:"issued_at"`
	ExpiresAt  time.Time           `json:"expires_at"`
}

// errBadToken is the one error every rejected token gets: a caller learns
// nothing about which check failed. The cause is kept for logs.
func errBadToken(cause error) error {
	return &commerce.Error{Code: commerce.CodeUnauthenticated, Message: "customer: invalid or expired session token", Err: cause}
}

// signToken returns the JWT for session s, signed with the current key.
func (s *Service) signToken(rec SessionRecord) (string, error) {
	claims := jwt.RegisteredClaims{
		Subject:   rec.CustomerID.String(),
		ID:        rec.ID.String(),
		IssuedAt:  jwt.NewNumericDate(rec.CreatedAt),
		ExpiresAt: jwt.NewNumericDate(rec.ExpiresAt),
		Issuer:    s.opts.Issuer,
	}
	if s.opts.Audience != "" {
		claims.Audience = jwt.ClaimStrings{s.opts.Audience}
	}
	tok := jwt.NewWithClaims(signingMethod, claims)
	tok.Header["kid"] = s.opts.CurrentKeyID
	signed, err := tok.SignedString(s.opts.Keys[s.opts.CurrentKeyID])
	if err != nil {
		return "", commerce.Errorf(commerce.CodeInternal, "customer: sign session token: %w", err)
	}
	return signed, nil
}

// parseToken checks token's signature, algorithm, key, expiry, issuer and
// audience, and returns its claims. It does not consult the store.
func (s *Service) parseToken(token string) (Claims, error) {
	if token == "" || len(token) > maxTokenLength {
		return Claims{}, errBadToken(errors.New("empty or oversized token"))
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{signingMethod.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.opts.Clock.Now),
	}
	if s.opts.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(s.opts.Issuer))
	}
	if s.opts.Audience != "" {
		opts = append(opts, jwt.WithAudience(s.opts.Audience))
	}
	var rc jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &rc, func(t *jwt.Token) (any, error) {
		kid, ok := t.Header["kid"].(string)
		if !ok {
			return nil, errors.New("token names no key")
		}
		key, ok := s.opts.Keys[kid]
		if !ok {
			return nil, errors.New("token names an unknown key")
		}
		return key, nil
	}, opts...)
	if err != nil {
		return Claims{}, errBadToken(err)
	}
	cid, err := commerce.ParseID[commerce.CustomerID](rc.Subject)
	if err != nil {
		return Claims{}, errBadToken(err)
	}
	sid, err := commerce.ParseID[commerce.SessionID](rc.ID)
	if err != nil {
		return Claims{}, errBadToken(err)
	}
	c := Claims{CustomerID: cid, SessionID: sid, ExpiresAt: rc.ExpiresAt.Time.UTC()}
	if rc.IssuedAt != nil {
		c.IssuedAt = rc.IssuedAt.Time.UTC()
	}
	return c, nil
}
