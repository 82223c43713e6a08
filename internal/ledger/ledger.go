// Package ledger is Zhuchao's double-entry, append-only ledger: every movement of money
// (deposits, and later buyer payments, escrow, payables, refunds, points) is a
// Transaction whose Postings sum to zero, or it is refused. Transactions and postings are
// never updated or deleted; a correction is another transaction. Balances are kept per
// account in the same database transaction as the postings, so an account that must not
// go negative cannot, and Check proves on a live database that the balances still equal
// their postings. Holds reserve an amount now and are posted or voided exactly once later
// (TigerBeetle's two-phase transfers).
//
// Sign convention: a posting's Amount is signed, debit positive and credit negative. A
// balance is shown on the account's normal side: a debit-normal account (an asset such as
// bank:clearing) grows with debits, a credit-normal one (what the platform owes: a
// supplier's deposit, a buyer's compensation, revenue) grows with credits.
//
// This package holds the types, the rules and the Store interface; package store
// implements it in SQL.
package ledger

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/money"
)

// Side is the normal side of an account: the side on which it grows.
type Side string

// The two sides.
const (
	Debit  Side = "debit"
	Credit Side = "credit"
)

// sign is +1 for debit-normal accounts and -1 for credit-normal ones: a posting's effect
// on the balance is Amount × sign.
func (s Side) sign() money.Fen {
	if s == Debit {
		return 1
	}
	return -1
}

// Kind is a family of accounts with the same rules.
type Kind struct {
	Name string // "deposit:held"
	Side Side   // the normal side
	// NegativeOK allows the balance below zero: only accounts mirroring something outside
	// the platform (the bank) may; what the platform owes someone never may.
	NegativeOK bool
	// Owned kinds need an owner: the account code is Name + ":" + owner ID.
	Owned bool
}

// The account kinds. New kinds are added here, with their rules, as the trade loop grows.
var (
	// BankClearingKind mirrors the platform's bank account at the licensed institution:
	// money in from corporate transfers, money out for refunds. External, so it may go
	// negative while statements are being matched.
	BankClearingKind = Kind{Name: "bank:clearing", Side: Debit, NegativeOK: true}
	// DepositHeldKind is a supplier's paid deposit that is not frozen.
	DepositHeldKind = Kind{Name: "deposit:held", Side: Credit, Owned: true}
	// DepositFrozenKind is the part of a supplier's deposit frozen for a dispute.
	DepositFrozenKind = Kind{Name: "deposit:frozen", Side: Credit, Owned: true}
	// DepositPendingKind is deposit money received but not yet matched to a supplier
	// (a transfer without a usable remittance code), owned by the paying organisation.
	DepositPendingKind = Kind{Name: "deposit:pending", Side: Credit, Owned: true}
	// PenaltyRevenueKind is platform revenue from deposit deductions (违约金).
	PenaltyRevenueKind = Kind{Name: "platform:revenue:deposit_penalty", Side: Credit}
	// BuyerCompensationKind is what the platform owes a buyer, paid out of a deposit.
	BuyerCompensationKind = Kind{Name: "buyer:compensation", Side: Credit, Owned: true}
	// EscrowKind is a buyer's payment held for one order until release or refund.
	EscrowKind = Kind{Name: "escrow", Side: Credit, Owned: true}
	// PayableKind is what the platform owes a supplier for released orders.
	PayableKind = Kind{Name: "payable", Side: Credit, Owned: true}
	// SuspenseKind is money received from a payer that could not be put into an order's
	// escrow (a partial, over, duplicate or unknown payment, or one for an order cancelled
	// meanwhile), owned by the receipt it came in with, until staff match it to a payment
	// or send it back. Like deposit:pending it is owed to the payer: never negative.
	SuspenseKind = Kind{Name: "payment:suspense", Side: Credit, Owned: true}
	// CommissionRevenueKind is platform revenue from the commission kept when an order's
	// escrow is released to its supplier (package fulfil).
	CommissionRevenueKind = Kind{Name: "platform:revenue:commission", Side: Credit}
)

var kinds = []Kind{BankClearingKind, DepositHeldKind, DepositFrozenKind, DepositPendingKind,
	PenaltyRevenueKind, BuyerCompensationKind, EscrowKind, PayableKind, SuspenseKind, CommissionRevenueKind}

// Kinds lists the account kinds.
func Kinds() []Kind { return append([]Kind(nil), kinds...) }

// Account codes of the platform's own accounts.
const (
	BankClearing   = "bank:clearing"
	PenaltyRevenue = "platform:revenue:deposit_penalty"
	// CommissionRevenue is the platform's commission revenue account.
	CommissionRevenue = "platform:revenue:commission"
)

// DepositHeld is a supplier's held-deposit account.
func DepositHeld(supplierID string) string { return DepositHeldKind.Name + ":" + supplierID }

// DepositFrozen is a supplier's frozen-deposit account.
func DepositFrozen(supplierID string) string { return DepositFrozenKind.Name + ":" + supplierID }

// DepositPending is the unmatched-deposit account of a paying organisation.
func DepositPending(orgID string) string { return DepositPendingKind.Name + ":" + orgID }

// BuyerCompensation is a buyer's compensation account.
func BuyerCompensation(buyerID string) string { return BuyerCompensationKind.Name + ":" + buyerID }

// Escrow is an order's escrow account.
func Escrow(orderID string) string { return EscrowKind.Name + ":" + orderID }

// Payable is a supplier's payable account.
func Payable(supplierID string) string { return PayableKind.Name + ":" + supplierID }

// Suspense is the account of one unmatched receipt (a bank statement line or a provider
// notification that could not go into escrow).
func Suspense(receiptID string) string { return SuspenseKind.Name + ":" + receiptID }

// Account is a parsed account code.
type Account struct {
	Code  string
	Kind  Kind
	Owner string // "" for unowned kinds
}

var ownerRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ParseAccount checks an account code and returns its kind and owner; ok is false for a
// malformed code or an unknown kind.
func ParseAccount(code string) (Account, bool) {
	var best Kind
	found := false
	for _, k := range kinds {
		switch {
		case !k.Owned && code == k.Name:
			return Account{Code: code, Kind: k}, true
		case k.Owned && strings.HasPrefix(code, k.Name+":") && len(k.Name) > len(best.Name):
			best, found = k, true
		}
	}
	if !found {
		return Account{}, false
	}
	owner := code[len(best.Name)+1:]
	if !ownerRe.MatchString(owner) {
		return Account{}, false
	}
	return Account{Code: code, Kind: best, Owner: owner}, true
}

// Posting is one line of a transaction: an amount debited (positive) or credited
// (negative) to an account.
type Posting struct {
	Account string
	Amount  money.Fen
	// Balance is the account's balance (normal side) right after this posting; Post sets it.
	Balance money.Fen
}

// Pair returns the two postings that move amount by debiting one account and crediting
// another: the shape of most transactions.
func Pair(debit, credit string, amount money.Fen) []Posting {
	return []Posting{{Account: debit, Amount: amount}, {Account: credit, Amount: -amount}}
}

// Transaction is one business event: postings that sum to zero, posted together.
type Transaction struct {
	Seq  int64  // order of posting, for paging
	ID   string // UUIDv7, set by Post
	Kind string // dotted verb: "deposit.pay", "deposit.freeze"…
	// Ref identifies the business event: (Kind, Ref) is unique, so posting the same event
	// twice returns the first transaction (or is refused when its postings differ).
	Ref string
	// Subject names the object the transaction concerns ("supplier:<id>", "order:<id>").
	Subject   string
	Memo      string
	CreatedAt time.Time
	Postings  []Posting
	// Replayed is set on the value Post returns when (Kind, Ref) had been posted before
	// with the same postings: nothing new was written. It is not stored.
	Replayed bool
}

// Same reports whether t and o describe the same business event: same kind, reference,
// subject and postings (in any order). The memo is not compared.
func (t Transaction) Same(o Transaction) bool {
	if t.Kind != o.Kind || t.Ref != o.Ref || t.Subject != o.Subject || len(t.Postings) != len(o.Postings) {
		return false
	}
	a, b := postingKeys(t.Postings), postingKeys(o.Postings)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type postingKey struct {
	account string
	amount  money.Fen
}

func postingKeys(ps []Posting) []postingKey {
	out := make([]postingKey, len(ps))
	for i, p := range ps {
		out[i] = postingKey{p.Account, p.Amount}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].account < out[j].account })
	return out
}

// Balance is an account's stored balance.
type Balance struct {
	Account string
	Balance money.Fen // normal side
	// Pending is the amount reserved by pending holds that would lower this balance.
	Pending    money.Fen
	NegativeOK bool
	Version    int64 // bumped by every change
	UpdatedAt  time.Time
}

// Available is the balance not reserved by holds.
func (b Balance) Available() money.Fen { return b.Balance - b.Pending }

// HoldState is where a hold is in its life.
type HoldState string

// Hold states: a hold is created pending and becomes posted or voided exactly once.
const (
	HoldPending HoldState = "pending"
	HoldPosted  HoldState = "posted"
	HoldVoided  HoldState = "voided"
)

// Hold reserves Amount to be moved from Debit to Credit later. While it is pending, the
// account it would lower counts the amount as Pending, so other transactions cannot spend
// it. Posting it writes the transaction (Kind, Ref) with the pair of postings; voiding it
// releases the reservation.
type Hold struct {
	ID         string
	Kind       string
	Ref        string // (Kind, Ref) is unique among holds
	Subject    string
	Memo       string
	Debit      string
	Credit     string
	Amount     money.Fen
	State      HoldState
	TxID       string // the transaction that posted it
	CreatedAt  time.Time
	ResolvedAt time.Time
	// Replayed is set on the value PlaceHold returns for a hold placed before with the
	// same accounts and amount. It is not stored.
	Replayed bool
}

// Entry is one posting as an account statement shows it.
type Entry struct {
	Seq     int64
	TxID    string
	Kind    string
	Ref     string
	Subject string
	Memo    string
	Amount  money.Fen // as posted: debit positive, credit negative
	Change  money.Fen // the effect on the balance (normal side)
	Balance money.Fen // running balance after this posting
	At      time.Time
}

// Page selects a page of a newest-first list: entries before the sequence number Before
// (0 for the newest), at most Limit of them.
type Page struct {
	Before int64
	Limit  int
}

// TxFilter selects transactions.
type TxFilter struct {
	Subject string
	Page
}

// Rule names an invariant Check proves.
type Rule string

// The invariants.
const (
	RuleTxUnbalanced Rule = "tx_unbalanced"    // a transaction's postings do not sum to zero
	RuleTxShort      Rule = "tx_short"         // a transaction has fewer than two postings
	RuleTotal        Rule = "total_nonzero"    // all postings together do not sum to zero
	RuleBalance      Rule = "balance_drift"    // a stored balance differs from its postings
	RuleRunning      Rule = "running_balance"  // a posting's running balance is wrong
	RuleNegative     Rule = "negative_balance" // a forbidden-negative account is below zero or below its holds
	RulePending      Rule = "pending_drift"    // an account's reserved amount differs from its pending holds
)

// Rules lists the invariants the store looks for, in report order (RuleTotal is
// computed from the totals).
var Rules = []Rule{RuleTxUnbalanced, RuleTxShort, RuleBalance, RuleRunning, RuleNegative, RulePending}

// Violation is one broken invariant.
type Violation struct {
	Rule   Rule
	Object string    // the transaction ID, account code or posting sequence at fault
	Want   money.Fen // what the invariant requires
	Got    money.Fen // what the database holds
}

// Stats counts what Check looked at.
type Stats struct {
	Transactions int64
	Postings     int64
	Accounts     int64
	PendingHolds int64
	Total        money.Fen // the sum of every posting: zero
}

// Report is the outcome of Check: no violations means the ledger is consistent.
type Report struct {
	Stats
	Violations []Violation
}

// Clean reports whether no invariant is broken.
func (r Report) Clean() bool { return len(r.Violations) == 0 }

// Store persists the ledger. The write methods run inside the caller's transaction
// (Service opens it); none of them updates or deletes a transaction or a posting.
type Store interface {
	// LedgerLock makes sure the accounts exist (creating them and their zero balances on
	// first use) and locks their balance rows, in the order given, until the transaction
	// ends. The caller passes them sorted by code so that concurrent writers never
	// deadlock.
	LedgerLock(ctx context.Context, accounts []Account, now time.Time) (map[string]*Balance, error)
	// LedgerSaveBalances writes changed balances, each only if its Version is unchanged,
	// and bumps the versions.
	LedgerSaveBalances(ctx context.Context, bs []*Balance, now time.Time) error
	// LedgerInsertTx appends a transaction and its postings and sets its Seq; a taken
	// (Kind, Ref) is a Conflict.
	LedgerInsertTx(ctx context.Context, t *Transaction) error
	// LedgerTx returns a transaction with its postings.
	LedgerTx(ctx context.Context, id string) (*Transaction, error)
	// LedgerTxByRef returns the transaction posted for (kind, ref), or NotFound.
	LedgerTxByRef(ctx context.Context, kind, ref string) (*Transaction, error)
	// LedgerTxs lists transactions with their postings, newest first.
	LedgerTxs(ctx context.Context, f TxFilter) ([]Transaction, error)
	// LedgerBalances reads balances in one statement, so they are consistent with each
	// other; accounts never used are missing from the map.
	LedgerBalances(ctx context.Context, accounts []string) (map[string]Balance, error)
	// LedgerStatement lists an account's postings newest first.
	LedgerStatement(ctx context.Context, account string, p Page) ([]Entry, error)
	// LedgerSumUntil sums an account's posted amounts (debit positive) up to and
	// including time at.
	LedgerSumUntil(ctx context.Context, account string, at time.Time) (money.Fen, error)

	// LedgerInsertHold stores a new pending hold; a taken (Kind, Ref) is a Conflict.
	LedgerInsertHold(ctx context.Context, h *Hold) error
	// LedgerHold returns a hold, or NotFound.
	LedgerHold(ctx context.Context, id string) (*Hold, error)
	// LedgerHoldByRef returns the hold placed for (kind, ref), or NotFound.
	LedgerHoldByRef(ctx context.Context, kind, ref string) (*Hold, error)
	// LedgerResolveHold moves a pending hold to state (posted with txID, or voided). It
	// reports false when the hold was no longer pending: only one caller ever wins.
	LedgerResolveHold(ctx context.Context, id string, state HoldState, txID string, at time.Time) (bool, error)

	// LedgerStats counts the ledger and sums every posting.
	LedgerStats(ctx context.Context) (Stats, error)
	// LedgerViolations returns up to limit violations of rule, each found by one
	// statement so that concurrent writers cannot make a consistent ledger look broken.
	LedgerViolations(ctx context.Context, rule Rule, limit int) ([]Violation, error)
}
