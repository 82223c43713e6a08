package payment_test

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
)

func rsaSign(t testing.TB, k *rsa.PrivateKey, msg []byte) string {
	t.Helper()
	h := sha256.Sum256(msg)
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func alipayBody(t testing.TB, k *rsa.PrivateKey, appID, number, tradeNo, amount string) []byte {
	form := url.Values{"app_id": {appID}, "out_trade_no": {number}, "trade_no": {tradeNo}, "total_amount": {amount},
		"trade_status": {"TRADE_SUCCESS"}, "notify_id": {"n1"}, "charset": {"utf-8"}, "gmt_payment": {"2026-11-24 18:00:00"}, "subject": {"货款 & 运费"}}
	form.Set("sign", rsaSign(t, k, []byte(payment.AlipaySignContent(form))))
	form.Set("sign_type", "RSA2")
	return []byte(form.Encode())
}

func wechatBody(t testing.TB, key []byte, mchid, number, txn string, total int64) []byte {
	t.Helper()
	plain, _ := json.Marshal(map[string]any{"appid": "wx1", "mchid": mchid, "out_trade_no": number, "transaction_id": txn,
		"trade_state": "SUCCESS", "amount": map[string]any{"total": total, "currency": "CNY"}})
	block, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(block)
	nonce := "0123456789ab"
	ct := gcm.Seal(nil, []byte(nonce), plain, []byte("transaction"))
	body, _ := json.Marshal(payment.WeChatNotice{ID: "evt1", CreateTime: "2026-11-24T18:00:00+08:00", EventType: "TRANSACTION.SUCCESS", ResourceType: "encrypt-resource",
		Resource: payment.WeChatResource{Algorithm: "AEAD_AES_256_GCM", Ciphertext: base64.StdEncoding.EncodeToString(ct), AssociatedData: "transaction", Nonce: nonce, OriginalType: "transaction"}})
	return body
}

func wechatHeaders(t testing.TB, k *rsa.PrivateKey, at time.Time, body []byte) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return map[string]string{"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": "abc", "Wechatpay-Serial": "S1",
		"Wechatpay-Signature": rsaSign(t, k, payment.WeChatSignMessage(ts, "abc", body))}
}

// TestGatewayNotifications checks Alipay and WeChat Pay notifications offline with keys
// made here: genuine ones pay once, replays change nothing, forged ones are refused.
func TestGatewayNotifications(t *testing.T) {
	aliKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	wxKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	apiv3 := []byte("0123456789abcdef0123456789abcdef")
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.pay.Providers[payment.Alipay] = payment.AlipayProvider{AppID: "2021000000000001", PublicKey: &aliKey.PublicKey}
		f.pay.Providers[payment.WeChat] = payment.WeChatProvider{MchID: "1900000001", APIv3Key: apiv3, PublicKey: &wxKey.PublicKey, Now: f.clk.Now}
		b := f.buyers(1)[0]
		// Alipay with only the notification keys (no app private key, no public URL) takes
		// no payments, but its notifications are verified.
		_, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, 1), Provider: payment.Alipay})
		wantCode(t, err, errs.Invalid)
		// Payments to notify about (made as sandbox ones; only the number matters).
		p1, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, 2), Provider: payment.Sandbox})
		if err != nil {
			t.Fatal(err)
		}
		p2, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, 3), Provider: payment.Sandbox})
		if err != nil {
			t.Fatal(err)
		}

		// Alipay: forged (other key), tampered amount, wrong app, then genuine, then replay.
		forged := alipayBody(t, forger, "2021000000000001", p1.Number, "ALI001", money.AlipayAmount(p1.Amount))
		_, err = f.pay.Notify(ctx, payment.Alipay, nil, forged)
		wantCode(t, err, errs.Invalid)
		good := alipayBody(t, aliKey, "2021000000000001", p1.Number, "ALI001", money.AlipayAmount(p1.Amount))
		tampered, _ := url.ParseQuery(string(good))
		tampered.Set("total_amount", "0.01")
		_, err = f.pay.Notify(ctx, payment.Alipay, nil, []byte(tampered.Encode()))
		wantCode(t, err, errs.Invalid)
		_, err = f.pay.Notify(ctx, payment.Alipay, nil, alipayBody(t, aliKey, "2099", p1.Number, "ALI001", money.AlipayAmount(p1.Amount)))
		wantCode(t, err, errs.Invalid)
		if n := f.count(); n != 0 {
			t.Fatalf("refused notifications left %d receipts", n)
		}
		r, err := f.pay.Notify(ctx, payment.Alipay, nil, good)
		if err != nil || r.State != payment.Matched || r.Replayed {
			t.Fatalf("alipay: %+v %v", r, err)
		}
		r, err = f.pay.Notify(ctx, payment.Alipay, nil, good)
		if err != nil || !r.Replayed {
			t.Fatalf("alipay replay: %+v %v", r, err)
		}
		for _, o := range p1.Orders {
			if f.state(o.OrderID) != order.Paid {
				t.Fatal("alipay did not pay")
			}
		}

		// WeChat Pay: forged signature, tampered body, stale timestamp, wrong APIv3 key,
		// then genuine and replay.
		body := wechatBody(t, apiv3, "1900000001", p2.Number, "WX4200001", int64(p2.Amount))
		now := f.clk.Now()
		_, err = f.pay.Notify(ctx, payment.WeChat, wechatHeaders(t, forger, now, body), body)
		wantCode(t, err, errs.Invalid)
		h := wechatHeaders(t, wxKey, now, body)
		_, err = f.pay.Notify(ctx, payment.WeChat, h, append([]byte(" "), body...))
		wantCode(t, err, errs.Invalid)
		_, err = f.pay.Notify(ctx, payment.WeChat, wechatHeaders(t, wxKey, now.Add(-time.Hour), body), body)
		wantCode(t, err, errs.Invalid)
		other := wechatBody(t, []byte("ffffffffffffffffffffffffffffffff"), "1900000001", p2.Number, "WX4200001", int64(p2.Amount))
		_, err = f.pay.Notify(ctx, payment.WeChat, wechatHeaders(t, wxKey, now, other), other)
		wantCode(t, err, errs.Invalid)
		r, err = f.pay.Notify(ctx, payment.WeChat, h, body)
		if err != nil || r.State != payment.Matched {
			t.Fatalf("wechat: %+v %v", r, err)
		}
		r, err = f.pay.Notify(ctx, payment.WeChat, h, body)
		if err != nil || !r.Replayed {
			t.Fatalf("wechat replay: %+v %v", r, err)
		}
		if f.balance(ledger.BankClearing) != p1.Amount+p2.Amount {
			t.Fatalf("clearing %s", f.balance(ledger.BankClearing))
		}
		_, err = f.pay.Notify(ctx, "nosuch", nil, body)
		wantCode(t, err, errs.NotFound)
		f.mustClean()
	})
}

func (f *fixture) count() int64 {
	f.t.Helper()
	var n int64
	if err := f.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM payment_receipts`).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}
