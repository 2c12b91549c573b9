package redis

import (
	"context"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
)

// writeScript commits one write of a CartStore: it checks that every cart
// is still at the version the write read (or absent, for a new cart) and,
// when asked, that the customer index still holds what the write read;
// then it stores the carts and the index entries with their TTL and
// appends the events to the outbox stream. Redis runs a script as one
// step, so no other write can come between the checks and the writes,
// and a failed check writes nothing.
//
// A cart is stored as {"version":N,"cart":{...}}: the version first, so
// the script reads it with an anchored match instead of decoding JSON.
//
// ARGV: ttl in ms, number of carts, position in KEYS of the index key to
// check (0: none), the value it must hold ("" for absent), position of the
// outbox stream (0: events are dropped); then per cart its key's
// position, the version it must have ("0": it must not exist), the new
// document ("": none, the cart is only checked), the position of the
// index key to point at it (0: none) and the value; then the number of
// events and, per event, the number of its entry's fields and values and
// those (see outboxEntry).
//
// It returns OK, or why it wrote nothing: EXISTS (a new cart exists),
// MISSING (a cart is gone), VERSION (a cart changed), INDEX (the index
// changed).
var writeScript = goredis.NewScript(`
local ttl = ARGV[1]
local n = tonumber(ARGV[2])
local check = tonumber(ARGV[3])
if check > 0 then
	local cur = redis.call('GET', KEYS[check]) or ''
	if cur ~= ARGV[4] then return 'INDEX' end
end
local a = 6
for i = 1, n do
	local cur = redis.call('GET', KEYS[tonumber(ARGV[a])])
	local want = ARGV[a + 1]
	if want == '0' then
		if cur then return 'EXISTS' end
	else
		if not cur then return 'MISSING' end
		if string.match(cur, '^{"version":(%d+),') ~= want then return 'VERSION' end
	end
	a = a + 5
end
a = 6
for i = 1, n do
	if ARGV[a + 2] ~= '' then
		redis.call('SET', KEYS[tonumber(ARGV[a])], ARGV[a + 2], 'PX', ttl)
		local ix = tonumber(ARGV[a + 3])
		if ix > 0 then redis.call('SET', KEYS[ix], ARGV[a + 4], 'PX', ttl) end
	end
	a = a + 5
end
local outbox = tonumber(ARGV[5])
local events = tonumber(ARGV[a])
if outbox > 0 then
	a = a + 1
	for i = 1, events do
		local m = tonumber(ARGV[a])
		redis.call('XADD', KEYS[outbox], '*', unpack(ARGV, a + 1, a + m))
		a = a + 1 + m
	end
end
return 'OK'
`)

// Results of writeScript.
const (
	resultOK      = "OK"
	resultExists  = "EXISTS"
	resultMissing = "MISSING"
	resultVersion = "VERSION"
	resultIndex   = "INDEX"
)

// scriptWrite builds the KEYS and ARGV of one writeScript call.
type scriptWrite struct {
	keys  []string
	carts []any
	n     int
	check int
	want  string
}

func (w *scriptWrite) key(k string) int {
	w.keys = append(w.keys, k)
	return len(w.keys)
}

// checkIndex makes the write conditional on index key holding want.
func (w *scriptWrite) checkIndex(key, want string) {
	w.check, w.want = w.key(key), want
}

// cart stores doc under key if the stored version is expect (0: absent),
// and points indexKey at id unless indexKey is empty. A nil doc only
// checks the version.
func (w *scriptWrite) cart(key string, expect int64, doc []byte, indexKey, id string) {
	pos := w.key(key)
	ix := 0
	if indexKey != "" {
		ix = w.key(indexKey)
	}
	w.carts = append(w.carts, pos, strconv.FormatInt(expect, 10), doc, ix, id)
	w.n++
}

// run executes the write, with events appended to outbox unless it is
// empty, and returns the script's result.
func (w *scriptWrite) run(ctx context.Context, client goredis.UniversalClient, ttl time.Duration, outbox string, events [][]any) (string, error) {
	ob := 0
	if outbox != "" && len(events) > 0 {
		ob = w.key(outbox)
	}
	n := 6 + len(w.carts)
	for _, fields := range events {
		n += 1 + len(fields)
	}
	args := make([]any, 0, n)
	args = append(args, ttl.Milliseconds(), w.n, w.check, w.want, ob)
	args = append(args, w.carts...)
	args = append(args, len(events))
	for _, fields := range events {
		args = append(args, len(fields))
		args = append(args, fields...)
	}
	res, err := writeScript.Run(ctx, client, w.keys, args...).Text()
	if err != nil {
		return "", classify(err, "write cart")
	}
	switch res {
	case resultOK, resultExists, resultMissing, resultVersion, resultIndex:
		return res, nil
	}
	return "", commerce.Errorf(commerce.CodeInternal, "redis: write cart: unexpected script result %q", res)
}
