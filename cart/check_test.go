package cart_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// newMugShop is a cart service over a catalog of one mug, SKU "MUG".
func newMugShop() (*cart.Service, string, error) {
	products, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	if err != nil {
		return nil, "", err
	}
	_, err = products.CreateProduct(context.Background(), catalog.ProductInput{
		Title: "Stoneware Mug", Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: "MUG", Prices: []commerce.Money{commerce.MustMoney(1200, "USD")}}},
	})
	if err != nil {
		return nil, "", err
	}
	carts, err := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), products, nil)
	return carts, "MUG", err
}

// Every change refuses a cart its checks refuse, with the check's error
// and without writing; the same change with a passing check goes ahead.
func TestChecksGuardEveryChange(t *testing.T) {
	ctx := context.Background()
	carts, sku, err := newMugShop()
	require.NoError(t, err)
	owner := commerce.NewID[commerce.CustomerID]()
	c, err := carts.Create(ctx, cart.CreateInput{CustomerID: owner})
	require.NoError(t, err)
	c, err = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: sku, Quantity: 1})
	require.NoError(t, err)
	line := c.Lines[0].ID

	errNotYours := errors.New("not yours")
	ownedBy := func(who commerce.CustomerID) cart.Check {
		return func(c cart.Cart) error {
			if c.CustomerID != who {
				return errNotYours
			}
			return nil
		}
	}
	stranger := ownedBy(commerce.NewID[commerce.CustomerID]())
	changes := map[string]func(cart.Check) (cart.Cart, error){
		"AddItem": func(k cart.Check) (cart.Cart, error) {
			return carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: sku, Quantity: 2}, k)
		},
		"UpdateQuantity": func(k cart.Check) (cart.Cart, error) { return carts.UpdateQuantity(ctx, c.ID, line, 5, k) },
		"ApplyCode":      func(k cart.Check) (cart.Cart, error) { return carts.ApplyCode(ctx, c.ID, "SPRING", k) },
		"RemoveCode":     func(k cart.Check) (cart.Cart, error) { return carts.RemoveCode(ctx, c.ID, "SPRING", k) },
		"RemoveItem":     func(k cart.Check) (cart.Cart, error) { return carts.RemoveItem(ctx, c.ID, line, k) },
		"Clear":          func(k cart.Check) (cart.Cart, error) { return carts.Clear(ctx, c.ID, k) },
	}
	for name, change := range changes {
		_, err := change(stranger)
		require.ErrorIs(t, err, errNotYours, name)
		after, err := carts.Get(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, c.UpdatedAt, after.UpdatedAt, "%s wrote nothing", name)
		require.Equal(t, c.Lines, after.Lines, name)
	}
	c, err = changes["AddItem"](ownedBy(owner))
	require.NoError(t, err)
	require.Equal(t, 3, c.Lines[0].Quantity)
}

// A storefront lets a customer change only their own cart; the check runs
// on the cart the change reads, so it costs no read of its own.
func ExampleCheck() {
	ctx := context.Background()
	carts, sku, err := newMugShop()
	if err != nil {
		fmt.Println(err)
		return
	}
	ada := commerce.NewID[commerce.CustomerID]()
	c, _ := carts.Create(ctx, cart.CreateInput{CustomerID: ada})

	callersOwn := func(caller commerce.CustomerID) cart.Check {
		return func(c cart.Cart) error {
			if c.CustomerID != caller {
				return commerce.Errorf(commerce.CodeNotFound, "cart %s not found", c.ID)
			}
			return nil
		}
	}
	_, err = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: sku, Quantity: 1}, callersOwn(commerce.NewID[commerce.CustomerID]()))
	fmt.Println("someone else:", commerce.Code(err))
	c, err = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: sku, Quantity: 1}, callersOwn(ada))
	fmt.Println("Ada:", err, len(c.Lines), "line")
	// Output:
	// someone else: not_found
	// Ada: <nil> 1 line
}
