package invoice

import (
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/order"
)

// digits drops the spaces people type into long numbers and reports whether what is
// left is all ASCII digits.
func digits(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	for _, r := range s {
		if r < '0' || r > '9' {
			return s, false
		}
	}
	return s, true
}

// CheckNumber validates an issued invoice's number and code against its issue date:
// a fully digital invoice (数电票) has a 20-digit number whose first two digits are the
// issue year's last two and no separate code; a legacy invoice (税控发票) an 8-digit
// number and a 10-digit (专票, 普票) or 12-digit (电子普票, 卷票) 发票代码. It returns the
// cleaned number and code, or an Invalid error naming the field.
func CheckNumber(no, code string, issuedOn time.Time) (string, string, error) {
	no, okNo := digits(no)
	code, okCode := digits(code)
	switch {
	case no == "":
		return "", "", errs.Field("number", "err.required")
	case !okNo:
		return "", "", errs.Field("number", "invoice.err.number_digits")
	case len(no) == 20:
		if code != "" {
			return "", "", errs.Field("code", "invoice.err.code_digital")
		}
		if !issuedOn.IsZero() && no[:2] != issuedOn.Format("06") {
			return "", "", errs.Field("number", "invoice.err.number_year", issuedOn.Format("06"))
		}
		return no, "", nil
	case len(no) == 8:
		switch {
		case code == "":
			return "", "", errs.Field("code", "invoice.err.code_required")
		case !okCode || (len(code) != 10 && len(code) != 12):
			return "", "", errs.Field("code", "invoice.err.code_format")
		}
		return no, code, nil
	}
	return "", "", errs.Field("number", "invoice.err.number_format")
}

// ParseDate reads an issue date (YYYY-MM-DD, Asia/Shanghai): not in the future, not
// before the order was placed.
func ParseDate(s string, now, placed time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errs.Field("issued_on", "err.required")
	}
	d, err := time.ParseInLocation("2006-01-02", s, order.Shanghai)
	if err != nil {
		return time.Time{}, errs.Field("issued_on", "invoice.err.date_format")
	}
	today := now.In(order.Shanghai).Format("2006-01-02")
	if s > today {
		return time.Time{}, errs.Field("issued_on", "invoice.err.date_future")
	}
	if s < placed.In(order.Shanghai).Format("2006-01-02") {
		return time.Time{}, errs.Field("issued_on", "invoice.err.date_before_order")
	}
	return d, nil
}
