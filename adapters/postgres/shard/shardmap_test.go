package shard_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/commerce"
)

func TestNewMapIsModulo(t *testing.T) {
	m, err := shard.NewMap("a", "b", "c", "d")
	require.NoError(t, err)
	require.Equal(t, 1, m.Version)
	require.Len(t, m.Buckets, shard.Buckets)
	for b := range shard.Buckets {
		require.Equal(t, b%4, m.Shard(b))
	}
	require.Len(t, m.Owned(2), shard.Buckets/4)
	require.Equal(t, "map v1: a=256 b=256 c=256 d=256", m.String())
}

func TestMapRoundTripsThroughJSON(t *testing.T) {
	m, err := shard.NewMap("a", "b")
	require.NoError(t, err)
	m, err = m.WithBucket(7, 0)
	require.NoError(t, err)
	raw, err := json.Marshal(m)
	require.NoError(t, err)
	back, err := shard.ParseMap(raw)
	require.NoError(t, err)
	require.Equal(t, m, back)
	require.Equal(t, 2, back.Version)
	require.Equal(t, 0, back.Shard(7))
}

func TestWithBucketMakesANewVersionAndLeavesTheOldAlone(t *testing.T) {
	m, err := shard.NewMap("a", "b")
	require.NoError(t, err)
	next, err := m.WithBucket(1, 0)
	require.NoError(t, err)
	require.Equal(t, 2, next.Version)
	require.Equal(t, 0, next.Shard(1))
	require.Equal(t, 1, m.Shard(1), "the old version is unchanged")
	_, err = m.WithBucket(shard.Buckets, 0)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = m.WithBucket(-1, 0)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = m.WithBucket(0, 2)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

func TestMalformedMapsAreRefused(t *testing.T) {
	good := func() map[string]any {
		buckets := make([]int, shard.Buckets)
		for i := range buckets {
			buckets[i] = i % 2
		}
		return map[string]any{"version": 1, "shards": []string{"a", "b"}, "buckets": buckets}
	}
	encode := func(v map[string]any) []byte {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		return raw
	}
	_, err := shard.ParseMap(encode(good()))
	require.NoError(t, err)

	cases := map[string]struct {
		raw   []byte
		field string
	}{
		"not json":           {[]byte("{"), "map"},
		"trailing data":      {append(encode(good()), []byte(" {}")...), "map"},
		"unknown field":      {encode(func() map[string]any { m := good(); m["extra"] = 1; return m }()), "map"},
		"version 0":          {encode(func() map[string]any { m := good(); m["version"] = 0; return m }()), "version"},
		"no shard":           {encode(func() map[string]any { m := good(); m["shards"] = []string{}; return m }()), "shards"},
		"empty name":         {encode(func() map[string]any { m := good(); m["shards"] = []string{"a", ""}; return m }()), "shards"},
		"repeated name":      {encode(func() map[string]any { m := good(); m["shards"] = []string{"a", "a"}; return m }()), "shards"},
		"too few buckets":    {encode(func() map[string]any { m := good(); m["buckets"] = []int{0, 1}; return m }()), "buckets"},
		"unknown shard":      {encode(func() map[string]any { m := good(); m["buckets"].([]int)[5] = 2; return m }()), "buckets"},
		"negative shard":     {encode(func() map[string]any { m := good(); m["buckets"].([]int)[9] = -1; return m }()), "buckets"},
		"too many buckets":   {encode(func() map[string]any { m := good(); m["buckets"] = append(m["buckets"].([]int), 0); return m }()), "buckets"},
		"buckets not a list": {[]byte(`{"version":1,"shards":["a"],"buckets":"0"}`), "map"},
	}
	for name, c := range cases {
		_, err := shard.ParseMap(c.raw)
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), name)
		var ce *commerce.Error
		require.ErrorAs(t, err, &ce, name)
		require.Equal(t, c.field, ce.Details["field"], name)
	}
	_, err = shard.NewMap()
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

func TestNewRefusesAMapThatDoesNotFitTheShards(t *testing.T) {
	m, err := shard.NewMap("a", "b")
	require.NoError(t, err)
	_, err = shard.New(m, []shard.Shard{{}}, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	require.True(t, strings.Contains(err.Error(), "2 shards but 1"), err.Error())
	_, err = shard.New(m, []shard.Shard{{}, {}}, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "a shard without a pool")
	bad := m
	bad.Buckets = bad.Buckets[:10]
	_, err = shard.New(bad, []shard.Shard{{}, {}}, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}
