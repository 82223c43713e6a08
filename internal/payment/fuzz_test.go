package payment

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

// FuzzStatementRow: a bank statement row of any content never panics; it is skipped
// (outgoing), refused with the fields named, or read as a receipt of a positive amount
// that is exactly its credit column, with a transaction reference and fields within bounds.
func FuzzStatementRow(f *testing.F) {
	f.Add("2026-11-24", "苏州精工机械有限公司", "6222 0000 1111 2222", "1,234.50", "", "货款 ZC7K2M9Q", "", "SN001")
	f.Add("2026/11/24 10:00", "", "", "", "500.00", "", "", "")
	f.Add("", "x", "y", "-5", "", "", "", "")
	f.Add("d", "n", "a", "¥１２．５", "0", "m", "m2", "")
	f.Add("d", "n", "a", "0.00", "", "", "", "")
	f.Add("d", strings.Repeat("名", 201), "a", "1e9", "x", "\x00", "\xff", strings.Repeat("9", 65))
	f.Add("d", "n", "a", "100000000000.01", "", "", "", "")
	cols := map[string]int{"date": 0, "name": 1, "account": 2, "credit": 3, "debit": 4, "memo": 5, "memo2": 6, "serial": 7}
	s := &Service{}
	f.Fuzz(func(t *testing.T, date, name, account, credit, debit, memo, memo2, serial string) {
		row := sheet.Row{Number: 2, Values: []string{date, name, account, credit, debit, memo, memo2, serial}}
		r, skip, err := s.parseRow(row, cols)
		switch {
		case skip:
			if r != nil || err != nil || strings.TrimSpace(debit) == "" {
				t.Fatalf("skipped with %v, %v, debit %q", r, err, debit)
			}
		case err != nil:
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 {
				t.Fatalf("refusal %v names no field", err)
			}
			for _, fe := range e.Fields {
				if _, ok := cols[fe.Field]; !ok {
					t.Fatalf("refusal names %q, not a column", fe.Field)
				}
			}
		default:
			want, perr := money.ParseYuan(strings.TrimSpace(credit))
			switch {
			case r == nil:
				t.Fatal("no receipt, no skip, no error")
			case perr != nil || r.Amount != want || r.Amount <= 0 || r.Amount > money.MaxFen:
				t.Fatalf("credit %q read as %d (ParseYuan %d, %v)", credit, r.Amount, want, perr)
			case r.ProviderTxn == "" || r.Provider != Bank:
				t.Fatalf("receipt without a reference: %+v", r)
			case utf8.RuneCountInString(r.PayerName) > 200 || utf8.RuneCountInString(r.PayerAccount) > 64 || utf8.RuneCountInString(r.Memo) > 500:
				t.Fatalf("receipt fields beyond bounds: %+v", r)
			}
		}
	})
}
