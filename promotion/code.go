package promotion

import (
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// NormalizeCode returns code as stored and compared: surrounding spaces
// trimmed, upper case. It fails with InvalidArgument (field "code") when
// the result is not 3 to MaxCodeLength ASCII letters, digits, '-' or '_'.
func NormalizeCode(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if len(c) < 3 || len(c) > MaxCodeLength {
		return "", invalid("code", "a code has 3 to %d characters", MaxCodeLength)
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		if (b < 'A' || b > 'Z') && (b < '0' || b > '9') && b != '-' && b != '_' {
			return "", invalid("code", "a code has only letters, digits, '-' and '_'")
		}
	}
	return c, nil
}

// invalid is an InvalidArgument error naming field.
func invalid(field, format string, args ...any) *commerce.Error {
	return commerce.Errorf(commerce.CodeInvalidArgument, "promotion: "+format, args...).WithDetail("field", field)
}
