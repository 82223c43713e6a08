package payment

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// AlipayProvider verifies Alipay's asynchronous notifications (异步通知): a form-encoded
// POST whose sign is RSA2 (SHA256withRSA) over every other non-empty parameter except
// sign and sign_type, sorted by name and joined as k=v&k=v, checked with Alipay's public
// key. Amounts are yuan strings with two decimals. The request side (alipay.trade.page.pay
// and refunds) is not connected in this build: Start and Refund say so.
type AlipayProvider struct {
	AppID     string
	PublicKey *rsa.PublicKey // Alipay's public key (支付宝公钥), not the app's
}

// Name implements Provider.
func (AlipayProvider) Name() string { return Alipay }

// Configured implements Provider.
func (a AlipayProvider) Configured() bool { return a.AppID != "" && a.PublicKey != nil }

// Start implements Provider: no live gateway calls.
func (AlipayProvider) Start(context.Context, *Payment) (Instructions, error) {
	return Instructions{}, errNotConnected()
}

// Refund implements Provider: no live gateway calls.
func (AlipayProvider) Refund(context.Context, *Payment, money.Fen, string) (string, error) {
	return "", errNotConnected()
}

// AlipaySignContent is the string Alipay signs: the parameters other than sign and
// sign_type with a value, sorted by name, as k=v joined by &.
func AlipaySignContent(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k == "sign" || k == "sign_type" || form.Get(k) == "" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + form.Get(k))
	}
	return b.String()
}

func badSignature() error { return errs.E(errs.Invalid, "payment.err.signature") }

// Verify implements Provider.
func (a AlipayProvider) Verify(_ map[string]string, body []byte) (*Notification, error) {
	if !a.Configured() {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badSignature()
	}
	if form.Get("sign_type") != "RSA2" {
		return nil, badSignature()
	}
	sig, err := base64.StdEncoding.DecodeString(form.Get("sign"))
	if err != nil || len(sig) == 0 {
		return nil, badSignature()
	}
	h := sha256.Sum256([]byte(AlipaySignContent(form)))
	if rsa.VerifyPKCS1v15(a.PublicKey, crypto.SHA256, h[:], sig) != nil {
		return nil, badSignature()
	}
	if form.Get("app_id") != a.AppID {
		return nil, badSignature()
	}
	amount, err := money.ParseYuan(form.Get("total_amount"))
	if err != nil {
		return nil, errs.Field("total_amount", "payment.err.notification")
	}
	st := form.Get("trade_status")
	return &Notification{PaymentNumber: form.Get("out_trade_no"), ProviderTxn: form.Get("trade_no"), Amount: amount,
		Success: st == "TRADE_SUCCESS" || st == "TRADE_FINISHED"}, nil
}
