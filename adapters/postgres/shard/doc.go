// Package shard spreads Mercato's customer data over several PostgreSQL
// databases. A Router over N pgx pools implements customer.Store,
// order.Store and payment.Store by picking a shard and handing the call to
// the single-database store of package postgres on that shard, so the
// services and their conformance suites run on it unchanged.
//
// Placement: a customer's account, sessions, password resets, orders and
// payments live on one shard. Data is placed in one of [Buckets] virtual
// buckets, hash(customer) % Buckets, and a versioned [Map] assigns buckets
// to shards (NewMap starts with bucket b on shard b % N). Adding a shard
// moves buckets to it instead of rehashing every customer.
//
// Finding a shard without asking them all: an ID carries its bucket in its
// last two ULID characters ([BucketOf]). For an ID minted by
// commerce.NewID those are random bits, i.e. a hash; [IDs], set as the IDs
// option of the customer, order and payment services, mints IDs that carry
// their owner's bucket (a customer's is its e-mail's, an order's its
// customer's, a guest order's its cart's, a payment's its order's). Keys
// that cannot carry a bucket (e-mails, idempotency keys, token hashes,
// provider references) have a home bucket too: the bucket of the first
// Mercato ID they contain, else a hash ([KeyBucket]); so the keys Mercato
// derives ("order:ord_…:payment") and a client key that embeds the
// buyer's ID live with their owner. A small directory table on each shard
// records, at a key's home, the bucket of the record the key names. It is
// written before the record, so one primary-key read on a shard known in
// advance finds any record; for unique keys the first row wins and a later
// writer is sent to its bucket, where the shard's unique constraint
// settles races exactly as on one database (one e-mail, one idempotency
// key: one record, across shards). With IDs minted by [IDs], a customer's
// requests touch the customer's shard alone, so a shard that is down
// fails only its own customers, with Unavailable.
//
// Lists: a customer's orders are read from the customer's shard. Lists
// across customers (orders by status and date, recovery's unsettled
// orders) ask every shard for a page from the same keyset cursor and merge
// them: the first Limit of the union are exactly the first Limit overall.
//
// Schema and events: [Migrate] runs postgres.Migrate on every shard, adds
// the directory and map tables and gives each shard its own range of order
// numbers (shard i from i·10⁹+1001), so numbers stay unique. Each shard
// has its own outbox ([Shard].Outbox) and the host runs a relay per shard.
//
// Moving a bucket: [Router.MoveBucket] copies a bucket's rows to another
// shard while the shop runs, pauses the writes of that bucket only for the
// final copy and the switch, stores the next map version and deletes the
// old rows; reads keep answering from the old shard until the switch and
// from the new one after it. The pause is held inside one Router, so the
// shop's process must be the one that moves (cmd/mercato-shard moves a
// bucket for a shop that is stopped, or that is itself the only writer).
//
// Bad input never reaches a wrong shard: a malformed ID is InvalidArgument
// naming its field, and a malformed map stops New with InvalidArgument.
package shard
