package ncr

import (
	"strconv"
	"strings"

	"qms/internal/qms"
)

// Cost is the cost of poor quality of one NCR, in integer minor units of
// one currency (cents for EUR and USD, yen for JPY): never floating point.
// ChargedBack is the part charged back to the supplier (it may include
// items beyond these costs, such as an administration fee).
type Cost struct {
	Currency    string `json:"currency,omitempty"` // ISO 4217, e.g. EUR, USD, CNY
	Scrap       int64  `json:"scrap"`
	Rework      int64  `json:"rework"`
	Sorting     int64  `json:"sorting"` // sorting and re-inspection
	Freight     int64  `json:"freight"`
	Other       int64  `json:"other"`
	ChargedBack int64  `json:"charged_back"`
}

// MaxAmount bounds every amount (10^15 minor units).
const MaxAmount = 1_000_000_000_000_000

// Total is the cost of poor quality: scrap, rework, sorting, freight and
// other costs.
func (c Cost) Total() int64 { return c.Scrap + c.Rework + c.Sorting + c.Freight + c.Other }

// IsZero reports whether no amount is recorded.
func (c Cost) IsZero() bool { return c.Total() == 0 && c.ChargedBack == 0 }

// Validate normalises the currency code and checks the amounts: none
// negative or above MaxAmount, and a currency (three letters) whenever an
// amount is given. Returns an invalid error.
func (c *Cost) Validate() error {
	p := qms.Problems{}
	c.Currency = strings.ToUpper(strings.TrimSpace(c.Currency))
	if c.Currency != "" && !validCurrency(c.Currency) {
		p.Add("cost.currency", "must be a three-letter ISO 4217 code, such as EUR, USD or CNY")
	}
	for f, v := range map[string]int64{"scrap": c.Scrap, "rework": c.Rework, "sorting": c.Sorting, "freight": c.Freight, "other": c.Other, "charged_back": c.ChargedBack} {
		if v < 0 || v > MaxAmount {
			p.Add("cost."+f, "must be an amount from 0 in minor units (cents)")
		}
	}
	if c.Currency == "" && !c.IsZero() {
		p.Add("cost.currency", "is required with an amount")
	}
	return p.Err()
}

func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// CurrencyDigits returns the number of minor-unit digits of an ISO 4217
// currency: 0 for currencies without minor units (JPY, KRW, VND ...), 3
// for the dinars (BHD, KWD ...), 2 for the others.
func CurrencyDigits(cur string) int {
	switch cur {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

// FormatMoney writes an amount in minor units with its currency, digits
// grouped by thousands: "12,345.67 EUR", "1,200 JPY".
func FormatMoney(amount int64, cur string) string {
	neg := amount < 0
	if neg {
		amount = -amount
	}
	d := CurrencyDigits(cur)
	div := int64(1)
	for range d {
		div *= 10
	}
	whole, frac := amount/div, amount%div
	s := strconv.FormatInt(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if d > 0 {
		f := strconv.FormatInt(frac, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", d-len(f)) + f)
	}
	if cur != "" {
		b.WriteString(" " + cur)
	}
	return b.String()
}

// CheckCost checks that actor a may record the NCR's cost (quality staff,
// until it is closed or voided: costs such as freight often arrive after
// the disposition) and validates it. Returns forbidden, conflict or
// invalid.
func CheckCost(a qms.Actor, n *NCR, c *Cost) error {
	if !qms.CanEditQualityRecords(a) {
		return forbidden("record the cost of NCRs")
	}
	if !n.Status.Active() {
		return qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", n.Number(), n.Status)
	}
	return c.Validate()
}
