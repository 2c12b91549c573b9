package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mercatohq/mercato/internal/testenv"
)

// TestShopOnMongoDB runs the shop with its catalog on FerretDB: the
// demo catalog is seeded into MongoDB, indexed for search, and a search
// and a checkout go through; the product documents are in the database.
func TestShopOnMongoDB(t *testing.T) {
	server := testenv.FerretDB(t) // "mongodb://127.0.0.1:port/"
	db := testenv.MongoDatabase(t, server)
	ts := startShop(t, Config{MongoDB: server + db.Name(), Products: 12})
	o := ts.buyThroughTheAPI(t, "grace@example.com")
	require.NotEmpty(t, o.Lines)

	n, err := db.Collection("catalog_products").CountDocuments(context.Background(), bson.D{{Key: "skus", Value: o.Lines[0].SKU}})
	require.NoError(t, err)
	assert.EqualValues(t, 1, n, "the bought product is a document in MongoDB")
}
