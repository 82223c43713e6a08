package aftersale_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// Every open case state has a deadline, and the sweep takes the system's step when it
// lapses; nothing earlier than the deadline moves.
func TestEveryOpenCaseStateLapses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bs := f.buyers(4)
		sweep := func(want int) {
			t.Helper()
			if n, err := f.svc.EscalateOverdue(ctx, 100); err != nil || n != want {
				t.Fatalf("sweep: %d %v, want %d", n, err, want)
			}
		}
		addr := aftersale.AnswerInput{Action: "agree", ReturnAddress: "上海市嘉定区某路1号"}
		open := func(b buyerFx, kind aftersale.Kind, amount money.Fen) (*order.Order, *aftersale.Case) {
			t.Helper()
			o := f.paidOrder(b, 10, order.Received) // ¥12.50
			c, err := f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: kind, Reason: "quality", Qty: 10, Amount: amount})
			if err != nil {
				t.Fatal(err)
			}
			return o, c
		}
		// Offered: the buyer does not answer the partial offer → a dispute.
		oOff, cOff := open(bs[0], aftersale.RefundOnly, 1_250)
		if _, err := f.svc.Answer(ctx, f.sups[0], cOff.ID, aftersale.AnswerInput{Action: "offer", Amount: 500}); err != nil {
			t.Fatal(err)
		}
		// Agreed: the buyer never sends the goods back → closed, no refund.
		oAgr, cAgr := open(bs[1], aftersale.ReturnRefund, 1_250)
		if _, err := f.svc.Answer(ctx, f.sups[0], cAgr.ID, addr); err != nil {
			t.Fatal(err)
		}
		// Returning: the supplier never confirms the return → refunded.
		oRet, cRet := open(bs[2], aftersale.ReturnRefund, 1_250)
		if _, err := f.svc.Answer(ctx, f.sups[0], cRet.ID, addr); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ShipReturn(ctx, bs[2].p, cRet.ID, "顺丰", "SF1"); err != nil {
			t.Fatal(err)
		}
		// Returned exchange: the supplier never ships the replacement → a dispute.
		oExc, cExc := open(bs[3], aftersale.Exchange, 0)
		if _, err := f.svc.Answer(ctx, f.sups[0], cExc.ID, addr); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ShipReturn(ctx, bs[3].p, cExc.ID, "顺丰", "SF2"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ConfirmReturn(ctx, f.sups[0], cExc.ID); err != nil {
			t.Fatal(err)
		}

		f.clk.Add(aftersale.DefaultAnswerWithin + time.Minute)
		sweep(1) // the offer only
		f.clk.Add(aftersale.DefaultReturnWithin)
		sweep(3)
		sweep(0)

		get := func(id string) *aftersale.Case {
			c, err := f.svc.Get(ctx, f.cs, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if c := get(cOff.ID); c.State != aftersale.InDispute || c.DisputeID == "" || f.holds(oOff.ID) != 2 {
			t.Fatalf("offer lapsed: %s holds %d", c.State, f.holds(oOff.ID))
		}
		if c := get(cAgr.ID); c.State != aftersale.Cancelled || f.holds(oAgr.ID) != 0 || f.escrow(oAgr.ID) != oAgr.Total {
			t.Fatalf("return lapsed: %s holds %d escrow %s", c.State, f.holds(oAgr.ID), f.escrow(oAgr.ID))
		}
		if c := get(cRet.ID); c.State != aftersale.Refunded || c.Refunded != 1_250 || f.holds(oRet.ID) != 0 || f.escrow(oRet.ID) != oRet.Total-1_250 {
			t.Fatalf("confirm lapsed: %s %s holds %d escrow %s", c.State, c.Refunded, f.holds(oRet.ID), f.escrow(oRet.ID))
		}
		if c := get(cExc.ID); c.State != aftersale.InDispute || c.DisputeID == "" || f.holds(oExc.ID) != 2 {
			t.Fatalf("reship lapsed: %s holds %d", c.State, f.holds(oExc.ID))
		}
	})
}

// A case refund after a dispute refunded most of the escrow refunds what is left and
// closes, instead of failing and holding the order.
func TestCaseRefundCappedAtEscrowLeft(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		o := f.paidOrder(b, 100, order.Received) // ¥125.00 goods
		dp, err := f.svc.OpenDispute(ctx, b.p, aftersale.DisputeInput{OrderID: o.ID, Claim: "少发", Amount: 12_000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Arbitrate(ctx, f.cs, dp.ID, aftersale.Outcome{Refund: o.Total - 1_000, Decision: "退款"}); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "quality", Qty: 10, Amount: 1_250})
		if err != nil {
			t.Fatal(err)
		}
		c, err = f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree"})
		if err != nil || c.State != aftersale.Refunded || c.Refunded != 1_000 || f.escrow(o.ID) != 0 || f.holds(o.ID) != 0 {
			t.Fatalf("capped refund: %v %+v escrow %s holds %d", err, c, f.escrow(o.ID), f.holds(o.ID))
		}
		refunded, _ := f.svc.RefundedOf(ctx, b.p, o.ID)
		if refunded != o.Total {
			t.Fatalf("refunded %s of %s", refunded, o.Total)
		}
	})
}

// A buyer withdrawing its own dispute withdraws the cases that joined it; a supplier
// withdrawing its dispute hands them to a new one opened by the system.
func TestWithdrawDisputeWithJoinedCases(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bs := f.buyers(2)
		for i, opener := range []string{"buyer", "supplier"} {
			b := bs[i]
			o := f.paidOrder(b, 10, order.Received)
			c, err := f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 4, Amount: 500})
			if err != nil {
				t.Fatal(err)
			}
			p := b.p
			if opener == "supplier" {
				p = f.sups[0]
			}
			dp, err := f.svc.OpenDispute(ctx, p, aftersale.DisputeInput{OrderID: o.ID, Claim: "争议"})
			if err != nil {
				t.Fatal(err)
			}
			f.clk.Add(aftersale.DefaultAnswerWithin + time.Minute)
			if n, err := f.svc.EscalateOverdue(ctx, 100); err != nil || n != 1 {
				t.Fatalf("%s: escalate %d %v", opener, n, err)
			}
			if c, _ = f.svc.Get(ctx, b.p, c.ID); c.State != aftersale.InDispute || c.DisputeID != dp.ID || f.holds(o.ID) != 2 {
				t.Fatalf("%s: joined: %s %s holds %d", opener, c.State, c.DisputeID, f.holds(o.ID))
			}
			if _, err := f.svc.Withdraw(ctx, p, dp.ID); err != nil {
				t.Fatal(err)
			}
			c, _ = f.svc.Get(ctx, b.p, c.ID)
			switch opener {
			case "buyer":
				if c.State != aftersale.Cancelled || f.holds(o.ID) != 0 {
					t.Fatalf("buyer withdrew: case %s holds %d", c.State, f.holds(o.ID))
				}
			case "supplier":
				if c.State != aftersale.InDispute || c.DisputeID == dp.ID || f.holds(o.ID) != 2 {
					t.Fatalf("supplier withdrew: case %s in %s holds %d", c.State, c.DisputeID, f.holds(o.ID))
				}
				nd, err := f.svc.GetDispute(ctx, f.cs, c.DisputeID)
				if err != nil || nd.OpenedBy != aftersale.SystemSide || !nd.State.Open() || nd.Amount != 500 {
					t.Fatalf("new dispute: %+v %v", nd, err)
				}
			}
		}
	})
}

// Migration 0033 gives cases opened under the old rules the same footing: an open case
// gets its step's deadline, and a case closed as escalated into a dispute still open is
// re-opened in_dispute with its hold back.
func TestMigration0033LegacyCases(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bs := f.buyers(2)
		o1 := f.paidOrder(bs[0], 10, order.Received)
		c1, err := f.svc.Open(ctx, bs[0].p, aftersale.OpenInput{OrderID: o1.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 4, Amount: 500})
		if err != nil {
			t.Fatal(err)
		}
		dp, err := f.svc.OpenDispute(ctx, f.sups[0], aftersale.DisputeInput{OrderID: o1.ID, Claim: "争议"})
		if err != nil {
			t.Fatal(err)
		}
		o2 := f.paidOrder(bs[1], 10, order.Received)
		c2, err := f.svc.Open(ctx, bs[1].p, aftersale.OpenInput{OrderID: o2.ID, LineNo: 1, Kind: aftersale.ReturnRefund, Reason: "short", Qty: 4, Amount: 500})
		if err != nil {
			t.Fatal(err)
		}
		c2, err = f.svc.Answer(ctx, f.sups[0], c2.ID, aftersale.AnswerInput{Action: "agree", ReturnAddress: "x"})
		if err != nil {
			t.Fatal(err)
		}
		// What the old rules left: the escalated case closed, its hold gone; the agreed
		// case still carrying the supplier's answer deadline.
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.Exec(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`UPDATE aftersale_cases SET state = 'escalated', closed_at = 1, dispute_id = ? WHERE id = ?`, dp.ID, c1.ID)
		exec(`UPDATE orders SET holds = holds - 1 WHERE id = ?`, o1.ID)
		exec(`UPDATE aftersale_cases SET answer_by = 1 WHERE id = ?`, c2.ID)
		ms, err := db.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Version != 33 {
				continue
			}
			var lines []string
			for _, l := range strings.Split(m.SQL, "\n") {
				if !strings.HasPrefix(strings.TrimSpace(l), "--") {
					lines = append(lines, l)
				}
			}
			for _, q := range strings.Split(strings.Join(lines, "\n"), ";") {
				if q = strings.TrimSpace(q); q != "" {
					exec(d.Dialect(q))
				}
			}
		}
		if c, _ := f.svc.Get(ctx, f.cs, c1.ID); c.State != aftersale.InDispute || !c.ClosedAt.IsZero() || f.holds(o1.ID) != 2 {
			t.Fatalf("legacy escalated: %s closed %v holds %d", c.State, c.ClosedAt, f.holds(o1.ID))
		}
		if c, _ := f.svc.Get(ctx, f.cs, c2.ID); !c.AnswerBy.Equal(c2.UpdatedAt.Add(aftersale.DefaultReturnWithin)) {
			t.Fatalf("legacy agreed: answer by %v, updated %v", c.AnswerBy, c2.UpdatedAt)
		}
	})
}
