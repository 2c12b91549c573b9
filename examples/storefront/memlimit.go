package main

import (
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
)

// minMemoryLimit is the smallest soft memory limit limitMemory sets.
const minMemoryLimit = 96 << 20

// limitMemory sets the Go runtime's soft memory limit to twice what the
// built shop holds (at least minMemoryLimit), unless GOMEMLIMIT chose
// one. Right after a cold start the outbox relays every seeded product,
// review and stock level to the search indexer at once, and the index's
// writes and merges make garbage faster than the collector's default
// pacing returns it: the process peaked at two to four times its live
// heap. The limit makes the collector run sooner in such a burst only;
// it is soft, so a shop whose live heap outgrows it runs on (the runtime
// caps the collector's share of the CPU) rather than failing.
func limitMemory(log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	held := int64(ms.Sys - ms.HeapReleased)
	limit := max(2*held, minMemoryLimit)
	debug.SetMemoryLimit(limit)
	log.Debug("soft memory limit", "bytes", limit, "held", held)
}
