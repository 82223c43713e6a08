package server_test

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

var wxAuthRe = regexp.MustCompile(`^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="([^"]+)",signature="([^"]+)",timestamp="([^"]+)",serial_no="SERIAL01"$`)

// fakeWeChatPay answers Native 下单 and domestic refunds like WeChat Pay API v3: a
// request whose Authorization does not verify with the merchant's key is 401 SIGN_ERROR;
// answers are signed with the platform key. refundStatus set answers that status.
type fakeWeChatPay struct {
	t            testing.TB
	merchant     *rsa.PublicKey
	platform     *rsa.PrivateKey
	mu           sync.Mutex
	refundStatus string
	natives      []map[string]any
	refunds      []map[string]any
}

func (g *fakeWeChatPay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var req map[string]any
	json.Unmarshal(b, &req)
	status, out := 200, ""
	m := wxAuthRe.FindStringSubmatch(r.Header.Get("Authorization"))
	g.mu.Lock()
	if m == nil || verifyWx(g.merchant, payment.WeChatRequestMessage(r.Method, r.URL.RequestURI(), m[3], m[1], b), m[2]) != nil {
		status, out = 401, `{"code":"SIGN_ERROR","message":"签名错误"}`
	} else if r.URL.Path == "/v3/pay/transactions/native" {
		g.natives = append(g.natives, req)
		out = `{"code_url":"weixin://wxpay/bizpayurl?pr=QRfake01"}`
	} else if r.URL.Path == "/v3/refund/domestic/refunds" {
		g.refunds = append(g.refunds, req)
		st := "SUCCESS"
		if g.refundStatus != "" {
			st = g.refundStatus
		}
		out = fmt.Sprintf(`{"refund_id":"50300000012026112400000001","out_refund_no":%q,"status":%q}`, req["out_refund_no"], st)
	} else {
		status, out = 404, `{"code":"NOT_FOUND","message":"no"}`
	}
	g.mu.Unlock()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	w.Header().Set("Wechatpay-Timestamp", ts)
	w.Header().Set("Wechatpay-Nonce", "srvnonce")
	w.Header().Set("Wechatpay-Signature", rsa2(g.t, g.platform, string(payment.WeChatSignMessage(ts, "srvnonce", []byte(out)))))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, out)
}

func verifyWx(pub *rsa.PublicKey, msg []byte, sig string) error {
	s, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return err
	}
	h := sha256.Sum256(msg)
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], s)
}

// wechatNotice is a signed, encrypted TRANSACTION.SUCCESS notification.
func wechatNotice(t testing.TB, platform *rsa.PrivateKey, apiv3, number string, total int64) (body []byte, headers []string) {
	plain, _ := json.Marshal(map[string]any{"appid": "wx8888888888888888", "mchid": "1900000001", "out_trade_no": number,
		"transaction_id": "4200000001202611240000000001", "trade_state": "SUCCESS", "amount": map[string]any{"total": total, "currency": "CNY"}})
	block, _ := aes.NewCipher([]byte(apiv3))
	gcm, _ := cipher.NewGCM(block)
	nonce := "0123456789ab"
	body, _ = json.Marshal(payment.WeChatNotice{ID: "evt1", EventType: "TRANSACTION.SUCCESS", ResourceType: "encrypt-resource",
		Resource: payment.WeChatResource{Algorithm: "AEAD_AES_256_GCM", Nonce: nonce, AssociatedData: "transaction", OriginalType: "transaction",
			Ciphertext: base64.StdEncoding.EncodeToString(gcm.Seal(nil, []byte(nonce), plain, []byte("transaction")))}})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	return body, []string{"Wechatpay-Timestamp", ts, "Wechatpay-Nonce", "nn", "Wechatpay-Serial", "P1",
		"Wechatpay-Signature", rsa2(t, platform, string(payment.WeChatSignMessage(ts, "nn", body)))}
}

// TestWeChatHTTP configures WeChat Pay from key files and pays and refunds through a
// fake WeChat Pay: creating a wechat payment calls Native 下单 and returns qr_text; the
// page shows 请用微信扫码付款 with an inline SVG QR code; a signed notification pays; a
// refund WeChat Pay answers ABNORMAL changes nothing and says why; an accepted one is
// recorded with refund_id, and both asked with the same out_refund_no.
func TestWeChatHTTP(t *testing.T) {
	merchant, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	platform, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(merchant)
	pub, _ := x509.MarshalPKIXPublicKey(&platform.PublicKey)
	privPath := writePEM(t, dir, "apiclient_key.pem", "PRIVATE KEY", pkcs8)
	pubPath := writePEM(t, dir, "wechatpay_public.pem", "PUBLIC KEY", pub)
	const apiv3 = "0123456789abcdef0123456789abcdef"
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		wx := &fakeWeChatPay{t: t, merchant: &merchant.PublicKey, platform: platform}
		wxSrv := httptest.NewServer(wx)
		t.Cleanup(wxSrv.Close)
		e := servertest.Start(t, d)
		cfg := config.Default()
		cfg.PublicURL, cfg.WeChatMchID, cfg.WeChatAPIv3Key, cfg.WeChatPlatformKey = "https://www.example.cn", "1900000001", apiv3, pubPath
		cfg.WeChatAppID, cfg.WeChatPrivateKey, cfg.WeChatSerial, cfg.WeChatAPI = "wx8888888888888888", privPath, "SERIAL01", wxSrv.URL
		if err := e.App.ConfigurePayments(cfg); err != nil {
			t.Fatal(err)
		}
		addrA, _, skuX, _ := orderFixture(t, e)
		a := e.Login("buyera")
		res := a.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100}]}`, addrA, skuX))
		if res.StatusCode != 201 {
			t.Fatalf("checkout: %d %s", res.StatusCode, res.Body)
		}
		var co checkoutBody
		json.Unmarshal([]byte(res.Body), &co)
		o := co.Orders[0]
		r := a.JSON("POST", "/api/v1/payments", fmt.Sprintf(`{"order_ids":[%q],"provider":"wechat"}`, o.ID))
		if r.StatusCode != 201 {
			t.Fatalf("create: %d %s", r.StatusCode, r.Body)
		}
		var pay struct {
			ID     string `json:"id"`
			Number string `json:"number"`
			QRText string `json:"qr_text"`
			PayURL string `json:"pay_url"`
		}
		json.Unmarshal([]byte(r.Body), &pay)
		if pay.QRText != "weixin://wxpay/bizpayurl?pr=QRfake01" || pay.PayURL != "" {
			t.Fatalf("create body: %s", r.Body)
		}
		wx.mu.Lock()
		if len(wx.natives) != 1 {
			t.Fatalf("native calls: %v", wx.natives)
		}
		nat := wx.natives[0]
		wx.mu.Unlock()
		amt, _ := nat["amount"].(map[string]any)
		if nat["out_trade_no"] != pay.Number || amt["total"] != float64(o.TotalFen) || amt["currency"] != "CNY" ||
			nat["notify_url"] != "https://www.example.cn/api/v1/payments/notify/wechat" || !strings.HasSuffix(fmt.Sprint(nat["time_expire"]), "+08:00") {
			t.Fatalf("native request: %v", nat)
		}
		if r := a.Get("/api/v1/payments/" + pay.ID); !strings.Contains(r.Body, `"qr_text":"weixin://wxpay/bizpayurl?pr=QRfake01"`) {
			t.Fatalf("get lacks qr_text: %s", r.Body)
		}
		if r := e.Login("buyerb").Get("/api/v1/payments/" + pay.ID); r.StatusCode != 404 {
			t.Fatalf("foreign payment: %d", r.StatusCode)
		}
		page := a.Get("/buyer/payments/" + pay.ID)
		if page.StatusCode != 200 || !strings.Contains(page.Body, "请用微信扫码付款") || !strings.Contains(page.Body, `<svg xmlns="http://www.w3.org/2000/svg" class="qr"`) {
			t.Fatalf("payment page: %d", page.StatusCode)
		}
		wx.mu.Lock()
		calls := len(wx.natives)
		wx.mu.Unlock()
		if calls != 1 {
			t.Fatalf("%d Native calls for one create and two reads (code_url is cached)", calls)
		}

		// WeChat Pay unreachable: the page still shows the payment and asks for a refresh.
		prov := e.App.Payment.Providers[payment.WeChat].(payment.WeChatProvider)
		down := prov
		down.Codes = nil
		down.Do = func(context.Context, string, string, map[string]string, []byte) (int, map[string]string, []byte, error) {
			return 0, nil, nil, errors.New("connection refused")
		}
		e.App.Payment.Providers[payment.WeChat] = down
		if r := a.Get("/buyer/payments/" + pay.ID); r.StatusCode != 200 || !strings.Contains(r.Body, "暂时无法从微信支付获取付款二维码") ||
			strings.Contains(r.Body, "<svg") || !strings.Contains(r.Body, pay.Number) {
			t.Fatalf("page with WeChat Pay down: %d", r.StatusCode)
		}
		// The API answers too, without qr_text.
		if r := a.Get("/api/v1/payments/" + pay.ID); r.StatusCode != 200 || strings.Contains(r.Body, `"qr_text":"weixin`) {
			t.Fatalf("API with WeChat Pay down: %d %s", r.StatusCode, r.Body)
		}
		e.App.Payment.Providers[payment.WeChat] = prov

		// WeChat Pay's notification pays; afterwards no QR code.
		body, h := wechatNotice(t, platform, apiv3, pay.Number, o.TotalFen)
		if r := e.NewClient().Do("POST", "/api/v1/payments/notify/wechat", "application/json", string(body), h...); r.StatusCode/100 != 2 {
			t.Fatalf("notify: %d %s", r.StatusCode, r.Body)
		}
		if r := a.Get("/buyer/payments/" + pay.ID); strings.Contains(r.Body, "请用微信扫码付款") {
			t.Fatal("paid payment still shows the QR code")
		}
		if r := a.Get("/api/v1/payments/" + pay.ID); strings.Contains(r.Body, "qr_text") || !strings.Contains(r.Body, `"state":"paid"`) {
			t.Fatalf("paid payment: %s", r.Body)
		}

		// Refund: WeChat Pay answers ABNORMAL, nothing changes; then SUCCESS.
		gatewayRefund(t, e, a, o.ID, func(on bool) {
			wx.mu.Lock()
			defer wx.mu.Unlock()
			wx.refundStatus = map[bool]string{true: "ABNORMAL"}[on]
		}, "ABNORMAL", `50300000012026112400000001"`)
		wx.mu.Lock()
		refunds := wx.refunds
		wx.mu.Unlock()
		if len(refunds) != 2 || refunds[0]["out_refund_no"] != refunds[1]["out_refund_no"] || refunds[0]["out_trade_no"] != pay.Number {
			t.Fatalf("refund requests (a retry must ask for the same out_refund_no): %v", refunds)
		}
		ramt, _ := refunds[1]["amount"].(map[string]any)
		if ramt["total"] != float64(o.TotalFen) || ramt["refund"] != float64(o.TotalFen) {
			t.Fatalf("refund amount: %v", ramt)
		}
	})
}
