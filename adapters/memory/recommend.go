package memory

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// ActivityLog is a recommend.Log in memory. Positions are decimal
// sequence numbers.
type ActivityLog struct {
	clock commerce.Clock

	mu      sync.RWMutex
	entries []logEntry // in append order
	ids     map[string]struct{}
	next    uint64 // sequence number of the next entry
}

type logEntry struct {
	seq      uint64
	appended time.Time
	act      recommend.Activity
}

// NewActivityLog returns an empty log stamping entries with clock's time
// (nil: the system clock).
func NewActivityLog(clock commerce.Clock) *ActivityLog {
	if clock == nil {
		clock = commerce.SystemClock{}
	}
	return &ActivityLog{clock: clock, ids: map[string]struct{}{}, next: 1}
}

// Append implements recommend.Log.
func (l *ActivityLog) Append(ctx context.Context, acts ...recommend.Activity) error {
	for _, a := range acts {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	for _, a := range acts {
		if _, dup := l.ids[a.ID]; dup {
			continue
		}
		l.ids[a.ID] = struct{}{}
		l.entries = append(l.entries, logEntry{seq: l.next, appended: now, act: a})
		l.next++
	}
	return nil
}

// Scan implements recommend.Log. It reads the log in chunks, so fn may
// append to the log.
func (l *ActivityLog) Scan(ctx context.Context, after string, fn func(recommend.Activity) error) (string, error) {
	var from uint64
	if after != "" {
		n, err := strconv.ParseUint(after, 10, 64)
		if err != nil {
			return after, commerce.Errorf(commerce.CodeInvalidArgument, "memory: activity log position %q is malformed", after)
		}
		from = n
	}
	pos := after
	for {
		chunk := l.chunk(from, 1024)
		if len(chunk) == 0 {
			return pos, nil
		}
		for _, e := range chunk {
			if err := fn(e.act); err != nil {
				return pos, err
			}
			from, pos = e.seq, strconv.FormatUint(e.seq, 10)
		}
	}
}

// chunk returns up to n entries after seq.
func (l *ActivityLog) chunk(seq uint64, n int) []logEntry {
	l.mu.RLock()
	defer l.mu.RUnlock()
	i, _ := slices.BinarySearchFunc(l.entries, seq+1, func(e logEntry, s uint64) int {
		switch {
		case e.seq < s:
			return -1
		case e.seq > s:
			return 1
		}
		return 0
	})
	return slices.Clone(l.entries[i:min(i+n, len(l.entries))])
}

// Prune implements recommend.Log.
func (l *ActivityLog) Prune(ctx context.Context, before time.Time) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for n < len(l.entries) && l.entries[n].appended.Before(before) {
		delete(l.ids, l.entries[n].act.ID)
		n++
	}
	l.entries = slices.Delete(l.entries, 0, n)
	return int64(n), nil
}

// RecommendationStore is a recommend.Store in memory: a committed run is
// swapped in with one atomic pointer store.
type RecommendationStore struct {
	clock   commerce.Clock
	current atomic.Pointer[recRun]
}

type recRun struct {
	info  recommend.RunInfo
	lists map[recommend.ListKey][]recommend.Scored
}

// NewRecommendationStore returns a store with no run (nil clock: the
// system clock).
func NewRecommendationStore(clock commerce.Clock) *RecommendationStore {
	if clock == nil {
		clock = commerce.SystemClock{}
	}
	return &RecommendationStore{clock: clock}
}

// Begin implements recommend.Store.
func (s *RecommendationStore) Begin(ctx context.Context) (recommend.RunWriter, error) {
	return &recWriter{store: s, run: &recRun{
		info:  recommend.RunInfo{ID: "run_" + ulid.Make().String()},
		lists: map[recommend.ListKey][]recommend.Scored{},
	}}, nil
}

// List implements recommend.Store.
func (s *RecommendationStore) List(ctx context.Context, key recommend.ListKey, n int) ([]recommend.Scored, error) {
	if n <= 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "memory: list length %d must be positive", n)
	}
	run := s.current.Load()
	if run == nil {
		return nil, nil
	}
	items := run.lists[key]
	return slices.Clone(items[:min(n, len(items))]), nil
}

// Current implements recommend.Store.
func (s *RecommendationStore) Current(ctx context.Context) (recommend.RunInfo, error) {
	if run := s.current.Load(); run != nil {
		return run.info, nil
	}
	return recommend.RunInfo{}, nil
}

type recWriter struct {
	store *RecommendationStore
	run   *recRun
	done  bool
}

func (w *recWriter) ID() string { return w.run.info.ID }

func (w *recWriter) Put(ctx context.Context, key recommend.ListKey, items []recommend.Scored) error {
	if w.done {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "memory: run %s is finished", w.run.info.ID)
	}
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, recommend.CompareScored)
	w.run.lists[key] = sorted
	return nil
}

func (w *recWriter) Commit(ctx context.Context) error {
	if w.done {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "memory: run %s is finished", w.run.info.ID)
	}
	w.done = true
	w.run.info.CommittedAt = w.store.clock.Now()
	w.store.current.Store(w.run)
	return nil
}

func (w *recWriter) Abort(ctx context.Context) error {
	w.done = true
	return nil
}
