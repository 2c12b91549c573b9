package mongodb

import (
	"context"
	"encoding/json"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mercatohq/mercato/commerce"
)

// encodeEvents returns events as the JSON strings a document's outbox
// holds. Strings, not subdocuments, so the relay removes exactly the
// entries it published with $pullAll, which every server supports.
func encodeEvents(events []commerce.Envelope) ([]string, error) {
	out := make([]string, len(events))
	for i, env := range events {
		if err := env.Validate(); err != nil {
			return nil, err
		}
		b, err := json.Marshal(env)
		if err != nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "mongodb: encode event %s: %w", env.Name, err)
		}
		out[i] = string(b)
	}
	return out, nil
}

// wireEnvelope is an outbox entry before its payload is decoded.
type wireEnvelope struct {
	commerce.Envelope
	Payload json.RawMessage `json:"payload"`
}

// decodeEvent decodes an outbox entry with the payload types of registry.
func decodeEvent(registry *commerce.EventRegistry, raw string) (commerce.Envelope, error) {
	var w wireEnvelope
	if err := json.Unmarshal([]byte(raw), &w); err != nil {
		return commerce.Envelope{}, commerce.Errorf(commerce.CodeInvalidArgument, "mongodb: decode outbox entry: %w", err)
	}
	payload, err := registry.Decode(w.Name, w.Payload)
	if err != nil {
		return commerce.Envelope{}, err
	}
	env := w.Envelope
	env.Payload = payload
	if err := env.Validate(); err != nil {
		return commerce.Envelope{}, err
	}
	return env, nil
}

// hint tells the relay that the products ids have new events. It comes
// after the commit and is only a hint: a hint already there (a duplicate
// key) is as good, and one a crash prevented is made up for by the
// relay's periodic look through every product.
func (s *CatalogStore) hint(ctx context.Context, ids ...string) {
	if s.discard || len(ids) == 0 {
		return
	}
	docs := make([]any, len(ids))
	for i, id := range ids {
		docs[i] = bson.D{{Key: "_id", Value: id}}
	}
	_, _ = s.hints.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
}
