package cart

import (
	"context"
	"errors"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// MergeStrategy decides, when a guest cart is merged into a customer's
// cart, the quantity of an item both carts hold (same SKU, equal
// metadata). Lines only one cart holds are always kept: a merge never
// drops an item.
type MergeStrategy string

// Merge strategies.
const (
	// MergeAddQuantities adds the guest's quantity to the customer's,
	// capped at Options.MaxQuantityPerLine.
	MergeAddQuantities MergeStrategy = "add_quantities"
	// MergeKeepCustomer keeps the customer's quantity.
	MergeKeepCustomer MergeStrategy = "keep_customer"
	// MergeKeepGuest takes the guest's quantity, what the shopper chose
	// last.
	MergeKeepGuest MergeStrategy = "keep_guest"
)

// Valid reports whether m is one of the strategies above.
func (m MergeStrategy) Valid() bool {
	switch m {
	case MergeAddQuantities, MergeKeepCustomer, MergeKeepGuest:
		return true
	}
	return false
}

// errDone ends an Adopt closure that found the work already done: nothing
// is written and the caller answers with the state as it is.
var errDone = errors.New("cart: already done")

// AttachCustomer makes guest cart id the customer's cart, typically at
// login or sign-up, so that ForCustomer returns it.
//
// Attaching a cart the customer owns already succeeds and changes nothing
// but its expiry. A cart owned by another customer is PermissionDenied. A
// customer who already has another active cart is FailedPrecondition
// (detail "cart_id" names it): the two carts must be merged with Merge,
// and refusing keeps the other cart from silently ceasing to be theirs. A
// merged or converted cart is FailedPrecondition, a missing or expired one
// NotFound.
func (s *Service) AttachCustomer(ctx context.Context, id commerce.CartID, customerID commerce.CustomerID) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	if err := validateCustomerID(customerID); err != nil {
		return Cart{}, err
	}
	c, _, err := s.store.Adopt(ctx, id, customerID, s.opts.TTL, func(c, owned *Cart) ([]commerce.Envelope, error) {
		now := s.now()
		if err := writable(c, now); err != nil {
			return nil, err
		}
		if err := checkOwner(c, customerID); err != nil {
			return nil, err
		}
		if s.ownedActive(owned, customerID, now) {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "cart: customer %s already has cart %s; merge the carts instead", customerID, owned.ID).
				WithDetail("cart_id", owned.ID.String()).WithDetail("customer_id", customerID.String())
		}
		return s.attach(c, customerID, now), nil
	})
	return c, err
}

// attach gives c to customerID at now and returns the write's events.
func (s *Service) attach(c *Cart, customerID commerce.CustomerID, now time.Time) []commerce.Envelope {
	s.touch(c, now)
	if c.CustomerID == customerID {
		return nil
	}
	c.CustomerID = customerID
	return s.envelopes(c.ID, now, CustomerAttached{CartID: c.ID, CustomerID: customerID, ItemCount: c.ItemCount()})
}

func checkOwner(c *Cart, customerID commerce.CustomerID) error {
	if !c.CustomerID.IsZero() && c.CustomerID != customerID {
		return commerce.Errorf(commerce.CodePermissionDenied, "cart: cart %s belongs to another customer", c.ID).WithDetail("cart_id", c.ID.String())
	}
	return nil
}

// Merge moves guest cart guestID into the customer's active cart and
// returns the customer's cart afterwards. Every line of both carts is kept;
// strategy decides the quantity of items both hold (see MergeStrategy).
// The guest cart is then StatusMerged, with MergedInto naming the
// customer's cart, and accepts no more writes. A customer without an
// active cart simply gets the guest cart attached, as AttachCustomer does.
// Both carts and the customer index change in one atomic store write, so
// a crash never loses the guest's lines or applies them twice.
//
// Merge is idempotent: merging a cart already merged into this customer's
// cart, or already this customer's cart, returns the customer's cart
// unchanged.
//
// Limits: a merged quantity above Options.MaxQuantityPerLine is capped at
// it (the merge happens at login, where failing would help nobody, and a
// line cannot be bought above the cap anyway); a merge that would exceed
// Options.MaxLines fails with FailedPrecondition (detail "max_lines")
// rather than drop items, leaving both carts as they were. Carts in
// different currencies are FailedPrecondition (field "currency"). A guest
// cart owned by another customer is PermissionDenied; a converted one
// FailedPrecondition; a missing or expired one NotFound. An unknown
// strategy is InvalidArgument (field "strategy").
func (s *Service) Merge(ctx context.Context, guestID commerce.CartID, customerID commerce.CustomerID, strategy MergeStrategy) (Cart, error) {
	if err := validateCartID(guestID); err != nil {
		return Cart{}, err
	}
	if err := validateCustomerID(customerID); err != nil {
		return Cart{}, err
	}
	if !strategy.Valid() {
		return Cart{}, invalid("strategy", "unknown merge strategy %q", truncate(string(strategy)))
	}
	var done *Cart // the customer's cart, when the merge had happened already
	guest, owned, err := s.store.Adopt(ctx, guestID, customerID, s.opts.TTL, func(g, owned *Cart) ([]commerce.Envelope, error) {
		done = nil
		now := s.now()
		if g.ExpiredAt(now) {
			return nil, notFound(g.ID)
		}
		if err := checkOwner(g, customerID); err != nil {
			return nil, err
		}
		hasOwned := s.ownedActive(owned, customerID, now)
		if g.Status == StatusMerged && hasOwned && g.MergedInto == owned.ID {
			done = owned
			return nil, errDone
		}
		if err := writable(g, now); err != nil {
			return nil, err
		}
		if !hasOwned {
			return s.attach(g, customerID, now), nil
		}
		ev, err := s.mergeLines(owned, g, strategy)
		if err != nil {
			return nil, err
		}
		g.Status, g.MergedInto, g.CustomerID = StatusMerged, owned.ID, customerID
		s.touch(g, now)
		s.touch(owned, now)
		return s.envelopes(owned.ID, now, ev), nil
	})
	switch {
	case errors.Is(err, errDone):
		return done.Clone(), nil
	case err != nil:
		return Cart{}, err
	case guest.Status == StatusMerged:
		if owned == nil {
			return Cart{}, commerce.Errorf(commerce.CodeInternal, "cart: store merged cart %s but returned no target", guestID)
		}
		return *owned, nil
	}
	return guest, nil
}

// mergeLines merges guest's lines into owned's by strategy and returns the
// Merged event, or fails without touching owned.
func (s *Service) mergeLines(owned, guest *Cart, strategy MergeStrategy) (Merged, error) {
	if owned.Currency != guest.Currency {
		return Merged{}, commerce.Errorf(commerce.CodeFailedPrecondition, "cart: cannot merge cart %s in %s into cart %s in %s", guest.ID, guest.Currency, owned.ID, owned.Currency).
			WithDetail("field", "currency").WithDetail("cart_id", owned.ID.String())
	}
	lines := owned.Clone().Lines
	for _, gl := range guest.Lines {
		i := (Cart{Lines: lines}).sameItem(gl.SKU, gl.Metadata)
		if i < 0 {
			lines = append(lines, gl.Clone())
			continue
		}
		switch strategy {
		case MergeAddQuantities:
			lines[i].Quantity = min(lines[i].Quantity+gl.Quantity, s.opts.MaxQuantityPerLine)
		case MergeKeepGuest:
			lines[i].Quantity = min(gl.Quantity, s.opts.MaxQuantityPerLine)
		}
	}
	if len(lines) > s.opts.MaxLines {
		return Merged{}, commerce.Errorf(commerce.CodeFailedPrecondition, "cart: merging cart %s into cart %s would make %d lines, more than %d", guest.ID, owned.ID, len(lines), s.opts.MaxLines).
			WithDetail("cart_id", owned.ID.String()).WithDetail("max_lines", s.opts.MaxLines)
	}
	owned.Lines = lines
	s.mergeCodes(owned, guest)
	return Merged{
		CartID: owned.ID, SourceCartID: guest.ID, CustomerID: owned.CustomerID, Strategy: strategy,
		Lines: eventLines(guest.Lines), ItemCount: owned.ItemCount(),
	}, nil
}
