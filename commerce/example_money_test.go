package commerce_test

import (
	"encoding/json"
	"fmt"

	"github.com/mercatohq/mercato/commerce"
)

func ExampleNewMoney() {
	price, err := commerce.NewMoney(1999, "USD") // minor units: $19.99
	if err != nil {
		panic(err)
	}
	shipping, _ := commerce.NewMoney(499, "USD")
	total, err := price.Add(shipping)
	if err != nil {
		panic(err)
	}
	fmt.Println(total)

	_, err = total.Add(commerce.MustMoney(100, "EUR"))
	fmt.Println(commerce.Code(err))
	// Output:
	// 24.98 USD
	// invalid_argument
}

func ExampleParseMoney() {
	for _, in := range []struct {
		s string
		c commerce.Currency
	}{{"12.3", "USD"}, {"1234", "JPY"}, {"1.234", "KWD"}, {"12.345", "USD"}} {
		m, err := commerce.ParseMoney(in.s, in.c)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(m, m.Amount())
	}
	// Output:
	// 12.30 USD 1230
	// 1234 JPY 1234
	// 1.234 KWD 1234
	// invalid_argument: invalid USD amount "12.345": more than 2 digits after the decimal point
}

func ExampleMoney_Allocate() {
	// A 10.00 discount spread over three lines priced 1:1:1 leaves a cent
	// that must go somewhere; it goes to the first line, so the parts add up.
	discount := commerce.MustMoney(1000, "USD")
	parts, err := discount.Allocate(1, 1, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(parts)
	// Output: [3.34 USD 3.33 USD 3.33 USD]
}

func ExampleMoney_Percent() {
	net := commerce.MustMoney(1995, "EUR")
	vat, err := net.Percent(1900, commerce.RoundHalfUp) // 19% of 19.95 = 3.7905
	if err != nil {
		panic(err)
	}
	gross, _ := net.Add(vat)
	fmt.Println(vat, gross)

	// Banker's rounding sends exact halves to the even cent.
	half, _ := commerce.MustMoney(125, "EUR").Percent(1000, commerce.RoundHalfEven) // 0.125
	fmt.Println(half)
	// Output:
	// 3.79 EUR 23.74 EUR
	// 0.12 EUR
}

func ExampleMoney_MarshalJSON() {
	type line struct {
		SKU   string         `json:"sku"`
		Price commerce.Money `json:"price"`
	}
	b, _ := json.Marshal(line{SKU: "TEE-M", Price: commerce.MustMoney(1999, "USD")})
	fmt.Println(string(b))

	var l line
	err := json.Unmarshal([]byte(`{"sku":"TEE-M","price":{"amount":19.99,"currency":"USD"}}`), &l)
	fmt.Println(err)
	// Output:
	// {"sku":"TEE-M","price":{"amount":1999,"currency":"USD"}}
	// invalid_argument: money: amount 19.99 is not an integer number of minor units
}
