package natsbus

import "github.com/mercatohq/mercato/commerce"

// validateTopic keeps a topic usable both as a stream name and as a single
// subject token, which is what eventbus's topics already are.
func validateTopic(topic string) error {
	if !validTopic(topic) {
		return commerce.Errorf(commerce.CodeInvalidArgument, "natsbus: topic %q must be 1-255 characters of [A-Za-z0-9_-]", topic)
	}
	return nil
}

// validTopic reports whether topic is 1-255 characters of [A-Za-z0-9_-].
func validTopic(topic string) bool {
	if topic == "" || len(topic) > 255 {
		return false
	}
	for _, r := range topic {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}
