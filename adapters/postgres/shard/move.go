package shard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
)

// bucketTable is a table whose rows follow a bucket, selected by the IDs
// of one kind of owner in column.
type bucketTable struct {
	name   string
	column string
	owner  string // directory kind of the IDs in column, or "" for home
}

// bucketTables lists, parents before children, every table whose rows a
// bucket move carries: the records of the customers, orders and payments
// placed in the bucket, with what they own, and the directory rows whose
// home is the bucket. Events stay in the outbox of the shard that wrote
// them, where that shard's relay publishes them.
var bucketTables = []bucketTable{
	{"customer_customers", "id", kindCustomer},
	{"customer_sessions", "customer_id", kindCustomer},
	{"customer_password_resets", "customer_id", kindCustomer},
	{"order_orders", "id", kindOrder},
	{"order_lines", "order_id", kindOrder},
	{"order_history", "order_id", kindOrder},
	{"payment_payments", "id", kindPayment},
	{"payment_refunds", "payment_id", kindPayment},
	{"payment_webhook_events", "payment_id", kindPayment},
	{"shard_directory", "home", ""},
}

// MoveBucket moves bucket b to shard to while the shop runs, and returns
// the new map. It copies the bucket's rows to the new shard, then pauses
// the bucket's writes (in this Router: every write of the bucket waits,
// no other bucket does), copies again whatever changed, stores the next
// map version on every shard, switches to it, resumes the writes, and
// deletes the rows from the old shard. Reads are never paused: they read
// the old shard until the switch and the new one after it, and a read
// that missed on the old shard during the switch asks the new one. Rows
// are replaced whole on the new shard, so a move that fails part way can
// simply be run again; until the switch the old shard stays the truth.
// Moves are serialised. A bucket already on to is no change.
func (r *Router) MoveBucket(ctx context.Context, b, to int) (Map, error) {
	r.moving.Lock()
	defer r.moving.Unlock()
	cur := r.Map()
	next, err := cur.WithBucket(b, to)
	if err != nil {
		return Map{}, err
	}
	from := cur.Shard(b)
	if from == to {
		return cur, nil
	}
	src, dst := &r.shards[from], &r.shards[to]
	// The first copy runs beside the shop's writes and carries nearly all
	// of the rows; the second, under the pause, only has to catch up.
	if err := r.copyBucket(ctx, b, src, dst); err != nil {
		return Map{}, err
	}
	err = func() error {
		r.gates[b].Lock()
		defer r.gates[b].Unlock()
		if err := r.copyBucket(ctx, b, src, dst); err != nil {
			return err
		}
		if err := r.storeMap(ctx, next); err != nil {
			return err
		}
		r.m.Store(&next)
		return nil
	}()
	if err != nil {
		return Map{}, err
	}
	r.log.InfoContext(ctx, "shard: bucket moved", "bucket", b, "from", src.name, "to", dst.name, "map_version", next.Version)
	if err := r.deleteBucket(ctx, b, src); err != nil {
		return next, fmt.Errorf("shard: bucket %d moved, but its old rows on shard %s remain (they are no longer read; delete them with DeleteStale): %w", b, src.name, err)
	}
	return next, nil
}

// owners returns the IDs recorded in bucket b, by directory kind, read
// from the directory of every shard (a record's row sits at its ID's
// home, which may be any shard).
func (r *Router) owners(ctx context.Context, b int) (map[string][]string, error) {
	out := map[string][]string{}
	lists := make([]map[string][]string, len(r.shards))
	errs := r.each(ctx, func(ctx context.Context, i int, s *shardStores) error {
		rows, err := s.pool.Query(ctx, `SELECT kind, key FROM shard_directory WHERE bucket = $1 AND kind = ANY($2)`,
			b, []string{kindCustomer, kindOrder, kindPayment})
		if err != nil {
			return classify(err, "list the records of a bucket", s.name)
		}
		lists[i] = map[string][]string{}
		var kind, key string
		_, err = pgx.ForEachRow(rows, []any{&kind, &key}, func() error {
			lists[i][kind] = append(lists[i][kind], key)
			return nil
		})
		return classify(err, "list the records of a bucket", s.name)
	})
	if err := firstError(errs); err != nil {
		return nil, err
	}
	for _, l := range lists {
		for k, v := range l {
			out[k] = append(out[k], v...)
		}
	}
	return out, nil
}

// selector returns the WHERE clause and argument that pick t's rows of
// bucket b.
func selector(t bucketTable, b int, owners map[string][]string) (string, any) {
	if t.owner == "" {
		return t.column + " = $1", b
	}
	return t.column + " = ANY($1)", owners[t.owner]
}

// copyBucket replaces bucket b's rows on dst with those on src, in one
// transaction on dst. Rows travel as JSON, so every column type survives
// as PostgreSQL itself prints and parses it.
func (r *Router) copyBucket(ctx context.Context, b int, src, dst *shardStores) error {
	owners, err := r.owners(ctx, b)
	if err != nil {
		return err
	}
	docs := make([]string, len(bucketTables))
	for i, t := range bucketTables {
		where, arg := selector(t, b, owners)
		err := src.pool.QueryRow(ctx, `SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]')::text FROM `+t.name+` t WHERE `+where, arg).Scan(&docs[i])
		if err != nil {
			return classify(err, "read bucket rows of "+t.name, src.name)
		}
	}
	err = pgx.BeginFunc(ctx, dst.pool, func(tx pgx.Tx) error {
		if err := deleteRows(ctx, tx, b, owners); err != nil {
			return err
		}
		for i, t := range bucketTables {
			if _, err := tx.Exec(ctx, `INSERT INTO `+t.name+` OVERRIDING SYSTEM VALUE
				SELECT * FROM jsonb_populate_recordset(NULL::`+t.name+`, $1::jsonb)`, docs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return classify(err, fmt.Sprintf("copy bucket %d", b), dst.name)
}

// deleteRows deletes bucket b's rows, children first, within tx.
func deleteRows(ctx context.Context, tx pgx.Tx, b int, owners map[string][]string) error {
	for i := len(bucketTables) - 1; i >= 0; i-- {
		t := bucketTables[i]
		where, arg := selector(t, b, owners)
		if _, err := tx.Exec(ctx, `DELETE FROM `+t.name+` WHERE `+where, arg); err != nil {
			return err
		}
	}
	return nil
}

// deleteBucket deletes bucket b's rows from a shard it has left.
func (r *Router) deleteBucket(ctx context.Context, b int, s *shardStores) error {
	owners, err := r.owners(ctx, b)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return deleteRows(ctx, tx, b, owners) })
	return classify(err, fmt.Sprintf("delete the old rows of bucket %d", b), s.name)
}

// DeleteStale deletes, from every shard, the rows of buckets the current
// map places elsewhere: what a move that failed after its switch left
// behind. Those rows are never read, but lists across shards would see
// them until they go.
func (r *Router) DeleteStale(ctx context.Context) error {
	r.moving.Lock()
	defer r.moving.Unlock()
	m := r.Map()
	for i := range r.shards {
		for b := range Buckets {
			if m.Shard(b) == i {
				continue
			}
			if err := r.deleteBucket(ctx, b, &r.shards[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// storeMap records m on every shard, so a Router started later, on any
// shard's view, finds the newest version (LoadMap).
func (r *Router) storeMap(ctx context.Context, m Map) error {
	doc, err := json.Marshal(m)
	if err != nil {
		return commerce.Errorf(commerce.CodeInternal, "shard: encode the map: %w", err)
	}
	errs := r.each(ctx, func(ctx context.Context, _ int, s *shardStores) error {
		_, err := s.pool.Exec(ctx, `INSERT INTO shard_maps (version, doc) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING`, m.Version, doc)
		return classify(err, "store the map", s.name)
	})
	return firstError(errs)
}

// LoadMap returns the newest map stored on any of pools by a bucket move,
// and false when none is stored (the host's initial map is current). A
// stored map that does not parse is InvalidArgument, so a shop never
// starts on a damaged map.
func LoadMap(ctx context.Context, pools []*pgxpool.Pool) (Map, bool, error) {
	best, found := Map{}, false
	for i, p := range pools {
		var doc []byte
		err := p.QueryRow(ctx, `SELECT doc FROM shard_maps ORDER BY version DESC LIMIT 1`).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return Map{}, false, classify(err, "load the map", fmt.Sprint(i))
		}
		m, err := ParseMap(doc)
		if err != nil {
			return Map{}, false, err
		}
		if !found || m.Version > best.Version {
			best, found = m, true
		}
	}
	return best, found, nil
}
