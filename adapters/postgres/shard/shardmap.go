package shard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/mercatohq/mercato/commerce"
)

// Map assigns each of the Buckets virtual buckets to a shard. It is data:
// a host keeps it in a file or lets the Router keep it in the shards
// (every bucket move stores its new version there), and every change
// yields a new Version, so two maps can be told apart and an old one is
// never mistaken for the current one.
//
// In JSON: {"version": 3, "shards": ["eu-1", "eu-2"], "buckets": [0, 1, 0, …]}
// with exactly Buckets entries in "buckets", each an index into "shards".
type Map struct {
	// Version grows by one with every change, starting at 1.
	Version int `json:"version"`
	// Shards names the shards, in the order their pools are given to
	// the Router.
	Shards []string `json:"shards"`
	// Buckets holds, for each bucket, the index of its shard.
	Buckets []int `json:"buckets"`
}

// NewMap returns version 1 of a map over the named shards with bucket b on
// shard b % len(names): hash modulo the number of shards, taken over the
// buckets. It is InvalidArgument without a name or with a repeated or
// empty one.
func NewMap(names ...string) (Map, error) {
	m := Map{Version: 1, Shards: slices.Clone(names), Buckets: make([]int, Buckets)}
	if len(names) > 0 {
		for b := range m.Buckets {
			m.Buckets[b] = b % len(names)
		}
	}
	return m, m.Validate()
}

// ParseMap decodes and validates a map. Unknown fields, trailing data and
// every rule of Validate are errors, so a malformed map stops a shop at
// start instead of sending a customer to the wrong shard.
func ParseMap(data []byte) (Map, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Map
	if err := dec.Decode(&m); err != nil {
		return Map{}, commerce.Errorf(commerce.CodeInvalidArgument, "shard: the map is not valid JSON: %w", err).WithDetail("field", "map")
	}
	if dec.More() {
		return Map{}, commerce.Errorf(commerce.CodeInvalidArgument, "shard: the map has data after its end").WithDetail("field", "map")
	}
	return m, m.Validate()
}

// Validate reports the first broken rule: Version at least 1, at least
// one shard, shard names non-empty and distinct, exactly Buckets buckets,
// each naming an existing shard. The errors are InvalidArgument with the
// offending field.
func (m Map) Validate() error {
	bad := func(field, format string, args ...any) error {
		return commerce.Errorf(commerce.CodeInvalidArgument, "shard: map: "+format, args...).WithDetail("field", field)
	}
	if m.Version < 1 {
		return bad("version", "version %d: versions start at 1", m.Version)
	}
	if len(m.Shards) == 0 {
		return bad("shards", "no shard")
	}
	seen := make(map[string]bool, len(m.Shards))
	for i, name := range m.Shards {
		switch {
		case name == "":
			return bad("shards", "shard %d has no name", i)
		case seen[name]:
			return bad("shards", "shard name %q is used twice", name)
		}
		seen[name] = true
	}
	if len(m.Buckets) != Buckets {
		return bad("buckets", "%d buckets, want %d", len(m.Buckets), Buckets)
	}
	for b, s := range m.Buckets {
		if s < 0 || s >= len(m.Shards) {
			return bad("buckets", "bucket %d is on shard %d, which does not exist", b, s)
		}
	}
	return nil
}

// Shard returns the index of the shard holding bucket b.
func (m Map) Shard(b int) int { return m.Buckets[b] }

// Owned returns the buckets of shard s, ascending.
func (m Map) Owned(s int) []int {
	var out []int
	for b, owner := range m.Buckets {
		if owner == s {
			out = append(out, b)
		}
	}
	return out
}

// WithBucket returns the next version of m with bucket b on shard s. It is
// InvalidArgument for a bucket or shard that does not exist.
func (m Map) WithBucket(b, s int) (Map, error) {
	if b < 0 || b >= Buckets {
		return Map{}, commerce.Errorf(commerce.CodeInvalidArgument, "shard: bucket %d does not exist", b).WithDetail("field", "bucket")
	}
	if s < 0 || s >= len(m.Shards) {
		return Map{}, commerce.Errorf(commerce.CodeInvalidArgument, "shard: shard %d does not exist", s).WithDetail("field", "shard")
	}
	next := Map{Version: m.Version + 1, Shards: slices.Clone(m.Shards), Buckets: slices.Clone(m.Buckets)}
	next.Buckets[b] = s
	return next, nil
}

// String summarises m: its version and how many buckets each shard holds.
func (m Map) String() string {
	counts := make([]int, len(m.Shards))
	for _, s := range m.Buckets {
		if s >= 0 && s < len(counts) {
			counts[s]++
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "map v%d:", m.Version)
	for i, name := range m.Shards {
		fmt.Fprintf(&b, " %s=%d", name, counts[i])
	}
	return b.String()
}

// NumberedMap is NewMap over n shards named "0", "1", …: the map a shop
// configured with nothing but a list of database URLs starts from.
func NumberedMap(n int) (Map, error) {
	names := make([]string, n)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return NewMap(names...)
}
