package eventbus

import (
	"regexp"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// groupPattern keeps group names valid as a Kafka group, a Redis consumer
// group, a JetStream durable name and part of a SQL offsets key.
var groupPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// prefixPattern keeps topic prefixes valid in every backend's topic syntax.
var prefixPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{0,64}$`)

// ValidateGroup reports whether group is a valid consumer group name:
// 1-64 characters of [A-Za-z0-9_-], valid in every backend's syntax.
// Backends call it in NewSubscriber.
func ValidateGroup(group string) error {
	if !groupPattern.MatchString(group) {
		return commerce.Errorf(commerce.CodeInvalidArgument, "consumer group %q must be 1-64 characters of [A-Za-z0-9_-]", group)
	}
	return nil
}

// topicFor maps an event name to a topic. Dots become dashes because NATS
// stream names and SQL table names reject dots; event names never contain
// dashes, so the mapping stays one-to-one.
func topicFor(prefix, eventName string) string {
	return prefix + strings.ReplaceAll(eventName, ".", "-")
}
