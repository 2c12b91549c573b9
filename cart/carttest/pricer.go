package carttest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// priceTable is the suite's cart.Pricer: a catalog of a few SKUs that
// tests change as they go. It answers as *catalog.Service does: unknown
// SKUs are NotFound and unpriced ones FailedPrecondition, each naming the
// SKUs in the "skus" detail (unless hideSKUs is set, to exercise pricers
// that do not).
type priceTable struct {
	mu       sync.Mutex
	items    map[string]*tableItem
	fail     error
	hideSKUs bool
	calls    int
}

type tableItem struct {
	productID   commerce.ProductID
	variantID   commerce.VariantID
	title       string
	prices      map[commerce.Currency]int64
	purchasable bool
}

// raceSKUs is how many RACE-nn SKUs the table holds.
const raceSKUs = 60

// bigPrice is the price of BIG: three of them overflow an int64.
const bigPrice = 1 << 62

func newPriceTable() *priceTable {
	p := &priceTable{items: map[string]*tableItem{}}
	p.put("MUG-RED", "Mug (Red)", true, map[commerce.Currency]int64{"USD": 1200, "EUR": 1100})
	p.put("MUG-BLUE", "Mug (Blue)", true, map[commerce.Currency]int64{"USD": 1200, "EUR": 1100})
	p.put("TEE-M", "T-shirt (M)", true, map[commerce.Currency]int64{"USD": 2500})
	p.put("TEE-L", "T-shirt (L)", true, map[commerce.Currency]int64{"USD": 2600})
	p.put("POSTER", "Poster", false, map[commerce.Currency]int64{"USD": 900})
	p.put("YEN-1", "Fan", true, map[commerce.Currency]int64{"JPY": 1500, "USD": 1000})
	p.put("BIG", "Yacht", true, map[commerce.Currency]int64{"USD": bigPrice})
	for i := range raceSKUs {
		p.put(raceSKU(i), fmt.Sprintf("Race item %d", i), true, map[commerce.Currency]int64{"USD": int64(100 + i)})
	}
	return p
}

func raceSKU(i int) string { return fmt.Sprintf("RACE-%02d", i) }

func (p *priceTable) put(sku, title string, purchasable bool, prices map[commerce.Currency]int64) {
	p.items[sku] = &tableItem{
		productID: commerce.NewID[commerce.ProductID](), variantID: commerce.NewID[commerce.VariantID](),
		title: title, prices: prices, purchasable: purchasable,
	}
}

// setPrice sets sku's price in currency; a negative amount removes it.
func (p *priceTable) setPrice(sku string, currency commerce.Currency, amount int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if amount < 0 {
		delete(p.items[sku].prices, currency)
		return
	}
	p.items[sku].prices[currency] = amount
}

func (p *priceTable) setPurchasable(sku string, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.items[sku].purchasable = ok
}

func (p *priceTable) remove(sku string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.items, sku)
}

func (p *priceTable) setFailure(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail = err
}

// price returns what AddItem captures for sku in currency.
func (p *priceTable) price(sku string, currency commerce.Currency) catalog.SKUPrice {
	p.mu.Lock()
	defer p.mu.Unlock()
	it := p.items[sku]
	return catalog.SKUPrice{
		SKU: sku, ProductID: it.productID, VariantID: it.variantID, Title: it.title,
		Price: commerce.MustMoney(it.prices[currency], currency), Purchasable: it.purchasable,
	}
}

// PriceSKUs implements cart.Pricer.
func (p *priceTable) PriceSKUs(ctx context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.fail != nil {
		return nil, p.fail
	}
	if err := ctx.Err(); err != nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "price table: %w", err)
	}
	var missing, unpriced []string
	out := map[string]catalog.SKUPrice{}
	for _, sku := range skus {
		it, ok := p.items[sku]
		if !ok {
			missing = append(missing, sku)
			continue
		}
		amount, ok := it.prices[currency]
		if !ok {
			unpriced = append(unpriced, sku)
			continue
		}
		out[sku] = catalog.SKUPrice{
			SKU: sku, ProductID: it.productID, VariantID: it.variantID, Title: it.title,
			Price: commerce.MustMoney(amount, currency), Purchasable: it.purchasable,
		}
	}
	detail := func(e *commerce.Error, skus []string) error {
		if p.hideSKUs {
			return e
		}
		return e.WithDetail("skus", slices.Clone(skus))
	}
	if len(missing) > 0 {
		return nil, detail(commerce.Errorf(commerce.CodeNotFound, "price table: unknown SKU %v", missing), missing)
	}
	if len(unpriced) > 0 {
		return nil, detail(commerce.Errorf(commerce.CodeFailedPrecondition, "price table: SKU %v has no price in %s", unpriced, currency), unpriced)
	}
	return out, nil
}
