package eventbus_test

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/eventbus"
)

func TestWatermillLoggerLevels(t *testing.T) {
	var out bytes.Buffer
	level := new(slog.LevelVar)
	logger := eventbus.WatermillLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: level}))).
		With(watermill.LogFields{"subscriber": "s1"})
	fields := watermill.LogFields{"message_uuid": "m1"}

	level.Set(slog.LevelInfo)
	logger.Trace("trace", fields)
	logger.Debug("debug", fields)
	logger.Info("info", fields)
	assert.Empty(t, out.String(), "below the handler's level, and info is demoted to debug")
	logger.Error("error", nil, fields)
	assert.Contains(t, out.String(), "msg=error")
	assert.Contains(t, out.String(), "subscriber=s1 message_uuid=m1")

	out.Reset()
	level.Set(watermill.LevelTrace)
	logger.Trace("trace", fields)
	logger.Info("info", fields)
	assert.Contains(t, out.String(), "msg=trace")
	assert.Contains(t, out.String(), "level=DEBUG msg=info")
	assert.Contains(t, out.String(), "message_uuid=m1")
}

// A log the handler discards costs nothing: Watermill logs several for
// every message it moves.
func TestWatermillLoggerDiscardsWithoutAllocating(t *testing.T) {
	logger := eventbus.WatermillLogger(slog.New(slog.NewTextHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelInfo})))
	fields := watermill.LogFields{"message_uuid": "m1", "topic": "order.confirmed"}
	allocs := testing.AllocsPerRun(100, func() {
		logger.Trace("Querying message", fields)
		logger.Debug("Message sent", fields)
	})
	assert.Zero(t, allocs)
}
