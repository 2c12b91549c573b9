package eventbus

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// WatermillLogger adapts logger for Watermill components. Watermill logs
// every subscription and router step at info level, which is noise in a
// host's logs, so info is demoted to debug; warnings and errors pass as
// they are. Backends use it for the Watermill pieces they wrap.
func WatermillLogger(logger *slog.Logger) watermill.LoggerAdapter {
	return watermill.NewSlogLoggerWithLevelMapping(logger, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
}
