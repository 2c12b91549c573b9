package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCatalogHandlesAndSKUs(t *testing.T) {
	for s, want := range map[string]bool{
		"a": true, "acme-pro-x200": true, "x2": true,
		"": false, "-a": false, "a-": false, "a--b": false, "A": false, "a b": false, "a_b": false, "é": false,
	} {
		assert.Equal(t, want, ValidHandle(s), "%q", s)
	}
	for in, want := range map[string]string{
		"Acme Pro X200":        "acme-pro-x200",
		"  Über -- Cable, 2m ": "ber-cable-2m",
		"!!!":                  "",
	} {
		assert.Equal(t, want, Slugify(in), "%q", in)
	}
	for s, want := range map[string]bool{
		"ACME-X200": true, "a.b_c-1": true,
		"": false, "-A": false, "A B": false, "A/B": false, string(make([]byte, MaxSKULength+1)): false,
	} {
		assert.Equal(t, want, ValidSKU(s), "%q", s)
	}
}

func TestCatalogRating(t *testing.T) {
	assert.Zero(t, Rating{}.Average())
	assert.Zero(t, Rating{}.AverageHundredths())
	r := Rating{}.Add(5).Add(4).Add(4)
	assert.Equal(t, Rating{Count: 3, Sum: 13}, r)
	assert.InDelta(t, 4.3333, r.Average(), 1e-3)
	assert.Equal(t, int64(433), r.AverageHundredths())
	assert.Equal(t, int64(467), Rating{Count: 3, Sum: 14}.AverageHundredths(), "rounded half up")
}

func TestCatalogVariantTitle(t *testing.T) {
	assert.Equal(t, "Tee", VariantTitle("Tee", nil))
	assert.Equal(t, "Tee (Blue / M)", VariantTitle("Tee", map[string]string{"size": "M", "colour": "Blue"}))
}
