package main

import (
	"context"
	"strconv"
	"time"
)

// clockTicks is the unit of the CPU times in /proc/PID/stat (USER_HZ),
// 100 per second on every Linux the suite runs on.
const clockTicks = 100

// processTreeCPU returns the CPU time (user and system) pid and every
// process descended from it have used so far.
func processTreeCPU(pid int) (time.Duration, error) {
	var ticks int64
	err := eachInTree(pid, "stat", func(raw []byte) {
		if t, ok := cpuFromStat(string(raw)); ok {
			ticks += t
		}
	})
	return time.Duration(ticks) * time.Second / clockTicks, err
}

// cpuFromStat reads utime + stime, in clock ticks, from a /proc/PID/stat
// line: fields 14 and 15 of proc(5).
func cpuFromStat(stat string) (int64, bool) {
	fields := statFields(stat)
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime, err1 == nil && err2 == nil
}

// cpuShare is the share of one core pid's tree used over window.
func cpuShare(ctx context.Context, pid int, window time.Duration) (float64, error) {
	before, err := processTreeCPU(pid)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(window):
	}
	after, err := processTreeCPU(pid)
	if err != nil {
		return 0, err
	}
	return float64(after-before) / float64(time.Since(start)), nil
}

// settling is how the suite waits for a shop that is ready but still
// busy with its start (a cold start relays and indexes the events of the
// catalog it seeded) to fall quiet before it is measured.
const (
	settleWindow = time.Second
	settleShare  = 0.05 // of a core
	settleLimit  = 2 * time.Minute
	idleWindow   = 5 * time.Second
)

// settle waits until pid's tree uses under settleShare of a core over a
// settleWindow, at most settleLimit, and then measures its idle CPU over
// idleWindow. busy is how long it took to fall quiet; quiet is false when
// it did not within the limit.
func settle(ctx context.Context, pid int) (busy time.Duration, quiet bool, idle float64, err error) {
	start := time.Now()
	for time.Since(start) < settleLimit {
		share, err := cpuShare(ctx, pid, settleWindow)
		if err != nil {
			return 0, false, 0, err
		}
		if share < settleShare {
			quiet = true
			break
		}
	}
	// The last window was quiet (or the limit passed): the busy time is
	// up to its start.
	busy = max(time.Since(start)-settleWindow, 0)
	idle, err = cpuShare(ctx, pid, idleWindow)
	return busy, quiet, idle, err
}
