package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	goredis "github.com/redis/go-redis/v9"
)

// The suite's shops on real backends start on data of their own, made
// here and removed afterwards: a fresh PostgreSQL database, Redis keys
// and NATS streams under a prefix of their own.

// createDatabase creates the database name on the server of adminDSN (a
// postgres:// URL) and returns the URL of the new database.
func createDatabase(ctx context.Context, adminDSN, name string) (string, error) {
	u, err := url.Parse(adminDSN)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("-postgres must be a postgres:// URL")
	}
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// dropDatabase drops the database name, closing the connections still
// open on it.
func dropDatabase(ctx context.Context, adminDSN, name string) error {
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// deleteRedisKeys deletes the keys under prefix on the Redis at addr.
func deleteRedisKeys(ctx context.Context, addr, prefix string) error {
	if prefix == "" {
		return errors.New("no Redis prefix: refusing to delete every key")
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	defer rdb.Close()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := rdb.Del(ctx, batch...).Err()
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 500 {
			if err := flush(); err != nil {
				return fmt.Errorf("delete Redis keys %s*: %w", prefix, err)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("list Redis keys %s*: %w", prefix, err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("delete Redis keys %s*: %w", prefix, err)
	}
	return nil
}

// deleteStreams deletes the JetStream streams whose names start with
// prefix, directly or as a key-value or object store's.
func deleteStreams(ctx context.Context, natsURL, prefix string) error {
	if prefix == "" {
		return errors.New("no topic prefix: refusing to delete every stream")
	}
	nc, err := nats.Connect(natsURL, nats.Name("mercato loadgen cleanup"))
	if err != nil {
		return fmt.Errorf("connect to NATS: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	var mine []string
	lister := js.StreamNames(ctx)
	for name := range lister.Name() {
		if strings.HasPrefix(name, prefix) || strings.HasPrefix(name, "KV_"+prefix) || strings.HasPrefix(name, "OBJ_"+prefix) {
			mine = append(mine, name)
		}
	}
	if err := lister.Err(); err != nil {
		return fmt.Errorf("list NATS streams: %w", err)
	}
	for _, name := range mine {
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("delete NATS stream %s: %w", name, err)
		}
	}
	return nil
}
