package mongodb

import (
	"time"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// The states of a product document. Only live products are seen by
// reads; pending ones belong to a batch not yet committed; deleted ones
// are tombstones kept until the relay has published their events.
const (
	stateLive    = "live"
	statePending = "pending"
	stateDeleted = "deleted"
)

// productDoc is a product as stored: one document with its variants and
// their prices embedded, the SKUs repeated in a flat array for the SKU
// index, and the events not yet relayed in outbox. Times are microseconds
// since the epoch, the precision the catalog keeps (a BSON date has only
// milliseconds).
type productDoc struct {
	ID          string            `bson:"_id"`
	Handle      string            `bson:"handle"`
	Title       string            `bson:"title"`
	Description string            `bson:"description,omitempty"`
	BrandID     string            `bson:"brand_id,omitempty"`
	CategoryIDs []string          `bson:"category_ids"`
	Attributes  map[string]string `bson:"attributes,omitempty"`
	Images      []string          `bson:"images,omitempty"`
	Status      string            `bson:"status"`
	Rating      ratingDoc         `bson:"rating"`
	Variants    []variantDoc      `bson:"variants"`
	SKUs        []string          `bson:"skus"`
	CreatedAt   int64             `bson:"created_at"`
	UpdatedAt   int64             `bson:"updated_at"`

	// Version increases with every write: writes compare and set it.
	Version int64 `bson:"version"`
	// State is stateLive, statePending or stateDeleted.
	State string `bson:"state"`
	// Batch names the batch record of a pending product.
	Batch string `bson:"batch,omitempty"`
	// Outbox holds the JSON envelopes written with the document's changes
	// and not yet published, oldest first.
	Outbox []string `bson:"outbox"`
	// Counting lists the reviews whose stars are in Rating but whose
	// review document is not yet marked counted.
	Counting []string `bson:"counting"`
}

type ratingDoc struct {
	Count int64 `bson:"count"`
	Sum   int64 `bson:"sum"`
}

type variantDoc struct {
	ID          string            `bson:"id"`
	SKU         string            `bson:"sku"`
	Options     map[string]string `bson:"options,omitempty"`
	WeightGrams int64             `bson:"weight_grams"`
	Prices      []priceDoc        `bson:"prices"`
}

// priceDoc is a variant's price in one currency, with its optional
// compare-at price in the same currency.
type priceDoc struct {
	Currency  string `bson:"currency"`
	Amount    int64  `bson:"amount"`
	CompareAt *int64 `bson:"compare_at,omitempty"`
}

func micros(t time.Time) int64      { return t.UnixMicro() }
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// toProductDoc returns p as a live document with an empty outbox.
func toProductDoc(p catalog.Product) productDoc {
	d := productDoc{
		ID: p.ID.String(), Handle: p.Handle, Title: p.Title, Description: p.Description,
		BrandID: p.BrandID.String(), CategoryIDs: make([]string, len(p.CategoryIDs)),
		Attributes: p.Attributes, Images: p.Images, Status: string(p.Status),
		Rating:    ratingDoc{Count: p.Rating.Count, Sum: p.Rating.Sum},
		Variants:  make([]variantDoc, len(p.Variants)),
		SKUs:      skusOf(p),
		CreatedAt: micros(p.CreatedAt), UpdatedAt: micros(p.UpdatedAt),
		State: stateLive, Outbox: []string{}, Counting: []string{},
	}
	for i, c := range p.CategoryIDs {
		d.CategoryIDs[i] = c.String()
	}
	for i, v := range p.Variants {
		vd := variantDoc{ID: v.ID.String(), SKU: v.SKU, Options: v.Options, WeightGrams: v.WeightGrams, Prices: make([]priceDoc, len(v.Prices))}
		for j, m := range v.Prices {
			pd := priceDoc{Currency: string(m.Currency()), Amount: m.Amount()}
			if c, ok := v.CompareAtPrice(m.Currency()); ok {
				a := c.Amount()
				pd.CompareAt = &a
			}
			vd.Prices[j] = pd
		}
		d.Variants[i] = vd
	}
	return d
}

// product returns the catalog product d stores.
func (d productDoc) product() (catalog.Product, error) {
	p := catalog.Product{
		ID: commerce.ProductID(d.ID), Handle: d.Handle, Title: d.Title, Description: d.Description,
		BrandID: commerce.BrandID(d.BrandID), Status: catalog.Status(d.Status),
		Rating:    catalog.Rating{Count: d.Rating.Count, Sum: d.Rating.Sum},
		CreatedAt: fromMicros(d.CreatedAt), UpdatedAt: fromMicros(d.UpdatedAt),
		Variants: make([]catalog.Variant, len(d.Variants)),
	}
	if len(d.CategoryIDs) > 0 {
		p.CategoryIDs = make([]commerce.CategoryID, len(d.CategoryIDs))
		for i, c := range d.CategoryIDs {
			p.CategoryIDs[i] = commerce.CategoryID(c)
		}
	}
	if len(d.Attributes) > 0 {
		p.Attributes = d.Attributes
	}
	if len(d.Images) > 0 {
		p.Images = d.Images
	}
	for i, vd := range d.Variants {
		v := catalog.Variant{ID: commerce.VariantID(vd.ID), ProductID: p.ID, SKU: vd.SKU, WeightGrams: vd.WeightGrams}
		if len(vd.Options) > 0 {
			v.Options = vd.Options
		}
		for _, pd := range vd.Prices {
			m, err := commerce.NewMoney(pd.Amount, commerce.Currency(pd.Currency))
			if err != nil {
				return catalog.Product{}, commerce.Errorf(commerce.CodeInternal, "mongodb: price of %s: %w", vd.SKU, err)
			}
			v.Prices = append(v.Prices, m)
			if pd.CompareAt != nil {
				c, err := commerce.NewMoney(*pd.CompareAt, m.Currency())
				if err != nil {
					return catalog.Product{}, commerce.Errorf(commerce.CodeInternal, "mongodb: compare-at price of %s: %w", vd.SKU, err)
				}
				v.CompareAt = append(v.CompareAt, c)
			}
		}
		p.Variants[i] = v
	}
	return p, nil
}

func skusOf(p catalog.Product) []string {
	out := make([]string, len(p.Variants))
	for i, v := range p.Variants {
		out[i] = v.SKU
	}
	return out
}

type brandDoc struct {
	ID        string `bson:"_id"`
	Name      string `bson:"name"`
	Handle    string `bson:"handle"`
	CreatedAt int64  `bson:"created_at"`
}

type categoryDoc struct {
	ID        string   `bson:"_id"`
	Name      string   `bson:"name"`
	Handle    string   `bson:"handle"`
	ParentID  string   `bson:"parent_id,omitempty"`
	Path      []string `bson:"path"`
	CreatedAt int64    `bson:"created_at"`
}

func (d categoryDoc) category() catalog.Category {
	c := catalog.Category{ID: commerce.CategoryID(d.ID), Name: d.Name, Handle: d.Handle,
		ParentID: commerce.CategoryID(d.ParentID), CreatedAt: fromMicros(d.CreatedAt), Path: make([]commerce.CategoryID, len(d.Path))}
	for i, id := range d.Path {
		c.Path[i] = commerce.CategoryID(id)
	}
	return c
}

// reviewDoc is a review. Counted turns true once the product's rating
// includes it; until then reads do not see it.
type reviewDoc struct {
	ID         string `bson:"_id"`
	ProductID  string `bson:"product_id"`
	CustomerID string `bson:"customer_id"`
	Rating     int    `bson:"rating"`
	Title      string `bson:"title,omitempty"`
	Body       string `bson:"body,omitempty"`
	CreatedAt  int64  `bson:"created_at"`
	Counted    bool   `bson:"counted"`
	// Started is when the write began (store clock), for recovery.
	Started int64 `bson:"started"`
}

func (d reviewDoc) review() catalog.Review {
	return catalog.Review{ID: commerce.ReviewID(d.ID), ProductID: commerce.ProductID(d.ProductID),
		CustomerID: commerce.CustomerID(d.CustomerID), Rating: d.Rating, Title: d.Title, Body: d.Body,
		CreatedAt: fromMicros(d.CreatedAt)}
}

// skuClaim reserves a SKU for a product: its _id is the SKU, so a second
// claim fails on the primary key. A claim is held while its product lists
// the SKU; one left behind by a crashed write is stale once older than
// the lease.
type skuClaim struct {
	SKU     string `bson:"_id"`
	Product string `bson:"product"`
	At      int64  `bson:"at"`
	// Op is the token of the write that made the claim.
	Op string `bson:"op"`
}

// batchDoc is the commit record of a multi-product create: the products
// become live if and only if it reaches "committed".
type batchDoc struct {
	ID       string   `bson:"_id"`
	State    string   `bson:"state"`
	Products []string `bson:"products"`
	Started  int64    `bson:"started"`
}
