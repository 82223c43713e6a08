package payment

import (
	"context"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Provider is one way of paying. Providers build what the buyer needs to pay (Start),
// verify the provider's notifications (Verify) and send refunds (Refund); the Service
// does the bookkeeping, so every provider's money goes through the same ledger postings.
type Provider interface {
	// Name is the provider's name (Bank, Sandbox, Alipay, WeChat).
	Name() string
	// Configured reports whether the provider can take payments on this installation.
	Configured() bool
	// Start prepares the payment with the provider: a bank transfer needs nothing beyond
	// its remittance code; a gateway would return its pay URL or QR code.
	Start(ctx context.Context, p *Payment) (Instructions, error)
	// Verify checks a notification's signature and reads it; a forged or malformed one
	// is an Invalid error and must change nothing.
	Verify(headers map[string]string, body []byte) (*Notification, error)
	// Refund sends money back to the payer and returns the provider's refund reference.
	Refund(ctx context.Context, p *Payment, amount money.Fen, ref string) (string, error)
}

// Instructions are what the buyer is shown to pay.
type Instructions struct {
	URL    string // a gateway's pay page, "" for bank transfers and the sandbox
	QRText string // what the buyer's QR code says (WeChat Pay's code_url)
}

// Notification is a verified "money received" message from a provider.
type Notification struct {
	PaymentNumber string // our payment number (out_trade_no)
	ProviderTxn   string // the provider's transaction id
	Amount        money.Fen
	Success       bool // the trade succeeded (other statuses are acknowledged and ignored)
}

// SandboxProvider completes payments when the buyer clicks: for the demo only, and
// labelled 「沙箱支付(演示)」 wherever it appears.
type SandboxProvider struct{}

// Name implements Provider.
func (SandboxProvider) Name() string { return Sandbox }

// Configured implements Provider.
func (SandboxProvider) Configured() bool { return true }

// Start implements Provider.
func (SandboxProvider) Start(context.Context, *Payment) (Instructions, error) {
	return Instructions{}, nil
}

// Verify implements Provider: the sandbox has no notifications.
func (SandboxProvider) Verify(map[string]string, []byte) (*Notification, error) {
	return nil, errs.E(errs.Invalid, "payment.err.signature")
}

// Refund implements Provider: the sandbox returns the money at once.
func (SandboxProvider) Refund(_ context.Context, p *Payment, _ money.Fen, ref string) (string, error) {
	return "SBX-R-" + ref, nil
}

// BankProvider is corporate bank transfer (对公转账) to the platform's account: the buyer
// writes the payment's remittance code in the transfer note; finance imports the bank
// statement. Refunds are outgoing transfers finance makes and records.
type BankProvider struct{ Account BankAccount }

// BankAccount is the platform's receiving account as buyers see it.
type BankAccount struct {
	Name   string // 户名
	Bank   string // 开户行
	Number string // 账号
	CNAPS  string // 联行号 (12 digits)
}

// Name implements Provider.
func (BankProvider) Name() string { return Bank }

// Configured implements Provider: a bank account must be configured.
func (b BankProvider) Configured() bool { return b.Account.Number != "" }

// Start implements Provider.
func (BankProvider) Start(context.Context, *Payment) (Instructions, error) {
	return Instructions{}, nil
}

// Verify implements Provider: bank money arrives by statement import, not notification.
func (BankProvider) Verify(map[string]string, []byte) (*Notification, error) {
	return nil, errs.E(errs.Invalid, "payment.err.signature")
}

// Refund implements Provider: finance makes the outgoing transfer; the reference is ours.
func (BankProvider) Refund(_ context.Context, _ *Payment, _ money.Fen, ref string) (string, error) {
	return "BANK-R-" + ref, nil
}
