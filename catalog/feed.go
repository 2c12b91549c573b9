package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"

	"github.com/mercatohq/mercato/commerce"
)

// DecodeProductsJSON reads a stream of ProductInput JSON objects, one
// after another (newline-delimited JSON), for Import. It decodes one
// object at a time, so the stream may be larger than memory.
//
// An object that is well-formed JSON but not a valid ProductInput (an
// unknown currency, a string where a number belongs, an unknown field)
// yields a CodeInvalidArgument error for that row and reading goes on. A
// syntax error yields CodeInvalidArgument and ends the stream, since
// nothing after it can be trusted; a read error yields CodeUnavailable
// and ends it.
func DecodeProductsJSON(r io.Reader) iter.Seq2[ProductInput, error] {
	return func(yield func(ProductInput, error) bool) {
		dec := json.NewDecoder(r)
		for row := 0; ; row++ {
			var raw json.RawMessage
			err := dec.Decode(&raw)
			if errors.Is(err, io.EOF) {
				return
			}
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
				yield(ProductInput{}, invalid("feed", "row %d: malformed JSON: %w", row, err))
				return
			}
			if err != nil {
				yield(ProductInput{}, commerce.Errorf(commerce.CodeUnavailable, "catalog: read row %d: %w", row, err))
				return
			}
			in, err := decodeProductInput(raw)
			if err != nil {
				err = invalid("feed", "row %d: %w", row, err)
			}
			if !yield(in, err) {
				return
			}
		}
	}
}

func decodeProductInput(raw []byte) (ProductInput, error) {
	var in ProductInput
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		// Keep the handle, if readable, so the row error names the row.
		var h struct {
			Handle string `json:"handle"`
		}
		_ = json.Unmarshal(raw, &h)
		return ProductInput{Handle: h.Handle}, err
	}
	return in, nil
}
