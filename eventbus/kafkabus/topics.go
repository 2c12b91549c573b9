package kafkabus

import (
	"errors"
	"sync"

	"github.com/IBM/sarama"
)

// topicCreator creates topics the backend is about to use. Clusters often
// run with auto.create.topics.enable=false, where publishing to a topic
// nobody created fails and a consumer group on it is assigned nothing; and
// where auto-creation is on, it happens only on a metadata request, which
// a consumer group that joined first does not repeat until its next
// metadata refresh. Creating the topic first avoids both. A nil
// *topicCreator creates nothing (Options.SkipTopicCreation).
type topicCreator struct {
	brokers []string
	cfg     *sarama.Config
	detail  sarama.TopicDetail

	mu    sync.Mutex
	known map[string]struct{} // created or found existing by this backend
}

func newTopicCreator(brokers []string, o Options) *topicCreator {
	if o.SkipTopicCreation {
		return nil
	}
	return &topicCreator{
		brokers: brokers,
		cfg:     o.SaramaConfig,
		detail:  sarama.TopicDetail{NumPartitions: o.Partitions, ReplicationFactor: o.ReplicationFactor},
		known:   make(map[string]struct{}),
	}
}

// ensure creates topic unless it exists. Only the first call per topic
// reaches the cluster; concurrent first calls may both try, and the loser
// sees "already exists", which is success. An existing topic is left as it
// is, whatever its partition count.
func (c *topicCreator) ensure(topic string) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	_, ok := c.known[topic]
	c.mu.Unlock()
	if ok {
		return nil
	}
	// A short-lived admin client: topics are created once per process and
	// topic, so a connection kept open for it would sit idle.
	admin, err := sarama.NewClusterAdmin(c.brokers, c.cfg)
	if err != nil {
		return err
	}
	detail := c.detail
	err = admin.CreateTopic(topic, &detail, false)
	closeErr := admin.Close()
	if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
		return err
	}
	if closeErr != nil {
		return closeErr
	}
	c.mu.Lock()
	c.known[topic] = struct{}{}
	c.mu.Unlock()
	return nil
}
