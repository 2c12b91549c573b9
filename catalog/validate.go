package catalog

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mercatohq/mercato/commerce"
)

// Limits on product input. They are generous for real catalogs and exist
// so a hostile or broken feed cannot store megabytes in one product.
const (
	MaxTitleLength       = 200
	MaxDescriptionLength = 20000
	MaxHandleLength      = 100
	MaxSKULength         = 64
	MaxAttributes        = 64
	MaxAttributeKey      = 64
	MaxAttributeValue    = 500
	MaxImages            = 20
	MaxImageURLLength    = 2048
	MaxVariants          = 100
	MaxOptions           = 10
	MaxCategories        = 20
	MaxReviewTitle       = 200
	MaxReviewBody        = 5000
)

func invalid(field, format string, args ...any) error {
	return commerce.Errorf(commerce.CodeInvalidArgument, "catalog: "+format, args...).WithDetail("field", field)
}

// ValidHandle reports whether s is a handle: 1 to MaxHandleLength
// lower-case ASCII letters and digits in words joined by single hyphens,
// such as "acme-pro-x200".
func ValidHandle(s string) bool {
	if s == "" || len(s) > MaxHandleLength || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// Slugify derives a handle from a title: ASCII letters and digits are
// kept in lower case, every other run of characters becomes one hyphen,
// and the result is cut to MaxHandleLength. It returns "" when the title
// has no ASCII letter or digit.
func Slugify(title string) string {
	var b strings.Builder
	pendingHyphen := false
	for _, r := range title {
		r = unicode.ToLower(r)
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			if pendingHyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingHyphen = false
			b.WriteRune(r)
			continue
		}
		pendingHyphen = true
	}
	s := b.String()
	if len(s) > MaxHandleLength {
		s = strings.TrimRight(s[:MaxHandleLength], "-")
	}
	return s
}

// ValidSKU reports whether s is a SKU: 1 to MaxSKULength ASCII letters,
// digits, '-', '_' and '.', starting with a letter or digit.
func ValidSKU(s string) bool {
	if s == "" || len(s) > MaxSKULength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case (c == '-' || c == '_' || c == '.') && i > 0:
		default:
			return false
		}
	}
	return true
}

// checkText validates a free-text field: valid UTF-8, within max
// characters, no control characters except (when multiline) newlines and
// tabs.
func checkText(field, value string, required bool, max int, multiline bool) error {
	if strings.TrimSpace(value) == "" {
		if required {
			return invalid(field, "%s is required", field)
		}
		return nil
	}
	if !utf8.ValidString(value) {
		return invalid(field, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(value); n > max {
		return invalid(field, "%s is %d characters long, the limit is %d", field, n, max)
	}
	bad := func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}
	if strings.IndexFunc(value, bad) >= 0 {
		return invalid(field, "%s contains control characters", field)
	}
	return nil
}

func checkHandle(field, handle string) error {
	if !ValidHandle(handle) {
		return invalid(field, "%s %q is not a handle (lower-case letters, digits and single hyphens, at most %d characters)", field, truncate(handle), MaxHandleLength)
	}
	return nil
}

// resolveHandle returns handle, or one derived from name when empty.
func resolveHandle(field, handle, name string) (string, error) {
	if handle == "" {
		handle = Slugify(name)
		if handle == "" {
			return "", invalid(field, "cannot derive a %s from %q; give one", field, truncate(name))
		}
	}
	return handle, checkHandle(field, handle)
}

func checkMap(field string, m map[string]string, maxEntries, maxValue int, valueRequired bool) error {
	if len(m) > maxEntries {
		return invalid(field, "%s has %d entries, the limit is %d", field, len(m), maxEntries)
	}
	for k, v := range m {
		if err := checkText(field+" key", k, true, MaxAttributeKey, false); err != nil {
			return err
		}
		if err := checkText(field+"["+truncate(k)+"]", v, valueRequired, maxValue, false); err != nil {
			return err
		}
	}
	return nil
}

func checkImages(images []string) error {
	if len(images) > MaxImages {
		return invalid("images", "images has %d entries, the limit is %d", len(images), MaxImages)
	}
	for i, s := range images {
		field := fmt.Sprintf("images[%d]", i)
		if len(s) > MaxImageURLLength {
			return invalid(field, "%s is longer than %d bytes", field, MaxImageURLLength)
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid(field, "%s %q is not an absolute http(s) URL", field, truncate(s))
		}
	}
	return nil
}

func checkCategoryIDs(ids []commerce.CategoryID) error {
	if len(ids) > MaxCategories {
		return invalid("category_ids", "a product is in at most %d categories, got %d", MaxCategories, len(ids))
	}
	seen := make(map[commerce.CategoryID]bool, len(ids))
	for _, id := range ids {
		if err := id.Validate(); err != nil {
			return invalid("category_ids", "category id: %w", err)
		}
		if seen[id] {
			return invalid("category_ids", "category %s is listed twice", id)
		}
		seen[id] = true
	}
	return nil
}

// checkProduct validates every product field except variants.
func checkProduct(p *Product) error {
	if err := checkText("title", p.Title, true, MaxTitleLength, false); err != nil {
		return err
	}
	if err := checkHandle("handle", p.Handle); err != nil {
		return err
	}
	if err := checkText("description", p.Description, false, MaxDescriptionLength, true); err != nil {
		return err
	}
	if !p.BrandID.IsZero() {
		if err := p.BrandID.Validate(); err != nil {
			return invalid("brand_id", "brand id: %w", err)
		}
	}
	if err := checkCategoryIDs(p.CategoryIDs); err != nil {
		return err
	}
	if err := checkMap("attributes", p.Attributes, MaxAttributes, MaxAttributeValue, false); err != nil {
		return err
	}
	if err := checkImages(p.Images); err != nil {
		return err
	}
	if !p.Status.Valid() {
		return invalid("status", "status %q is not draft, active or archived", truncate(string(p.Status)))
	}
	if len(p.Variants) > MaxVariants {
		return invalid("variants", "a product has at most %d variants, got %d", MaxVariants, len(p.Variants))
	}
	skus := make(map[string]bool, len(p.Variants))
	for i, v := range p.Variants {
		if skus[v.SKU] {
			return invalid(fmt.Sprintf("variants[%d].sku", i), "SKU %q appears twice in the product", v.SKU)
		}
		skus[v.SKU] = true
	}
	if p.Status == StatusActive && len(p.Variants) == 0 {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "catalog: an active product needs at least one variant").
			WithDetail("field", "status")
	}
	return nil
}

// buildVariant validates in and returns the variant it describes, with
// prices sorted by currency. field prefixes error fields ("variants[2]").
func buildVariant(field string, in VariantInput) (Variant, error) {
	if !ValidSKU(in.SKU) {
		return Variant{}, invalid(field+".sku", "SKU %q must be 1-%d ASCII letters, digits, '-', '_' or '.', starting with a letter or digit", truncate(in.SKU), MaxSKULength)
	}
	if err := checkMap(field+".options", in.Options, MaxOptions, MaxAttributeValue, true); err != nil {
		return Variant{}, err
	}
	if in.WeightGrams < 0 {
		return Variant{}, invalid(field+".weight_grams", "weight must not be negative, got %d g", in.WeightGrams)
	}
	prices, err := checkPrices(field+".prices", in.Prices)
	if err != nil {
		return Variant{}, err
	}
	if len(prices) == 0 {
		return Variant{}, invalid(field+".prices", "variant %s needs at least one price", in.SKU)
	}
	compareAt, err := checkPrices(field+".compare_at", in.CompareAt)
	if err != nil {
		return Variant{}, err
	}
	for _, c := range compareAt {
		p, ok := moneyIn(prices, c.Currency())
		if !ok {
			return Variant{}, invalid(field+".compare_at", "compare-at price %s has no price in %s", c, c.Currency())
		}
		if c.Amount() <= p.Amount() {
			return Variant{}, invalid(field+".compare_at", "compare-at price %s must be above the price %s", c, p)
		}
	}
	return Variant{
		SKU:         in.SKU,
		Options:     cloneNonEmpty(in.Options),
		Prices:      prices,
		CompareAt:   compareAt,
		WeightGrams: in.WeightGrams,
	}, nil
}

// checkPrices refuses unknown currencies (the zero Money among them),
// negative amounts and two prices in one currency, and returns a sorted
// copy.
func checkPrices(field string, in []commerce.Money) ([]commerce.Money, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]commerce.Money, 0, len(in))
	for i, m := range in {
		if !m.Currency().Valid() {
			return nil, invalid(field, "%s[%d] has no known currency", field, i)
		}
		if m.IsNegative() {
			return nil, invalid(field, "%s[%d] %s is negative", field, i, m)
		}
		if _, dup := moneyIn(out, m.Currency()); dup {
			return nil, invalid(field, "%s has two prices in %s", field, m.Currency())
		}
		out = append(out, m)
	}
	sortByCurrency(out)
	return out, nil
}

func checkReview(in ReviewInput) error {
	if err := in.ProductID.Validate(); err != nil {
		return invalid("product_id", "product id: %w", err)
	}
	if err := in.CustomerID.Validate(); err != nil {
		return invalid("customer_id", "customer id: %w", err)
	}
	if in.Rating < MinStars || in.Rating > MaxStars {
		return invalid("rating", "rating must be %d to %d stars, got %d", MinStars, MaxStars, in.Rating)
	}
	if err := checkText("title", in.Title, false, MaxReviewTitle, false); err != nil {
		return err
	}
	return checkText("body", in.Body, false, MaxReviewBody, true)
}

func cloneNonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// truncate shortens s for an error message, so bad input cannot make the
// message huge.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
