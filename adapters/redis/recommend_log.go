package redis

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// Defaults of ActivityLogOptions.
const (
	DefaultActivityPrefix = "recommend:"
	DefaultDedupWindow    = 7 * 24 * time.Hour
	activityScanBatch     = 1000
)

// ActivityLogOptions configures an ActivityLog. A nil
// *ActivityLogOptions, or a zero field, means the documented default.
type ActivityLogOptions struct {
	// Prefix starts every key: the stream is <Prefix>activity, the
	// deduplication marks <Prefix>seen:<activity ID>. Default
	// "recommend:". On Redis Cluster give it a hash tag ("{recommend}:"),
	// as an append touches the stream and the marks in one script.
	Prefix string
	// DedupWindow is how long an activity ID is remembered after its
	// append: a redelivery later than that is logged again. Default 7
	// days, far beyond any bus's redelivery.
	DedupWindow time.Duration
}

// ActivityLog is a recommend.Log on a Redis stream: entries in append
// order under the stream IDs Redis gives them (which are the positions),
// pruned by those IDs' time with XTRIM MINID.
type ActivityLog struct {
	rdb    goredis.UniversalClient
	stream string
	seen   string
	window time.Duration
}

// NewActivityLog returns the log on rdb.
func NewActivityLog(rdb goredis.UniversalClient, opts *ActivityLogOptions) (*ActivityLog, error) {
	if rdb == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: NewActivityLog needs a client")
	}
	var o ActivityLogOptions
	if opts != nil {
		o = *opts
	}
	if o.DedupWindow < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: DedupWindow %s must not be negative", o.DedupWindow)
	}
	if o.Prefix == "" {
		o.Prefix = DefaultActivityPrefix
	}
	if o.DedupWindow == 0 {
		o.DedupWindow = DefaultDedupWindow
	}
	return &ActivityLog{rdb: rdb, stream: o.Prefix + "activity", seen: o.Prefix + "seen:", window: o.DedupWindow}, nil
}

// appendScript appends the activities whose IDs it has not seen: a mark
// per ID (SET NX with the deduplication window) decides, in the same
// step as the XADD. ARGV: the mark prefix, the window in ms, then ID and
// document pairs.
var appendScript = goredis.NewScript(`
for i = 3, #ARGV, 2 do
	if redis.call('SET', ARGV[1] .. ARGV[i], '1', 'NX', 'PX', ARGV[2]) then
		redis.call('XADD', KEYS[1], '*', 'a', ARGV[i + 1])
	end
end
return 'OK'
`)

// Append implements recommend.Log.
func (l *ActivityLog) Append(ctx context.Context, acts ...recommend.Activity) error {
	if len(acts) == 0 {
		return nil
	}
	args := make([]any, 0, 2+2*len(acts))
	args = append(args, l.seen, l.window.Milliseconds())
	for _, a := range acts {
		if err := a.Validate(); err != nil {
			return err
		}
		doc, err := json.Marshal(a)
		if err != nil {
			return commerce.Errorf(commerce.CodeInternal, "redis: encode activity %s: %w", a.ID, err)
		}
		args = append(args, a.ID, doc)
	}
	return classify(appendScript.Run(ctx, l.rdb, []string{l.stream}, args...).Err(), "append activity")
}

var streamID = regexp.MustCompile(`^[0-9]+-[0-9]+$`)

// Scan implements recommend.Log.
func (l *ActivityLog) Scan(ctx context.Context, after string, fn func(recommend.Activity) error) (string, error) {
	if after != "" && !streamID.MatchString(after) {
		return after, commerce.Errorf(commerce.CodeInvalidArgument, "redis: activity log position %q is malformed", after)
	}
	pos := after
	for {
		start := "-"
		if pos != "" {
			start = "(" + pos
		}
		msgs, err := l.rdb.XRangeN(ctx, l.stream, start, "+", activityScanBatch).Result()
		if err != nil {
			return pos, classify(err, "scan activity")
		}
		for _, m := range msgs {
			raw, _ := m.Values["a"].(string)
			var a recommend.Activity
			if err := json.Unmarshal([]byte(raw), &a); err != nil {
				return pos, commerce.Errorf(commerce.CodeInternal, "redis: activity entry %s does not decode: %w", m.ID, err)
			}
			if err := fn(a); err != nil {
				return pos, err
			}
			pos = m.ID
		}
		if len(msgs) < activityScanBatch {
			return pos, nil
		}
	}
}

// Prune implements recommend.Log.
func (l *ActivityLog) Prune(ctx context.Context, before time.Time) (int64, error) {
	n, err := l.rdb.XTrimMinID(ctx, l.stream, strconv.FormatInt(before.UnixMilli(), 10)).Result()
	return n, classify(err, "prune activity")
}
