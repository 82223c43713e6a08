package rfq

import (
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/order"
)

// ParseDay parses a date as people type it ("2026-12-01") in Shanghai time: the start
// of that day. The zero time means empty or unreadable input, which validation reports.
func ParseDay(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), order.Shanghai)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ParseMoment parses a deadline or validity: RFC 3339, a form's datetime-local
// ("2026-12-01T17:00", Shanghai time) or a date, which means the end of that day.
func ParseMoment(s string) time.Time {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, order.Shanghai); err == nil {
		return t
	}
	if t := ParseDay(s); !t.IsZero() {
		return t.Add(24*time.Hour - time.Second)
	}
	return time.Time{}
}
