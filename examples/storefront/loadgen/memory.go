package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// treeMemory is the resident memory of a process and its descendants.
type treeMemory struct {
	// RSS is the sum of the processes' resident sets now, peak the sum of
	// their peaks (which need not have been at once), in bytes.
	RSS, Peak int64
	// Processes is how many processes were counted.
	Processes int
}

func (m treeMemory) String() string {
	s := fmt.Sprintf("RSS %s (peak %s)", formatBytes(m.RSS), formatBytes(m.Peak))
	if m.Processes > 1 {
		s += fmt.Sprintf(" over %d processes", m.Processes)
	}
	return s
}

// formatBytes writes n bytes in MB, one decimal.
func formatBytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// processTreeMemory sums VmRSS and VmHWM from /proc over pid and every
// process descended from it.
func processTreeMemory(pid int) (treeMemory, error) {
	var m treeMemory
	err := eachInTree(pid, "status", func(raw []byte) {
		rss, peak := statusMemory(bytes.NewReader(raw))
		m.RSS += rss
		m.Peak += peak
		m.Processes++
	})
	return m, err
}

// eachInTree calls fn with /proc/PID/name of pid and of every process
// descended from it. A descendant that exited since the listing is left
// out; pid itself gone is an error.
func eachInTree(pid int, name string, fn func(raw []byte)) error {
	parents, err := readParents("/proc")
	if err != nil {
		return err
	}
	for _, p := range descendants(pid, parents) {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", p, name))
		if err != nil {
			if p == pid {
				return err
			}
			continue
		}
		fn(raw)
	}
	return nil
}

// readParents maps each process under procDir to its parent.
func readParents(procDir string) (map[int]int, error) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return nil, err
	}
	parents := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(procDir + "/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		if ppid, ok := parentFromStat(string(raw)); ok {
			parents[pid] = ppid
		}
	}
	return parents, nil
}

// statFields are the fields of a /proc/PID/stat line after the command
// name, "pid (comm) state ppid ...", where comm may hold spaces and
// parens: fields[0] is the state (field 3 of proc(5)).
func statFields(stat string) []string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(stat[i+1:])
}

// parentFromStat reads the parent's PID from a /proc/PID/stat line.
func parentFromStat(stat string) (int, bool) {
	fields := statFields(stat)
	if len(fields) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, err == nil
}

// descendants returns root followed by every process descended from it.
func descendants(root int, parents map[int]int) []int {
	children := map[int][]int{}
	for pid, ppid := range parents {
		children[ppid] = append(children[ppid], pid)
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// statusMemory reads VmRSS and VmHWM, in bytes, from a /proc/PID/status.
func statusMemory(status io.Reader) (rss, peak int64) {
	sc := bufio.NewScanner(status)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		if key == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak
}
