package invoice

import (
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// Line is one line of an invoice: 含税金额 (Amount), 税率, 不含税金额 (Excl) and 税额 (Tax).
// Amount = Excl + Tax always; on a red-letter invoice all three are negative.
type Line struct {
	No      int        `json:"no"`
	Name    string     `json:"name"`
	Spec    string     `json:"spec,omitempty"`
	Unit    string     `json:"unit,omitempty"`
	Qty     int64      `json:"qty,omitempty"`
	Amount  money.Fen  `json:"amount"`
	Rate    money.Rate `json:"rate"`
	Excl    money.Fen  `json:"excl"`
	Tax     money.Fen  `json:"tax"`
	Freight bool       `json:"freight,omitempty"`
	// OrderLine is the number of the order line this line invoices (0 for freight, and
	// on invoices stored before it was recorded): a refund of one order line reverses
	// this line, at its own rate.
	OrderLine int `json:"order_line,omitempty"`
}

// FreightRate is the VAT rate the freight line of an order is invoiced at. A supplier
// that delivers its own goods and charges for it makes one mixed sale (混合销售,
// 财税〔2016〕36号 附件1 第四十条): a seller of goods pays VAT on the whole sale at the goods
// rate, so freight is not 运输服务 at 9 % but goes at the rate of the order's goods — the
// rate of its largest line (on a tie, the higher rate). An order without lines uses 13 %.
func FreightRate(lines []order.Line) money.Rate {
	best, rate := money.Fen(-1), money.VAT13
	for _, l := range lines {
		if l.Amount > best || (l.Amount == best && l.TaxRate > rate) {
			best, rate = l.Amount, l.TaxRate
		}
	}
	return rate
}

// Basis returns an order's invoice lines at its full total: one line per order line
// (含税 = the line's amount, at the line's recorded rate) and freight as a line of its
// own when there is any. The lines' amounts add up to Goods + Freight.
func Basis(o *order.Order) []Line {
	out := make([]Line, 0, len(o.Lines)+1)
	for _, l := range o.Lines {
		name := l.Title
		out = append(out, Line{No: len(out) + 1, Name: name, Spec: l.Spec, Unit: l.Unit, Qty: l.Qty, Amount: l.Amount, Rate: l.TaxRate, OrderLine: l.No})
	}
	if o.Freight > 0 {
		out = append(out, Line{No: len(out) + 1, Name: "运费", Amount: o.Freight, Rate: FreightRate(o.Lines), Freight: true})
	}
	return split(out)
}

// split fills every line's 不含税 and 税额 from its 含税 amount and rate: per line,
// 不含税 = round_half_up(含税 ÷ (1 + rate)) to the fen and 税额 = 含税 − 不含税
// (money.SplitTax), as CHINA.md prescribes. Totals are sums of the lines, never
// recomputed from the total, so the invoice always adds up.
func split(lines []Line) []Line {
	for i := range lines {
		lines[i].Excl, lines[i].Tax = money.SplitTax(lines[i].Amount, lines[i].Rate)
	}
	return lines
}

// Spread spreads amount over basis in proportion to the basis lines' amounts (the
// largest-remainder method, money.Allocate: Σ = amount to the fen, each part between 0
// and its line's amount) and splits each part into 不含税 and 税额. A negative amount
// gives a red-letter invoice's lines. Lines whose part is zero are dropped; the others
// keep their basis line's number, so a red line names the blue line it reverses. It
// fails when |amount| exceeds the basis total.
func Spread(basis []Line, amount money.Fen) ([]Line, error) {
	weights := make([]money.Fen, len(basis))
	for i, l := range basis {
		weights[i] = l.Amount
	}
	parts, err := money.Allocate(amount, weights)
	if err != nil {
		return nil, err
	}
	return place(basis, parts), nil
}

// SpreadLine is Spread for a refund of one order line (orderLine > 0): the amount goes
// on the basis line that invoices that order line, at its own rate, up to what that
// line still stands for; only an excess (a refund larger than the line, e.g. with part
// of the freight) is spread pro rata over the other lines. With orderLine 0, or when
// no basis line names it (an invoice stored before lines recorded their order line),
// it is Spread.
func SpreadLine(basis []Line, orderLine int, amount money.Fen) ([]Line, error) {
	at := -1
	if orderLine > 0 {
		for i, l := range basis {
			if l.OrderLine == orderLine && !l.Freight && l.Amount > 0 {
				at = i
				break
			}
		}
	}
	if at < 0 {
		return Spread(basis, amount)
	}
	sign, abs := money.Fen(1), amount
	if amount < 0 {
		sign, abs = -1, -amount
	}
	on := min(abs, basis[at].Amount)
	weights := make([]money.Fen, len(basis))
	for i, l := range basis {
		if i != at {
			weights[i] = l.Amount
		}
	}
	parts := make([]money.Fen, len(basis))
	if rest := abs - on; rest > 0 {
		var err error
		if parts, err = money.Allocate(sign*rest, weights); err != nil {
			return nil, err
		}
	}
	parts[at] = sign * on
	return place(basis, parts), nil
}

// place gives each basis line its part, drops the lines whose part is zero and splits
// the rest into 不含税 and 税额.
func place(basis []Line, parts []money.Fen) []Line {
	out := make([]Line, 0, len(basis))
	for i, l := range basis {
		if parts[i] == 0 {
			continue
		}
		l.Amount = parts[i]
		out = append(out, l)
	}
	return split(out)
}

// Less returns lines less the parts taken from them (matched by line number), each
// left line split again from its amount; lines left at zero are dropped.
func Less(lines, taken []Line) []Line {
	return split(Net(lines, Negate(taken)))
}

// Totals sums lines: 含税, 不含税 and 税额.
func Totals(lines []Line) (amount, excl, tax money.Fen) {
	for _, l := range lines {
		amount += l.Amount
		excl += l.Excl
		tax += l.Tax
	}
	return amount, excl, tax
}

// Negate returns lines with every amount negated (a full red-letter reversal).
func Negate(lines []Line) []Line {
	out := make([]Line, len(lines))
	for i, l := range lines {
		l.Amount, l.Excl, l.Tax = -l.Amount, -l.Excl, -l.Tax
		out[i] = l
	}
	return out
}

// Net returns the blue invoice's lines less every reversal recorded or required against
// it, matched by line number: what the blue invoice still stands for. Lines reversed to
// zero are dropped; the rest keep their numbers.
func Net(blue []Line, reds ...[]Line) []Line {
	out := make([]Line, len(blue))
	copy(out, blue)
	for _, red := range reds {
		for _, r := range red {
			for i := range out {
				if out[i].No == r.No {
					out[i].Amount += r.Amount
					out[i].Excl += r.Excl
					out[i].Tax += r.Tax
					break
				}
			}
		}
	}
	kept := out[:0]
	for _, l := range out {
		if l.Amount != 0 {
			kept = append(kept, l)
		}
	}
	return kept
}

// Renumber numbers lines 1… in order, for a new invoice made from another's lines.
func Renumber(lines []Line) []Line {
	for i := range lines {
		lines[i].No = i + 1
	}
	return lines
}
