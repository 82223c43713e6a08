package order

import (
	"slices"

	"github.com/zhuchao/zhuchao/internal/errs"
)

// State is where an order stands in the trade loop.
type State string

// The states. Payment, shipping, receipt and settlement are driven by later parts of the
// trade loop; checkout creates orders in AwaitingApproval or AwaitingPayment.
const (
	AwaitingApproval State = "awaiting_approval" // 待审批: the company's spend rules require approval
	AwaitingPayment  State = "awaiting_payment"  // 待付款
	Paid             State = "paid"              // 待发货: paid into escrow
	Shipped          State = "shipped"           // 待收货
	Received         State = "received"          // 已收货, inspection done
	Settled          State = "settled"           // 已结算: escrow released to the supplier
	Cancelled        State = "cancelled"         // 已取消: reserved stock released
)

// States lists every state in the order of the trade loop, for filters.
var States = []State{AwaitingApproval, AwaitingPayment, Paid, Shipped, Received, Settled, Cancelled}

// next is the state machine: the states each state may move to. Anything else is refused.
var next = map[State][]State{
	AwaitingApproval: {AwaitingPayment, Cancelled},
	AwaitingPayment:  {Paid, Cancelled},
	Paid:             {Shipped, Cancelled}, // cancelled: refunded before shipping
	Shipped:          {Received},
	Received:         {Settled},
}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// CanMove reports whether an order in from may move to to.
func CanMove(from, to State) bool { return slices.Contains(next[from], to) }

// Move checks a transition and returns a Conflict error naming both states when it is
// out of order, so a skipped or repeated step changes nothing.
func Move(from, to State) error {
	if !CanMove(from, to) {
		return errs.E(errs.Conflict, "order.err.transition", string(from), string(to))
	}
	return nil
}

// HoldsStock reports whether an order in s still holds its reserved stock as a
// reservation that cancellation gives back.
func (s State) HoldsStock() bool { return s == AwaitingApproval || s == AwaitingPayment }
