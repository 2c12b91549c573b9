package kafkabus

import (
	"log/slog"
	"time"

	"github.com/IBM/sarama"

	"github.com/mercatohq/mercato/commerce"
)

// Options configures a Backend. The zero value (or nil) is a sensible
// default.
type Options struct {
	// SaramaConfig is the client configuration of the publisher and of
	// every subscriber: put TLS, SASL, the client ID and the Kafka version
	// here. Start from DefaultSaramaConfig to keep its tuning. The backend
	// works on a copy and always sets the fields its contract depends on:
	// Producer.Return.Successes and Producer.Return.Errors (the publisher
	// waits for each record's acknowledgement), Consumer.Return.Errors (so
	// consumer errors are logged), and Consumer.Offsets.Initial =
	// sarama.OffsetOldest (so a new group sees older events). Default:
	// DefaultSaramaConfig().
	SaramaConfig *sarama.Config

	// Partitions is the partition count of topics the backend creates:
	// each topic it publishes or subscribes to, on first use, unless
	// SkipTopicCreation is set. Existing topics are left as they are.
	// Partitions bound a group's parallelism: a group has at most one busy
	// member per partition. -1 uses the broker's num.partitions and needs
	// Kafka 2.4 or later (and SaramaConfig.Version at least V2_4_0_0).
	// Default: -1.
	Partitions int32

	// ReplicationFactor is the replication factor of topics the backend
	// creates. -1 uses the broker's default.replication.factor, with the
	// same version requirement as Partitions. Default: -1.
	ReplicationFactor int16

	// SkipTopicCreation stops the backend from creating the topics it
	// publishes and subscribes to, for clusters where topics are
	// provisioned ahead of time and the client may not create them. A
	// missing topic then fails Publish (unless the broker auto-creates
	// it), and a subscriber on it keeps reconnecting, every
	// ReconnectRetrySleep, until it appears. Provision the poison topic
	// too: a poisoned event that cannot be published is redelivered
	// instead, and blocks its partition.
	SkipTopicCreation bool

	// NackResendSleep is how long a subscriber waits before delivering a
	// nacked event again. The bus retries handlers itself and nacks only
	// when it is shutting down or cannot reach the poison topic, so this
	// is a backstop against a tight redelivery loop. Negative means no
	// wait. Default: 100ms.
	NackResendSleep time.Duration

	// ReconnectRetrySleep is how long a subscriber waits between attempts
	// to reconnect to the cluster after its consumer stopped. Default: 1s.
	ReconnectRetrySleep time.Duration

	// Logger receives Watermill's and the Kafka Pub/Sub's logs, with their
	// info logs demoted to debug. Default: slog.Default().
	Logger *slog.Logger
}

// DefaultSaramaConfig returns the configuration the backend uses when
// Options.SaramaConfig is nil. It is Sarama's default, plus:
//
//   - Producer.RequiredAcks = sarama.WaitForAll: Publish returns only once
//     every in-sync replica has the record, so an acknowledged event
//     survives the loss of the partition leader;
//   - Consumer.Offsets.Initial = sarama.OffsetOldest;
//   - Consumer.Group.Heartbeat.Interval = 1s (Sarama: 3s): members learn of
//     a rebalance at their next heartbeat, so adding or removing a member
//     stalls the group for up to this long;
//   - Consumer.Group.Rebalance.Retry.Backoff = 500ms (Sarama: 2s);
//   - Metadata.RefreshFrequency = 1m (Sarama: 10m), which is also how soon a
//     group notices partitions added to its topic;
//   - ClientID = "mercato".
//
// Each call returns a new value the caller may change.
func DefaultSaramaConfig() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.ClientID = "mercato"
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Return.Successes = true
	cfg.Consumer.Return.Errors = true
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Group.Heartbeat.Interval = time.Second
	cfg.Consumer.Group.Rebalance.Retry.Backoff = 500 * time.Millisecond
	cfg.Metadata.RefreshFrequency = time.Minute
	return cfg
}

// withDefaults returns a copy of o with every default filled in and the
// contract-critical Sarama settings forced, or an InvalidArgument error.
func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	var cfg sarama.Config
	if out.SaramaConfig != nil {
		// A shallow copy: the host's value is never modified, and the
		// pointers it shares (TLS config, SASL token provider, metric
		// registry) are the host's to share.
		cfg = *out.SaramaConfig
	} else {
		cfg = *DefaultSaramaConfig()
	}
	cfg.Producer.Return.Successes = true
	cfg.Producer.Return.Errors = true
	cfg.Consumer.Return.Errors = true
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	if err := cfg.Validate(); err != nil {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "kafkabus: sarama config: %w", err)
	}
	out.SaramaConfig = &cfg

	switch {
	case out.Partitions == 0:
		out.Partitions = -1
	case out.Partitions < -1:
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "kafkabus: partitions must be -1 (broker default) or positive, got %d", out.Partitions)
	}
	switch {
	case out.ReplicationFactor == 0:
		out.ReplicationFactor = -1
	case out.ReplicationFactor < -1:
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "kafkabus: replication factor must be -1 (broker default) or positive, got %d", out.ReplicationFactor)
	}
	if !out.SkipTopicCreation && (out.Partitions == -1 || out.ReplicationFactor == -1) && !cfg.Version.IsAtLeast(sarama.V2_4_0_0) {
		// Older CreateTopics versions reject -1: fail here, not at the
		// first subscribe.
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "kafkabus: broker-default partitions and replication factor need SaramaConfig.Version >= 2.4.0; set Options.Partitions and Options.ReplicationFactor")
	}
	if out.NackResendSleep == 0 {
		out.NackResendSleep = 100 * time.Millisecond
	}
	switch {
	case out.ReconnectRetrySleep == 0:
		out.ReconnectRetrySleep = time.Second
	case out.ReconnectRetrySleep < 0:
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "kafkabus: reconnect retry sleep must be positive, got %s", out.ReconnectRetrySleep)
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out, nil
}
