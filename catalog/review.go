package catalog

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// The bounds of a review's star rating.
const (
	MinStars = 1
	MaxStars = 5
)

// Review is one customer's rating of a product, with an optional text.
type Review struct {
	ID         commerce.ReviewID   `json:"id"`
	ProductID  commerce.ProductID  `json:"product_id"`
	CustomerID commerce.CustomerID `json:"customer_id"`
	// Rating is the number of stars, MinStars to MaxStars.
	Rating    int       `json:"rating"`
	Title     string    `json:"title,omitempty"`
	Body      string    `json:"body,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ReviewInput is what a customer submits. A customer reviews a product at
// most once.
type ReviewInput struct {
	ProductID  commerce.ProductID  `json:"product_id"`
	CustomerID commerce.CustomerID `json:"customer_id"`
	Rating     int                 `json:"rating"`
	Title      string              `json:"title,omitempty"`
	Body       string              `json:"body,omitempty"`
}
