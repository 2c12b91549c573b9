package smtp_test

import (
	"fmt"

	"github.com/mercatohq/mercato/adapters/smtp"
)

func ExampleNew() {
	ch, err := smtp.New(&smtp.Options{
		Addr:     "smtp.example.com:587",
		From:     "shop@example.com",
		FromName: "Mercato Shop",
		Username: "shop",
		Password: "app-password",
		TLS:      smtp.TLSRequired,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ch.Name(), ch.Kind())
	// Output: smtp email
}
