package main

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxGroupLen is the longest consumer group name every bus takes (see
// eventbus.ValidateGroup).
const maxGroupLen = 64

// groupHashLen is how many hex digits of the name's hash end a consumer
// group name too long to keep whole.
const groupHashLen = 16

// consumerGroup is the consumer group of one handler of a service: the
// topic prefix, the service's group (notify, orders...) and the event the
// handler takes. Kafka's consumer groups belong to the whole cluster, not
// to a topic, so two topologies sharing a broker under different prefixes
// must never join one group; one group per handler keeps a rebalance of
// one handler's members from pausing the service's other handlers.
//
// A name longer than maxGroupLen keeps its start, for whoever reads the
// broker's list of groups, and ends with a hash of the whole name: every
// instance and every restart derive the same group, and names that differ
// only past the cut stay apart. A prefix is kept whole up to
// maxGroupLen-groupHashLen-1 (47) characters; past that it is cut too, and
// the hash alone tells the topologies apart.
func consumerGroup(prefix, service, eventName string) string {
	name := service + "-" + strings.ReplaceAll(eventName, ".", "-")
	if prefix != "" && !strings.HasSuffix(prefix, "-") && !strings.HasSuffix(prefix, "_") {
		prefix += "-"
	}
	name = prefix + name
	if len(name) <= maxGroupLen {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return name[:maxGroupLen-groupHashLen-1] + "-" + hex.EncodeToString(sum[:])[:groupHashLen]
}

// group is the consumer group of this process's service's handler of
// eventName: see consumerGroup.
func (p *process) group(service, eventName string) string {
	return consumerGroup(p.cfg.TopicPrefix, service, eventName)
}
