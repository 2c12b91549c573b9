package twilio_test

import (
	"fmt"

	"github.com/mercatohq/mercato/adapters/twilio"
)

func ExampleNew() {
	ch, err := twilio.New(&twilio.Options{
		AccountSID: "AC0123456789abcdef0123456789abcdef",
		AuthToken:  "your0auth0token",
		From:       "+15017122661",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ch.Name(), ch.Kind())
	// Output: twilio sms
}
