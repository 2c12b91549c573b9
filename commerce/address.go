package commerce

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxAddressFieldLength is the longest value, in characters, any Address
// field may hold. Real addresses are far shorter; the cap exists so a
// hostile client cannot store megabytes in a shipping label.
const MaxAddressFieldLength = 200

// Address is a postal address used for shipping, billing and customer
// address books. It is deliberately free-form (Line1, Line2, Region) rather
// than modelling any one country's scheme, because carriers and payment
// providers accept that shape worldwide.
type Address struct {
	Name       string `json:"name"`
	Company    string `json:"company,omitempty"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code in upper case, e.g. "DE".
	Country string `json:"country"`
	// Phone is optional and, when present, in E.164 form, e.g. "+4930123456",
	// because carriers and SMS channels need it without local formatting.
	Phone string `json:"phone,omitempty"`
}

// Validate reports the first problem with a, as CodeInvalidArgument with the
// field's JSON name in the message and in the "field" detail, so an API
// client can point at the offending input. Name, Line1, City and Country are
// required. Validate does not trim or fold case; call Normalize first when
// the address comes from user input.
func (a Address) Validate() error {
	fields := [...]struct {
		name     string
		value    string
		required bool
		valid    func(string) bool // format check for non-empty values
		want     string            // the format, for the error message
	}{
		{name: "name", value: a.Name, required: true},
		{name: "company", value: a.Company},
		{name: "line1", value: a.Line1, required: true},
		{name: "line2", value: a.Line2},
		{name: "city", value: a.City, required: true},
		{name: "region", value: a.Region},
		{name: "postal_code", value: a.PostalCode},
		{name: "country", value: a.Country, required: true,
			valid: isCountryCode, want: "an upper-case ISO 3166-1 alpha-2 code"},
		{name: "phone", value: a.Phone,
			valid: IsE164, want: "in E.164 form (+ then 8 to 15 digits, the first not 0)"},
	}
	for _, f := range fields {
		if err := validateAddressText(f.name, f.value, f.required); err != nil {
			return err
		}
		if f.valid != nil && f.value != "" && !f.valid(f.value) {
			return invalidAddress(f.name, "%s %s is not %s", f.name, truncQuote(f.value), f.want)
		}
	}
	return nil
}

// Normalize returns a copy of a with surrounding white space trimmed from
// every field and the country code upper-cased: the forgiving fixes that are
// safe to apply to user input without changing its meaning.
func (a Address) Normalize() Address {
	return Address{
		Name:       strings.TrimSpace(a.Name),
		Company:    strings.TrimSpace(a.Company),
		Line1:      strings.TrimSpace(a.Line1),
		Line2:      strings.TrimSpace(a.Line2),
		City:       strings.TrimSpace(a.City),
		Region:     strings.TrimSpace(a.Region),
		PostalCode: strings.TrimSpace(a.PostalCode),
		Country:    strings.ToUpper(strings.TrimSpace(a.Country)),
		Phone:      strings.TrimSpace(a.Phone),
	}
}

// validateAddressText applies the rules every field shares. Control
// characters are refused because addresses end up in e-mail headers, CSV
// exports and printed labels, where a stray newline does damage.
func validateAddressText(field, value string, required bool) error {
	if strings.TrimSpace(value) == "" {
		if required {
			return invalidAddress(field, "%s is required", field)
		}
		return nil
	}
	if !utf8.ValidString(value) {
		return invalidAddress(field, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(value); n > MaxAddressFieldLength {
		return invalidAddress(field, "%s is %d characters long, the limit is %d", field, n, MaxAddressFieldLength)
	}
	if strings.IndexFunc(value, unicode.IsControl) >= 0 {
		return invalidAddress(field, "%s contains control characters", field)
	}
	return nil
}

func invalidAddress(field, format string, args ...any) error {
	return Errorf(CodeInvalidArgument, "invalid address: "+format, args...).WithDetail("field", field)
}

// IsE164 reports whether s is a phone number in E.164 form: "+" followed
// by 8 to 15 digits, the first not 0. Address, customer profiles and SMS
// channels share this one rule.
func IsE164(s string) bool {
	digits, ok := strings.CutPrefix(s, "+")
	if !ok || len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// isCountryCode reports whether s is an officially assigned ISO 3166-1
// alpha-2 code. User-assigned codes such as XK (Kosovo) and reserved ones
// such as UK are refused: they are not portable between carriers.
func isCountryCode(s string) bool {
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	// Every code in the list is followed by a space, so two letters can only
	// match a whole code, never the tail of one and the head of the next.
	return strings.Contains(iso3166Alpha2, s)
}

// iso3166Alpha2 lists the 249 officially assigned ISO 3166-1 alpha-2 codes.
// A constant rather than a map keeps the package free of mutable globals;
// the linear scan over ~750 bytes costs nanoseconds.
const iso3166Alpha2 = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ " +
	"EC EE EG EH ER ES ET " +
	"FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT " +
	"JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ " +
	"OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA " +
	"RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU " +
	"WF WS " +
	"YE YT " +
	"ZA ZM ZW "
