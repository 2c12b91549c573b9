package sendgrid_test

import (
	"fmt"

	"github.com/mercatohq/mercato/adapters/sendgrid"
)

func ExampleNew() {
	ch, err := sendgrid.New(&sendgrid.Options{
		APIKey:   "SG.your-key",
		From:     "shop@example.com",
		FromName: "Mercato Shop",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ch.Name(), ch.Kind())
	// Output: sendgrid email
}
