package gateway

import (
	"net/url"
	"strings"
)

// canonicalPath is a request's path in the one form the gateway routes,
// limits and forwards: its segments percent-decoded one by one, as the
// services' routers (net/http.ServeMux) decode them. Deciding on the
// client's spelling instead would let "/store/auth/%6Cogin" reach the
// login route while escaping the login limit.
type canonicalPath struct {
	// segments are the decoded segments. A decoded segment may hold a
	// "/" (from "%2F"): it stays one segment, so it never matches a
	// literal segment of a route, as it would not at the service.
	segments []string
	// escaped is the path in its one spelling (see String).
	escaped string
	// trailingSlash records a final "/", which the services may tell
	// apart and which the routes and limits ignore.
	trailingSlash bool
}

// pathFault is why a path has no canonical form.
type pathFault int

const (
	pathOK pathFault = iota
	// pathNotAbsolute: no leading "/".
	pathNotAbsolute
	// pathMalformedEscape: a "%" not followed by two hex digits.
	pathMalformedEscape
	// pathNotClean: an empty segment ("//") or a dot segment, spelled
	// plainly, escaped, or made of escaped slashes ("a%2F..%2Fb"). A
	// service's router would redirect or resolve such a path to another
	// one than the gateway routed and limited, so the gateway refuses
	// them rather than guess.
	pathNotClean
)

// parsePath returns the canonical form of the escaped path p.
func parsePath(p string) (canonicalPath, pathFault) {
	if !strings.HasPrefix(p, "/") {
		return canonicalPath{}, pathNotAbsolute
	}
	var c canonicalPath
	rest := p[1:]
	if rest == "" {
		c.escaped = "/"
		return c, pathOK
	}
	rest, c.trailingSlash = strings.CutSuffix(rest, "/")
	raw := strings.Split(rest, "/")
	c.segments = make([]string, len(raw))
	fault := pathOK
	var b strings.Builder
	b.Grow(len(p))
	for i, s := range raw {
		d, err := url.PathUnescape(s)
		if err != nil {
			return canonicalPath{}, pathMalformedEscape
		}
		if !cleanSegment(d) {
			fault = pathNotClean // a malformed escape later on still wins
		}
		c.segments[i] = d
		b.WriteByte('/')
		b.WriteString(url.PathEscape(d))
	}
	if fault != pathOK {
		return canonicalPath{}, fault
	}
	c.escaped = b.String()
	return c, pathOK
}

// cleanSegment reports whether the decoded segment d is neither empty nor
// a dot segment, including in each of its parts between escaped slashes.
func cleanSegment(d string) bool {
	for part := range strings.SplitSeq(d, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}

// String returns the path escaped in one spelling: each segment escaped
// by url.PathEscape, so "%2F" stays apart from a segment boundary, and
// without a trailing slash. Two spellings of one path give one string.
func (c canonicalPath) String() string { return c.escaped }

// setOn makes u's path the canonical one, keeping a trailing slash, so
// the service reads the path the gateway routed and limited.
func (c canonicalPath) setOn(u *url.URL) {
	if len(c.segments) == 0 {
		u.Path, u.RawPath = "/", ""
		return
	}
	u.Path = "/" + strings.Join(c.segments, "/")
	u.RawPath = c.escaped
	if c.trailingSlash {
		u.Path += "/"
		u.RawPath += "/"
	}
}
