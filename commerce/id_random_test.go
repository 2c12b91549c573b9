package commerce_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/oklog/ulid/v2"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

// entropyOf returns the 80 random bits of id's ULID and its millisecond.
func entropyOf(t *testing.T, id commerce.OrderID) ([10]byte, uint64) {
	t.Helper()
	u, err := ulid.ParseStrict(string(id[len(id)-ulid.EncodedSize:]))
	require.NoError(t, err)
	var e [10]byte
	copy(e[:], u.Entropy())
	return e, u.Time()
}

// TestIDEntropyIsRandom checks that the random part of IDs cannot be
// foretold: its low 40 bits (which every ID draws afresh, even within a
// millisecond) are set about half of the time and pass a chi-square test,
// and the step from one ID to the next within a millisecond is spread up
// to 2^40, not the small step of a predictable sequence. IDs of ulid.Make
// (math/rand seeded with the clock, steps below 2^32) fail.
func TestIDEntropyIsRandom(t *testing.T) {
	const n = 20000
	ids := make([][10]byte, n)
	ms := make([]uint64, n)
	for i := range ids {
		ids[i], ms[i] = entropyOf(t, commerce.NewID[commerce.OrderID]())
	}

	// Bit frequency: each of the low 40 bits is 1 in n/2 IDs, give or take.
	sd := math.Sqrt(n / 4.0)
	for bit := 40; bit < 80; bit++ {
		ones := 0
		for _, e := range ids {
			if e[bit/8]&(0x80>>(bit%8)) != 0 {
				ones++
			}
		}
		z := (float64(ones) - n/2.0) / sd
		require.Less(t, math.Abs(z), 5.0, "bit %d is set in %d of %d IDs", bit, ones, n)
	}

	// Chi-square over the values of the low 5 bytes: 255 degrees of
	// freedom, mean 255, standard deviation about 22.6; 6 above fails.
	var counts [256]int
	for _, e := range ids {
		for _, b := range e[5:] {
			counts[b]++
		}
	}
	expected := float64(n*5) / 256
	chi := 0.0
	for _, c := range counts {
		d := float64(c) - expected
		chi += d * d / expected
	}
	require.Less(t, chi, 255+6*22.6, "chi-square of the entropy bytes")

	// Steps within a millisecond: uniform in [1, 2^40], so fewer than 1 in
	// 256 is under 2^32; a sequence guessable from the previous ID has
	// them all under 2^32.
	steps, small := 0, 0
	lowBytes := map[uint64]bool{}
	limit := new(big.Int).Lsh(big.NewInt(1), 32)
	for i := 1; i < n; i++ {
		if ms[i] != ms[i-1] {
			continue
		}
		step := new(big.Int).Sub(new(big.Int).SetBytes(ids[i][:]), new(big.Int).SetBytes(ids[i-1][:]))
		require.Positive(t, step.Sign(), "IDs of one millisecond sort in minting order")
		steps++
		if step.Cmp(limit) < 0 {
			small++
		}
		lowBytes[step.Uint64()&0xff] = true
	}
	// The step's low byte is uniform too: a draw that masks the wrong
	// end of the step leaves it 1 or 2, and the low bits of the next ID
	// foretold.
	require.Greater(t, len(lowBytes), min(steps, 256)/4, "%d steps take %d values in their low byte", steps, len(lowBytes))
	require.Greater(t, steps, 100, "enough IDs share a millisecond to judge their steps")
	require.Less(t, float64(small)/float64(steps), 0.02, "%d of %d steps are under 2^32", small, steps)
}
