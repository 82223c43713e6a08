package payment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/remit"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

// StatementColumns are the columns of a Chinese bank's statement export the import
// reads, by their usual headers. Debit (outgoing) rows are skipped.
var StatementColumns = []sheet.Column{
	{Key: "date", Header: "交易日期", Aliases: []string{"交易时间", "记账日期", "日期", "Date"}, Required: true},
	{Key: "name", Header: "对方户名", Aliases: []string{"对方账户名称", "对方名称", "付款人名称", "付款方户名", "Payer"}},
	{Key: "account", Header: "对方账号", Aliases: []string{"对方账户", "付款人账号", "付款方账号", "Account"}, Text: true},
	{Key: "credit", Header: "贷方金额", Aliases: []string{"收入金额", "贷方发生额", "收入", "来账金额", "Credit"}, Required: true},
	{Key: "debit", Header: "借方金额", Aliases: []string{"支出金额", "借方发生额", "支出", "Debit"}},
	{Key: "memo", Header: "摘要", Aliases: []string{"附言", "用途", "备注", "交易附言", "Memo"}},
	{Key: "memo2", Header: "用途/附言", Aliases: []string{"汇款附言", "Remark"}},
	{Key: "serial", Header: "交易流水号", Aliases: []string{"流水号", "凭证号", "交易参考号", "Serial"}, Text: true},
}

// StatementResult is what an import did, row by row.
type StatementResult struct {
	Import   Import
	Receipts []Receipt       // one per credit row recorded or recognised
	Problems []sheet.Problem // garbage rows, by row and column
}

// MaxStatementBytes bounds an uploaded statement.
const MaxStatementBytes = 10 << 20

// ImportStatement reads a bank statement (xlsx or CSV, UTF-8 or GB18030) and records
// every credit line as a receipt: matched on the payment's remittance code in the memo,
// then on amount and payer name, then on the payer; what does not pay a pending payment
// in full goes to the review queue. Each row is its own transaction, keyed by the bank
// serial (or, when the export has none, a digest of the row), so importing the same file
// again changes nothing. Garbage rows are reported with their row number and skipped.
func (s *Service) ImportStatement(ctx context.Context, p *identity.Principal, filename string, data []byte) (*StatementResult, error) {
	if !staff(p) {
		return nil, notFound()
	}
	if len(data) > MaxStatementBytes {
		return nil, errs.Field(sheet.FileField, "payment.err.file_large")
	}
	rd, err := sheet.Options{MaxRows: 20_000}.Open(filename, data)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	cols, err := sheet.Map(rd.Header(), StatementColumns)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(filename) > 200 {
		filename = string([]rune(filename)[:200])
	}
	res := &StatementResult{Import: Import{ID: db.NewID(), Filename: filename, CreatedBy: p.User.ID, CreatedAt: s.now()}}
	if err := s.Store.ImportInsert(ctx, &res.Import); err != nil {
		return nil, err
	}
	var rep sheet.Report
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		res.Import.Rows++
		if len(row.Problems) > 0 {
			rep.AddProblems(row.Problems...)
			res.Import.Rejected++
			continue
		}
		r, skip, perr := s.parseRow(row, cols)
		if perr != nil {
			rep.Merge(row.Number, perr, StatementColumns)
			res.Import.Rejected++
			continue
		}
		if skip {
			continue
		}
		r.ImportID = res.Import.ID
		s.guess(ctx, r)
		got, err := s.Receive(ctx, *r)
		if err != nil {
			if rep.Merge(row.Number, err, StatementColumns) {
				res.Import.Rejected++
				continue
			}
			return nil, err
		}
		switch {
		case got.Replayed:
			res.Import.Replayed++
		case got.State == Matched:
			res.Import.Matched++
		default:
			res.Import.Review++
		}
		res.Receipts = append(res.Receipts, *got)
	}
	res.Problems = rep.Problems()
	if err := s.Store.ImportInsert(ctx, &res.Import); err != nil {
		return nil, err
	}
	return res, nil
}

// parseRow reads one statement row; skip is true for outgoing (debit) rows.
func (s *Service) parseRow(row sheet.Row, cols map[string]int) (*Receipt, bool, error) {
	var v errs.Validator
	date := strings.TrimSpace(row.Get(cols, "date"))
	name := strings.TrimSpace(row.Get(cols, "name"))
	account := strings.TrimSpace(row.Get(cols, "account"))
	memo := strings.TrimSpace(strings.TrimSpace(row.Get(cols, "memo")) + " " + strings.TrimSpace(row.Get(cols, "memo2")))
	serial := strings.TrimSpace(row.Get(cols, "serial"))
	credit := strings.TrimSpace(row.Get(cols, "credit"))
	debit := strings.TrimSpace(row.Get(cols, "debit"))
	if credit == "" || credit == "0" || credit == "0.00" || credit == "-" {
		if debit != "" {
			return nil, true, nil
		}
		v.Add("credit", "err.required")
	}
	var amount money.Fen
	if credit != "" && credit != "-" {
		a, err := money.ParseYuan(credit)
		switch {
		case err != nil:
			v.Add("credit", "payment.err.amount")
		case a < 0:
			v.Add("credit", "payment.err.amount")
		case a == 0:
			if debit != "" {
				return nil, true, nil
			}
			v.Add("credit", "payment.err.amount")
		default:
			amount = a
		}
	}
	v.Check(date != "", "date", "err.required")
	v.Check(utf8.RuneCountInString(date) <= 40, "date", "err.too_long", 40)
	v.Check(utf8.RuneCountInString(name) <= 200, "name", "err.too_long", 200)
	v.Check(utf8.RuneCountInString(account) <= 64, "account", "err.too_long", 64)
	v.Check(utf8.RuneCountInString(memo) <= 500, "memo", "err.too_long", 500)
	v.Check(utf8.RuneCountInString(serial) <= 64, "serial", "err.too_long", 64)
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	txn := serial
	if txn == "" {
		h := sha256.Sum256([]byte(strings.Join([]string{date, name, account, amount.String(), memo}, "\x1f")))
		txn = "row:" + hex.EncodeToString(h[:16])
	}
	return &Receipt{Provider: Bank, ProviderTxn: txn, Amount: amount, PayerName: name, PayerAccount: account, Memo: memo, TradeDate: date}, false, nil
}

// guess finds the payment a statement line is for: the remittance code in the memo,
// else a pending bank payment of a company of the payer's name with the same amount,
// else that company's only pending bank payment (which Receive will find partial or
// over). No guess leaves the receipt unknown.
func (s *Service) guess(ctx context.Context, r *Receipt) {
	if code, ok := remit.Find(r.Memo, RemittancePrefix); ok {
		if pay, err := s.Store.PaymentByRemittance(ctx, code); err == nil {
			r.PaymentID = pay.ID
			return
		}
	}
	if r.PayerName == "" {
		return
	}
	list, err := s.Store.PendingBankPayments(ctx, r.PayerName)
	if err != nil || len(list) == 0 {
		return
	}
	var same []Payment
	for _, p := range list {
		if p.Amount == r.Amount {
			same = append(same, p)
		}
	}
	switch {
	case len(same) == 1:
		r.PaymentID = same[0].ID
	case len(same) == 0 && len(list) == 1:
		r.PaymentID = list[0].ID
	}
}
