package redis

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// Defaults of RecommendationOptions.
const (
	DefaultRecommendationPrefix = "rec:"
	DefaultRecommendationTTL    = 48 * time.Hour
	DefaultRecommendationGrace  = time.Minute
	recPutBatch                 = 256
)

// RecommendationOptions configures a RecommendationStore. A nil
// *RecommendationOptions, or a zero field, means the documented default.
type RecommendationOptions struct {
	// Prefix starts every key: the pointer to the current run is
	// <Prefix>current, a run's lists <Prefix>run:<run ID>:<kind>:<ID>.
	// Default "rec:". On Redis Cluster give it a hash tag ("{rec}:"): a
	// read follows the pointer to a list in one script.
	Prefix string
	// TTL is how long a run's lists and the pointer to it live: when the
	// batch stops running, the lists expire and readers fall back to the
	// catalog rather than serve stale lists forever. Default 48 hours.
	TTL time.Duration
	// Grace is how long the previous run's lists live after a commit.
	// Reads are atomic, so it only needs to cover clients that read the
	// pointer themselves. Default 1 minute.
	Grace time.Duration
}

// RecommendationStore is a recommend.Store on Redis: each list a sorted
// set under its run's key prefix, the current run named by one pointer
// key. A commit is one SET of the pointer, and a read is one script that
// follows the pointer and reads the sorted set, so a reader sees the old
// run or the new one, never a mix.
type RecommendationStore struct {
	rdb    goredis.UniversalClient
	prefix string
	ttl    time.Duration
	grace  time.Duration
}

// NewRecommendationStore returns the store on rdb.
func NewRecommendationStore(rdb goredis.UniversalClient, opts *RecommendationOptions) (*RecommendationStore, error) {
	if rdb == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: NewRecommendationStore needs a client")
	}
	var o RecommendationOptions
	if opts != nil {
		o = *opts
	}
	if o.TTL < 0 || o.Grace < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: recommendation TTL and Grace must not be negative")
	}
	if o.Prefix == "" {
		o.Prefix = DefaultRecommendationPrefix
	}
	if o.TTL == 0 {
		o.TTL = DefaultRecommendationTTL
	}
	if o.Grace == 0 {
		o.Grace = DefaultRecommendationGrace
	}
	return &RecommendationStore{rdb: rdb, prefix: o.Prefix, ttl: o.TTL, grace: o.Grace}, nil
}

func (s *RecommendationStore) pointer() string { return s.prefix + "current" }

func (s *RecommendationStore) runPrefix(run string) string { return s.prefix + "run:" + run + ":" }

// listScript reads a list of the current run. KEYS: the pointer. ARGV:
// the runs' key prefix, ":" and the list key, the last rank to read.
// Scores are stored negated, so that ZRANGE gives the best first and
// equal scores in product ID order.
var listScript = goredis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then return {} end
local run = string.match(cur, '^(%S+)')
return redis.call('ZRANGE', ARGV[1] .. run .. ARGV[2], 0, tonumber(ARGV[3]), 'WITHSCORES')
`)

// List implements recommend.Store.
func (s *RecommendationStore) List(ctx context.Context, key recommend.ListKey, n int) ([]recommend.Scored, error) {
	if n <= 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: list length %d must be positive", n)
	}
	res, err := listScript.Run(ctx, s.rdb, []string{s.pointer()}, s.prefix+"run:", ":"+key.String(), n-1).Slice()
	if err != nil {
		return nil, classify(err, "read recommendations")
	}
	out := make([]recommend.Scored, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		member, _ := res[i].(string)
		raw, _ := res[i+1].(string)
		score, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, commerce.Errorf(commerce.CodeInternal, "redis: recommendation score %q: %w", raw, err)
		}
		out = append(out, recommend.Scored{ProductID: commerce.ProductID(member), Score: -score})
	}
	return out, nil
}

// Current implements recommend.Store.
func (s *RecommendationStore) Current(ctx context.Context) (recommend.RunInfo, error) {
	cur, err := s.rdb.Get(ctx, s.pointer()).Result()
	switch {
	case err == goredis.Nil:
		return recommend.RunInfo{}, nil
	case err != nil:
		return recommend.RunInfo{}, classify(err, "read the current run")
	}
	return parsePointer(cur), nil
}

// parsePointer reads "<run ID> <unix ms>".
func parsePointer(v string) recommend.RunInfo {
	run, ms, _ := strings.Cut(v, " ")
	info := recommend.RunInfo{ID: run}
	if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
		info.CommittedAt = time.UnixMilli(n).UTC()
	}
	return info
}

// Begin implements recommend.Store.
func (s *RecommendationStore) Begin(ctx context.Context) (recommend.RunWriter, error) {
	return &redisRunWriter{s: s, id: "run_" + ulid.Make().String(), pipe: s.rdb.Pipeline()}, nil
}

type redisRunWriter struct {
	s       *RecommendationStore
	id      string
	pipe    goredis.Pipeliner
	pending int
	done    bool
}

func (w *redisRunWriter) ID() string { return w.id }

func (w *redisRunWriter) finished() error {
	return commerce.Errorf(commerce.CodeFailedPrecondition, "redis: run %s is finished", w.id)
}

// Put implements recommend.RunWriter: the list is written in a pipeline,
// sent every few hundred lists and at Commit.
func (w *redisRunWriter) Put(ctx context.Context, key recommend.ListKey, items []recommend.Scored) error {
	if w.done {
		return w.finished()
	}
	k := w.s.runPrefix(w.id) + key.String()
	w.pipe.Del(ctx, k)
	if len(items) > 0 {
		members := make([]goredis.Z, len(items))
		for i, it := range items {
			members[i] = goredis.Z{Score: -it.Score, Member: it.ProductID.String()}
		}
		w.pipe.ZAdd(ctx, k, members...)
		w.pipe.PExpire(ctx, k, w.s.ttl)
	}
	if w.pending++; w.pending >= recPutBatch {
		return w.flush(ctx)
	}
	return nil
}

func (w *redisRunWriter) flush(ctx context.Context) error {
	w.pending = 0
	_, err := w.pipe.Exec(ctx)
	if err == goredis.Nil {
		err = nil
	}
	return classify(err, "write recommendations")
}

// Commit implements recommend.RunWriter: it points readers at the run in
// one SET, then shortens the life of the previous run's lists to Grace.
func (w *redisRunWriter) Commit(ctx context.Context) error {
	if w.done {
		return w.finished()
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	w.done = true
	value := w.id + " " + strconv.FormatInt(time.Now().UnixMilli(), 10)
	old, err := w.s.rdb.SetArgs(ctx, w.s.pointer(), value, goredis.SetArgs{Get: true, TTL: w.s.ttl}).Result()
	if err != nil && err != goredis.Nil {
		return classify(err, "commit recommendations")
	}
	if prev := parsePointer(old).ID; prev != "" && prev != w.id {
		// The new run is live; a failure here only leaves the old lists
		// to their TTL.
		_ = w.s.expireRun(ctx, prev, w.s.grace)
	}
	return nil
}

// Abort implements recommend.RunWriter: the run's lists are deleted.
func (w *redisRunWriter) Abort(ctx context.Context) error {
	if w.done {
		return nil
	}
	w.done = true
	w.pipe.Discard()
	return w.s.expireRun(ctx, w.id, 0)
}

// expireRun gives every list of run the time to live ttl (0: deletes
// them).
func (s *RecommendationStore) expireRun(ctx context.Context, run string, ttl time.Duration) error {
	iter := s.rdb.Scan(ctx, 0, escapeGlob(s.runPrefix(run))+"*", 1000).Iterator()
	pipe := s.rdb.Pipeline()
	n := 0
	for iter.Next(ctx) {
		if ttl > 0 {
			pipe.PExpire(ctx, iter.Val(), ttl)
		} else {
			pipe.Del(ctx, iter.Val())
		}
		if n++; n%1000 == 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return classify(err, "expire a run")
			}
		}
	}
	if err := iter.Err(); err != nil {
		return classify(err, "expire a run")
	}
	if n%1000 != 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return classify(err, "expire a run")
		}
	}
	return nil
}

// escapeGlob quotes the glob metacharacters of a SCAN pattern.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
