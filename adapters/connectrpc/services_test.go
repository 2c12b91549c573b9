package connectrpc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/search"
)

// The clients satisfy the ports their consumers declare.
var (
	_ cart.Pricer            = (*connectrpc.CatalogClient)(nil)
	_ search.CatalogSource   = (*connectrpc.CatalogClient)(nil)
	_ search.StockSource     = (*connectrpc.InventoryClient)(nil)
	_ notify.CustomerLookup  = (*connectrpc.CustomerClient)(nil)
	_ notify.OrderLookup     = (*connectrpc.OrderDirectoryClient)(nil)
	_ notify.OrderSummarizer = (*connectrpc.OrderDirectoryClient)(nil)
	_ notify.Directory       = connectrpc.Directory{}
)

func TestCustomerRoundTrip(t *testing.T) {
	ctx := context.Background()
	svc, err := customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	c, err := svc.Register(ctx, customer.RegisterInput{Email: "grace@example.com", Password: "correct horse battery", Name: "Grace"})
	require.NoError(t, err)
	session, err := svc.Login(ctx, "grace@example.com", "correct horse battery")
	require.NoError(t, err)

	client, err := connectrpc.NewCustomerClient(nil, serve(t)(connectrpc.NewCustomerServer(svc, nil)), nil)
	require.NoError(t, err)
	claims, err := client.Authenticate(ctx, session.Token)
	require.NoError(t, err)
	local, err := svc.Authenticate(ctx, session.Token)
	require.NoError(t, err)
	assert.Equal(t, local.CustomerID, claims.CustomerID)
	assert.Equal(t, local.SessionID, claims.SessionID)
	assert.True(t, local.ExpiresAt.Equal(claims.ExpiresAt))

	_, err = client.Authenticate(ctx, session.Token+"x")
	assert.ErrorIs(t, err, commerce.ErrUnauthenticated)

	got, err := client.Get(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c.Email, got.Email)
	assert.Empty(t, got.PasswordHash)

	dir := connectrpc.Directory{Customers: client}
	r, err := dir.CustomerRecipient(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, notify.RecipientOf(c), r)
	_, err = dir.OrderRecipient(ctx, commerce.NewID[commerce.OrderID]())
	assert.ErrorIs(t, err, notify.ErrNoOrderDirectory)
}

func TestCatalogRoundTrip(t *testing.T) {
	ctx := context.Background()
	svc, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	brand, err := svc.CreateBrand(ctx, catalog.BrandInput{Name: "Lodge"})
	require.NoError(t, err)
	category, err := svc.CreateCategory(ctx, catalog.CategoryInput{Name: "Cookware"})
	require.NoError(t, err)
	p, err := svc.CreateProduct(ctx, catalog.ProductInput{
		Title: "Cast Iron Skillet", BrandID: brand.ID, CategoryIDs: []commerce.CategoryID{category.ID}, Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: "SKILLET-26", Prices: []commerce.Money{commerce.MustMoney(4500, "USD")}}},
	})
	require.NoError(t, err)
	_, err = svc.AddReview(ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: commerce.NewID[commerce.CustomerID](), Rating: 5, Title: "Heavy"})
	require.NoError(t, err)

	client, err := connectrpc.NewCatalogClient(nil, serve(t)(connectrpc.NewCatalogServer(svc, nil)), nil)
	require.NoError(t, err)

	prices, err := client.PriceSKUs(ctx, "USD", "SKILLET-26")
	require.NoError(t, err)
	localPrices, err := svc.PriceSKUs(ctx, "USD", "SKILLET-26")
	require.NoError(t, err)
	assert.Equal(t, localPrices, prices)

	got, err := client.GetProduct(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p.ID, got.ID)
	assert.Equal(t, p.Variants[0].Prices, got.Variants[0].Prices)
	v, vp, err := client.GetVariantBySKU(ctx, "SKILLET-26")
	require.NoError(t, err)
	assert.Equal(t, "SKILLET-26", v.SKU)
	assert.Equal(t, p.ID, vp.ID)
	b, err := client.GetBrand(ctx, brand.ID)
	require.NoError(t, err)
	assert.Equal(t, brand.Name, b.Name)
	cat, err := client.GetCategory(ctx, category.ID)
	require.NoError(t, err)
	assert.Equal(t, category.Name, cat.Name)
	page, err := client.ListProducts(ctx, catalog.ProductFilter{BrandID: brand.ID}, commerce.PageRequest{Limit: 10})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, p.ID, page.Items[0].ID)
	reviews, err := client.ListReviews(ctx, p.ID, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, reviews.Items, 1)
	assert.Equal(t, 5, reviews.Items[0].Rating)

	_, err = client.GetProduct(ctx, commerce.NewID[commerce.ProductID]())
	assert.ErrorIs(t, err, commerce.ErrNotFound)
}
