package inventory

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

// TestTransition covers every status, every operation, before and after
// the expiry.
func TestTransition(t *testing.T) {
	type want struct {
		to    Status
		moves bool
		fails bool
	}
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := func(to Status) want { return want{to: to, moves: true} }
	same := func(s Status) want { return want{to: s} }
	fail := func(s Status) want { return want{to: s, fails: true} }
	statuses := []Status{StatusReserved, StatusReleased, StatusExpired, StatusDeducted, StatusRestocked}
	table := map[operation]map[bool]map[Status]want{
		opRelease: {
			false: {StatusReserved: ok(StatusReleased), StatusReleased: same(StatusReleased), StatusExpired: same(StatusExpired), StatusDeducted: fail(StatusDeducted), StatusRestocked: fail(StatusRestocked)},
			true:  {StatusReserved: ok(StatusReleased), StatusReleased: same(StatusReleased), StatusExpired: same(StatusExpired), StatusDeducted: fail(StatusDeducted), StatusRestocked: fail(StatusRestocked)},
		},
		opExpire: {
			false: {StatusReserved: fail(StatusReserved), StatusReleased: same(StatusReleased), StatusExpired: same(StatusExpired), StatusDeducted: same(StatusDeducted), StatusRestocked: same(StatusRestocked)},
			true:  {StatusReserved: ok(StatusExpired), StatusReleased: same(StatusReleased), StatusExpired: same(StatusExpired), StatusDeducted: same(StatusDeducted), StatusRestocked: same(StatusRestocked)},
		},
		opDeduct: {
			false: {StatusReserved: ok(StatusDeducted), StatusReleased: fail(StatusReleased), StatusExpired: fail(StatusExpired), StatusDeducted: same(StatusDeducted), StatusRestocked: same(StatusRestocked)},
			true:  {StatusReserved: fail(StatusReserved), StatusReleased: fail(StatusReleased), StatusExpired: fail(StatusExpired), StatusDeducted: same(StatusDeducted), StatusRestocked: same(StatusRestocked)},
		},
		opRestock: {
			false: {StatusReserved: fail(StatusReserved), StatusReleased: fail(StatusReleased), StatusExpired: fail(StatusExpired), StatusDeducted: ok(StatusRestocked), StatusRestocked: same(StatusRestocked)},
			true:  {StatusReserved: fail(StatusReserved), StatusReleased: fail(StatusReleased), StatusExpired: fail(StatusExpired), StatusDeducted: ok(StatusRestocked), StatusRestocked: same(StatusRestocked)},
		},
	}
	for op, byExpiry := range table {
		for pastExpiry, byStatus := range byExpiry {
			now := exp.Add(-time.Second)
			if pastExpiry {
				now = exp
			}
			for _, from := range statuses {
				w := byStatus[from]
				t.Run(fmt.Sprintf("%s/%s/past=%v", op, from, pastExpiry), func(t *testing.T) {
					r := Reservation{ID: commerce.NewID[commerce.ReservationID](), Status: from, ExpiresAt: exp}
					to, moves, err := transition(r, op, now)
					if w.fails {
						require.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "%v", err)
						return
					}
					require.NoError(t, err)
					require.Equal(t, w.to, to)
					require.Equal(t, w.moves, moves)
				})
			}
		}
	}
	_, _, err := transition(Reservation{Status: "bogus"}, opDeduct, exp)
	require.Error(t, err)
}

func TestStrategies(t *testing.T) {
	levels := []Level{
		{SKU: "a", Location: "default", OnHand: 3},
		{SKU: "a", Location: "east", OnHand: 10, Reserved: 6},
		{SKU: "a", Location: "west", OnHand: 5},
		{SKU: "b", Location: "east", OnHand: 2},
	}
	for _, tc := range []struct {
		name     string
		strategy Strategy
		lines    []Line
		allocs   []Allocation
		short    []Shortage
	}{
		{"default fits", DefaultLocationStrategy{}, []Line{{"a", 3}}, []Allocation{{"a", "default", 3}}, nil},
		{"default ignores other locations", DefaultLocationStrategy{}, []Line{{"a", 4}, {"b", 1}}, nil,
			[]Shortage{{"a", 4, 3}, {"b", 1, 0}}},
		{"first fit prefers the default", FirstFitStrategy{}, []Line{{"a", 2}}, []Allocation{{"a", "default", 2}}, nil},
		{"first fit takes the first with enough", FirstFitStrategy{}, []Line{{"a", 4}, {"b", 2}}, []Allocation{{"a", "east", 4}, {"b", "east", 2}}, nil},
		{"first fit skips a location without enough", FirstFitStrategy{}, []Line{{"a", 5}}, []Allocation{{"a", "west", 5}}, nil},
		{"first fit splits in order", FirstFitStrategy{}, []Line{{"a", 12}}, []Allocation{{"a", "default", 3}, {"a", "east", 4}, {"a", "west", 5}}, nil},
		{"first fit short of the total", FirstFitStrategy{}, []Line{{"a", 13}, {"c", 1}}, nil, []Shortage{{"a", 13, 12}, {"c", 1, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			allocs, short := tc.strategy.Allocate(tc.lines, levels, "default")
			require.Equal(t, tc.short, short)
			if tc.short == nil {
				require.Equal(t, tc.allocs, allocs)
				require.NoError(t, checkAllocations(tc.strategy, tc.lines, allocs, levels))
			}
		})
	}
}

// greedy over-allocates: the service must refuse it.
type greedy struct{}

func (greedy) Allocate(lines []Line, _ []Level, def string) ([]Allocation, []Shortage) {
	var out []Allocation
	for _, l := range lines {
		out = append(out, Allocation{SKU: l.SKU, Location: def, Quantity: l.Quantity})
	}
	return out, nil
}

func TestCheckAllocationsRefusesOverselling(t *testing.T) {
	levels := []Level{{SKU: "a", Location: "default", OnHand: 1}}
	lines := []Line{{"a", 2}}
	allocs, _ := greedy{}.Allocate(lines, levels, "default")
	err := checkAllocations(greedy{}, lines, allocs, levels)
	require.Equal(t, commerce.CodeInternal, commerce.Code(err))
	require.Error(t, checkAllocations(greedy{}, lines, []Allocation{{"a", "default", 1}}, levels), "short of the line")
	require.Error(t, checkAllocations(greedy{}, lines, []Allocation{{"a", "nowhere", 2}}, levels), "a location without a level")
	require.Error(t, checkAllocations(greedy{}, lines, []Allocation{{"b", "default", 2}}, levels), "a SKU not asked for")
}

func TestSumLines(t *testing.T) {
	got, err := sumLines([]Line{{"b", 1}, {"a", 2}, {"b", 3}})
	require.NoError(t, err)
	require.Equal(t, []Line{{"a", 2}, {"b", 4}}, got)
	require.Equal(t, []Line{{"a", 2}, {"b", 4}}, LinesOf([]Allocation{{"b", "x", 1}, {"a", "x", 2}, {"b", "y", 3}}))
}
