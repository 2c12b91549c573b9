package connectrpc

import (
	"encoding/json"
)

// jsonCodec encodes the domain types themselves with encoding/json, as
// their JSON tags and the commerce types' own methods (Money, Currency)
// define. It replaces Connect's "json" codec, which reads and writes only
// protobuf messages, on both ends: the wire is application/json (Connect
// protocol) and the messages are the structs the services take and return.
type jsonCodec struct{}

// Name is the codec name Connect puts in the content type.
func (jsonCodec) Name() string { return "json" }

// Marshal writes v as JSON.
func (jsonCodec) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal reads JSON into v. Unknown fields are ignored, so a newer peer
// may send fields an older one does not know yet.
func (jsonCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
