package buyer

import (
	"context"
	"errors"
	"strings"

	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// ProfileInput is the company profile as a form or the API gives it. An empty
// BankAccount keeps the account on file (pages show it masked, never in full).
type ProfileInput struct {
	Name, CreditCode                          string
	InvoiceTitle, TaxID, RegAddress, RegPhone string
	BankName, BankAccount, InvoiceType        string
}

// Profile returns the caller's company profile; any member may read it.
func (s *Service) Profile(ctx context.Context, p *identity.Principal) (*Profile, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	return s.profile(ctx, p.Org.ID)
}

func (s *Service) profile(ctx context.Context, orgID string) (*Profile, error) {
	o, err := s.Store.OrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	pr, err := s.Store.BuyerProfile(ctx, orgID)
	if errs.Is(err, errs.NotFound) {
		pr = &Profile{OrgID: orgID, InvoiceType: InvoiceNormal}
	} else if err != nil {
		return nil, err
	}
	pr.Name, pr.CreditCode = o.Name, o.CreditCode
	return pr, nil
}

// creditCodeMsg names why a credit code or taxpayer number was refused.
func codeMsg(err error, what string) string {
	switch {
	case errors.Is(err, cn.ErrEmpty):
		return "err.required"
	case errors.Is(err, cn.ErrLength):
		return "err." + what + "_length"
	case errors.Is(err, cn.ErrCharset):
		return "err." + what + "_chars"
	}
	return "err." + what + "_check"
}

// cleanDigits drops spaces and dashes that people type into account and phone numbers.
func cleanDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

func validPhone(s string) bool {
	if len(s) < 7 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '-' && r != '+' && r != '(' && r != ')' && r != ' ' && r != '#' {
			return false
		}
	}
	return true
}

// SaveProfile changes the company's name, credit code and invoice details. Owners and
// finance may; the change is audited. A 专票 default needs the full set of tax details.
func (s *Service) SaveProfile(ctx context.Context, p *identity.Principal, in ProfileInput) (*Profile, error) {
	if err := allow(p, "err.profile_owner_finance", identity.Owner, identity.Finance); err != nil {
		return nil, err
	}
	var v errs.Validator
	pr := &Profile{OrgID: p.Org.ID}
	pr.Name = text(&v, "name", in.Name, 2, 100)
	pr.CreditCode = cn.NormalizeCreditCode(in.CreditCode)
	if err := cn.ValidCreditCode(pr.CreditCode); err != nil {
		v.Add("credit_code", codeMsg(err, "credit_code"))
	}
	pr.InvoiceTitle = text(&v, "invoice_title", in.InvoiceTitle, 0, 100)
	if pr.InvoiceTitle == "" {
		pr.InvoiceTitle = pr.Name
	}
	pr.TaxID = cn.NormalizeTaxID(in.TaxID)
	if pr.TaxID == "" {
		pr.TaxID = pr.CreditCode // a company's taxpayer number is its credit code
	} else if err := cn.ValidTaxID(pr.TaxID); err != nil {
		v.Add("tax_id", codeMsg(err, "tax_id"))
	}
	pr.RegAddress = text(&v, "reg_address", in.RegAddress, 0, 200)
	pr.RegPhone = strings.TrimSpace(in.RegPhone)
	if pr.RegPhone != "" && !validPhone(pr.RegPhone) {
		v.Add("reg_phone", "err.phone_format")
	}
	pr.BankName = text(&v, "bank_name", in.BankName, 0, 100)
	pr.BankAccount = cleanDigits(in.BankAccount)
	if pr.BankAccount != "" && (len(pr.BankAccount) < 8 || len(pr.BankAccount) > 32 || strings.ContainsFunc(pr.BankAccount, func(r rune) bool { return r < '0' || r > '9' })) {
		v.Add("bank_account", "err.bank_account_format")
	}
	pr.InvoiceType = in.InvoiceType
	if pr.InvoiceType == "" {
		pr.InvoiceType = InvoiceNormal
	}
	v.Check(pr.InvoiceType == InvoiceSpecial || pr.InvoiceType == InvoiceNormal, "invoice_type", "err.invoice_type")
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.profile(ctx, p.Org.ID)
		if err != nil {
			return err
		}
		if pr.BankAccount == "" {
			pr.BankAccount = cur.BankAccount
		}
		if pr.InvoiceType == InvoiceSpecial {
			// 专票 carry the buyer's address, phone, bank and account.
			var v errs.Validator
			v.Check(pr.RegAddress != "", "reg_address", "err.special_needs")
			v.Check(pr.RegPhone != "", "reg_phone", "err.special_needs")
			v.Check(pr.BankName != "", "bank_name", "err.special_needs")
			v.Check(pr.BankAccount != "", "bank_account", "err.special_needs")
			if err := v.Err(); err != nil {
				return err
			}
		}
		now := s.now()
		if err := s.Store.UpdateOrgIdentity(ctx, p.Org.ID, pr.Name, pr.CreditCode, now); err != nil {
			return err
		}
		pr.UpdatedAt, pr.UpdatedBy = now, p.User.DisplayName
		if err := s.Store.SaveBuyerProfile(ctx, pr); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.profile", "org", p.Org.ID, changed(cur, pr))
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// MaskAccount shows the bank account's last four digits only (PIPL).
func MaskAccount(s string) string {
	if len(s) <= 4 {
		return s
	}
	return strings.Repeat("*", min(len(s)-4, 12)) + s[len(s)-4:]
}

// changed names the profile fields a save changes, for the audit log (names only: the
// bank account is personal information and stays out of the log).
func changed(old, new *Profile) string {
	var out []string
	for _, f := range []struct {
		name     string
		was, now string
	}{
		{"name", old.Name, new.Name}, {"credit_code", old.CreditCode, new.CreditCode}, {"invoice_title", old.InvoiceTitle, new.InvoiceTitle},
		{"tax_id", old.TaxID, new.TaxID}, {"reg_address", old.RegAddress, new.RegAddress}, {"reg_phone", old.RegPhone, new.RegPhone},
		{"bank_name", old.BankName, new.BankName}, {"bank_account", old.BankAccount, new.BankAccount}, {"invoice_type", old.InvoiceType, new.InvoiceType},
	} {
		if f.was != f.now {
			out = append(out, f.name)
		}
	}
	if len(out) == 0 {
		return "unchanged"
	}
	return strings.Join(out, ",")
}
