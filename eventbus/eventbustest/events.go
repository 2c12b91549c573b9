package eventbustest

// Tested is the event the suite publishes.
type Tested struct {
	Seq  int    `json:"seq"`
	Note string `json:"note,omitempty"`
}

// EventName implements commerce.Event.
func (Tested) EventName() string { return "eventbustest.tested" }

// Other is a second event type, to check topics stay apart.
type Other struct {
	Seq int `json:"seq"`
}

// EventName implements commerce.Event.
func (Other) EventName() string { return "eventbustest.other" }

// Unregistered is an event type the suite never registers: only
// SubscribeHeader may follow it.
type Unregistered struct {
	Seq int `json:"seq"`
}

// EventName implements commerce.Event.
func (Unregistered) EventName() string { return "eventbustest.unregistered" }
