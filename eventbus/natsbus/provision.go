package natsbus

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go"
)

// ensureStream makes sure the stream for topic exists: one stream per
// topic, named like it and holding the one subject of the same name. A
// stream that already exists is used as it is, so an operator may tune it.
// Streams found or created are remembered, so publishing costs no extra
// round trip; forgetStream undoes that when a stream disappears.
func (b *Backend) ensureStream(ctx context.Context, topic string) error {
	if err := validateTopic(topic); err != nil {
		return err
	}
	b.mu.Lock()
	known := b.streams[topic]
	b.mu.Unlock()
	if known {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, b.opts.RequestTimeout)
	defer cancel()
	_, err := b.js.StreamInfo(topic, nats.Context(ctx))
	if errors.Is(err, nats.ErrStreamNotFound) {
		_, err = b.js.AddStream(&nats.StreamConfig{
			Name:        topic,
			Description: "Mercato events on topic " + topic + " (created by eventbus/natsbus)",
			Subjects:    []string{topic},
			// Limits retention keeps events for groups that join later;
			// interest or work-queue retention would drop them.
			Retention: nats.LimitsPolicy,
			Storage:   nats.FileStorage,
			Replicas:  b.opts.Replicas,
			MaxAge:    b.opts.MaxAge,
		}, nats.Context(ctx))
		if errors.Is(err, nats.ErrStreamNameAlreadyInUse) {
			err = nil // another process created it first, with other settings
		}
	}
	if err != nil {
		return fmt.Errorf("natsbus: stream %s: %w", topic, err)
	}
	b.mu.Lock()
	b.streams[topic] = true
	b.mu.Unlock()
	return nil
}

func (b *Backend) forgetStream(topic string) {
	b.mu.Lock()
	delete(b.streams, topic)
	b.mu.Unlock()
}

// ensureConsumer makes sure group has its durable consumer on topic's
// stream and returns it. The consumer is a push consumer with a deliver
// group, so every member's queue subscription shares its events. It is
// created here, never by nats.go's subscribe: nats.go deletes a consumer it
// created when that subscription ends, which would throw away the group's
// position as soon as its first member left.
func (b *Backend) ensureConsumer(ctx context.Context, topic, group string) (*nats.ConsumerInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.RequestTimeout)
	defer cancel()
	info, err := b.js.ConsumerInfo(topic, group, nats.Context(ctx))
	if errors.Is(err, nats.ErrConsumerNotFound) {
		info, err = b.js.AddConsumer(topic, &nats.ConsumerConfig{
			Durable:     group,
			Description: "Mercato consumer group " + group + " (created by eventbus/natsbus)",
			// The deliver subject is derived from the stream and group, not
			// random, so members racing to create the consumer send the
			// same configuration and all succeed.
			DeliverSubject: b.deliverSubject(topic, group),
			DeliverGroup:   group,
			DeliverPolicy:  nats.DeliverAllPolicy,
			AckPolicy:      nats.AckExplicitPolicy,
			AckWait:        b.opts.AckWaitTimeout,
			MaxAckPending:  b.opts.MaxAckPending,
			MaxDeliver:     -1,
			FilterSubject:  topic,
			ReplayPolicy:   nats.ReplayInstantPolicy,
		}, nats.Context(ctx))
	}
	if err != nil {
		return nil, fmt.Errorf("natsbus: consumer %s on stream %s: %w", group, topic, err)
	}
	// The options are the source of truth for the settings they name: a
	// restart with a new AckWaitTimeout or MaxAckPending applies it.
	if info.Config.AckWait != b.opts.AckWaitTimeout || info.Config.MaxAckPending != b.opts.MaxAckPending {
		cfg := info.Config
		cfg.AckWait = b.opts.AckWaitTimeout
		cfg.MaxAckPending = b.opts.MaxAckPending
		info, err = b.js.UpdateConsumer(topic, &cfg, nats.Context(ctx))
		if err != nil {
			return nil, fmt.Errorf("natsbus: update consumer %s on stream %s: %w", group, topic, err)
		}
	}
	return info, nil
}

// deliverSubject is where JetStream pushes group's events from topic. It
// sits under the connection's inbox prefix, which is where a host with
// restricted permissions already allows its clients to receive.
func (b *Backend) deliverSubject(topic, group string) string {
	prefix := b.conn.Opts.InboxPrefix
	if prefix == "" {
		prefix = strings.TrimSuffix(nats.InboxPrefix, ".")
	}
	return prefix + ".natsbus." + topic + "." + group
}
