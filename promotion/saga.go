package promotion

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Reserve takes, for in.OrderID, one use of each code in in.Result.Applied
// and each applied promotion's discount from its Budget, all or nothing,
// until Commit, Release or expiry (in.TTL, 0 = Options.DefaultTTL).
//
// Limits are checked under the store's locks, so concurrent checkouts
// never pass them: a code whose MaxUses or MaxUsesPerCustomer would be
// passed, or a budget the discount would overdraw, is FailedPrecondition
// with details "code" (or "promotion_id") and "reason" ("exhausted" or
// "budget"). A code or promotion that has since become inactive, expired
// or gone is FailedPrecondition with the matching reason too; the caller
// should evaluate again. A Result with nothing applied reserves nothing
// and returns a zero Redemption.
//
// Reserve is idempotent per OrderID: repeated, it returns the existing
// redemption whatever its status (a different result for the same order
// is Conflict). Per-customer limits count in.CustomerID, or for a guest
// the normalized in.Email; a code with MaxUsesPerCustomer and neither is
// InvalidArgument ("email"). A malformed order ID, negative TTL or
// inconsistent Result is InvalidArgument naming its field.
func (s *Service) Reserve(ctx context.Context, in ReserveInput) (Redemption, error) {
	return Redemption{}, notImplemented("Reserve")
}

// Commit makes the order's reserved redemption final (the order is
// confirmed). Committing a committed one succeeds and changes nothing; a
// released one (by Release or by expiry) is FailedPrecondition: its uses
// may already be someone else's, so the order must not keep the discount
// without reserving again. NotFound if the order reserved nothing.
func (s *Service) Commit(ctx context.Context, orderID commerce.OrderID) error {
	return notImplemented("Commit")
}

// Release gives the order's uses and budget back: the checkout failed or
// the order was cancelled (after Commit too). Releasing a released
// redemption, or an order that reserved nothing, succeeds and changes
// nothing.
func (s *Service) Release(ctx context.Context, orderID commerce.OrderID) error {
	return notImplemented("Release")
}

// GetRedemption returns the redemption of orderID, or NotFound.
func (s *Service) GetRedemption(ctx context.Context, orderID commerce.OrderID) (Redemption, error) {
	return Redemption{}, notImplemented("GetRedemption")
}

// ReleaseExpired releases the reserved redemptions and held gift-card
// payments whose expiry has passed (at most Options.SweepBatch of each)
// and returns how many it released. Several processes may run it at once.
func (s *Service) ReleaseExpired(ctx context.Context) (int, error) {
	return 0, notImplemented("ReleaseExpired")
}

// RunSweeper calls ReleaseExpired every interval until ctx ends, then
// returns nil. Failures are logged to Options.Logger and retried at the
// next tick. A non-positive interval is InvalidArgument.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) error {
	return notImplemented("RunSweeper")
}
