package inventory

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// operation is something done to a reservation.
type operation string

const (
	opRelease operation = "release"
	opExpire  operation = "expire"
	opDeduct  operation = "deduct"
	opRestock operation = "restock"
)

// transition is the reservation state machine. It returns the status op
// leads to from r at now, whether stock moves (false: an idempotent
// repeat, nothing to write), or a FailedPrecondition error.
//
//	reserved  --release--> released     released/expired --release--> (no-op)
//	reserved  --expire---> expired      (only at or after ExpiresAt)
//	reserved  --deduct---> deducted     (only before ExpiresAt)
//	deducted  --restock--> restocked    deducted --deduct--> (no-op)
//	restocked --restock--> (no-op)
func transition(r Reservation, op operation, now time.Time) (Status, bool, error) {
	fail := func(format string, args ...any) (Status, bool, error) {
		args = append([]any{r.ID, op}, args...)
		return r.Status, false, commerce.Errorf(commerce.CodeFailedPrecondition, "inventory: reservation %s: cannot %s: "+format, args...).
			WithDetail("status", string(r.Status))
	}
	switch op {
	case opRelease:
		switch r.Status {
		case StatusReserved:
			return StatusReleased, true, nil
		case StatusReleased, StatusExpired:
			return r.Status, false, nil
		}
		return fail("its stock was already deducted (status %s)", r.Status)
	case opExpire:
		if r.Status == StatusReserved && r.ExpiredAt(now) {
			return StatusExpired, true, nil
		}
		if r.Status == StatusReserved {
			return fail("it does not expire before %s", r.ExpiresAt.Format(time.RFC3339))
		}
		return r.Status, false, nil
	case opDeduct:
		switch r.Status {
		case StatusReserved:
			if r.ExpiredAt(now) {
				return fail("it expired at %s", r.ExpiresAt.Format(time.RFC3339))
			}
			return StatusDeducted, true, nil
		case StatusDeducted, StatusRestocked:
			return r.Status, false, nil
		case StatusReleased:
			return fail("it was released")
		case StatusExpired:
			return fail("it expired at %s", r.ExpiresAt.Format(time.RFC3339))
		}
	case opRestock:
		switch r.Status {
		case StatusDeducted:
			return StatusRestocked, true, nil
		case StatusRestocked:
			return r.Status, false, nil
		}
		return fail("only deducted stock can be restocked (status %s)", r.Status)
	}
	return fail("unknown status %q", r.Status)
}
