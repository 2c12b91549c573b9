package commerce

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Currency is an ISO 4217 alphabetic code in upper case, such as "USD".
//
// It is a string so that it reads naturally in literals, logs and database
// columns. That also means any string converts to a Currency, so values from
// outside the process go through ParseCurrency or UnmarshalText, and code
// that builds one by conversion checks Valid.
type Currency string

// Exponent reports how many decimal digits the currency's minor unit has
// (2 for USD: 1 dollar is 100 cents; 0 for JPY; 3 for KWD) and whether the
// currency is known at all. The comma-ok form exists so an unknown currency
// can never be mistaken for one with no minor unit.
func (c Currency) Exponent() (int, bool) {
	e, ok := exponents[c]
	return int(e), ok
}

// Valid reports whether c is an active ISO 4217 currency that Mercato can
// hold money in (see the table below for what is left out and why).
func (c Currency) Valid() bool {
	_, ok := exponents[c]
	return ok
}

// String returns the code itself, so a Currency prints as "USD" in
// messages without any decoration.
func (c Currency) String() string { return string(c) }

// ParseCurrency reads a currency code typed by a person or found in a
// loosely formatted source: surrounding white space is ignored and ASCII
// letters may be in any case ("usd", " Usd "). The wire formats
// (UnmarshalText, UnmarshalJSON) are stricter on purpose, see there.
// An unknown code is CodeInvalidArgument.
func ParseCurrency(s string) (Currency, error) {
	t := strings.TrimSpace(s)
	if len(t) == 3 {
		var b [3]byte
		for i := range 3 {
			ch := t[i]
			if 'a' <= ch && ch <= 'z' {
				ch -= 'a' - 'A'
			}
			b[i] = ch
		}
		if c := Currency(b[:]); c.Valid() {
			return c, nil
		}
	}
	return "", Errorf(CodeInvalidArgument, "unknown currency %q", s)
}

// MarshalText refuses an invalid currency so that nothing this process
// writes fails to read back; that also makes Currency usable as a JSON
// object key (map[Currency]Money).
func (c Currency) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, Errorf(CodeInvalidArgument, "unknown currency %q", string(c))
	}
	return []byte(c), nil
}

// UnmarshalText accepts only the canonical spelling (exactly three upper
// case letters of a known code, no spaces). Wire data has one spelling per
// value so that equal values have equal bytes in hashes, idempotency keys
// and caches; lenient input parsing is ParseCurrency's job.
func (c *Currency) UnmarshalText(text []byte) error {
	v := Currency(text)
	if !v.Valid() {
		return Errorf(CodeInvalidArgument, "unknown currency %q", string(text))
	}
	*c = v
	return nil
}

// UnmarshalJSON exists only to classify bad input: without it a JSON
// number would surface as a *json.UnmarshalTypeError (an internal error to
// commerce.Code) and a null would silently leave the currency empty. Both
// are CodeInvalidArgument here; a JSON string goes through UnmarshalText.
func (c *Currency) UnmarshalJSON(data []byte) error {
	if len(data) == 0 || data[0] != '"' {
		return Errorf(CodeInvalidArgument, "currency must be a JSON string, got %.20s", data)
	}
	// A string without escapes is its bytes: most currencies in JSON
	// are three letters in quotes, read here without a second pass of
	// encoding/json over them. The rest, escapes included, go through
	// encoding/json. Either way UnmarshalText accepts known codes only.
	if inner := data[1:]; len(inner) > 0 && inner[len(inner)-1] == '"' && !bytes.ContainsAny(inner[:len(inner)-1], `\"`) {
		return c.UnmarshalText(inner[:len(inner)-1])
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return Errorf(CodeInvalidArgument, "malformed currency: %w", err)
	}
	return c.UnmarshalText([]byte(s))
}

// exponents maps every currency Mercato accepts to its ISO 4217 minor unit.
// It is written only by this literal, never after package initialisation.
//
// Source: ISO 4217 List One as published by SIX on 2026-01-01. It holds
// every active code with a numeric minor unit, the fund codes included
// (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW, plus XAD), because a shop
// can legitimately price in them.
//
// Left out on purpose are the codes whose minor unit ISO lists as "N.A.":
// precious metals (XAU, XAG, XPT, XPD), the IMF and development-bank units of
// account (XDR, XSU, XUA), the bond-market units (XBA, XBB, XBC, XBD), the
// testing code XTS and XXX ("no currency"). With no minor unit there is no
// integer amount to store, and none of them can settle a shop's payment.
//
// Withdrawn codes (BGN, HRK, ANG, CUC, SLL, ZWL, VEF, ...) are not accepted
// either. Adding a code later is backwards compatible; removing one is not,
// so a code leaves this table only in a major release.
var exponents = map[Currency]uint8{
	"AED": 2, // UAE Dirham
	"AFN": 2, // Afghani
	"ALL": 2, // Lek
	"AMD": 2, // Armenian Dram
	"AOA": 2, // Kwanza
	"ARS": 2, // Argentine Peso
	"AUD": 2, // Australian Dollar
	"AWG": 2, // Aruban Florin
	"AZN": 2, // Azerbaijan Manat
	"BAM": 2, // Convertible Mark
	"BBD": 2, // Barbados Dollar
	"BDT": 2, // Taka
	"BHD": 3, // Bahraini Dinar
	"BIF": 0, // Burundi Franc
	"BMD": 2, // Bermudian Dollar
	"BND": 2, // Brunei Dollar
	"BOB": 2, // Boliviano
	"BOV": 2, // Mvdol (fund)
	"BRL": 2, // Brazilian Real
	"BSD": 2, // Bahamian Dollar
	"BTN": 2, // Ngultrum
	"BWP": 2, // Pula
	"BYN": 2, // Belarusian Ruble
	"BZD": 2, // Belize Dollar
	"CAD": 2, // Canadian Dollar
	"CDF": 2, // Congolese Franc
	"CHE": 2, // WIR Euro (fund)
	"CHF": 2, // Swiss Franc
	"CHW": 2, // WIR Franc (fund)
	"CLF": 4, // Unidad de Fomento (fund)
	"CLP": 0, // Chilean Peso
	"CNY": 2, // Yuan Renminbi
	"COP": 2, // Colombian Peso
	"COU": 2, // Unidad de Valor Real (fund)
	"CRC": 2, // Costa Rican Colon
	"CUP": 2, // Cuban Peso
	"CVE": 2, // Cabo Verde Escudo
	"CZK": 2, // Czech Koruna
	"DJF": 0, // Djibouti Franc
	"DKK": 2, // Danish Krone
	"DOP": 2, // Dominican Peso
	"DZD": 2, // Algerian Dinar
	"EGP": 2, // Egyptian Pound
	"ERN": 2, // Nakfa
	"ETB": 2, // Ethiopian Birr
	"EUR": 2, // Euro
	"FJD": 2, // Fiji Dollar
	"FKP": 2, // Falkland Islands Pound
	"GBP": 2, // Pound Sterling
	"GEL": 2, // Lari
	"GHS": 2, // Ghana Cedi
	"GIP": 2, // Gibraltar Pound
	"GMD": 2, // Dalasi
	"GNF": 0, // Guinean Franc
	"GTQ": 2, // Quetzal
	"GYD": 2, // Guyana Dollar
	"HKD": 2, // Hong Kong Dollar
	"HNL": 2, // Lempira
	"HTG": 2, // Gourde
	"HUF": 2, // Forint
	"IDR": 2, // Rupiah
	"ILS": 2, // New Israeli Sheqel
	"INR": 2, // Indian Rupee
	"IQD": 3, // Iraqi Dinar
	"IRR": 2, // Iranian Rial
	"ISK": 0, // Iceland Krona
	"JMD": 2, // Jamaican Dollar
	"JOD": 3, // Jordanian Dinar
	"JPY": 0, // Yen
	"KES": 2, // Kenyan Shilling
	"KGS": 2, // Som
	"KHR": 2, // Riel
	"KMF": 0, // Comorian Franc
	"KPW": 2, // North Korean Won
	"KRW": 0, // Won
	"KWD": 3, // Kuwaiti Dinar
	"KYD": 2, // Cayman Islands Dollar
	"KZT": 2, // Tenge
	"LAK": 2, // Lao Kip
	"LBP": 2, // Lebanese Pound
	"LKR": 2, // Sri Lanka Rupee
	"LRD": 2, // Liberian Dollar
	"LSL": 2, // Loti
	"LYD": 3, // Libyan Dinar
	"MAD": 2, // Moroccan Dirham
	"MDL": 2, // Moldovan Leu
	"MGA": 2, // Malagasy Ariary
	"MKD": 2, // Denar
	"MMK": 2, // Kyat
	"MNT": 2, // Tugrik
	"MOP": 2, // Pataca
	"MRU": 2, // Ouguiya
	"MUR": 2, // Mauritius Rupee
	"MVR": 2, // Rufiyaa
	"MWK": 2, // Malawi Kwacha
	"MXN": 2, // Mexican Peso
	"MXV": 2, // Mexican Unidad de Inversion (fund)
	"MYR": 2, // Malaysian Ringgit
	"MZN": 2, // Mozambique Metical
	"NAD": 2, // Namibia Dollar
	"NGN": 2, // Naira
	"NIO": 2, // Cordoba Oro
	"NOK": 2, // Norwegian Krone
	"NPR": 2, // Nepalese Rupee
	"NZD": 2, // New Zealand Dollar
	"OMR": 3, // Rial Omani
	"PAB": 2, // Balboa
	"PEN": 2, // Sol
	"PGK": 2, // Kina
	"PHP": 2, // Philippine Peso
	"PKR": 2, // Pakistan Rupee
	"PLN": 2, // Zloty
	"PYG": 0, // Guarani
	"QAR": 2, // Qatari Rial
	"RON": 2, // Romanian Leu
	"RSD": 2, // Serbian Dinar
	"RUB": 2, // Russian Ruble
	"RWF": 0, // Rwanda Franc
	"SAR": 2, // Saudi Riyal
	"SBD": 2, // Solomon Islands Dollar
	"SCR": 2, // Seychelles Rupee
	"SDG": 2, // Sudanese Pound
	"SEK": 2, // Swedish Krona
	"SGD": 2, // Singapore Dollar
	"SHP": 2, // Saint Helena Pound
	"SLE": 2, // Leone
	"SOS": 2, // Somali Shilling
	"SRD": 2, // Surinam Dollar
	"SSP": 2, // South Sudanese Pound
	"STN": 2, // Dobra
	"SVC": 2, // El Salvador Colon
	"SYP": 2, // Syrian Pound
	"SZL": 2, // Lilangeni
	"THB": 2, // Baht
	"TJS": 2, // Somoni
	"TMT": 2, // Turkmenistan New Manat
	"TND": 3, // Tunisian Dinar
	"TOP": 2, // Pa'anga
	"TRY": 2, // Turkish Lira
	"TTD": 2, // Trinidad and Tobago Dollar
	"TWD": 2, // New Taiwan Dollar
	"TZS": 2, // Tanzanian Shilling
	"UAH": 2, // Hryvnia
	"UGX": 0, // Uganda Shilling
	"USD": 2, // US Dollar
	"USN": 2, // US Dollar, next day (fund)
	"UYI": 0, // Uruguay Peso en Unidades Indexadas (fund)
	"UYU": 2, // Peso Uruguayo
	"UYW": 4, // Unidad Previsional (fund)
	"UZS": 2, // Uzbekistan Sum
	"VED": 2, // Bolivar Soberano (digital)
	"VES": 2, // Bolivar Soberano
	"VND": 0, // Dong
	"VUV": 0, // Vatu
	"WST": 2, // Tala
	"XAD": 2, // Arab Accounting Dinar
	"XAF": 0, // CFA Franc BEAC
	"XCD": 2, // East Caribbean Dollar
	"XCG": 2, // Caribbean Guilder
	"XOF": 0, // CFA Franc BCEAO
	"XPF": 0, // CFP Franc
	"YER": 2, // Yemeni Rial
	"ZAR": 2, // Rand
	"ZMW": 2, // Zambian Kwacha
	"ZWG": 2, // Zimbabwe Gold
}
