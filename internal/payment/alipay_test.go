package payment_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/payment"
)

const testGateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"

func genKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// verifyRSA2 checks a base64 SHA256withRSA signature.
func verifyRSA2(pub *rsa.PublicKey, content, sign string) error {
	sig, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return err
	}
	h := sha256.Sum256([]byte(content))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
}

// TestAlipayStart checks the alipay.trade.page.pay URL: every common parameter, the
// biz_content, amounts to the fen, a subject within 256 characters, Beijing times, and a
// sign that verifies with the app's public key over the request's sign content (which,
// unlike a notification's, includes sign_type).
func TestAlipayStart(t *testing.T) {
	app := genKey(t)
	now := time.Date(2026, 11, 24, 16, 5, 9, 0, time.UTC) // 2026-11-25 00:05:09 in Beijing
	ali := payment.AlipayProvider{AppID: "2021000000000001", PublicKey: &genKey(t).PublicKey, PrivateKey: app,
		Gateway: testGateway, PublicURL: "https://www.example.cn/", Now: func() time.Time { return now },
		Post: func(context.Context, string, url.Values) ([]byte, error) { return nil, errors.New("no calls") }}
	if !ali.Configured() {
		t.Fatal("not configured")
	}
	many := make([]payment.OrderPart, 40)
	for i := range many {
		many[i] = payment.OrderPart{Number: fmt.Sprintf("ZC2026112400%04d", i)}
	}
	cases := []struct {
		amount money.Fen
		want   string
		orders []payment.OrderPart
	}{
		{1, "0.01", []payment.OrderPart{{Number: "ZC202611240001"}}},
		{123456789, "1234567.89", []payment.OrderPart{{Number: "ZC202611240001"}, {Number: "ZC202611240002"}}},
		{100, "1.00", many},
	}
	for _, c := range cases {
		p := &payment.Payment{ID: "pay-id-1", Number: "PAY20261124ABC", Amount: c.amount, Orders: c.orders,
			Deadline: time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)}
		in, err := ali.Start(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(in.URL)
		if err != nil {
			t.Fatal(err)
		}
		if u.Scheme+"://"+u.Host+u.Path != testGateway {
			t.Fatalf("gateway %s", in.URL)
		}
		q := u.Query()
		want := map[string]string{"app_id": "2021000000000001", "method": "alipay.trade.page.pay", "format": "JSON", "charset": "utf-8",
			"sign_type": "RSA2", "timestamp": "2026-11-25 00:05:09", "version": "1.0",
			"notify_url": "https://www.example.cn/api/v1/payments/notify/alipay", "return_url": "https://www.example.cn/buyer/payments/pay-id-1"}
		for k, v := range want {
			if q.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, q.Get(k), v)
			}
		}
		var biz map[string]string
		if err := json.Unmarshal([]byte(q.Get("biz_content")), &biz); err != nil {
			t.Fatalf("biz_content %q: %v", q.Get("biz_content"), err)
		}
		if biz["out_trade_no"] != p.Number || biz["total_amount"] != c.want || biz["product_code"] != "FAST_INSTANT_TRADE_PAY" ||
			biz["time_expire"] != "2026-11-25 12:00:00" {
			t.Errorf("biz_content %v", biz)
		}
		if n := utf8.RuneCountInString(biz["subject"]); n == 0 || n > 256 || !strings.HasPrefix(biz["subject"], "筑巢订单 "+c.orders[0].Number) {
			t.Errorf("subject %q (%d)", biz["subject"], n)
		}
		if err := verifyRSA2(&app.PublicKey, payment.AlipayRequestSignContent(q), q.Get("sign")); err != nil {
			t.Errorf("sign: %v", err)
		}
		if verifyRSA2(&app.PublicKey, payment.AlipaySignContent(q), q.Get("sign")) == nil {
			t.Error("request sign does not cover sign_type")
		}
	}
	// Without the private key or the public URL, Alipay takes no payments.
	for _, a := range []payment.AlipayProvider{{AppID: ali.AppID, PublicKey: ali.PublicKey, PublicURL: ali.PublicURL, Post: ali.Post},
		{AppID: ali.AppID, PublicKey: ali.PublicKey, PrivateKey: app, Post: ali.Post}} {
		if a.Configured() {
			t.Fatal("configured without all keys")
		}
		_, err := a.Start(context.Background(), &payment.Payment{Number: "PAY1", Amount: 1})
		wantCode(t, err, errs.Conflict)
	}
}

// fakeAlipay answers alipay.trade.refund like Alipay: it checks the request's sign with
// the app's public key and answers with node, signed by key over node's exact text
// (sign "" leaves the answer unsigned).
type fakeAlipay struct {
	t     *testing.T
	app   *rsa.PublicKey
	key   *rsa.PrivateKey
	calls []url.Values
	// answer returns the node's JSON text and the text the sign is made over.
	answer func(biz map[string]string) (node, signed string)
	body   func(node, sign string) string
}

func (f *fakeAlipay) post(_ context.Context, endpoint string, form url.Values) ([]byte, error) {
	f.calls = append(f.calls, form)
	if endpoint != testGateway {
		f.t.Errorf("posted to %s", endpoint)
	}
	if form.Get("method") != "alipay.trade.refund" || form.Get("sign_type") != "RSA2" || form.Get("app_id") != "2021000000000001" {
		f.t.Errorf("request %v", form)
	}
	if err := verifyRSA2(f.app, payment.AlipayRequestSignContent(form), form.Get("sign")); err != nil {
		f.t.Errorf("request sign: %v", err)
	}
	var biz map[string]string
	if err := json.Unmarshal([]byte(form.Get("biz_content")), &biz); err != nil {
		f.t.Errorf("biz_content: %v", err)
	}
	node, signed := f.answer(biz)
	sign := ""
	if f.key != nil {
		sign = rsaSign(f.t, f.key, []byte(signed))
	}
	if f.body != nil {
		return []byte(f.body(node, sign)), nil
	}
	if sign == "" {
		return []byte(`{"alipay_trade_refund_response":` + node + `}`), nil
	}
	return []byte(`{"alipay_trade_refund_response":` + node + `,"sign":"` + sign + `"}`), nil
}

// TestAlipayRefund refunds against a fake gateway: success (the sign covers the node's
// raw text, escapes and all), a business failure named by sub_msg, a forged sign, a
// tampered node, unsigned success, malformed bodies and a failed post.
func TestAlipayRefund(t *testing.T) {
	app, alipay, forger := genKey(t), genKey(t), genKey(t)
	p := &payment.Payment{ID: "pay-id-1", Number: "PAY20261124ABC", Amount: 123456789}
	success := func(biz map[string]string) (string, string) {
		// As Alipay writes it: slashes escaped, Chinese as is, in Alipay's field order.
		n := `{"code":"10000","msg":"Success","buyer_logon_id":"159****5620","fund_change":"Y","gmt_refund_pay":"2026-11-24 18:00:00",` +
			`"out_trade_no":"` + biz["out_trade_no"] + `","refund_fee":"` + biz["refund_amount"] + `","send_back_fee":"` + biz["refund_amount"] +
			`","trade_no":"2026112422001400001","buyer_user_id":"2088102122524333","memo":"退款 a\/b"}`
		return n, n
	}
	failure := func(map[string]string) (string, string) {
		n := `{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}`
		return n, n
	}
	tampered := func(biz map[string]string) (string, string) {
		n, s := success(biz)
		return strings.Replace(n, `"fund_change":"Y"`, `"fund_change":"N"`, 1), s
	}
	cases := []struct {
		name    string
		key     *rsa.PrivateKey
		answer  func(map[string]string) (string, string)
		body    func(node, sign string) string
		wantErr bool
		code    errs.Code // for user-facing failures
	}{
		{name: "success", key: alipay, answer: success},
		{name: "success, sign first and spaced", key: alipay, answer: success,
			body: func(n, s string) string {
				return "{\n  \"sign\": \"" + s + "\",\n  \"alipay_trade_refund_response\": " + n + "\n}"
			}},
		{name: "business failure", key: alipay, answer: failure, wantErr: true, code: errs.Conflict},
		{name: "unsigned failure", answer: failure, wantErr: true, code: errs.Conflict},
		{name: "error_response", key: alipay, answer: failure, wantErr: true, code: errs.Conflict,
			body: func(n, s string) string { return `{"error_response":` + n + `,"sign":"` + s + `"}` }},
		{name: "forged sign", key: forger, answer: success, wantErr: true},
		{name: "tampered node", key: alipay, answer: tampered, wantErr: true},
		{name: "unsigned success", answer: success, wantErr: true},
		{name: "sign not base64", key: alipay, answer: success, wantErr: true,
			body: func(n, _ string) string { return `{"alipay_trade_refund_response":` + n + `,"sign":"%%%"}` }},
		{name: "html", key: alipay, answer: success, wantErr: true, body: func(string, string) string { return "<html>502 Bad Gateway</html>" }},
		{name: "empty object", key: alipay, answer: success, wantErr: true, body: func(string, string) string { return "{}" }},
		{name: "node not an object", key: alipay, answer: success, wantErr: true,
			body: func(_, s string) string { return `{"alipay_trade_refund_response":"10000","sign":"` + s + `"}` }},
		{name: "no code", key: alipay, answer: func(map[string]string) (string, string) { return `{"msg":"Success"}`, `{"msg":"Success"}` }, wantErr: true},
		{name: "truncated", key: alipay, answer: success, wantErr: true,
			body: func(n, s string) string {
				return (`{"alipay_trade_refund_response":` + n + `,"sign":"` + s + `"}`)[:80]
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeAlipay{t: t, app: &app.PublicKey, key: c.key, answer: c.answer, body: c.body}
			ali := payment.AlipayProvider{AppID: "2021000000000001", PublicKey: &alipay.PublicKey, PrivateKey: app,
				Gateway: testGateway, PublicURL: "https://www.example.cn", Post: f.post}
			ref, err := ali.Refund(context.Background(), p, 1, "refund-01JD5")
			if len(f.calls) != 1 {
				t.Fatalf("%d calls", len(f.calls))
			}
			var biz map[string]string
			json.Unmarshal([]byte(f.calls[0].Get("biz_content")), &biz)
			if biz["out_trade_no"] != p.Number || biz["refund_amount"] != "0.01" || biz["out_request_no"] != "refund-01JD5" {
				t.Fatalf("biz_content %v", biz)
			}
			if !c.wantErr {
				if err != nil || ref != "2026112422001400001/refund-01JD5" {
					t.Fatalf("ref %q, %v", ref, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: ref %q", ref)
			}
			e := errs.As(err)
			if c.code != "" {
				if e == nil || e.Code != c.code || e.Msg.Key != "payment.err.alipay" || fmt.Sprint(e.Msg.Args...) != "交易不存在ACQ.TRADE_NOT_EXIST" {
					t.Fatalf("failure %v", err)
				}
			} else if e != nil {
				t.Fatalf("a bad answer is not the user's doing: %v", err)
			}
		})
	}
	// The same reference is sent again on a retry (Alipay pays once per out_request_no).
	f := &fakeAlipay{t: t, app: &app.PublicKey, key: alipay, answer: success}
	ali := payment.AlipayProvider{AppID: "2021000000000001", PublicKey: &alipay.PublicKey, PrivateKey: app,
		Gateway: testGateway, PublicURL: "https://www.example.cn", Post: f.post}
	for range 2 {
		if _, err := ali.Refund(context.Background(), p, 123456789, "refund-X"); err != nil {
			t.Fatal(err)
		}
	}
	for _, form := range f.calls {
		if !strings.Contains(form.Get("biz_content"), `"refund_amount":"1234567.89","out_request_no":"refund-X"`) {
			t.Fatalf("retry biz_content %s", form.Get("biz_content"))
		}
	}
	// A failed post is an error.
	ali.Post = func(context.Context, string, url.Values) ([]byte, error) { return nil, errors.New("timeout") }
	if _, err := ali.Refund(context.Background(), p, 1, "refund-Y"); err == nil {
		t.Fatal("post failure accepted")
	}
}
