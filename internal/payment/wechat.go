package payment

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// WeChat Pay API v3: the production API base and the paths Zhuchao calls.
const (
	WeChatAPI = "https://api.mch.weixin.qq.com"
	// WeChatNotifyPath is where WeChat Pay posts its notifications, under the public URL.
	WeChatNotifyPath  = "/api/v1/payments/notify/wechat"
	wechatNativePath  = "/v3/pay/transactions/native"
	wechatRefundPath  = "/v3/refund/domestic/refunds"
	wechatAuthScheme  = "WECHATPAY2-SHA256-RSA2048"
	wechatDescMax     = 127 // characters
	wechatCodeCaching = 5 * time.Minute
)

// WeChatProvider is WeChat Pay API v3: Native payments (the buyer scans a QR code made
// from code_url), refunds, and payment notifications.
//
// Requests are JSON signed SHA256withRSA with the merchant's private key over
// "METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n" and carried in the Authorization header
// (WECHATPAY2-SHA256-RSA2048 with mchid, nonce_str, timestamp, serial_no and signature).
// Every answer Zhuchao acts on must carry a Wechatpay-Signature over
// "timestamp\nnonce\nbody\n" that verifies with the platform key, the same check as for
// notifications; an unsigned failure is believed (as a failure), an unsigned success never.
// Notification resources are AEAD_AES_256_GCM-encrypted with the APIv3 key. Amounts are
// integer fen. A timestamp more than five minutes off is refused. HTTP is injected (Do)
// so this package stays free of net/http and the tests run offline.
type WeChatProvider struct {
	MchID     string
	AppID     string
	APIv3Key  []byte         // 32 bytes
	PublicKey *rsa.PublicKey // the WeChat Pay platform key
	// PrivateKey is the merchant's API key (商户API私钥): signs requests.
	PrivateKey *rsa.PrivateKey
	// Serial is the serial number of the merchant's API certificate (商户证书序列号).
	Serial string
	// API is the API base; "" is WeChatAPI.
	API string
	// PublicURL is the site's public base URL: notify_url hangs off it.
	PublicURL string
	// Do sends a request and returns the answer's status, headers and body.
	Do func(ctx context.Context, method, url string, headers map[string]string, body []byte) (status int, respHeaders map[string]string, respBody []byte, err error)
	// Codes caches code_url per payment for a few minutes so page views do not each call
	// WeChat Pay; nil caches nothing.
	Codes *WeChatCodeCache
	Now   func() time.Time
}

// Name implements Provider.
func (WeChatProvider) Name() string { return WeChat }

// Configured implements Provider: taking payments needs the notification settings, the
// app ID, the merchant's key and certificate serial, the public URL and a way to call.
func (w WeChatProvider) Configured() bool {
	return w.canVerify() && w.AppID != "" && w.PrivateKey != nil && w.Serial != "" && w.PublicURL != "" && w.Do != nil
}

// canVerify reports whether notifications can be checked.
func (w WeChatProvider) canVerify() bool {
	return w.MchID != "" && len(w.APIv3Key) == 32 && w.PublicKey != nil
}

func (w WeChatProvider) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w WeChatProvider) api() string {
	if w.API != "" {
		return strings.TrimRight(w.API, "/")
	}
	return WeChatAPI
}

// WeChatCodeCache keeps code_url per out_trade_no for a few minutes (WeChat Pay answers
// the same code_url for the same open trade, valid two hours). The zero value is ready.
type WeChatCodeCache struct {
	mu sync.Mutex
	m  map[string]wechatCode
}

type wechatCode struct {
	url     string
	amount  money.Fen
	expires time.Time
}

func (c *WeChatCodeCache) get(number string, amount money.Fen, now time.Time) string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[number]
	if !ok || e.amount != amount || !now.Before(e.expires) {
		return ""
	}
	return e.url
}

func (c *WeChatCodeCache) put(number string, amount money.Fen, url string, expires time.Time, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]wechatCode{}
	}
	for k, e := range c.m {
		if !now.Before(e.expires) {
			delete(c.m, k)
		}
	}
	c.m[number] = wechatCode{url: url, amount: amount, expires: expires}
}

// WeChatRequestMessage is the string a merchant signs for a request.
func WeChatRequestMessage(method, pathQuery, timestamp, nonce string, body []byte) []byte {
	return []byte(method + "\n" + pathQuery + "\n" + timestamp + "\n" + nonce + "\n" + string(body) + "\n")
}

// wechatAmount is the amount object of orders and refunds.
type wechatAmount struct {
	Total    int64  `json:"total"`
	Refund   int64  `json:"refund,omitempty"`
	Currency string `json:"currency"`
}

// wechatNative is the Native 下单 request body.
type wechatNative struct {
	AppID       string       `json:"appid"`
	MchID       string       `json:"mchid"`
	Description string       `json:"description"`
	OutTradeNo  string       `json:"out_trade_no"`
	TimeExpire  string       `json:"time_expire,omitempty"`
	NotifyURL   string       `json:"notify_url"`
	Amount      wechatAmount `json:"amount"`
}

// wechatRefund is the domestic refund request body.
type wechatRefund struct {
	OutTradeNo  string       `json:"out_trade_no"`
	OutRefundNo string       `json:"out_refund_no"`
	Amount      wechatAmount `json:"amount"`
}

// wechatAnswer is the fields of an answer Zhuchao reads.
type wechatAnswer struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	CodeURL     string `json:"code_url"`
	RefundID    string `json:"refund_id"`
	OutRefundNo string `json:"out_refund_no"`
	Status      string `json:"status"`
}

// wechatFailure is a failure WeChat Pay reported, named by its message and code.
func wechatFailure(ans *wechatAnswer) error {
	return errs.E(errs.Conflict, "payment.err.wechat", ans.Message, ans.Code)
}

// call signs and sends a JSON request and returns the verified answer. A non-2xx answer
// with a code is returned as a failure (errs.Conflict) whether or not it is signed; a 2xx
// answer must be signed by the platform key; anything else is an error.
func (w WeChatProvider) call(ctx context.Context, method, path string, req any) (*wechatAnswer, error) {
	body, err := compactJSON(req)
	if err != nil {
		return nil, fmt.Errorf("wechat: %w", err)
	}
	nonceRaw := make([]byte, 16)
	if _, err := rand.Read(nonceRaw); err != nil {
		return nil, err
	}
	nonce := hex.EncodeToString(nonceRaw)
	ts := strconv.FormatInt(w.now().Unix(), 10)
	h := sha256.Sum256(WeChatRequestMessage(method, path, ts, nonce, []byte(body)))
	sig, err := rsa.SignPKCS1v15(rand.Reader, w.PrivateKey, crypto.SHA256, h[:])
	if err != nil {
		return nil, fmt.Errorf("wechat: sign: %w", err)
	}
	auth := fmt.Sprintf(`%s mchid="%s",nonce_str="%s",signature="%s",timestamp="%s",serial_no="%s"`, wechatAuthScheme,
		w.MchID, nonce, base64.StdEncoding.EncodeToString(sig), ts, w.Serial)
	status, rh, rb, err := w.Do(ctx, method, w.api()+path, map[string]string{"Authorization": auth,
		"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "zhuchao"}, []byte(body))
	if err != nil {
		return nil, err
	}
	signed := header(rh, "Wechatpay-Signature") != ""
	if signed && !w.verifySigned(rh, rb) {
		return nil, fmt.Errorf("answer signature does not verify (HTTP %d)", status)
	}
	var ans wechatAnswer
	if jerr := json.Unmarshal(rb, &ans); jerr != nil && (status/100 == 2 || len(rb) > 0) {
		return nil, fmt.Errorf("malformed answer (HTTP %d): %w", status, jerr)
	}
	if status/100 != 2 {
		if ans.Code == "" {
			return nil, fmt.Errorf("HTTP %d without a code", status)
		}
		return nil, wechatFailure(&ans)
	}
	if !signed {
		return nil, fmt.Errorf("answer not signed (HTTP %d)", status)
	}
	return &ans, nil
}

// verifySigned checks an answer's Wechatpay-Signature and timestamp.
func (w WeChatProvider) verifySigned(h map[string]string, body []byte) bool {
	ts, nonce := header(h, "Wechatpay-Timestamp"), header(h, "Wechatpay-Nonce")
	sig, err := base64.StdEncoding.DecodeString(header(h, "Wechatpay-Signature"))
	if err != nil || len(sig) == 0 || ts == "" || nonce == "" {
		return false
	}
	digest := sha256.Sum256(WeChatSignMessage(ts, nonce, body))
	if rsa.VerifyPKCS1v15(w.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	return err == nil && w.now().Sub(time.Unix(sec, 0)).Abs() <= 5*time.Minute
}

// Start implements Provider: Native 下单 for the payment (out_trade_no is the payment
// number, time_expire its deadline) and code_url for the buyer's QR code. WeChat Pay
// answers the same code_url for the same open trade, so Start can be made again on each
// read; Codes saves the call for a few minutes.
func (w WeChatProvider) Start(ctx context.Context, p *Payment) (Instructions, error) {
	if !w.Configured() {
		return Instructions{}, errs.E(errs.Conflict, "payment.err.not_configured")
	}
	now := w.now()
	if c := w.Codes.get(p.Number, p.Amount, now); c != "" {
		return Instructions{QRText: c}, nil
	}
	req := wechatNative{AppID: w.AppID, MchID: w.MchID, Description: orderSubject(p, wechatDescMax), OutTradeNo: p.Number,
		NotifyURL: strings.TrimRight(w.PublicURL, "/") + WeChatNotifyPath, Amount: wechatAmount{Total: int64(p.Amount), Currency: "CNY"}}
	if !p.Deadline.IsZero() {
		req.TimeExpire = p.Deadline.In(alipayZone).Format(time.RFC3339)
	}
	ans, err := w.call(ctx, "POST", wechatNativePath, req)
	if err != nil {
		if errs.As(err) != nil {
			return Instructions{}, err
		}
		return Instructions{}, fmt.Errorf("wechat: native %s: %w", p.Number, err)
	}
	if !strings.HasPrefix(ans.CodeURL, "weixin://") {
		return Instructions{}, fmt.Errorf("wechat: native %s: answer without code_url", p.Number)
	}
	exp := now.Add(wechatCodeCaching)
	if !p.Deadline.IsZero() && p.Deadline.Before(exp) {
		exp = p.Deadline
	}
	w.Codes.put(p.Number, p.Amount, ans.CodeURL, exp, now)
	return Instructions{QRText: ans.CodeURL}, nil
}

// Refund implements Provider: a domestic refund of amount from the payment's trade, with
// ref as out_refund_no so a retried refund is the same request to WeChat Pay and pays
// once. SUCCESS and PROCESSING are accepted and return refund_id; CLOSED, ABNORMAL or an
// error code is a Conflict naming WeChat Pay's message.
func (w WeChatProvider) Refund(ctx context.Context, p *Payment, amount money.Fen, ref string) (string, error) {
	if !w.Configured() {
		return "", errs.E(errs.Conflict, "payment.err.not_configured")
	}
	if ref == "" || len(ref) > 64 {
		return "", fmt.Errorf("wechat: refund: out_refund_no %q must be 1 to 64 characters", ref)
	}
	ans, err := w.call(ctx, "POST", wechatRefundPath, wechatRefund{OutTradeNo: p.Number, OutRefundNo: ref,
		Amount: wechatAmount{Refund: int64(amount), Total: int64(p.Amount), Currency: "CNY"}})
	if err != nil {
		if errs.As(err) != nil {
			return "", err
		}
		return "", fmt.Errorf("wechat: refund %s: %w", p.Number, err)
	}
	switch ans.Status {
	case "SUCCESS", "PROCESSING":
	default:
		return "", errs.E(errs.Conflict, "payment.err.wechat", "退款状态 "+ans.Status, ans.Status)
	}
	if ans.RefundID == "" || (ans.OutRefundNo != "" && ans.OutRefundNo != ref) {
		return "", fmt.Errorf("wechat: refund %s: answer for %q without refund_id %q", p.Number, ans.OutRefundNo, ans.RefundID)
	}
	return ans.RefundID, nil
}

// WeChatResource is the encrypted part of a v3 notification.
type WeChatResource struct {
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data"`
	Nonce          string `json:"nonce"`
	OriginalType   string `json:"original_type"`
}

// WeChatNotice is a v3 notification body.
type WeChatNotice struct {
	ID           string         `json:"id"`
	CreateTime   string         `json:"create_time"`
	EventType    string         `json:"event_type"`
	ResourceType string         `json:"resource_type"`
	Resource     WeChatResource `json:"resource"`
	Summary      string         `json:"summary"`
}

// WeChatTransaction is the decrypted resource of a payment notification.
type WeChatTransaction struct {
	AppID         string `json:"appid"`
	MchID         string `json:"mchid"`
	OutTradeNo    string `json:"out_trade_no"`
	TransactionID string `json:"transaction_id"`
	TradeState    string `json:"trade_state"`
	Amount        struct {
		Total    int64  `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
}

// WeChatSignMessage is the string WeChat Pay signs.
func WeChatSignMessage(timestamp, nonce string, body []byte) []byte {
	return []byte(timestamp + "\n" + nonce + "\n" + string(body) + "\n")
}

func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Verify implements Provider.
func (w WeChatProvider) Verify(h map[string]string, body []byte) (*Notification, error) {
	if !w.canVerify() {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	ts, nonce := header(h, "Wechatpay-Timestamp"), header(h, "Wechatpay-Nonce")
	sig, err := base64.StdEncoding.DecodeString(header(h, "Wechatpay-Signature"))
	if err != nil || len(sig) == 0 || ts == "" || nonce == "" {
		return nil, badSignature()
	}
	digest := sha256.Sum256(WeChatSignMessage(ts, nonce, body))
	if rsa.VerifyPKCS1v15(w.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return nil, badSignature()
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	if err != nil || now().Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return nil, badSignature()
	}
	var n WeChatNotice
	if err := json.Unmarshal(body, &n); err != nil || n.Resource.Algorithm != "AEAD_AES_256_GCM" {
		return nil, badSignature()
	}
	plain, err := w.decrypt(n.Resource)
	if err != nil {
		return nil, badSignature()
	}
	var tx WeChatTransaction
	if err := json.Unmarshal(plain, &tx); err != nil || tx.MchID != w.MchID {
		return nil, badSignature()
	}
	if tx.Amount.Currency != "" && tx.Amount.Currency != "CNY" {
		return nil, errs.Field("amount", "payment.err.notification")
	}
	return &Notification{PaymentNumber: tx.OutTradeNo, ProviderTxn: tx.TransactionID, Amount: money.Fen(tx.Amount.Total),
		Success: n.EventType == "TRANSACTION.SUCCESS" && tx.TradeState == "SUCCESS"}, nil
}

func (w WeChatProvider) decrypt(r WeChatResource) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(r.Ciphertext)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(w.APIv3Key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCMWithNonceSize(block, len(r.Nonce))
	if err != nil {
		return nil, err
	}
	return gcm.Open(nil, []byte(r.Nonce), ct, []byte(r.AssociatedData))
}
