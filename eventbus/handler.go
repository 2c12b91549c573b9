package eventbus

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Handler handles one event. It must be idempotent: delivery is
// at-least-once. Returning an error retries the event (see RetryPolicy);
// returning commerce.Permanent(err), or an error commerce.IsPermanent
// reports as permanent, poisons it at once. ctx stays alive while the
// bus drains on Close and is cancelled when Close's deadline passes.
type Handler func(ctx context.Context, env commerce.Envelope) error

// Handle subscribes a typed handler for events of type E in consumer group
// group, registering E in the bus's registry first. The handler receives
// the envelope and its payload already asserted to E.
func Handle[E commerce.Event](b *Bus, group string, h func(ctx context.Context, env commerce.Envelope, event E) error) error {
	if err := commerce.RegisterEvent[E](b.opts.Registry); err != nil {
		return err
	}
	name := commerce.EventNameOf[E]()
	return b.Subscribe(group, name, func(ctx context.Context, env commerce.Envelope) error {
		event, ok := env.Payload.(E)
		if !ok {
			return commerce.Permanent(commerce.Errorf(commerce.CodeInternal, "event %s decoded as %T, handler wants %T", env.Name, env.Payload, event))
		}
		return h(ctx, env, event)
	})
}
