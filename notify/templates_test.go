package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

func TestNotifyLocaleChain(t *testing.T) {
	for in, want := range map[string][]string{
		"":           {"en"},
		"en":         {"en", "en"},
		"de-CH":      {"de-ch", "de", "en"},
		"de_CH":      {"de-ch", "de", "en"},
		"zh-Hant-TW": {"zh-hant-tw", "zh", "en"},
	} {
		assert.Equal(t, want, localeChain(in), in)
	}
}

func TestNotifyRetryBackoff(t *testing.T) {
	r := Retry{MaxAttempts: 8, Initial: 200 * time.Millisecond, Max: 2 * time.Second, Multiplier: 2}
	got := r.policy().Waits()[:6]
	assert.Equal(t, []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond,
		1600 * time.Millisecond, 2 * time.Second, 2 * time.Second}, got)
	o, err := (*Options)(nil).resolved()
	require.NoError(t, err)
	assert.Equal(t, Retry{MaxAttempts: 5, Initial: 200 * time.Millisecond, Max: 10 * time.Second, Multiplier: 2}, o.Retry)
	assert.Equal(t, time.Minute, o.Lease)
}

// TestNotifyDefaultTemplates renders every shipped template with full and with
// minimal data: none may fail, and nothing may leak Go's "<no value>".
func TestNotifyDefaultTemplates(t *testing.T) {
	set, err := loadTemplates(nil, templateFuncs("https://shop.example/"))
	require.NoError(t, err)
	eur := func(a int64) commerce.Money { return commerce.MustMoney(a, "EUR") }
	when := time.Date(2030, 5, 6, 7, 8, 0, 0, time.UTC)
	order := OrderSummary{
		ID: commerce.NewID[commerce.OrderID](), Number: "A-1", PlacedAt: when,
		Lines:    []OrderLine{{Name: "Mug", SKU: "MUG", Quantity: 1, UnitPrice: eur(1200), Total: eur(1200)}},
		Subtotal: eur(1200), Shipping: eur(490), Tax: eur(230), Discount: eur(100), Total: eur(1820),
		ShippingAddress: &commerce.Address{Name: "Ada", Line1: "Main St 1", City: "Zurich", PostalCode: "8000", Country: "CH"},
	}
	full := map[string]any{
		"order.confirmed":                   OrderConfirmedData{Order: order},
		"order.shipped":                     OrderShippedData{Order: order, Carrier: "DHL", TrackingNumber: "123", TrackingURL: "https://dhl.example/123"},
		"order.delivered":                   OrderDeliveredData{Order: order, DeliveredAt: when},
		"order.cancelled":                   OrderCancelledData{Order: order, Reason: "out of stock", Refunded: eur(1820)},
		"order.refunded":                    OrderRefundedData{Order: order, Amount: eur(500), Reason: "damaged"},
		"payment.failed":                    PaymentFailedData{OrderID: order.ID, Amount: eur(1820), Reason: "declined", Final: true},
		"customer.registered":               CustomerRegisteredData{Name: "Ada", Email: "ada@example.com", WasGuest: true},
		"customer.password_reset_requested": PasswordResetData{Name: "Ada", Token: "t&k", ExpiresAt: when},
	}
	minimal := map[string]any{
		"order.confirmed":                   OrderConfirmedData{Order: OrderSummary{ID: order.ID, Total: eur(1)}},
		"order.shipped":                     OrderShippedData{Order: OrderSummary{ID: order.ID}},
		"order.delivered":                   OrderDeliveredData{},
		"order.cancelled":                   OrderCancelledData{},
		"order.refunded":                    OrderRefundedData{Amount: eur(1)},
		"payment.failed":                    PaymentFailedData{Amount: eur(1)},
		"customer.registered":               CustomerRegisteredData{},
		"customer.password_reset_requested": PasswordResetData{Token: "t"},
	}
	require.Len(t, set.events, len(full), "every shipped event is covered here")
	for _, data := range []map[string]any{full, minimal} {
		for event, d := range data {
			td := TemplateData{Event: event, Shop: Shop{Name: "Shop", BaseURL: "https://shop.example"}, Recipient: Recipient{Name: "Ada"}, Data: d}
			for _, k := range []Kind{Email, SMS} {
				r, ok, err := set.render(event, k, td)
				require.NoError(t, err, "%s %s", event, k)
				if k == Email {
					require.True(t, ok, event)
					assert.NotEmpty(t, r.subject)
					assert.NotContains(t, r.subject, "\n")
					assert.Contains(t, r.html, "<!DOCTYPE html>")
				}
				for _, s := range []string{r.subject, r.text, r.html} {
					assert.NotContains(t, s, "<no value>", "%s %s", event, k)
					assert.NotContains(t, s, "(no currency)", "%s %s", event, k)
				}
				if k == SMS && ok {
					assert.LessOrEqual(t, len(r.text), 320, "%s SMS fits two segments", event)
				}
			}
		}
	}
	r, _, err := set.render("order.confirmed", Email, TemplateData{Shop: Shop{Name: "Shop"}, Recipient: Recipient{Name: "<b>Ada</b>"}, Data: full["order.confirmed"]})
	require.NoError(t, err)
	assert.Contains(t, r.html, "Hello &lt;b&gt;Ada&lt;/b&gt;,")
	assert.Contains(t, r.text, "Discount: -1.00 EUR")
	assert.Contains(t, r.text, "Total: 18.20 EUR")
	assert.True(t, strings.Contains(r.text, "8000 Zurich"), r.text)
	r, _, err = set.render("customer.password_reset_requested", Email, TemplateData{Data: full["customer.password_reset_requested"]})
	require.NoError(t, err)
	assert.Contains(t, r.text, "https://shop.example/account/reset-password?token=t%26k")
}
