package cart

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// AddItemInput is what AddItem needs.
type AddItemInput struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
	// Metadata distinguishes lines of one SKU; see Line.Metadata.
	Metadata map[string]string `json:"metadata,omitempty"`
}

// AddItem adds Quantity units of SKU to active cart id. If the cart has a
// line with the same SKU and equal metadata, that line's quantity rises and
// keeps the price it was added at; otherwise a new line captures the SKU's
// current price in the cart's currency.
//
// Errors, none of which changes the cart:
//   - a malformed SKU, a quantity outside 1..Options.MaxQuantityPerLine
//     (also after adding to an existing line) or bad metadata:
//     InvalidArgument with the field ("sku", "quantity", "metadata");
//   - a SKU the catalog does not know: InvalidArgument, field "sku" (it is
//     the request that is wrong, not the cart, which NotFound would say);
//   - a SKU that is not purchasable (its product is not active) or has no
//     price in the cart's currency: FailedPrecondition, field "sku";
//   - a new line beyond Options.MaxLines: FailedPrecondition, detail
//     "max_lines";
//   - a cart not found or expired: NotFound; merged or converted:
//     FailedPrecondition.
func (s *Service) AddItem(ctx context.Context, id commerce.CartID, in AddItemInput, checks ...Check) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	if err := validateSKU(in.SKU); err != nil {
		return Cart{}, err
	}
	if err := s.validateQuantity(in.Quantity); err != nil {
		return Cart{}, err
	}
	if err := validateMetadata(in.Metadata); err != nil {
		return Cart{}, err
	}
	metadata := maps.Clone(in.Metadata)
	if len(metadata) == 0 {
		metadata = nil
	}
	// The price is fetched before the write, whose closure must not wait
	// on the catalog; a cart's currency never changes, so the price stays
	// the right one however often the closure runs.
	seen, err := s.store.Get(ctx, id)
	if err != nil {
		return Cart{}, err
	}
	if err := runChecks(seen, checks); err != nil {
		return Cart{}, err
	}
	if err := writable(&seen, s.now()); err != nil {
		return Cart{}, err
	}
	price, err := s.priceForAdd(ctx, seen.Currency, in.SKU)
	if err != nil {
		return Cart{}, err
	}
	return s.mutate(ctx, id, &seen, checks, func(c *Cart, now time.Time) ([]commerce.Event, error) {
		if i := c.sameItem(in.SKU, metadata); i >= 0 {
			l := &c.Lines[i]
			if sum := l.Quantity + in.Quantity; sum > s.opts.MaxQuantityPerLine {
				return nil, invalid("quantity", "%d units of %s in one line exceed the limit of %d", sum, l.SKU, s.opts.MaxQuantityPerLine).
					WithDetail("max", s.opts.MaxQuantityPerLine).WithDetail("line_id", l.ID.String())
			}
			l.Quantity += in.Quantity
			if err := checkTotal(c); err != nil {
				return nil, err
			}
			return []commerce.Event{ItemAdded{CartID: c.ID, CustomerID: c.CustomerID, EventLine: eventLine(*l), Added: in.Quantity}}, nil
		}
		if len(c.Lines) >= s.opts.MaxLines {
			return nil, s.tooManyLines(c.ID)
		}
		l := Line{
			ID: commerce.NewID[commerce.LineID](), SKU: in.SKU, ProductID: price.ProductID, VariantID: price.VariantID,
			Title: price.Title, Quantity: in.Quantity, UnitPrice: price.Price, Metadata: maps.Clone(metadata), AddedAt: now,
		}
		c.Lines = append(c.Lines, l)
		if err := checkTotal(c); err != nil {
			return nil, err
		}
		return []commerce.Event{ItemAdded{CartID: c.ID, CustomerID: c.CustomerID, EventLine: eventLine(l), Added: in.Quantity}}, nil
	})
}

// checkTotal refuses a change that makes c's total, at the prices its
// lines were added at, overflow int64: such a cart could never be priced,
// so the change is refused before it is saved rather than leaving a cart
// every later request fails on.
func checkTotal(c *Cart) error {
	total := commerce.Zero(c.Currency)
	for _, l := range c.Lines {
		sum, err := l.UnitPrice.Mul(int64(l.Quantity))
		if err == nil {
			total, err = total.Add(sum)
		}
		if err != nil {
			return invalid("quantity", "the cart's total would exceed what a price can hold").WithDetail("line_id", l.ID.String())
		}
	}
	return nil
}

func (s *Service) tooManyLines(id commerce.CartID) error {
	return commerce.Errorf(commerce.CodeFailedPrecondition, "cart: cart %s already holds the most lines allowed, %d", id, s.opts.MaxLines).
		WithDetail("cart_id", id.String()).WithDetail("max_lines", s.opts.MaxLines)
}

// priceForAdd prices sku for a new line, turning the pricer's answers into
// the errors a client should see.
func (s *Service) priceForAdd(ctx context.Context, currency commerce.Currency, sku string) (catalog.SKUPrice, error) {
	prices, err := s.pricer.PriceSKUs(ctx, currency, sku)
	switch commerce.Code(err) {
	case "":
	case commerce.CodeNotFound:
		return catalog.SKUPrice{}, commerce.Errorf(commerce.CodeInvalidArgument, "cart: unknown SKU %q: %w", sku, err).WithDetail("field", "sku")
	case commerce.CodeInvalidArgument:
		return catalog.SKUPrice{}, commerce.Errorf(commerce.CodeInvalidArgument, "cart: SKU %q: %w", sku, err).WithDetail("field", "sku")
	case commerce.CodeFailedPrecondition:
		return catalog.SKUPrice{}, commerce.Errorf(commerce.CodeFailedPrecondition, "cart: SKU %q has no price in %s: %w", sku, currency, err).
			WithDetail("field", "sku").WithDetail("currency", string(currency))
	default:
		return catalog.SKUPrice{}, err
	}
	p, ok := prices[sku]
	switch {
	case !ok:
		return catalog.SKUPrice{}, commerce.Errorf(commerce.CodeInvalidArgument, "cart: unknown SKU %q", sku).WithDetail("field", "sku")
	case p.Price.Currency() != currency:
		return catalog.SKUPrice{}, commerce.Errorf(commerce.CodeInternal, "cart: pricer returned %s for SKU %q in %s", p.Price, sku, currency)
	case !p.Purchasable:
		return catalog.SKUPrice{}, commerce.Errorf(commerce.CodeFailedPrecondition, "cart: SKU %q is not available for purchase", sku).WithDetail("field", "sku")
	}
	return p, nil
}

// RemoveItem removes line lineID from active cart id. A line the cart
// does not hold is NotFound (field "line_id").
func (s *Service) RemoveItem(ctx context.Context, id commerce.CartID, lineID commerce.LineID, checks ...Check) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	if err := validateLineID(lineID); err != nil {
		return Cart{}, err
	}
	return s.mutate(ctx, id, nil, checks, func(c *Cart, _ time.Time) ([]commerce.Event, error) {
		i := c.lineIndex(lineID)
		if i < 0 {
			return nil, lineNotFound(c.ID, lineID)
		}
		l := c.Lines[i]
		c.Lines = slices.Delete(c.Lines, i, i+1)
		return []commerce.Event{ItemRemoved{CartID: c.ID, CustomerID: c.CustomerID, EventLine: eventLine(l)}}, nil
	})
}

// UpdateQuantity sets the quantity of line lineID of active cart id; 0
// removes the line. A quantity below 0 or above
// Options.MaxQuantityPerLine is InvalidArgument (field "quantity"); a line
// the cart does not hold is NotFound (field "line_id"). Setting the
// quantity the line has already is a write without an event.
func (s *Service) UpdateQuantity(ctx context.Context, id commerce.CartID, lineID commerce.LineID, quantity int, checks ...Check) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	if err := validateLineID(lineID); err != nil {
		return Cart{}, err
	}
	if quantity != 0 {
		if err := s.validateQuantity(quantity); err != nil {
			return Cart{}, err
		}
	}
	return s.mutate(ctx, id, nil, checks, func(c *Cart, _ time.Time) ([]commerce.Event, error) {
		i := c.lineIndex(lineID)
		if i < 0 {
			return nil, lineNotFound(c.ID, lineID)
		}
		l := c.Lines[i]
		switch {
		case quantity == 0:
			c.Lines = slices.Delete(c.Lines, i, i+1)
			return []commerce.Event{ItemRemoved{CartID: c.ID, CustomerID: c.CustomerID, EventLine: eventLine(l)}}, nil
		case quantity == l.Quantity:
			return nil, nil
		}
		c.Lines[i].Quantity = quantity
		if err := checkTotal(c); err != nil {
			return nil, err
		}
		return []commerce.Event{QuantityUpdated{CartID: c.ID, CustomerID: c.CustomerID, EventLine: eventLine(c.Lines[i]), PreviousQuantity: l.Quantity}}, nil
	})
}

// Clear removes every line of active cart id. Clearing an empty cart is a
// write without an event.
func (s *Service) Clear(ctx context.Context, id commerce.CartID, checks ...Check) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	return s.mutate(ctx, id, nil, checks, func(c *Cart, _ time.Time) ([]commerce.Event, error) {
		if len(c.Lines) == 0 {
			return nil, nil
		}
		ev := Cleared{CartID: c.ID, CustomerID: c.CustomerID, Lines: eventLines(c.Lines)}
		c.Lines = nil
		return []commerce.Event{ev}, nil
	})
}

func lineNotFound(id commerce.CartID, lineID commerce.LineID) error {
	return commerce.Errorf(commerce.CodeNotFound, "cart: cart %s has no line %s", id, lineID).
		WithDetail("field", "line_id").WithDetail("cart_id", id.String())
}
