package shard

import (
	"slices"
	"strings"
	"time"
)

// sortKey returns what lists sort by (a time, then the ID, compared
// bytewise like PostgreSQL's "C" collation) and the record's version.
type sortKey[T any] func(T) (at time.Time, id string, version int)

// mergeNewestFirst sorts the union of the shards' pages newest first,
// keeps one copy of a record found on two shards (a bucket being moved is
// on both until the move ends: the higher version wins), and returns the
// first limit and whether any were cut.
func mergeNewestFirst[T any](all []T, limit int, key sortKey[T]) ([]T, bool) {
	return merge(all, limit, key, -1)
}

// mergeOldestFirst is mergeNewestFirst in ascending order.
func mergeOldestFirst[T any](all []T, limit int, key sortKey[T]) ([]T, bool) {
	return merge(all, limit, key, 1)
}

func merge[T any](all []T, limit int, key sortKey[T], dir int) ([]T, bool) {
	slices.SortStableFunc(all, func(a, b T) int {
		at, aid, av := key(a)
		bt, bid, bv := key(b)
		if c := at.Compare(bt); c != 0 {
			return dir * c
		}
		if c := strings.Compare(aid, bid); c != 0 {
			return dir * c
		}
		return bv - av // the newer version of one record first
	})
	out := make([]T, 0, min(len(all), limit))
	seen := make(map[string]bool, len(all))
	for _, v := range all {
		if _, id, _ := key(v); seen[id] {
			continue
		} else {
			seen[id] = true
		}
		if len(out) == limit {
			return out, true
		}
		out = append(out, v)
	}
	return out, false
}

// firstError returns the first non-nil error, by shard index.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
