package commerce_test

import (
	"fmt"
	"io/fs"

	"github.com/mercatohq/mercato/commerce"
)

func ExampleShown() {
	mistake := commerce.Errorf(commerce.CodeInvalidArgument, "quantity must be at least 1").WithDetail("field", "quantity")
	if e, ok := commerce.Shown(mistake); ok {
		fmt.Println(e.Message, e.Details["field"])
	}

	outage := commerce.Errorf(commerce.CodeNotFound, "read /var/lib/shop/x: %w", &fs.PathError{Op: "open", Path: "/var/lib/shop/x", Err: fs.ErrNotExist})
	_, ok := commerce.Shown(outage)
	fmt.Println(ok)
	// Output:
	// quantity must be at least 1 quantity
	// false
}
