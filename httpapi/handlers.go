package httpapi

import (
	"context"
	"net/http"

	"github.com/mercatohq/mercato/commerce"
)

// Most routes read the request, call one service method and answer its
// result. The adapters below do the reading and the answering, so that a
// route states only what is its own: the op that calls the service. They
// answer the route's Status and read its body as its OptionalBody says,
// so that no route can document one thing and do another.

// reply answers the result of op as JSON.
func reply[Out any](op func(r *http.Request) (Out, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, rt *Route) error {
		out, err := op(r)
		if err != nil {
			return err
		}
		writeJSON(w, rt.Status, out)
		return nil
	}
}

// replyWith decodes the JSON request body, then answers the result of op
// on it as JSON.
func replyWith[In, Out any](a *API, op func(r *http.Request, in In) (Out, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, rt *Route) error {
		in, err := decodeBody[In](a, w, r, rt)
		if err != nil {
			return err
		}
		out, err := op(r, in)
		if err != nil {
			return err
		}
		writeJSON(w, rt.Status, out)
		return nil
	}
}

// noContent runs op and answers the route's status (204 unless the
// route says otherwise) with no body.
func noContent(op func(r *http.Request) error) handler {
	return func(w http.ResponseWriter, r *http.Request, rt *Route) error {
		if err := op(r); err != nil {
			return err
		}
		w.WriteHeader(rt.Status)
		return nil
	}
}

// noContentWith decodes the JSON request body, then runs op on it and
// answers the route's status with no body.
func noContentWith[In any](a *API, op func(r *http.Request, in In) error) handler {
	return func(w http.ResponseWriter, r *http.Request, rt *Route) error {
		in, err := decodeBody[In](a, w, r, rt)
		if err != nil {
			return err
		}
		if err := op(r, in); err != nil {
			return err
		}
		w.WriteHeader(rt.Status)
		return nil
	}
}

// decodeBody decodes the request body into an In: a body the route
// requires, or one it takes optionally, which left out leaves In zero.
func decodeBody[In any](a *API, w http.ResponseWriter, r *http.Request, rt *Route) (In, error) {
	var in In
	decode := a.decodeJSON
	if rt.OptionalBody {
		decode = a.decodeOptionalJSON
	}
	err := decode(w, r, &in)
	return in, err
}

// withID parses the path value name as an ID of type T, then serves the
// request with the handler next makes for it. A path names what a request
// is about, so a malformed ID is 404 before the body is read, whatever
// the body holds.
func withID[T commerce.IDType](name string, next func(id T) handler) handler {
	return func(w http.ResponseWriter, r *http.Request, rt *Route) error {
		id, err := pathID[T](r, name)
		if err != nil {
			return err
		}
		return next(id)(w, r, rt)
	}
}

// byID makes an op for reply of op on the resource the path's {id}
// names, such as a service's Get.
func byID[T commerce.IDType, Out any](op func(ctx context.Context, id T) (Out, error)) func(r *http.Request) (Out, error) {
	return func(r *http.Request) (Out, error) {
		id, err := pathID[T](r, "id")
		if err != nil {
			var zero Out
			return zero, err
		}
		return op(r.Context(), id)
	}
}

// paged makes an op for reply of a keyset list: it reads ?limit= and
// ?cursor= first, then answers the page list returns as a List.
func paged[T any](list func(r *http.Request, page commerce.PageRequest) (commerce.Page[T], error)) func(r *http.Request) (List[T], error) {
	return func(r *http.Request) (List[T], error) {
		page, err := pageOf(r)
		if err != nil {
			return List[T]{}, err
		}
		p, err := list(r, page)
		if err != nil {
			return List[T]{}, err
		}
		return listFromPage(p), nil
	}
}
