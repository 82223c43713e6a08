package fees_test

import (
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/money"
)

func TestInForcePicksMostSpecificLatestRule(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	rules := []fees.Rule{
		{Kind: fees.Commission, RateBP: 100, EffectiveFrom: day(1)},
		{Kind: fees.Commission, RateBP: 200, EffectiveFrom: day(10)},
		{Kind: fees.Commission, CategoryID: "fasteners", RateBP: 50, EffectiveFrom: day(5)},
		{Kind: fees.Commission, CategoryID: "bolts", RateBP: 30, EffectiveFrom: day(20)},
		{Kind: fees.PlatformFee, FixedFen: 99900, EffectiveFrom: day(1)},
	}
	path := []string{"fasteners", "bolts"}
	cases := []struct {
		path []string
		at   int
		want int64
	}{
		{nil, 2, 100}, {nil, 12, 200}, {path, 2, 100}, {path, 6, 50}, {path, 12, 50}, {path, 21, 30}, {[]string{"bearings"}, 21, 200},
	}
	for _, c := range cases {
		if got := fees.InForce(rules, fees.Commission, c.path, day(c.at)); got.RateBP != c.want {
			t.Errorf("%v on day %d: %d bp, want %d", c.path, c.at, got.RateBP, c.want)
		}
	}
	if r := fees.InForce(rules, fees.AdFee, nil, day(30)); r.RateBP != 0 || r.FixedFen != 0 {
		t.Errorf("no ad fee rule must mean zero: %+v", r)
	}
	for _, c := range []struct{ bp, amount, want int64 }{{55, 999, 5}, {50, 1001, 5}, {50, 1100, 6}, {0, 123456, 0}, {10000, 77, 77}} {
		if got := (fees.Rule{RateBP: c.bp}).Charge(money.Fen(c.amount)); int64(got) != c.want {
			t.Errorf("%d bp of %d fen = %d, want %d", c.bp, c.amount, got, c.want)
		}
	}
}
