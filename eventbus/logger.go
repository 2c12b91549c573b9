package eventbus

import (
	"context"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// WatermillLogger adapts logger for Watermill components. Watermill logs
// every subscription and router step at info level, which is noise in a
// host's logs, so info is demoted to debug; warnings and errors pass as
// they are. Backends use it for the Watermill pieces they wrap. A nil
// logger is slog.Default().
func WatermillLogger(logger *slog.Logger) watermill.LoggerAdapter {
	if logger == nil {
		logger = slog.Default()
	}
	return levelGate{
		LoggerAdapter: watermill.NewSlogLoggerWithLevelMapping(logger, map[slog.Level]slog.Level{slog.LevelInfo: infoLevel}),
		logger:        logger,
	}
}

// infoLevel is the level Watermill's info logs are written at.
const infoLevel = slog.LevelDebug

// levelGate drops the trace, debug and info logs (info being demoted to
// debug) that logger would discard before Watermill's adapter sees them:
// the adapter turns a log's fields into attributes before slog checks
// the level, and Watermill logs several of them for every message it
// moves.
type levelGate struct {
	watermill.LoggerAdapter
	logger *slog.Logger
}

func (g levelGate) enabled(level slog.Level) bool {
	return g.logger.Enabled(context.Background(), level)
}

func (g levelGate) Info(msg string, fields watermill.LogFields) {
	if g.enabled(infoLevel) {
		g.LoggerAdapter.Info(msg, fields)
	}
}

func (g levelGate) Debug(msg string, fields watermill.LogFields) {
	if g.enabled(slog.LevelDebug) {
		g.LoggerAdapter.Debug(msg, fields)
	}
}

func (g levelGate) Trace(msg string, fields watermill.LogFields) {
	if g.enabled(watermill.LevelTrace) {
		g.LoggerAdapter.Trace(msg, fields)
	}
}

func (g levelGate) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return levelGate{LoggerAdapter: g.LoggerAdapter.With(fields), logger: g.logger}
}
