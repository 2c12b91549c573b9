package commerce_test

import (
	"fmt"

	"github.com/mercatohq/mercato/commerce"
)

// A store pages through a sorted list by remembering the last key it
// returned, never an offset, so inserts between requests neither skip nor
// repeat items.
func ExampleEncodeCursor() {
	skus := []string{"apple", "banana", "cherry", "damson", "elder"}

	type position struct {
		After string `json:"after"`
	}
	list := func(req commerce.PageRequest) (commerce.Page[string], error) {
		req, err := req.Normalize()
		if err != nil {
			return commerce.Page[string]{}, err
		}
		var pos position
		if req.Cursor != "" {
			if err := commerce.DecodeCursor(req.Cursor, &pos); err != nil {
				return commerce.Page[string]{}, err
			}
		}
		var page commerce.Page[string]
		for _, s := range skus {
			if s <= pos.After {
				continue
			}
			if len(page.Items) == req.Limit {
				page.NextCursor, err = commerce.EncodeCursor(position{After: page.Items[len(page.Items)-1]})
				break
			}
			page.Items = append(page.Items, s)
		}
		return page, err
	}

	req := commerce.PageRequest{Limit: 2}
	for {
		page, err := list(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(page.Items, page.HasMore())
		if !page.HasMore() {
			break
		}
		req.Cursor = page.NextCursor
	}

	_, err := list(commerce.PageRequest{Cursor: "tampered"})
	fmt.Println(err)
	// Output:
	// [apple banana] true
	// [cherry damson] true
	// [elder] false
	// invalid_argument: invalid cursor
}

func ExamplePageRequest_Normalize() {
	for _, limit := range []int{0, 20, 10_000, -1} {
		req, err := commerce.PageRequest{Limit: limit}.Normalize()
		fmt.Println(req.Limit, err)
	}
	// Output:
	// 50 <nil>
	// 20 <nil>
	// 500 <nil>
	// -1 invalid_argument: invalid page limit -1: must not be negative
}
