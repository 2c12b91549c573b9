package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/internal/testenv"
)

func TestMigrateShowMove(t *testing.T) {
	ctx := context.Background()
	urls := testenv.PostgresURL(t) + "," + testenv.PostgresURL(t)
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"-shards", urls, "migrate"}, &out))
	require.Contains(t, out.String(), "2 shards migrated")

	out.Reset()
	require.NoError(t, run(ctx, []string{"-shards", urls, "show"}, &out))
	require.True(t, strings.HasPrefix(out.String(), "map v1: 0=512 1=512\n"), out.String())

	out.Reset()
	require.NoError(t, run(ctx, []string{"-shards", urls, "move", "-bucket", "3", "-to", "0"}, &out))
	require.True(t, strings.HasPrefix(out.String(), "map v2: 0=513 1=511\n"), out.String())
	m, err := shard.ParseMap([]byte(strings.SplitN(out.String(), "\n", 2)[1]))
	require.NoError(t, err)
	require.Equal(t, 0, m.Shard(3))

	out.Reset()
	require.NoError(t, run(ctx, []string{"-shards", urls, "show"}, &out))
	require.True(t, strings.HasPrefix(out.String(), "map v2:"), "the moved map is stored in the shards: %s", out.String())

	require.Error(t, run(ctx, []string{"-shards", urls, "move", "-bucket", "1024", "-to", "0"}, &out))
	require.Error(t, run(ctx, []string{"-shards", urls, "dance"}, &out))
	require.Error(t, run(ctx, []string{"show"}, &out))
}
