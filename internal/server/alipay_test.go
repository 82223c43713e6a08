package server_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func rsa2(t testing.TB, k *rsa.PrivateKey, content string) string {
	t.Helper()
	h := sha256.Sum256([]byte(content))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func writePEM(t testing.TB, dir, name, typ string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeAlipayGateway answers alipay.trade.refund like Alipay, signed with key; failWith
// set makes it a business failure.
type fakeAlipayGateway struct {
	t        testing.TB
	app      *rsa.PublicKey
	key      *rsa.PrivateKey
	mu       sync.Mutex
	failWith string
	requests []url.Values
}

func (g *fakeAlipayGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(b))
	g.mu.Lock()
	g.requests = append(g.requests, form)
	fail := g.failWith
	g.mu.Unlock()
	h := sha256.Sum256([]byte(payment.AlipayRequestSignContent(form)))
	sig, _ := base64.StdEncoding.DecodeString(form.Get("sign"))
	if rsa.VerifyPKCS1v15(g.app, crypto.SHA256, h[:], sig) != nil || form.Get("method") != "alipay.trade.refund" {
		fmt.Fprint(w, `{"alipay_trade_refund_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"验签出错"}}`)
		return
	}
	var biz map[string]string
	json.Unmarshal([]byte(form.Get("biz_content")), &biz)
	node := `{"code":"10000","msg":"Success","fund_change":"Y","out_trade_no":"` + biz["out_trade_no"] + `","refund_fee":"` + biz["refund_amount"] + `","trade_no":"2026112422001400009"}`
	if fail != "" {
		node = `{"code":"40004","msg":"Business Failed","sub_code":"ACQ.SELLER_BALANCE_NOT_ENOUGH","sub_msg":"` + fail + `"}`
	}
	fmt.Fprintf(w, `{"alipay_trade_refund_response":%s,"sign":"%s"}`, node, rsa2(g.t, g.key, node))
}

// TestAlipayHTTP configures Alipay from key files in a temp dir and pays and refunds
// through it: creating an Alipay payment returns its signed pay_url and the page shows
// 去支付宝付款; a signed notification pays; a refund Alipay refuses changes nothing and
// says why; a refund Alipay accepts is recorded with Alipay's trade_no.
func TestAlipayHTTP(t *testing.T) {
	app, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ali, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(app)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&ali.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	privPath := writePEM(t, dir, "app_private.pem", "PRIVATE KEY", pkcs8)
	pubPath := writePEM(t, dir, "alipay_public.pem", "PUBLIC KEY", pub)
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		gw := &fakeAlipayGateway{t: t, app: &app.PublicKey, key: ali}
		gwSrv := httptest.NewServer(gw)
		t.Cleanup(gwSrv.Close)
		e := servertest.Start(t, d)
		cfg := config.Default()
		cfg.PublicURL, cfg.AlipayAppID, cfg.AlipayPublicKey, cfg.AlipayPrivateKey, cfg.AlipayGateway =
			"https://www.example.cn", "2021000000000001", pubPath, privPath, gwSrv.URL+"/gateway.do"
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
		r := a.JSON("POST", "/api/v1/payments", fmt.Sprintf(`{"order_ids":[%q],"provider":"alipay"}`, o.ID))
		if r.StatusCode != 201 {
			t.Fatalf("create: %d %s", r.StatusCode, r.Body)
		}
		var pay struct {
			ID     string `json:"id"`
			Number string `json:"number"`
			PayURL string `json:"pay_url"`
		}
		json.Unmarshal([]byte(r.Body), &pay)
		u, err := url.Parse(pay.PayURL)
		if err != nil || !strings.HasPrefix(pay.PayURL, gwSrv.URL+"/gateway.do?") {
			t.Fatalf("pay_url %q", pay.PayURL)
		}
		q := u.Query()
		if q.Get("method") != "alipay.trade.page.pay" || q.Get("return_url") != "https://www.example.cn/buyer/payments/"+pay.ID ||
			!strings.Contains(q.Get("biz_content"), `"out_trade_no":"`+pay.Number+`"`) ||
			!strings.Contains(q.Get("biz_content"), fmt.Sprintf(`"total_amount":"%d.%02d"`, o.TotalFen/100, o.TotalFen%100)) {
			t.Fatalf("pay_url params %v", q)
		}
		h := sha256.Sum256([]byte(payment.AlipayRequestSignContent(q)))
		sig, _ := base64.StdEncoding.DecodeString(q.Get("sign"))
		if rsa.VerifyPKCS1v15(&app.PublicKey, crypto.SHA256, h[:], sig) != nil {
			t.Fatal("pay_url sign does not verify")
		}
		if r := a.Get("/api/v1/payments/" + pay.ID); !strings.Contains(r.Body, `"pay_url":"`) {
			t.Fatalf("get lacks pay_url: %s", r.Body)
		}
		if r := e.Login("buyerb").Get("/api/v1/payments/" + pay.ID); r.StatusCode != 404 {
			t.Fatalf("foreign payment: %d", r.StatusCode)
		}
		page := a.Get("/buyer/payments/" + pay.ID)
		if page.StatusCode != 200 || !strings.Contains(page.Body, "去支付宝付款") || !strings.Contains(html.UnescapeString(page.Body), gwSrv.URL+"/gateway.do?") {
			t.Fatalf("payment page: %d", page.StatusCode)
		}

		// Alipay's notification pays; afterwards the page no longer offers to pay.
		n := url.Values{"app_id": {"2021000000000001"}, "out_trade_no": {pay.Number}, "trade_no": {"2026112422001400009"},
			"total_amount": {fmt.Sprintf("%d.%02d", o.TotalFen/100, o.TotalFen%100)}, "trade_status": {"TRADE_SUCCESS"}, "notify_id": {"n1"}, "charset": {"utf-8"}}
		n.Set("sign", rsa2(t, ali, payment.AlipaySignContent(n)))
		n.Set("sign_type", "RSA2")
		if r := e.NewClient().Do("POST", "/api/v1/payments/notify/alipay", "application/x-www-form-urlencoded", n.Encode()); r.StatusCode != 200 || r.Body != "success" {
			t.Fatalf("notify: %d %s", r.StatusCode, r.Body)
		}
		if r := a.Get("/buyer/payments/" + pay.ID); strings.Contains(r.Body, "去支付宝付款") {
			t.Fatal("paid payment still offers Alipay")
		}
		if r := a.Get("/api/v1/payments/" + pay.ID); strings.Contains(r.Body, "pay_url") {
			t.Fatalf("paid payment has pay_url: %s", r.Body)
		}

		// Refund: Alipay refuses (balance), nothing changes; then accepts.
		gatewayRefund(t, e, a, o.ID, func(on bool) {
			gw.mu.Lock()
			defer gw.mu.Unlock()
			gw.failWith = map[bool]string{true: "卖家余额不足"}[on]
		}, "卖家余额不足", "2026112422001400009/")
		gw.mu.Lock()
		reqs := gw.requests
		gw.mu.Unlock()
		if len(reqs) != 2 || reqs[0].Get("biz_content") != reqs[1].Get("biz_content") {
			t.Fatalf("refund requests (a retry must ask for the same out_request_no): %v", reqs)
		}
	})
}

// gatewayRefund asks to cancel the paid order orderID and has its supplier approve the
// refund twice: first with the gateway refusing (refuse(true)) — a 409 naming why, the
// order still paid — then accepting, refunded with the gateway's reference ref. It ends
// with the ledger, orders and provider records reconciled.
func gatewayRefund(t *testing.T, e *servertest.Env, buyer *servertest.Client, orderID string, refuse func(bool), why, ref string) {
	t.Helper()
	if r := buyer.JSON("POST", "/api/v1/orders/"+orderID+"/refund", `{"reason":"不需要了"}`); r.StatusCode != 201 {
		t.Fatalf("refund request: %d %s", r.StatusCode, r.Body)
	}
	sx := e.Login("supplierx")
	refuse(true)
	if r := sx.JSON("POST", "/api/v1/orders/"+orderID+"/refund/approve", ""); r.StatusCode != 409 || !strings.Contains(r.Body, why) {
		t.Fatalf("refused refund: %d %s", r.StatusCode, r.Body)
	}
	if r := buyer.Get("/api/v1/orders/" + orderID); !strings.Contains(r.Body, `"state":"paid"`) {
		t.Fatalf("refused refund changed the order: %s", r.Body)
	}
	refuse(false)
	r := sx.JSON("POST", "/api/v1/orders/"+orderID+"/refund/approve", "")
	if r.StatusCode != 200 || !strings.Contains(r.Body, `"state":"refunded"`) || !strings.Contains(r.Body, `"provider_ref":"`+ref) {
		t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
	}
	rec, err := e.App.Payment.Reconcile(t.Context())
	if err != nil || !rec.Clean() {
		t.Fatalf("reconcile: %+v %v", rec, err)
	}
}
