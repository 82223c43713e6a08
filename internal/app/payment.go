package app

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
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
	ps[payment.Alipay] = ali
	wx := payment.WeChatProvider{MchID: cfg.WeChatMchID, APIv3Key: []byte(cfg.WeChatAPIv3Key), Now: a.Payment.Now}
	if cfg.WeChatPlatformKey != "" {
		k, err := readRSAPublicKey(cfg.WeChatPlatformKey)
		if err != nil {
			return fmt.Errorf("--wechat-platform-key: %w", err)
		}
		wx.PublicKey = k
	}
	ps[payment.WeChat] = wx
	a.Payment.Providers = ps
	return nil
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
