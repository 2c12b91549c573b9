package catalog

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// AddReview records a customer's review and adds it to the product's
// rating in the same transaction, publishing review.created with the new
// rating. A rating outside 1-5 is CodeInvalidArgument, an unknown product
// CodeNotFound, a second review of the product by the customer
// CodeConflict.
func (s *Service) AddReview(ctx context.Context, in ReviewInput) (Review, error) {
	if err := checkReview(in); err != nil {
		return Review{}, err
	}
	r := Review{
		ID: commerce.NewID[commerce.ReviewID](), ProductID: in.ProductID, CustomerID: in.CustomerID,
		Rating: in.Rating, Title: in.Title, Body: in.Body, CreatedAt: s.now(),
	}
	_, err := s.store.AddReview(ctx, r, func(rating Rating) []commerce.Envelope {
		ev := ReviewCreated{Review: r, ProductRating: rating, Average: rating.Average()}
		return []commerce.Envelope{commerce.NewEnvelope(r.ProductID.String(), r.CreatedAt, ev)}
	})
	if err != nil {
		return Review{}, err
	}
	return r, nil
}

// ListReviews pages through a product's reviews, oldest first.
func (s *Service) ListReviews(ctx context.Context, productID commerce.ProductID, page commerce.PageRequest) (commerce.Page[Review], error) {
	if err := productID.Validate(); err != nil {
		return commerce.Page[Review]{}, invalid("product_id", "product id: %w", err)
	}
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[Review]{}, err
	}
	return s.store.ListReviews(ctx, productID, page)
}
