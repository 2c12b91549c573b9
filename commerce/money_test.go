package commerce_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

const (
	cUSD = commerce.Currency("USD")
	cEUR = commerce.Currency("EUR")
	cJPY = commerce.Currency("JPY")
	cKWD = commerce.Currency("KWD")
	cCLF = commerce.Currency("CLF")
)

func cents(v int64) commerce.Money { return commerce.MustMoney(v, cUSD) }

// requireInvalid checks the one error class every rule in this file uses.
func requireInvalidArgument(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), msgAndArgs...)
	require.ErrorIs(t, err, commerce.ErrInvalidArgument, msgAndArgs...)
}

func TestNewMoney(t *testing.T) {
	m, err := commerce.NewMoney(1999, cUSD)
	require.NoError(t, err)
	assert.Equal(t, int64(1999), m.Amount())
	assert.Equal(t, cUSD, m.Currency())

	for _, c := range []commerce.Currency{"", "usd", "XAU", "ZZZ"} {
		m, err := commerce.NewMoney(1, c)
		requireInvalidArgument(t, err, c)
		assert.Equal(t, commerce.Money{}, m)
	}
}

func TestMustMoney(t *testing.T) {
	assert.Equal(t, int64(-5), commerce.MustMoney(-5, cJPY).Amount())
	assert.Panics(t, func() { commerce.MustMoney(1, "nope") })
}

func TestZero(t *testing.T) {
	z := commerce.Zero(cKWD)
	assert.True(t, z.IsZero())
	assert.Equal(t, cKWD, z.Currency())

	// An unknown currency gives the zero Money, which arithmetic rejects.
	bad := commerce.Zero("nope")
	assert.Equal(t, commerce.Money{}, bad)
	_, err := bad.Add(bad)
	requireInvalidArgument(t, err)
}

func TestZeroMoneyIsRejected(t *testing.T) {
	var zero commerce.Money
	assert.Empty(t, zero.Currency())
	assert.Equal(t, "0 (no currency)", zero.String())

	_, err := zero.Add(cents(1))
	requireInvalidArgument(t, err)
	_, err = cents(1).Sub(zero)
	requireInvalidArgument(t, err)
	_, err = zero.Add(zero)
	requireInvalidArgument(t, err)
	_, err = zero.Mul(2)
	requireInvalidArgument(t, err)
	_, err = zero.Neg()
	requireInvalidArgument(t, err)
	_, err = zero.Cmp(zero)
	requireInvalidArgument(t, err)
	_, err = zero.Percent(100, commerce.RoundHalfEven)
	requireInvalidArgument(t, err)
	_, err = zero.Allocate(1, 1)
	requireInvalidArgument(t, err)
	_, err = commerce.Sum(cUSD, cents(1), zero)
	requireInvalidArgument(t, err)
}

func TestAddSub(t *testing.T) {
	tests := []struct {
		name      string
		a, b      int64
		sum, diff int64
		sumOK     bool
		diffOK    bool
	}{
		{"small", 1999, 1, 2000, 1998, true, true},
		{"negative", -5, -7, -12, 2, true, true},
		{"zero", 0, 0, 0, 0, true, true},
		{"max plus zero", math.MaxInt64, 0, math.MaxInt64, math.MaxInt64, true, true},
		{"max plus one", math.MaxInt64, 1, 0, math.MaxInt64 - 1, false, true},
		{"min minus one", math.MinInt64, 1, math.MinInt64 + 1, 0, true, false},
		{"min plus min", math.MinInt64, math.MinInt64, 0, 0, false, true},
		{"max minus min", math.MaxInt64, math.MinInt64, -1, 0, true, false},
		{"min minus max", math.MinInt64, math.MaxInt64, -1, 0, true, false},
		{"zero minus min", 0, math.MinInt64, math.MinInt64, 0, true, false},
		{"minus one minus min", -1, math.MinInt64, 0, math.MaxInt64, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := cents(tt.a), cents(tt.b)
			s, err := a.Add(b)
			if tt.sumOK {
				require.NoError(t, err)
				assert.Equal(t, cents(tt.sum), s)
			} else {
				requireInvalidArgument(t, err)
				assert.Contains(t, err.Error(), "overflow")
			}
			d, err := a.Sub(b)
			if tt.diffOK {
				require.NoError(t, err)
				assert.Equal(t, cents(tt.diff), d)
			} else {
				requireInvalidArgument(t, err)
				assert.Contains(t, err.Error(), "overflow")
			}
		})
	}
}

func TestAddSubRandomAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		a, b := randAmount(rng), randAmount(rng)
		sum := new(big.Int).Add(big.NewInt(a), big.NewInt(b))
		got, err := cents(a).Add(cents(b))
		if sum.IsInt64() {
			require.NoError(t, err)
			require.Equal(t, sum.Int64(), got.Amount(), "%d + %d", a, b)
		} else {
			requireInvalidArgument(t, err, "%d + %d", a, b)
		}
		diff := new(big.Int).Sub(big.NewInt(a), big.NewInt(b))
		got, err = cents(a).Sub(cents(b))
		if diff.IsInt64() {
			require.NoError(t, err)
			require.Equal(t, diff.Int64(), got.Amount(), "%d - %d", a, b)
		} else {
			requireInvalidArgument(t, err, "%d - %d", a, b)
		}
	}
}

func TestCurrencyMismatch(t *testing.T) {
	a, b := cents(100), commerce.MustMoney(100, cEUR)
	ops := map[string]func() error{
		"add": func() error { _, err := a.Add(b); return err },
		"sub": func() error { _, err := a.Sub(b); return err },
		"cmp": func() error { _, err := a.Cmp(b); return err },
		"sum": func() error { _, err := commerce.Sum(cUSD, a, b); return err },
	}
	for name, op := range ops {
		err := op()
		requireInvalidArgument(t, err, name)
		assert.Contains(t, err.Error(), "USD", name)
		assert.Contains(t, err.Error(), "EUR", name)
	}
}

func TestMul(t *testing.T) {
	tests := []struct {
		amount, qty int64
		want        int64
		ok          bool
	}{
		{1999, 3, 5997, true},
		{1999, 0, 0, true},
		{1999, -2, -3998, true},
		{-1999, -2, 3998, true},
		{math.MaxInt64, 1, math.MaxInt64, true},
		{math.MaxInt64, -1, -math.MaxInt64, true},
		{math.MinInt64, 1, math.MinInt64, true},
		{math.MinInt64, -1, 0, false},
		{math.MaxInt64, 2, 0, false},
		{1 << 32, 1 << 31, 0, false},
		{1 << 31, 1 << 31, 1 << 62, true},
		{-(1 << 31), 1 << 32, math.MinInt64, true},
		{math.MinInt64 / 2, 2, math.MinInt64, true},
		{math.MinInt64 / 2, -2, 0, false},
		{3037000500, 3037000500, 0, false}, // just past sqrt(MaxInt64)^2
	}
	for _, tt := range tests {
		got, err := cents(tt.amount).Mul(tt.qty)
		if tt.ok {
			require.NoError(t, err, "%d × %d", tt.amount, tt.qty)
			assert.Equal(t, cents(tt.want), got, "%d × %d", tt.amount, tt.qty)
		} else {
			requireInvalidArgument(t, err, "%d × %d", tt.amount, tt.qty)
			assert.Contains(t, err.Error(), "overflow")
		}
	}
}

func TestMulRandomAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		a, q := randAmount(rng), randAmount(rng)
		want := new(big.Int).Mul(big.NewInt(a), big.NewInt(q))
		got, err := cents(a).Mul(q)
		if want.IsInt64() {
			require.NoError(t, err)
			require.Equal(t, want.Int64(), got.Amount(), "%d × %d", a, q)
		} else {
			requireInvalidArgument(t, err, "%d × %d", a, q)
		}
	}
}

func TestNeg(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 1999, math.MaxInt64, math.MinInt64 + 1} {
		got, err := cents(v).Neg()
		require.NoError(t, err)
		assert.Equal(t, cents(-v), got)
	}
	_, err := cents(math.MinInt64).Neg()
	requireInvalidArgument(t, err)
	assert.Contains(t, err.Error(), "overflow")
}

func TestCompareAndPredicates(t *testing.T) {
	for _, tt := range []struct {
		a, b int64
		want int
	}{{1, 2, -1}, {2, 1, 1}, {5, 5, 0}, {math.MinInt64, math.MaxInt64, -1}} {
		got, err := cents(tt.a).Cmp(cents(tt.b))
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%d cmp %d", tt.a, tt.b)
	}

	assert.True(t, cents(5).Equal(cents(5)))
	assert.False(t, cents(5).Equal(cents(6)))
	assert.False(t, cents(0).Equal(commerce.Zero(cEUR)), "0 USD is not 0 EUR")

	assert.True(t, cents(0).IsZero())
	assert.False(t, cents(0).IsPositive())
	assert.False(t, cents(0).IsNegative())
	assert.True(t, cents(1).IsPositive())
	assert.True(t, cents(-1).IsNegative())
	assert.False(t, cents(-1).IsZero())
}

func TestSum(t *testing.T) {
	got, err := commerce.Sum(cUSD)
	require.NoError(t, err)
	assert.Equal(t, commerce.Zero(cUSD), got)

	got, err = commerce.Sum(cUSD, cents(1), cents(2), cents(-10))
	require.NoError(t, err)
	assert.Equal(t, cents(-7), got)

	_, err = commerce.Sum("nope")
	requireInvalidArgument(t, err)
	_, err = commerce.Sum(cUSD, cents(math.MaxInt64), cents(1))
	requireInvalidArgument(t, err)
	_, err = commerce.Sum(cEUR, cents(1))
	requireInvalidArgument(t, err)
}

func TestPercent(t *testing.T) {
	H, U, D, E := commerce.RoundHalfUp, commerce.RoundUp, commerce.RoundDown, commerce.RoundHalfEven
	tests := []struct {
		amount, bp int64
		mode       commerce.RoundingMode
		want       int64
	}{
		{10000, 1250, E, 1250}, // 12.5% of 100.00 = 12.50
		{8000, 1250, E, 1000},  // 12.5% of 80.00
		{1999, 10000, E, 1999}, // 100%
		{1999, 0, E, 0},        // 0%
		{1999, 20000, E, 3998}, // 200%
		{1999, -1000, E, -200}, // -10% of 19.99 = -1.999
		{125, 1000, E, 12},     // 12.5 -> 12 (even)
		{135, 1000, E, 14},     // 13.5 -> 14 (even)
		{-125, 1000, E, -12},   // symmetric
		{-135, 1000, E, -14},   // symmetric
		{125, 1000, H, 13},     // 12.5 -> 13
		{-125, 1000, H, -13},   // away from zero
		{124, 1000, H, 12},     // 12.4 -> 12
		{129, 1000, D, 12},     // truncate
		{-129, 1000, D, -12},   // toward zero
		{121, 1000, U, 13},     // 12.1 -> 13
		{-121, 1000, U, -13},   // away from zero
		{120, 1000, U, 12},     // exact stays
		{1, 5000, E, 0},        // 0.5 -> 0
		{3, 5000, E, 2},        // 1.5 -> 2
		{1, 5000, H, 1},        // 0.5 -> 1
		{1, 1, U, 1},           // tiny rates round up to one unit
		{1, 1, H, 0},           // and to nearest down to nothing
		{math.MaxInt64, 10000, E, math.MaxInt64},
		{math.MinInt64, 10000, E, math.MinInt64},
		{math.MaxInt64, 5000, E, 4611686018427387904}, // 4611686018427387903.5 -> even
		{math.MaxInt64, 5000, D, 4611686018427387903},
		{math.MinInt64, 5000, E, math.MinInt64 / 2},
	}
	for _, tt := range tests {
		got, err := cents(tt.amount).Percent(tt.bp, tt.mode)
		require.NoError(t, err, "%d bp of %d, %v", tt.bp, tt.amount, tt.mode)
		assert.Equal(t, cents(tt.want), got, "%d bp of %d, %v", tt.bp, tt.amount, tt.mode)
	}

	for _, tt := range []struct{ amount, bp int64 }{
		{math.MaxInt64, 10001},
		{math.MinInt64, -10000},
		{math.MaxInt64, math.MaxInt64},
		{math.MinInt64, math.MinInt64},
		{1 << 62, 20000},
	} {
		_, err := cents(tt.amount).Percent(tt.bp, commerce.RoundHalfEven)
		requireInvalidArgument(t, err, "%d bp of %d", tt.bp, tt.amount)
		assert.Contains(t, err.Error(), "overflow")
	}

	_, err := cents(100).Percent(10, commerce.RoundingMode(200))
	requireInvalidArgument(t, err)
	assert.Contains(t, err.Error(), "RoundingMode(200)")
}

func TestPercentRandomAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	modes := []commerce.RoundingMode{commerce.RoundHalfEven, commerce.RoundHalfUp, commerce.RoundDown, commerce.RoundUp}
	for i := range 40000 {
		a := randAmount(rng)
		bp := rng.Int64N(40001) - 20000
		if i%4 == 0 {
			bp = randAmount(rng)
		}
		mode := modes[i%len(modes)]
		want, ok := percentBig(a, bp, mode)
		got, err := cents(a).Percent(bp, mode)
		if ok {
			require.NoError(t, err, "%d bp of %d, %v", bp, a, mode)
			require.Equal(t, want, got.Amount(), "%d bp of %d, %v", bp, a, mode)
		} else {
			requireInvalidArgument(t, err, "%d bp of %d, %v", bp, a, mode)
		}
	}
}

// percentBig is the obvious, slow reference for Percent.
func percentBig(a, bp int64, mode commerce.RoundingMode) (int64, bool) {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(bp))
	q, r := new(big.Int).QuoRem(p, big.NewInt(10000), new(big.Int)) // truncates toward zero
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	half := twice.Cmp(big.NewInt(10000)) // sign of |r| - 0.5
	var away bool
	switch mode {
	case commerce.RoundHalfEven:
		away = half > 0 || (half == 0 && q.Bit(0) == 1)
	case commerce.RoundHalfUp:
		away = half >= 0 && r.Sign() != 0
	case commerce.RoundUp:
		away = r.Sign() != 0
	}
	if away {
		q.Add(q, big.NewInt(int64(p.Sign())))
	}
	return q.Int64(), q.IsInt64()
}

func TestRoundingModeString(t *testing.T) {
	assert.Equal(t, "RoundHalfEven", commerce.RoundHalfEven.String())
	assert.Equal(t, "RoundHalfUp", commerce.RoundHalfUp.String())
	assert.Equal(t, "RoundDown", commerce.RoundDown.String())
	assert.Equal(t, "RoundUp", commerce.RoundUp.String())
	assert.Equal(t, "RoundingMode(9)", commerce.RoundingMode(9).String())
	var zero commerce.RoundingMode
	assert.Equal(t, commerce.RoundHalfEven, zero, "the zero value is the default mode")
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name    string
		amount  int64
		weights []int64
		want    []int64
	}{
		{"thirds", 100, []int64{1, 1, 1}, []int64{34, 33, 33}},
		{"negative thirds", -100, []int64{1, 1, 1}, []int64{-34, -33, -33}},
		{"exact", 1000, []int64{1, 2, 2}, []int64{200, 400, 400}},
		{"zero amount", 0, []int64{3, 7}, []int64{0, 0}},
		{"single", 1999, []int64{42}, []int64{1999}},
		{"zero weight gets nothing", 5, []int64{0, 1, 0, 1}, []int64{0, 3, 0, 2}},
		{"largest remainder wins", 10, []int64{1, 2, 3}, []int64{2, 3, 5}}, // 1.67, 3.33, 5
		{"ties go to lowest index", 2, []int64{1, 1, 1}, []int64{1, 1, 0}}, // 0.67 each
		{"remainder beats index", 7, []int64{2, 1, 1}, []int64{3, 2, 2}},   // 3.5, 1.75, 1.75
		{"tiny amount, many parts", 1, []int64{1, 1, 1, 1}, []int64{1, 0, 0, 0}},
		{"percent weights", 1001, []int64{70, 20, 10}, []int64{701, 200, 100}}, // 700.7, 200.2, 100.1
		{"max amount", math.MaxInt64, []int64{1, 1}, []int64{1 << 62, 1<<62 - 1}},
		{"min amount", math.MinInt64, []int64{1, 1}, []int64{-(1 << 62), -(1 << 62)}},
		{"min amount all in one", math.MinInt64, []int64{0, 5}, []int64{0, math.MinInt64}},
		{"max weights", 10, []int64{math.MaxInt64, math.MaxInt64}, []int64{5, 5}},
		{"huge weight ratio", 100, []int64{math.MaxInt64, 1}, []int64{100, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cents(tt.amount).Allocate(tt.weights...)
			require.NoError(t, err)
			want := make([]commerce.Money, len(tt.want))
			for i, v := range tt.want {
				want[i] = cents(v)
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestAllocateErrors(t *testing.T) {
	for name, weights := range map[string][]int64{
		"none":          nil,
		"empty":         {},
		"negative":      {1, -1, 1},
		"all zero":      {0, 0},
		"sum overflows": {math.MaxInt64, math.MaxInt64, math.MaxInt64},
	} {
		parts, err := cents(100).Allocate(weights...)
		requireInvalidArgument(t, err, name)
		assert.Nil(t, parts, name)
	}
}

// TestAllocateProperties checks the guarantees Allocate documents on random
// input, extremes included, against exact rational arithmetic.
func TestAllocateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	cases := 5000
	if testing.Short() {
		cases = 500
	}
	for range cases {
		amount := randAmount(rng)
		weights := make([]int64, 1+rng.IntN(12))
		for i := range weights {
			switch rng.IntN(5) {
			case 0:
				weights[i] = 0
			case 1:
				weights[i] = rng.Int64N(math.MaxInt64/16 + 1) // large, sum still fits
			default:
				weights[i] = rng.Int64N(100)
			}
		}
		weights[rng.IntN(len(weights))]++ // the sum is positive
		m := cents(amount)

		parts, err := m.Allocate(weights...)
		require.NoError(t, err, "%d by %v", amount, weights)
		require.Len(t, parts, len(weights))

		again, err := m.Allocate(weights...)
		require.NoError(t, err)
		require.Equal(t, parts, again, "deterministic")

		var total big.Int
		var wsum big.Int
		for _, w := range weights {
			wsum.Add(&wsum, big.NewInt(w))
		}
		for i, p := range parts {
			require.Equal(t, cUSD, p.Currency())
			total.Add(&total, big.NewInt(p.Amount()))

			exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(amount), big.NewInt(weights[i])), &wsum)
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(p.Amount()), exact)
			require.Negative(t, new(big.Rat).Abs(diff).Cmp(big.NewRat(1, 1)),
				"part %d of %d by %v is %d, exact share %s", i, amount, weights, p.Amount(), exact.FloatString(3))
			if weights[i] == 0 {
				require.Zero(t, p.Amount())
			}
			// A part never has the opposite sign of the whole.
			require.False(t, amount >= 0 && p.IsNegative() || amount <= 0 && p.IsPositive())
			// A larger weight never gets a smaller part.
			for j := range i {
				if weights[j] < weights[i] {
					require.LessOrEqual(t, absAmount(parts[j].Amount()), absAmount(p.Amount()))
				}
			}
		}
		require.Equal(t, big.NewInt(amount).String(), total.String(), "sum of %v", parts)
	}
}

func absAmount(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// randAmount draws amounts across every magnitude, with the edges of int64
// overrepresented because that is where overflow bugs live.
func randAmount(rng *rand.Rand) int64 {
	switch rng.IntN(8) {
	case 0:
		return []int64{0, 1, -1, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}[rng.IntN(7)]
	case 1:
		return rng.Int64N(2001) - 1000
	default:
		v := int64(rng.Uint64() >> rng.IntN(64))
		if rng.IntN(2) == 0 {
			v = -v
		}
		return v
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		c    commerce.Currency
		want int64
	}{
		{"12.34", cUSD, 1234},
		{"12.3", cUSD, 1230},
		{"12", cUSD, 1200},
		{"-0.5", cUSD, -50},
		{"-0.05", cUSD, -5},
		{"1000", cUSD, 100000},
		{"0", cUSD, 0},
		{"-0", cUSD, 0},
		{"-0.00", cUSD, 0},
		{"007.50", cUSD, 750},
		{"  12.34\t", cUSD, 1234},
		{"1234", cJPY, 1234},
		{"-1234", cJPY, -1234},
		{"1.234", cKWD, 1234},
		{"1.2", cKWD, 1200},
		{"0.0001", cCLF, 1},
		{"92233720368547758.07", cUSD, math.MaxInt64},
		{"-92233720368547758.08", cUSD, math.MinInt64},
		{"9223372036854775807", cJPY, math.MaxInt64},
		{"-9223372036854775808", cJPY, math.MinInt64},
		{"922337203685477.5807", cCLF, math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := commerce.ParseMoney(tt.in, tt.c)
		require.NoError(t, err, "%q %s", tt.in, tt.c)
		assert.Equal(t, commerce.MustMoney(tt.want, tt.c), got, "%q %s", tt.in, tt.c)
	}
}

func TestParseMoneyErrors(t *testing.T) {
	tests := []struct {
		in string
		c  commerce.Currency
	}{
		{"12.345", cUSD}, // more digits than the currency has
		{"12.340", cUSD}, // even when they are zeros
		{"12.5", cJPY},
		{"12.0", cJPY},
		{"1.2345", cKWD},
		{"", cUSD},
		{"   ", cUSD},
		{"-", cUSD},
		{".", cUSD},
		{".5", cUSD},
		{"5.", cUSD},
		{"-.5", cUSD},
		{"+5", cUSD},
		{"+-5", cUSD},
		{"-+5", cUSD},
		{"--5", cUSD},
		{"1e3", cUSD},
		{"1E3", cUSD},
		{"1.5e1", cUSD},
		{"1,000", cUSD},
		{"1,5", cUSD},
		{"1_000", cUSD},
		{"1 000", cUSD},
		{"1.2.3", cUSD},
		{"12.34 cUSD", cUSD},
		{"$12.34", cUSD},
		{"0x10", cUSD},
		{"NaN", cUSD},
		{"Inf", cUSD},
		{"١٢", cUSD}, // Arabic-Indic digits
		{"92233720368547758.08", cUSD},
		{"-92233720368547758.09", cUSD},
		{"9223372036854775808", cJPY},
		{"-9223372036854775809", cJPY},
		{"99999999999999999999999", cJPY},
		{"12.34", "usd"},
		{"12.34", ""},
		{"12.34", "XAU"},
	}
	for _, tt := range tests {
		m, err := commerce.ParseMoney(tt.in, tt.c)
		requireInvalidArgument(t, err, "%q %s", tt.in, tt.c)
		assert.Equal(t, commerce.Money{}, m)
	}
}

func TestDecimalAndString(t *testing.T) {
	tests := []struct {
		m       commerce.Money
		decimal string
	}{
		{cents(1234), "12.34"},
		{cents(-5), "-0.05"},
		{cents(5), "0.05"},
		{cents(50), "0.50"},
		{cents(0), "0.00"},
		{cents(100), "1.00"},
		{cents(math.MaxInt64), "92233720368547758.07"},
		{cents(math.MinInt64), "-92233720368547758.08"},
		{commerce.MustMoney(1234, cJPY), "1234"},
		{commerce.MustMoney(-1234, cJPY), "-1234"},
		{commerce.MustMoney(0, cJPY), "0"},
		{commerce.MustMoney(1234, cKWD), "1.234"},
		{commerce.MustMoney(-1, cKWD), "-0.001"},
		{commerce.MustMoney(1, cCLF), "0.0001"},
		{commerce.MustMoney(math.MinInt64, cJPY), "-9223372036854775808"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.decimal, tt.m.Decimal())
		assert.Equal(t, tt.decimal+" "+string(tt.m.Currency()), tt.m.String())
		back, err := commerce.ParseMoney(tt.m.Decimal(), tt.m.Currency())
		require.NoError(t, err)
		assert.Equal(t, tt.m, back)
	}
}

func TestDecimalRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	currencies := []commerce.Currency{cUSD, cJPY, cKWD, cCLF}
	for i := range 20000 {
		m := commerce.MustMoney(randAmount(rng), currencies[i%len(currencies)])
		back, err := commerce.ParseMoney(m.Decimal(), m.Currency())
		require.NoError(t, err, m.String())
		require.Equal(t, m, back)
	}
}

// fuzzCurrencies are the exponents 0, 2, 3 and 4.
var fuzzCurrencies = []commerce.Currency{cUSD, cJPY, cKWD, cCLF}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{
		"12.34", "-0.5", "1000", "12.3", "12.345", "0", "-0", "", "-", ".", "1.", ".1", "+1", "+-1",
		"1e3", "1,000", " 12 ", "1 2", "92233720368547758.07", "-92233720368547758.08",
		"92233720368547758.08", "9223372036854775807", "-9223372036854775808", "0.0001", "١",
	} {
		for i := range fuzzCurrencies {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, ci uint8) {
		c := fuzzCurrencies[int(ci)%len(fuzzCurrencies)]
		m, err := commerce.ParseMoney(s, c)
		if err != nil {
			if commerce.Code(err) != commerce.CodeInvalidArgument {
				t.Fatalf("ParseMoney(%q, %s): code %q, want invalid_argument: %v", s, c, commerce.Code(err), err)
			}
			return
		}
		if m.Currency() != c {
			t.Fatalf("ParseMoney(%q, %s) has currency %q", s, c, m.Currency())
		}
		d := m.Decimal()
		back, err := commerce.ParseMoney(d, c)
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q, %s) = %v; Decimal %q reads back as %v, %v", s, c, m, d, back, err)
		}
		if !strings.HasSuffix(m.String(), " "+string(c)) {
			t.Fatalf("String() = %q", m.String())
		}
	})
}

func BenchmarkMoneyAdd(b *testing.B) {
	a, c := cents(1999), cents(1)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if a, err = a.Add(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMoney(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := commerce.ParseMoney("-12345.67", cUSD); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAllocate(b *testing.B) {
	m := cents(100000)
	weights := []int64{1, 2, 3, 4, 5, 6, 7}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Allocate(weights...); err != nil {
			b.Fatal(err)
		}
	}
}
