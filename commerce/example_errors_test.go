package commerce_test

import (
	"errors"
	"fmt"

	"github.com/mercatohq/mercato/commerce"
)

func ExampleErrorf() {
	err := fmt.Errorf("checkout: %w",
		commerce.Errorf(commerce.CodeOutOfStock, "sku %s: want %d, have %d", "TEE-M", 3, 1))
	fmt.Println(commerce.Code(err))
	fmt.Println(errors.Is(err, commerce.ErrOutOfStock))
	fmt.Println(err)
	// Output:
	// out_of_stock
	// true
	// checkout: out_of_stock: sku TEE-M: want 3, have 1
}
