package commerce_test

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

// validULID is a canonical ULID used to build fixtures.
const validULID = "01JD3XQ5ZK8N6V0W2T4Y7R9B1C"

func TestIDPrefixes(t *testing.T) {
	// The prefixes are stored in databases and URLs; this table pins them.
	cases := []struct {
		got, want string
	}{
		{commerce.OrderID("").Prefix(), "ord"},
		{commerce.CartID("").Prefix(), "cart"},
		{commerce.PaymentID("").Prefix(), "pay"},
		{commerce.CustomerID("").Prefix(), "cus"},
		{commerce.ProductID("").Prefix(), "prod"},
		{commerce.VariantID("").Prefix(), "var"},
		{commerce.ReservationID("").Prefix(), "res"},
		{commerce.EventID("").Prefix(), "evt"},
		{commerce.CategoryID("").Prefix(), "cat"},
		{commerce.BrandID("").Prefix(), "brand"},
		{commerce.ReviewID("").Prefix(), "rev"},
		{commerce.SessionID("").Prefix(), "sess"},
		{commerce.NotificationID("").Prefix(), "ntf"},
		{commerce.RefundID("").Prefix(), "ref"},
		{commerce.LineID("").Prefix(), "line"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		assert.Equal(t, c.want, c.got)
		assert.False(t, seen[c.got], "duplicate prefix %q", c.got)
		seen[c.got] = true
	}
}

func TestNewID(t *testing.T) {
	before := time.Now().Truncate(time.Millisecond)
	id := commerce.NewID[commerce.OrderID]()
	after := time.Now()

	require.NoError(t, id.Validate())
	assert.True(t, strings.HasPrefix(id.String(), "ord_"), id)
	assert.Len(t, id.String(), len("ord_")+26)
	assert.False(t, id.IsZero())
	assert.Equal(t, "ord", id.Prefix())

	ts := id.Time()
	assert.Equal(t, time.UTC, ts.Location())
	assert.False(t, ts.Before(before), "%v before %v", ts, before)
	assert.False(t, ts.After(after), "%v after %v", ts, after)

	parsed, err := commerce.ParseID[commerce.OrderID](id.String())
	require.NoError(t, err)
	assert.Equal(t, id, parsed)
}

func TestParseID(t *testing.T) {
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"valid", "ord_" + validULID, true},
		{"smallest ULID", "ord_00000000000000000000000000", true},
		{"largest ULID", "ord_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", true},
		{"empty", "", false},
		{"prefix only", "ord", false},
		{"prefix and separator only", "ord_", false},
		{"missing separator", "ord" + validULID, false},
		{"wrong separator", "ord-" + validULID, false},
		{"other kind", "cart_" + validULID, false},
		{"longer prefix sharing a stem", "order_" + validULID, false},
		{"upper-case prefix", "ORD_" + validULID, false},
		{"bare ULID", validULID, false},
		{"short ULID", "ord_" + validULID[:25], false},
		{"long ULID", "ord_" + validULID + "0", false},
		{"lower-case ULID", "ord_" + strings.ToLower(validULID), false},
		{"excluded letter I", "ord_01JD3XQ5ZK8N6V0W2T4Y7R9BI1", false},
		{"excluded letter U", "ord_01JD3XQ5ZK8N6V0W2T4Y7R9BU1", false},
		{"timestamp overflow", "ord_8ZZZZZZZZZZZZZZZZZZZZZZZZZ", false},
		{"leading space", " ord_" + validULID, false},
		{"trailing newline", "ord_" + validULID + "\n", false},
		{"non-ASCII", "ord_01JD3XQ5ZK8N6V0W2T4Y7R9Bé", false}, // 26 bytes
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := commerce.ParseID[commerce.OrderID](c.in)
			if c.ok {
				require.NoError(t, err)
				assert.Equal(t, c.in, id.String())
				assert.NoError(t, id.Validate())
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, commerce.ErrInvalidArgument)
			assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
			assert.Contains(t, err.Error(), "ord", "the message names the expected prefix")
			assert.True(t, id.IsZero(), "a failed parse returns the zero ID")
			assert.Error(t, commerce.OrderID(c.in).Validate(), "Validate agrees with ParseID")
		})
	}
}

func TestParseIDWrongKind(t *testing.T) {
	cart := commerce.NewID[commerce.CartID]()

	_, err := commerce.ParseID[commerce.OrderID](cart.String())
	require.ErrorIs(t, err, commerce.ErrInvalidArgument)
	assert.Contains(t, err.Error(), `"ord_"`)

	var e *commerce.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "ord", e.Details["expected_prefix"])

	// A conversion bypasses parsing, but Validate still catches the mix-up.
	assert.ErrorIs(t, commerce.OrderID(cart.String()).Validate(), commerce.ErrInvalidArgument)
}

func TestParseIDTruncatesHostileInput(t *testing.T) {
	_, err := commerce.ParseID[commerce.OrderID](strings.Repeat("x", 1<<20))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200)
}

func TestIDZero(t *testing.T) {
	var id commerce.OrderID
	assert.True(t, id.IsZero())
	assert.Equal(t, "ord", id.Prefix())
	assert.ErrorIs(t, id.Validate(), commerce.ErrInvalidArgument)
	assert.True(t, id.Time().IsZero())
	assert.True(t, commerce.OrderID("ord_garbage").Time().IsZero())
}

func TestIDTime(t *testing.T) {
	want := time.UnixMilli(1732289484787).UTC()
	var u ulid.ULID
	require.NoError(t, u.SetTime(ulid.Timestamp(want)))

	id, err := commerce.ParseID[commerce.OrderID]("ord_" + u.String())
	require.NoError(t, err)
	assert.Equal(t, want, id.Time())
}

func TestNewIDSortable(t *testing.T) {
	const n = 10_000
	ids := make([]string, n)
	for i := range ids {
		ids[i] = commerce.NewID[commerce.EventID]().String()
	}
	assert.True(t, slices.IsSorted(ids), "IDs generated later must sort after earlier ones")
	assert.Len(t, slices.Compact(slices.Clone(ids)), n, "IDs must be unique")
}

func TestNewIDConcurrent(t *testing.T) {
	const goroutines, perGoroutine = 8, 1000
	results := make([][]commerce.OrderID, goroutines)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			<-start
			ids := make([]commerce.OrderID, perGoroutine)
			for i := range ids {
				ids[i] = commerce.NewID[commerce.OrderID]()
			}
			results[g] = ids
		})
	}
	close(start)
	wg.Wait()

	seen := make(map[commerce.OrderID]bool, goroutines*perGoroutine)
	for _, ids := range results {
		for _, id := range ids {
			require.NoError(t, id.Validate())
			require.False(t, seen[id], "duplicate id %s", id)
			seen[id] = true
		}
	}
	assert.Len(t, seen, goroutines*perGoroutine)
}

func TestIDJSON(t *testing.T) {
	type order struct {
		ID       commerce.OrderID    `json:"id"`
		Customer commerce.CustomerID `json:"customer_id"`
		Parent   commerce.OrderID    `json:"parent_id"`
	}
	in := order{ID: commerce.NewID[commerce.OrderID](), Customer: commerce.NewID[commerce.CustomerID]()}

	raw, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"`+in.ID.String()+`","customer_id":"`+in.Customer.String()+`","parent_id":""}`, string(raw))

	var out order
	require.NoError(t, json.Unmarshal(raw, &out))
	assert.Equal(t, in, out)

	t.Run("map keys", func(t *testing.T) {
		m := map[commerce.OrderID]int{in.ID: 1}
		raw, err := json.Marshal(m)
		require.NoError(t, err)
		var back map[commerce.OrderID]int
		require.NoError(t, json.Unmarshal(raw, &back))
		assert.Equal(t, m, back)
	})

	t.Run("rejects malformed and wrong-kind ids", func(t *testing.T) {
		for _, bad := range []string{
			`{"id":"ord_nope"}`,
			`{"id":"` + in.Customer.String() + `"}`,
			`{"customer_id":"` + in.ID.String() + `"}`,
		} {
			var o order
			err := json.Unmarshal([]byte(bad), &o)
			require.Error(t, err, bad)
			assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), bad)
		}
	})

	t.Run("refuses to marshal a malformed id", func(t *testing.T) {
		_, err := json.Marshal(order{ID: "ord_nope"})
		require.Error(t, err)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	})
}

func FuzzParseID(f *testing.F) {
	for _, seed := range []string{
		"", "ord_", "ord_" + validULID, "cart_" + validULID,
		"ord_" + strings.ToLower(validULID), "ord_8ZZZZZZZZZZZZZZZZZZZZZZZZZ",
		"ord_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "ord__" + validULID[1:], "ord_\xff" + validULID[1:],
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := commerce.ParseID[commerce.OrderID](s)
		if err != nil {
			if commerce.Code(err) != commerce.CodeInvalidArgument {
				t.Fatalf("ParseID(%q): code %q, want invalid_argument", s, commerce.Code(err))
			}
			var viaText commerce.OrderID
			if s != "" && viaText.UnmarshalText([]byte(s)) == nil {
				t.Fatalf("UnmarshalText accepted %q which ParseID rejected", s)
			}
			return
		}
		if id.String() != s {
			t.Fatalf("ParseID(%q) = %q", s, id)
		}
		if err := id.Validate(); err != nil {
			t.Fatalf("Validate(%q): %v", s, err)
		}
		text, err := id.MarshalText()
		if err != nil || string(text) != s {
			t.Fatalf("MarshalText(%q) = %q, %v", s, text, err)
		}
		var back commerce.OrderID
		if err := back.UnmarshalText(text); err != nil || back != id {
			t.Fatalf("UnmarshalText(%q) = %q, %v", text, back, err)
		}
		if id.Time().IsZero() {
			t.Fatalf("Time(%q) is zero for a valid id", s)
		}
	})
}

func BenchmarkNewID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = commerce.NewID[commerce.OrderID]()
	}
}

func BenchmarkParseID(b *testing.B) {
	s := commerce.NewID[commerce.OrderID]().String()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := commerce.ParseID[commerce.OrderID](s); err != nil {
			b.Fatal(err)
		}
	}
}
