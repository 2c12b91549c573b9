// Package kafkabus is an eventbus.Backend on Apache Kafka, built on
// Watermill's Kafka Pub/Sub (github.com/ThreeDotsLabs/watermill-kafka/v3)
// and Sarama.
//
// New takes the broker addresses the host already uses and, optionally, the
// host's *sarama.Config (TLS, SASL, client ID, timeouts). The backend then:
//
//   - keys every record by the event's aggregate ID, so all events of one
//     aggregate land in one partition and a consumer group member receives
//     them in publish order;
//   - maps each eventbus consumer group to a Kafka consumer group, so the
//     members of a group share a topic's partitions and every group gets
//     every event;
//   - starts a new consumer group at the oldest retained offset, so a group
//     that subscribes late still sees events published before it joined;
//   - creates each topic it publishes or subscribes to on first use (unless
//     Options.SkipTopicCreation is set), so it works on clusters with
//     auto.create.topics.enable=false, and a consumer group never joins a
//     topic that does not exist yet.
//
// Delivery is at-least-once: an offset is committed only after the bus
// acknowledged the event, and an event whose handler did not finish is read
// again by the group's next owner of the partition. Ordering holds per
// partition, so per aggregate; events of different aggregates interleave.
package kafkabus
