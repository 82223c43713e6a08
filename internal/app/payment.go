package app

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// newPayment wires payments without providers; Server adds them from the configuration.
func (a *App) newPayment(now func() time.Time) *payment.Service {
	return &payment.Service{DB: a.DB, Store: a.Store, Ledger: a.Ledger, Orders: a.Order, Messages: a.Notify, Now: now,
		Providers: map[string]payment.Provider{payment.Bank: payment.BankProvider{}}}
}

// ConfigurePayments sets the payment providers from cfg: bank transfer to the configured
// account, the sandbox when asked for, Alipay and WeChat Pay when their keys are given.
func (a *App) ConfigurePayments(cfg config.Config) error {
	ps := map[string]payment.Provider{
		payment.Bank: payment.BankProvider{Account: payment.BankAccount{Name: cfg.BankAccountName, Bank: cfg.BankName, Number: cfg.BankAccount, CNAPS: cfg.BankCNAPS}},
	}
	if cfg.PaySandbox {
		ps[payment.Sandbox] = payment.SandboxProvider{}
	}
	ali := payment.AlipayProvider{AppID: cfg.AlipayAppID}
	if cfg.AlipayPublicKey != "" {
		k, err := readRSAPublicKey(cfg.AlipayPublicKey)
		if err != nil {
			return fmt.Errorf("--alipay-public-key: %w", err)
		}
		ali.PublicKey = k
	}
	if cfg.AlipayPrivateKey != "" {
		k, err := readRSAPrivateKey(cfg.AlipayPrivateKey)
		if err != nil {
			return fmt.Errorf("--alipay-private-key: %w", err)
		}
		ali.PrivateKey, ali.Gateway, ali.PublicURL, ali.Now = k, cfg.AlipayGateway, cfg.PublicURL, a.Payment.Now
		ali.Post = postForm("alipay", &http.Client{Timeout: 20 * time.Second})
	}
	ps[payment.Alipay] = ali
	wx := payment.WeChatProvider{MchID: cfg.WeChatMchID, APIv3Key: []byte(cfg.WeChatAPIv3Key), Now: a.Payment.Now}
	if cfg.WeChatPlatformKey != "" {
		k, err := readRSAPublicKey(cfg.WeChatPlatformKey)
		if err != nil {
			return fmt.Errorf("--wechat-platform-key: %w", err)
		}
		wx.PublicKey = k
	}
	if cfg.WeChatPrivateKey != "" {
		k, err := readRSAPrivateKey(cfg.WeChatPrivateKey)
		if err != nil {
			return fmt.Errorf("--wechat-private-key: %w", err)
		}
		wx.PrivateKey, wx.AppID, wx.Serial, wx.API, wx.PublicURL = k, cfg.WeChatAppID, cfg.WeChatSerial, cfg.WeChatAPI, cfg.PublicURL
		wx.Do, wx.Codes = doHTTP(&http.Client{Timeout: 20 * time.Second}), &payment.WeChatCodeCache{}
	}
	ps[payment.WeChat] = wx
	a.Payment.Providers = ps
	return nil
}

// postForm posts a form with client and returns the body of a 200 answer (at most 1 MiB).
func postForm(name string, client *http.Client) func(ctx context.Context, endpoint string, form url.Values) ([]byte, error) {
	return func(ctx context.Context, endpoint string, form url.Values) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: HTTP %d", name, res.StatusCode)
		}
		return io.ReadAll(io.LimitReader(res.Body, 1<<20))
	}
}

// doHTTP sends a request with client and returns the answer's status, headers (first
// value of each) and body (at most 1 MiB).
func doHTTP(client *http.Client) func(ctx context.Context, method, url string, headers map[string]string, body []byte) (int, map[string]string, []byte, error) {
	return func(ctx context.Context, method, url string, headers map[string]string, body []byte) (int, map[string]string, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		if err != nil {
			return 0, nil, nil, err
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		if err != nil {
			return 0, nil, nil, err
		}
		h := make(map[string]string, len(res.Header))
		for k := range res.Header {
			h[k] = res.Header.Get(k)
		}
		return res.StatusCode, h, b, nil
	}
}

// readRSAPrivateKey reads an RSA private key from a PEM file, PKCS#1 ("RSA PRIVATE
// KEY") or PKCS#8 ("PRIVATE KEY"), as Alipay's key tool writes either.
func readRSAPrivateKey(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	key, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("neither a PKCS#1 nor a PKCS#8 private key: %w", err)
	}
	k, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("not an RSA key")
	}
	return k, nil
}

// readRSAPublicKey reads an RSA public key from a PEM file holding a public key or a
// certificate.
func readRSAPublicKey(path string) (*rsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("no PEM block")
	}
	var key any
	switch blk.Type {
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		key = c.PublicKey
	default:
		key, err = x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, err
		}
	}
	k, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("not an RSA key")
	}
	return k, nil
}
