package promotion_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// Gift-card codes are read in any case, with or without their dashes and
// spaces; anything else that is not 26 Crockford characters is refused
// before any lookup.
func TestGiftCardCodeForms(t *testing.T) {
	e := newEnv(t, nil)
	g, err := e.svc.IssueGiftCard(e.ctx, promotion.GiftCardInput{Amount: usd(100)})
	require.NoError(t, err)
	plain := strings.ReplaceAll(g.Code, "-", "")
	for _, form := range []string{g.Code, plain, strings.ToLower(g.Code), " " + plain[:13] + " " + plain[13:] + " "} {
		got, err := e.svc.GiftCardBalance(e.ctx, form)
		require.NoError(t, err, form)
		require.Equal(t, g.GiftCard.ID, got.ID)
		require.Equal(t, promotion.HashGiftCardCode(g.Code), promotion.HashGiftCardCode(form))
	}
	for _, bad := range []string{"", plain[:25], plain + "0", "I" + plain[1:], "U" + plain[1:], plain[:25] + "é", plain[:25] + "_"} {
		_, err := e.svc.GiftCardBalance(e.ctx, bad)
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%q: %v", bad, err)
	}
	seen := map[string]bool{}
	for range 200 {
		c, err := e.svc.IssueGiftCard(e.ctx, promotion.GiftCardInput{Amount: usd(1)})
		require.NoError(t, err)
		require.False(t, seen[c.Code], "codes do not repeat")
		seen[c.Code] = true
	}
}
