package money

import (
	"fmt"
	"math/bits"
	"strings"
)

// Rate is a VAT rate in basis points (1300 = 13 %). Rates are configuration,
// not constants baked into prices, because they change by decree (the 1 %
// small-scale rate runs to 2027-12-31) and differ by goods and taxpayer.
type Rate int64

// MaxRate is the largest rate SplitTax accepts (100 %). No Chinese VAT rate
// comes close; anything larger is a configuration error.
const MaxRate Rate = 10000

// Standard VAT rates (增值税税率/征收率).
const (
	// VAT13 is the general rate for goods, processing and repair services
	// and leasing of tangible movables: most of what Zhuchao sells.
	VAT13 Rate = 1300
	// VAT9 is the rate for transport, construction, basic telecoms, real
	// estate and some goods (agricultural products, water, gas).
	VAT9 Rate = 900
	// VAT6 is the rate for modern services (e.g. platform service fees).
	VAT6 Rate = 600
	// VAT3 is the levy rate for small-scale taxpayers.
	VAT3 Rate = 300
	// VAT1 is the reduced levy rate for small-scale taxpayers (to 2027-12-31).
	VAT1 Rate = 100
	// VAT0 is for zero-rated and exempt sales (免税, 出口零税率).
	VAT0 Rate = 0
)

// Validate reports whether r is usable, so configuration can be checked when
// it is loaded rather than when an invoice is computed.
func (r Rate) Validate() error {
	if r < 0 || r > MaxRate {
		return fmt.Errorf("money: tax rate %d basis points outside 0–%d", int64(r), int64(MaxRate))
	}
	return nil
}

// String formats the rate as a percentage for invoices and quotes: "13%",
// "1.5%".
func (r Rate) String() string {
	u, neg := abs(int64(r))
	s := fmt.Sprint(u / 100)
	if f := strings.TrimRight(fmt.Sprintf("%02d", u%100), "0"); f != "" {
		s += "." + f
	}
	if neg {
		s = "-" + s
	}
	return s + "%"
}

// SplitTax splits a tax-inclusive amount (含税) into the amount excluding tax
// (不含税) and the tax (税额) the way Chinese invoices do:
// 不含税 = round_half_up(含税 ÷ (1 + r)) to the fen and 税额 = 含税 − 不含税, so
// the two always add up to the amount paid. It is exact integer arithmetic for
// every Fen. A negative amount (a refund or red-letter invoice) is split
// symmetrically, rounding half away from zero.
//
// It panics if r is outside 0–MaxRate: rates come from configuration that
// must be checked with Rate.Validate when it is loaded.
func SplitTax(inclTax Fen, r Rate) (exclTax, tax Fen) {
	if err := r.Validate(); err != nil {
		panic(err)
	}
	u, neg := abs(int64(inclTax))
	// excl = floor((u·10000 + den/2) / den) = floor((u·20000 + den) / (2·den)),
	// which is exact for odd den too. u < 2^63, so hi < 10001 < 2·den and
	// Div64 cannot overflow; the quotient is at most u.
	den := uint64(10000 + r)
	hi, lo := bits.Mul64(u, 20000)
	lo, carry := bits.Add64(lo, den, 0)
	hi += carry
	q, _ := bits.Div64(hi, lo, 2*den)
	t := u - q
	if neg {
		// int64(q) is math.MinInt64 only when q == 2^63, whose negation is
		// itself: still the right value.
		return -Fen(q), -Fen(t)
	}
	return Fen(q), Fen(t)
}
