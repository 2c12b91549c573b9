package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/mercatohq/mercato/commerce"
)

// owned reads the resource the {id} path value names through get and
// returns it when may says the caller may use it: a customer's own with
// their session, a guest's with its capability token. Anything else is
// notFound(id), exactly the answer for an ID that does not exist, so that
// IDs cannot be probed.
func owned[ID commerce.IDType, T any](r *http.Request, get func(context.Context, ID) (T, error), owner func(T) commerce.CustomerID, may func(*http.Request, ID, commerce.CustomerID) bool, notFound func(ID) error) (T, error) {
	var zero T
	id, err := pathID[ID](r, "id")
	if err != nil {
		return zero, err
	}
	v, err := get(r.Context(), id)
	switch {
	case errors.Is(err, commerce.ErrNotFound):
		return zero, notFound(id)
	case err != nil:
		return zero, err
	case !may(r, id, owner(v)):
		return zero, notFound(id)
	}
	return v, nil
}
