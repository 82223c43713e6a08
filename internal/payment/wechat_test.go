package payment_test

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/payment"
)

const testWeChatAPI = "https://wx.example.test"

var authRe = regexp.MustCompile(`^WECHATPAY2-SHA256-RSA2048 mchid="([^"]*)",nonce_str="([^"]*)",signature="([^"]*)",timestamp="([^"]*)",serial_no="([^"]*)"$`)

// fakeWeChat answers like WeChat Pay API v3: it checks the Authorization signature with
// the merchant's public key (a bad one is 401 SIGN_ERROR) and answers signed with the
// platform key. mode changes the answer: "forge" signs with another key, "tamper" changes
// the body after signing, "unsigned" leaves the signature off, "malformed" signs a
// non-JSON body, "error" is a signed 400 PARAM_ERROR, or a refund status.
type fakeWeChat struct {
	t        *testing.T
	merchant *rsa.PublicKey
	platform *rsa.PrivateKey
	forger   *rsa.PrivateKey
	now      time.Time
	mode     string
	calls    int
	paths    []string
	bodies   []map[string]any
}

func (f *fakeWeChat) Do(_ context.Context, method, url string, h map[string]string, body []byte) (int, map[string]string, []byte, error) {
	f.calls++
	path := strings.TrimPrefix(url, testWeChatAPI)
	f.paths = append(f.paths, method+" "+path)
	var req map[string]any
	json.Unmarshal(body, &req)
	f.bodies = append(f.bodies, req)
	m := authRe.FindStringSubmatch(h["Authorization"])
	status, out := 200, ""
	if m == nil || m[1] != "1900000001" || m[5] != "SERIAL01" || h["Content-Type"] != "application/json" ||
		verifyRSA2(f.merchant, string(payment.WeChatRequestMessage(method, path, m[4], m[2], body)), m[3]) != nil {
		status, out = 401, `{"code":"SIGN_ERROR","message":"签名错误"}`
	} else {
		switch path {
		case "/v3/pay/transactions/native":
			out = `{"code_url":"weixin://wxpay/bizpayurl?pr=abc123"}`
		case "/v3/refund/domestic/refunds":
			st := "SUCCESS"
			if f.mode == "PROCESSING" || f.mode == "ABNORMAL" || f.mode == "CLOSED" {
				st = f.mode
			}
			out = fmt.Sprintf(`{"refund_id":"50000000382019052709732678859","out_refund_no":%q,"status":%q}`, req["out_refund_no"], st)
		default:
			status, out = 404, `{"code":"NOT_FOUND","message":"no such path"}`
		}
		switch f.mode {
		case "error":
			status, out = 400, `{"code":"PARAM_ERROR","message":"参数错误"}`
		case "malformed":
			out = `{"code_url":`
		}
	}
	ts, nonce := strconv.FormatInt(f.now.Unix(), 10), "n0nce"
	key := f.platform
	if f.mode == "forge" {
		key = f.forger
	}
	rh := map[string]string{"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": "PLATFORM01",
		"Wechatpay-Signature": rsaSign(f.t, key, payment.WeChatSignMessage(ts, nonce, []byte(out)))}
	switch f.mode {
	case "unsigned":
		delete(rh, "Wechatpay-Signature")
	case "tamper":
		out = strings.Replace(out, "abc123", "evil99", 1)
		out = strings.Replace(out, "5000000038", "6666666666", 1)
	}
	return status, rh, []byte(out), nil
}

func newWeChat(t *testing.T) (payment.WeChatProvider, *fakeWeChat, *rsa.PrivateKey) {
	merchant, platform := genKey(t), genKey(t)
	now := time.Date(2026, 11, 24, 16, 5, 9, 0, time.UTC)
	f := &fakeWeChat{t: t, merchant: &merchant.PublicKey, platform: platform, forger: genKey(t), now: now}
	w := payment.WeChatProvider{MchID: "1900000001", AppID: "wx8888888888888888", APIv3Key: []byte("0123456789abcdef0123456789abcdef"),
		PublicKey: &platform.PublicKey, PrivateKey: merchant, Serial: "SERIAL01", API: testWeChatAPI, PublicURL: "https://www.example.cn/",
		Do: f.Do, Now: func() time.Time { return now }}
	return w, f, merchant
}

// TestWeChatStart checks Native 下单: the signed request (Authorization verifies with
// the merchant's public key over method, path, timestamp, nonce and body), every field
// with amounts to the fen and time_expire in Beijing time, code_url from a signed answer,
// and refusals: a request WeChat Pay finds badly signed, a forged or tampered answer, an
// unsigned one, an error code, malformed JSON. The cache saves repeat calls.
func TestWeChatStart(t *testing.T) {
	w, f, _ := newWeChat(t)
	if !w.Configured() {
		t.Fatal("not configured")
	}
	for _, amount := range []money.Fen{1, 123456789} {
		f.mode, f.calls = "", 0
		p := &payment.Payment{ID: "pay-1", Number: fmt.Sprintf("PAY2026112500%06d", amount%1000000), Amount: amount,
			Orders: []payment.OrderPart{{Number: "ZC202611240001"}}, Deadline: time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)}
		in, err := w.Start(context.Background(), p)
		if err != nil || in.QRText != "weixin://wxpay/bizpayurl?pr=abc123" || in.URL != "" {
			t.Fatalf("start: %+v %v", in, err)
		}
		b := f.bodies[len(f.bodies)-1]
		amt, _ := b["amount"].(map[string]any)
		if f.paths[len(f.paths)-1] != "POST /v3/pay/transactions/native" || b["appid"] != "wx8888888888888888" || b["mchid"] != "1900000001" ||
			b["out_trade_no"] != p.Number || b["time_expire"] != "2026-11-25T12:00:00+08:00" ||
			b["notify_url"] != "https://www.example.cn/api/v1/payments/notify/wechat" || b["description"] != "筑巢订单 ZC202611240001" ||
			amt["total"] != float64(amount) || amt["currency"] != "CNY" {
			t.Fatalf("request %v", b)
		}
	}
	cases := []struct {
		mode string
		code errs.Code // "" : an internal error
	}{{"forge", ""}, {"tamper", ""}, {"unsigned", ""}, {"malformed", ""}, {"error", errs.Conflict}}
	for _, c := range cases {
		f.mode = c.mode
		_, err := w.Start(context.Background(), &payment.Payment{Number: "PAY-" + c.mode, Amount: 100})
		if err == nil {
			t.Fatalf("%s: accepted", c.mode)
		}
		if c.code != "" {
			wantCode(t, err, c.code)
		} else if errs.As(err) != nil {
			t.Fatalf("%s: %v is a user error", c.mode, err)
		}
	}
	// A request signed with a key WeChat Pay does not know is refused (SIGN_ERROR).
	f.mode = ""
	bad := w
	bad.PrivateKey = genKey(t)
	_, err := bad.Start(context.Background(), &payment.Payment{Number: "PAY-badsig", Amount: 100})
	wantCode(t, err, errs.Conflict)
	if !strings.Contains(fmt.Sprint(errs.As(err).Msg.Args...), "SIGN_ERROR") {
		t.Fatalf("bad request signature: %v", errs.As(err).Msg)
	}
	// The cache: one call for repeated reads of the same payment, until it lapses.
	cached := w
	cached.Codes = &payment.WeChatCodeCache{}
	clock := f.now
	cached.Now = func() time.Time { return clock }
	p := &payment.Payment{Number: "PAY-cache", Amount: 100, Deadline: clock.Add(time.Hour)}
	f.calls = 0
	for range 3 {
		if in, err := cached.Start(context.Background(), p); err != nil || in.QRText == "" {
			t.Fatal(in, err)
		}
	}
	if f.calls != 1 {
		t.Fatalf("%d calls for three reads", f.calls)
	}
	clock = clock.Add(6 * time.Minute)
	f.now = clock
	if _, err := cached.Start(context.Background(), p); err != nil || f.calls != 2 {
		t.Fatalf("after the cache lapsed: %d calls, %v", f.calls, err)
	}
	// Without the private key, serial, app ID, public URL or Do, WeChat Pay takes no payments
	// (notifications still verify with the old settings alone).
	for _, x := range []func(*payment.WeChatProvider){
		func(x *payment.WeChatProvider) { x.PrivateKey = nil }, func(x *payment.WeChatProvider) { x.Serial = "" },
		func(x *payment.WeChatProvider) { x.AppID = "" }, func(x *payment.WeChatProvider) { x.PublicURL = "" },
		func(x *payment.WeChatProvider) { x.Do = nil }} {
		v := w
		x(&v)
		if v.Configured() {
			t.Fatal("configured without everything")
		}
		_, err := v.Start(context.Background(), &payment.Payment{Number: "PAY1", Amount: 1})
		wantCode(t, err, errs.Conflict)
	}
}

// TestWeChatRefund checks domestic refunds: out_refund_no is the ref, refund and total to
// the fen; SUCCESS and PROCESSING give refund_id; CLOSED, ABNORMAL, an error code or an
// answer that does not verify are refused.
func TestWeChatRefund(t *testing.T) {
	w, f, _ := newWeChat(t)
	p := &payment.Payment{Number: "PAY2026112500000001", Amount: 123456789}
	for _, mode := range []string{"", "PROCESSING"} {
		f.mode = mode
		ref, err := w.Refund(context.Background(), p, 1234567, "refund-id-1")
		if err != nil || ref != "50000000382019052709732678859" {
			t.Fatalf("%s: %q %v", mode, ref, err)
		}
		b := f.bodies[len(f.bodies)-1]
		amt, _ := b["amount"].(map[string]any)
		if f.paths[len(f.paths)-1] != "POST /v3/refund/domestic/refunds" || b["out_trade_no"] != p.Number || b["out_refund_no"] != "refund-id-1" ||
			amt["refund"] != float64(1234567) || amt["total"] != float64(123456789) || amt["currency"] != "CNY" {
			t.Fatalf("request %v", b)
		}
	}
	for _, mode := range []string{"CLOSED", "ABNORMAL", "error"} {
		f.mode = mode
		_, err := w.Refund(context.Background(), p, 100, "refund-id-2")
		wantCode(t, err, errs.Conflict)
	}
	for _, mode := range []string{"forge", "tamper", "unsigned", "malformed"} {
		f.mode = mode
		ref, err := w.Refund(context.Background(), p, 100, "refund-id-3")
		if err == nil || ref != "" || errs.As(err) != nil {
			t.Fatalf("%s: %q %v", mode, ref, err)
		}
	}
	f.mode = ""
	if _, err := w.Refund(context.Background(), p, 100, ""); err == nil {
		t.Fatal("empty out_refund_no")
	}
	w.Do = func(context.Context, string, string, map[string]string, []byte) (int, map[string]string, []byte, error) {
		return 0, nil, nil, errors.New("connection refused")
	}
	if _, err := w.Refund(context.Background(), p, 100, "refund-id-4"); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatal(err)
	}
}
