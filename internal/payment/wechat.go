package payment

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// WeChatProvider verifies WeChat Pay API v3 payment notifications: the
// Wechatpay-Signature header is SHA256withRSA over "timestamp\nnonce\nbody\n" with the
// platform certificate's key; the resource is AEAD_AES_256_GCM-encrypted with the
// merchant's APIv3 key (nonce and associated_data given alongside). Amounts are integer
// fen. A timestamp more than five minutes off is refused. The request side (JSAPI/Native
// orders and refunds) is not connected in this build.
type WeChatProvider struct {
	MchID     string
	AppID     string
	APIv3Key  []byte         // 32 bytes
	PublicKey *rsa.PublicKey // the WeChat Pay platform key
	Now       func() time.Time
}

// Name implements Provider.
func (WeChatProvider) Name() string { return WeChat }

// Configured implements Provider.
func (w WeChatProvider) Configured() bool {
	return w.MchID != "" && len(w.APIv3Key) == 32 && w.PublicKey != nil
}

// Start implements Provider: no live gateway calls.
func (WeChatProvider) Start(context.Context, *Payment) (Instructions, error) {
	return Instructions{}, errNotConnected()
}

// Refund implements Provider: no live gateway calls.
func (WeChatProvider) Refund(context.Context, *Payment, money.Fen, string) (string, error) {
	return "", errNotConnected()
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
	if !w.Configured() {
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
