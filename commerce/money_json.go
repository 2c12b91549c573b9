package commerce

import (
	"encoding/json"
	"strconv"
	"strings"
)

// MarshalJSON writes {"amount":1999,"currency":"USD"}: the amount in minor
// units as a JSON integer, which every language reads exactly, unlike a
// decimal that JavaScript would turn into a float. The zero Money cannot be
// written (CodeInvalidArgument), because nothing could read it back; an
// optional amount is a *Money, which writes null.
func (m Money) MarshalJSON() ([]byte, error) {
	if err := m.check("marshal Money"); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 48)
	b = append(b, `{"amount":`...)
	b = strconv.AppendInt(b, m.amount, 10)
	b = append(b, `,"currency":"`...)
	b = append(b, m.currency...)
	b = append(b, `"}`...)
	return b, nil
}

// UnmarshalJSON reads what MarshalJSON writes and nothing else, because a
// lenient reader of money turns a client's bug into a wrong charge. It
// rejects, with CodeInvalidArgument: null; anything but an object; a
// missing, repeated or unknown field (names match exactly, unlike
// encoding/json's case-insensitive default); an amount that is not a JSON
// integer within int64 (1.5, 1e3 and "1234" included); a currency that is
// not a known code spelled in upper case. On error m is left unchanged.
//
// encoding/json returns this error as is, so commerce.Code and errors.Is
// work on what json.Unmarshal returns. A null reaches this method only for
// a Money value; a null *Money is simply set to nil, as usual.
func (m *Money) UnmarshalJSON(data []byte) error {
	// A hand-written scanner rather than json.Decoder: the grammar is tiny,
	// it must see duplicate and misspelled keys that encoding/json folds
	// away, and money is decoded often enough for a token decoder's dozens of
	// allocations per value to matter.
	s := moneyScanner{data: data}
	if !s.consume('{') {
		return Errorf(CodeInvalidArgument, "money: want a JSON object, got %s", s.describe())
	}
	var (
		amount               int64
		cur                  Currency
		seenAmount, seenCurr bool
	)
	for first := true; !s.consume('}'); first = false {
		if !first && !s.consume(',') {
			return s.malformed("want ',' or '}'")
		}
		key, ok := s.str()
		if !ok {
			return s.malformed("want a field name")
		}
		if !s.consume(':') {
			return s.malformed("want ':'")
		}
		var err error
		switch string(key) {
		case "amount":
			if seenAmount {
				return Errorf(CodeInvalidArgument, "money: duplicate field \"amount\"")
			}
			seenAmount = true
			amount, err = s.amount()
		case "currency":
			if seenCurr {
				return Errorf(CodeInvalidArgument, "money: duplicate field \"currency\"")
			}
			seenCurr = true
			cur, err = s.currency()
		default:
			return Errorf(CodeInvalidArgument, "money: unknown field %q", key)
		}
		if err != nil {
			return err
		}
	}
	if s.skipSpace(); s.pos != len(s.data) {
		return s.malformed("data after the closing brace")
	}
	switch {
	case !seenAmount:
		return Errorf(CodeInvalidArgument, "money: missing field \"amount\"")
	case !seenCurr:
		return Errorf(CodeInvalidArgument, "money: missing field \"currency\"")
	}
	*m = Money{amount: amount, currency: cur}
	return nil
}

// moneyScanner reads the Money object straight from the bytes. Everything
// it accepts is valid JSON; whatever else it meets is an error.
type moneyScanner struct {
	data []byte
	pos  int
}

func (s *moneyScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// consume skips white space and then b, if b is next.
func (s *moneyScanner) consume(b byte) bool {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == b {
		s.pos++
		return true
	}
	return false
}

// str reads a JSON string and returns its decoded bytes, which alias data
// unless there were escapes. Escapes are rare in this format, so they take
// the slow path through encoding/json, which knows every one of them.
func (s *moneyScanner) str() ([]byte, bool) {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, false
	}
	start, escaped := s.pos, false
	for i := start + 1; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			if !escaped {
				return s.data[start+1 : i], true
			}
			var v string
			if err := json.Unmarshal(s.data[start:s.pos], &v); err != nil {
				return nil, false
			}
			return []byte(v), true
		case c == '\\':
			escaped = true
			i++
		case c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// amount reads a JSON integer. Any other number (1.5, 1e3, 1.0) is refused,
// not rounded: an amount is a count of minor units.
func (s *moneyScanner) amount() (int64, error) {
	s.skipSpace()
	start := s.pos
	for s.pos < len(s.data) && strings.IndexByte("+-.eE0123456789", s.data[s.pos]) >= 0 {
		s.pos++
	}
	tok := string(s.data[start:s.pos])
	if tok == "" {
		return 0, Errorf(CodeInvalidArgument, "money: amount must be an integer number of minor units, got %s", s.describeAt(start))
	}
	if !isJSONInteger(tok) {
		return 0, Errorf(CodeInvalidArgument, "money: amount %s is not an integer number of minor units", tok)
	}
	v, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		return 0, Errorf(CodeInvalidArgument, "money: amount %s is out of range", tok)
	}
	return v, nil
}

// isJSONInteger matches -?(0|[1-9][0-9]*), which unlike strconv's syntax
// has no '+' and no leading zeros.
func isJSONInteger(tok string) bool {
	tok = strings.TrimPrefix(tok, "-")
	if tok == "" || (tok[0] == '0' && len(tok) > 1) {
		return false
	}
	return isDigits(tok)
}

func (s *moneyScanner) currency() (Currency, error) {
	s.skipSpace()
	start := s.pos
	v, ok := s.str()
	if !ok {
		return "", Errorf(CodeInvalidArgument, "money: currency must be a string, got %s", s.describeAt(start))
	}
	var c Currency
	if err := c.UnmarshalText(v); err != nil {
		return "", err
	}
	return c, nil
}

func (s *moneyScanner) malformed(what string) error {
	return Errorf(CodeInvalidArgument, "money: malformed JSON at offset %d: %s", s.pos, what)
}

func (s *moneyScanner) describe() string {
	s.skipSpace()
	return s.describeAt(s.pos)
}

// describeAt names the kind of JSON value at i, for error messages.
func (s *moneyScanner) describeAt(i int) string {
	if i >= len(s.data) {
		return "end of input"
	}
	switch s.data[i] {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return strconv.QuoteRune(rune(s.data[i]))
}
