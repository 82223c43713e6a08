package payment

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Alipay open-platform gateways: production, and the sandbox (沙箱环境) for trying an
// integration with test accounts.
const (
	AlipayGateway        = "https://openapi.alipay.com/gateway.do"
	AlipaySandboxGateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
	// AlipayNotifyPath is where Alipay posts its asynchronous notifications, under the
	// public URL.
	AlipayNotifyPath = "/api/v1/payments/notify/alipay"
	alipayTimeLayout = "2006-01-02 15:04:05"
	alipaySubjectMax = 256 // characters
)

// alipayZone is Beijing time, in which Alipay reads timestamp and time_expire (China has
// no daylight saving, so a fixed offset is exact).
var alipayZone = time.FixedZone("CST", 8*3600)

// AlipayProvider is Alipay's 电脑网站支付 (alipay.trade.page.pay) with refunds
// (alipay.trade.refund) and asynchronous notifications (异步通知).
//
// Requests carry the common parameters and a biz_content JSON and are signed RSA2
// (SHA256withRSA, PKCS#1 v1.5) with the app's private key over every non-empty parameter
// except sign, sorted by name and joined as k=v&k=v. Start returns the signed
// gateway URL the buyer's browser goes to; Refund posts through Post and verifies the
// answer's sign with Alipay's public key over the raw JSON text of its response node.
// Notifications are a form-encoded POST whose sign is RSA2 over every other non-empty
// parameter except sign and sign_type, checked with Alipay's public key. Amounts are yuan
// strings with two decimals, made from integer fen. HTTP is injected (Post) so this
// package stays free of net/http and the tests run offline.
type AlipayProvider struct {
	AppID      string
	PublicKey  *rsa.PublicKey  // Alipay's public key (支付宝公钥), not the app's
	PrivateKey *rsa.PrivateKey // the app's private key (应用私钥): signs requests
	// Gateway is the open-platform gateway; "" is AlipayGateway.
	Gateway string
	// PublicURL is the site's public base URL: notify_url and return_url hang off it.
	PublicURL string
	// Post sends a form and returns the response body.
	Post func(ctx context.Context, endpoint string, form url.Values) ([]byte, error)
	Now  func() time.Time
}

// Name implements Provider.
func (AlipayProvider) Name() string { return Alipay }

// Configured implements Provider: taking payments needs the app ID, both keys, the
// public URL Alipay sends the buyer back to and notifies, and a way to post refunds.
func (a AlipayProvider) Configured() bool {
	return a.canVerify() && a.PrivateKey != nil && a.PublicURL != "" && a.Post != nil
}

// canVerify reports whether notifications can be checked: the app ID and Alipay's key.
func (a AlipayProvider) canVerify() bool { return a.AppID != "" && a.PublicKey != nil }

func (a AlipayProvider) gateway() string {
	if a.Gateway != "" {
		return a.Gateway
	}
	return AlipayGateway
}

func (a AlipayProvider) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// AlipayReturnURL is the page Alipay sends the buyer back to after paying: the payment's
// own page.
func AlipayReturnURL(publicURL, paymentID string) string {
	return strings.TrimRight(publicURL, "/") + "/buyer/payments/" + paymentID
}

// alipaySubject is the trade's title: 筑巢订单 and the order numbers, cut to Alipay's
// 256 characters.
func alipaySubject(p *Payment) string { return orderSubject(p, alipaySubjectMax) }

// orderSubject is 筑巢订单 and the payment's order numbers, cut to max characters.
func orderSubject(p *Payment, max int) string {
	nums := make([]string, 0, len(p.Orders))
	for _, o := range p.Orders {
		nums = append(nums, o.Number)
	}
	s := strings.TrimSpace("筑巢订单 " + strings.Join(nums, " "))
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}

// compactJSON marshals v without HTML escaping, as biz_content is sent.
func compactJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// request builds a signed request: the common parameters, extra (notify_url,
// return_url…) and biz_content.
func (a AlipayProvider) request(method string, extra url.Values, biz any) (url.Values, error) {
	content, err := compactJSON(biz)
	if err != nil {
		return nil, fmt.Errorf("alipay: biz_content: %w", err)
	}
	form := url.Values{"app_id": {a.AppID}, "method": {method}, "format": {"JSON"}, "charset": {"utf-8"},
		"sign_type": {"RSA2"}, "timestamp": {a.now().In(alipayZone).Format(alipayTimeLayout)}, "version": {"1.0"},
		"biz_content": {content}}
	for k, v := range extra {
		form[k] = v
	}
	h := sha256.Sum256([]byte(AlipayRequestSignContent(form)))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.PrivateKey, crypto.SHA256, h[:])
	if err != nil {
		return nil, fmt.Errorf("alipay: sign: %w", err)
	}
	form.Set("sign", base64.StdEncoding.EncodeToString(sig))
	return form, nil
}

// alipayPagePay is alipay.trade.page.pay's biz_content.
type alipayPagePay struct {
	OutTradeNo  string `json:"out_trade_no"`
	TotalAmount string `json:"total_amount"`
	Subject     string `json:"subject"`
	ProductCode string `json:"product_code"`
	TimeExpire  string `json:"time_expire,omitempty"`
}

// Start implements Provider: the signed alipay.trade.page.pay URL for the buyer's
// browser. It calls nothing, so it can be made again whenever the page is shown; the
// trade is the payment number (out_trade_no), which Alipay pays at most once.
func (a AlipayProvider) Start(_ context.Context, p *Payment) (Instructions, error) {
	if !a.Configured() {
		return Instructions{}, errs.E(errs.Conflict, "payment.err.not_configured")
	}
	biz := alipayPagePay{OutTradeNo: p.Number, TotalAmount: money.AlipayAmount(p.Amount), Subject: alipaySubject(p),
		ProductCode: "FAST_INSTANT_TRADE_PAY"}
	if !p.Deadline.IsZero() {
		biz.TimeExpire = p.Deadline.In(alipayZone).Format(alipayTimeLayout)
	}
	base := strings.TrimRight(a.PublicURL, "/")
	form, err := a.request("alipay.trade.page.pay", url.Values{"notify_url": {base + AlipayNotifyPath},
		"return_url": {AlipayReturnURL(base, p.ID)}}, biz)
	if err != nil {
		return Instructions{}, err
	}
	return Instructions{URL: a.gateway() + "?" + form.Encode()}, nil
}

// alipayRefund is alipay.trade.refund's biz_content.
type alipayRefund struct {
	OutTradeNo   string `json:"out_trade_no"`
	RefundAmount string `json:"refund_amount"`
	OutRequestNo string `json:"out_request_no"`
}

// alipayAnswer is the fields of a response node Zhuchao reads.
type alipayAnswer struct {
	Code         string `json:"code"`
	Msg          string `json:"msg"`
	SubCode      string `json:"sub_code"`
	SubMsg       string `json:"sub_msg"`
	TradeNo      string `json:"trade_no"`
	OutTradeNo   string `json:"out_trade_no"`
	OutRequestNo string `json:"out_request_no"`
}

// Refund implements Provider: alipay.trade.refund for amount of the payment's trade,
// with ref as out_request_no so a retried refund is the same request to Alipay and pays
// once. The reference returned is trade_no/out_request_no. A business failure is a
// Conflict naming Alipay's sub_msg; an answer without a valid sign is an error.
func (a AlipayProvider) Refund(ctx context.Context, p *Payment, amount money.Fen, ref string) (string, error) {
	if !a.Configured() {
		return "", errs.E(errs.Conflict, "payment.err.not_configured")
	}
	if ref == "" || len(ref) > 64 {
		return "", fmt.Errorf("alipay: refund: out_request_no %q must be 1 to 64 characters", ref)
	}
	form, err := a.request("alipay.trade.refund", nil,
		alipayRefund{OutTradeNo: p.Number, RefundAmount: money.AlipayAmount(amount), OutRequestNo: ref})
	if err != nil {
		return "", err
	}
	body, err := a.Post(ctx, a.gateway(), form)
	if err != nil {
		return "", fmt.Errorf("alipay: refund %s: %w", p.Number, err)
	}
	ans, err := a.verifyResponse(body, "alipay_trade_refund_response")
	if err != nil {
		return "", fmt.Errorf("alipay: refund %s: %w", p.Number, err)
	}
	if ans.Code != "10000" {
		return "", alipayFailure(ans)
	}
	if ans.TradeNo == "" || (ans.OutTradeNo != "" && ans.OutTradeNo != p.Number) {
		return "", fmt.Errorf("alipay: refund %s: answer for trade %q without trade_no %q", p.Number, ans.OutTradeNo, ans.TradeNo)
	}
	return ans.TradeNo + "/" + ref, nil
}

// alipayFailure is a business failure Alipay reported, named by its sub_msg.
func alipayFailure(ans *alipayAnswer) error {
	msg := ans.SubMsg
	if msg == "" {
		msg = ans.Msg
	}
	code := ans.SubCode
	if code == "" {
		code = ans.Code
	}
	return errs.E(errs.Conflict, "payment.err.alipay", msg, code)
}

// verifyResponse reads an Alipay gateway answer {"<node>":{…},"sign":"…"}: the sign is
// checked with Alipay's public key over the node's JSON text exactly as sent. An error
// node (error_response) or an unsigned node that is not a success is returned as read,
// for its code and sub_msg; an unsigned success, a bad sign or a malformed body is an
// error.
func (a AlipayProvider) verifyResponse(body []byte, node string) (*alipayAnswer, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, fmt.Errorf("malformed answer: %w", err)
	}
	raw, ok := top[node]
	if !ok {
		raw, ok = top["error_response"]
	}
	if !ok || len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("malformed answer: no %s", node)
	}
	var ans alipayAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return nil, fmt.Errorf("malformed answer: %w", err)
	}
	if ans.Code == "" {
		return nil, fmt.Errorf("malformed answer: no code")
	}
	var sign string
	if s, ok := top["sign"]; ok {
		if err := json.Unmarshal(s, &sign); err != nil {
			return nil, fmt.Errorf("malformed answer: sign: %w", err)
		}
	}
	if sign == "" {
		// Alipay leaves some failures unsigned (a bad app ID or request sign): a
		// failure is safe to believe, a success is not.
		if ans.Code != "10000" {
			return &ans, nil
		}
		return nil, fmt.Errorf("answer not signed")
	}
	sig, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return nil, fmt.Errorf("answer sign: %w", err)
	}
	h := sha256.Sum256(raw)
	if err := rsa.VerifyPKCS1v15(a.PublicKey, crypto.SHA256, h[:], sig); err != nil {
		return nil, fmt.Errorf("answer sign does not verify: %w", err)
	}
	return &ans, nil
}

// AlipaySignContent is the string Alipay signs in a notification: the parameters other
// than sign and sign_type with a value, sorted by name, as k=v joined by &.
func AlipaySignContent(form url.Values) string { return alipaySignContent(form, true) }

// AlipayRequestSignContent is the string an app signs in a request: every parameter with
// a value except sign (sign_type included), sorted by name, as k=v joined by &.
func AlipayRequestSignContent(form url.Values) string { return alipaySignContent(form, false) }

func alipaySignContent(form url.Values, dropSignType bool) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k == "sign" || (dropSignType && k == "sign_type") || form.Get(k) == "" {
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

// Verify implements Provider: notifications need only the app ID and Alipay's public key.
func (a AlipayProvider) Verify(_ map[string]string, body []byte) (*Notification, error) {
	if !a.canVerify() {
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
