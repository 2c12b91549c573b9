package commerce_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

type itemAdded struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

func (itemAdded) EventName() string { return "cart.item_added" }

type orderShipped struct {
	Carrier string `json:"carrier"`
}

func (*orderShipped) EventName() string { return "order.shipped" }
func (*orderShipped) EventVersion() int { return 2 }

type impostor struct{}

func (impostor) EventName() string { return "cart.item_added" }

type badlyNamed struct{}

func (badlyNamed) EventName() string { return "Cart Item Added" }

func TestNewEnvelope(t *testing.T) {
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	env := commerce.NewEnvelope("cart_1", at, itemAdded{SKU: "TEE-M", Quantity: 2})
	require.NoError(t, env.Validate())
	assert.Equal(t, "cart.item_added", env.Name)
	assert.Equal(t, "cart_1", env.AggregateID)
	assert.Equal(t, 1, env.Version)
	assert.True(t, env.OccurredAt.Equal(at))
	assert.Equal(t, time.UTC, env.OccurredAt.Location())
	assert.Equal(t, "evt", env.ID.Prefix())

	shipped := commerce.NewEnvelope("ord_1", at, &orderShipped{Carrier: "DHL"})
	assert.Equal(t, 2, shipped.Version, "a VersionedEvent sets the envelope version")
}

func TestEnvelopeValidate(t *testing.T) {
	valid := func() commerce.Envelope {
		return commerce.NewEnvelope("cart_1", time.Now(), itemAdded{SKU: "A", Quantity: 1})
	}
	tests := map[string]func(*commerce.Envelope){
		"missing id":        func(e *commerce.Envelope) { e.ID = "" },
		"bad name":          func(e *commerce.Envelope) { e.Name = "CartItemAdded" },
		"missing aggregate": func(e *commerce.Envelope) { e.AggregateID = "" },
		"zero time":         func(e *commerce.Envelope) { e.OccurredAt = time.Time{} },
		"version zero":      func(e *commerce.Envelope) { e.Version = 0 },
		"nil payload":       func(e *commerce.Envelope) { e.Payload = nil },
		"name mismatch":     func(e *commerce.Envelope) { e.Name = "order.shipped" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			env := valid()
			mutate(&env)
			assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(env.Validate()))
		})
	}
}

func TestValidateEventName(t *testing.T) {
	for _, ok := range []string{"order.confirmed", "cart.item_added", "inventory.reservation.expired", "a1.b2"} {
		assert.NoError(t, commerce.ValidateEventName(ok), ok)
	}
	for _, bad := range []string{"", "order", "Order.confirmed", "order.", ".order", "order..x", "order-confirmed", "order.con firmed", "1order.x"} {
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(commerce.ValidateEventName(bad)), bad)
	}
}

func TestEventRegistryDecodes(t *testing.T) {
	r := commerce.NewEventRegistry()
	require.NoError(t, commerce.RegisterEvent[itemAdded](r))
	require.NoError(t, commerce.RegisterEvent[*orderShipped](r))
	require.NoError(t, commerce.RegisterEvent[itemAdded](r), "registering the same type again is a no-op")
	assert.Equal(t, []string{"cart.item_added", "order.shipped"}, r.Names())
	assert.True(t, r.Registered("order.shipped"))
	assert.False(t, r.Registered("order.lost"))

	data, err := json.Marshal(itemAdded{SKU: "TEE-M", Quantity: 3})
	require.NoError(t, err)
	got, err := r.Decode("cart.item_added", data)
	require.NoError(t, err)
	assert.Equal(t, itemAdded{SKU: "TEE-M", Quantity: 3}, got)

	got, err = r.Decode("order.shipped", []byte(`{"carrier":"UPS"}`))
	require.NoError(t, err)
	assert.Equal(t, &orderShipped{Carrier: "UPS"}, got, "pointer types decode to pointers")
}

func TestEventRegistryRejects(t *testing.T) {
	r := commerce.NewEventRegistry()
	require.NoError(t, commerce.RegisterEvent[itemAdded](r))
	assert.Equal(t, commerce.CodeConflict, commerce.Code(commerce.RegisterEvent[impostor](r)))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(commerce.RegisterEvent[badlyNamed](r)))

	_, err := r.Decode("order.lost", []byte(`{}`))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = r.Decode("cart.item_added", []byte(`{"quantity":"two"}`))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

func TestEventNameOfPointerType(t *testing.T) {
	assert.Equal(t, "order.shipped", commerce.EventNameOf[*orderShipped]())
	assert.Equal(t, "cart.item_added", commerce.EventNameOf[itemAdded]())
}
