package fulfil

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/order"
)

// Kuaidi100 endpoints.
const (
	Kuaidi100QueryURL = "https://poll.kuaidi100.com/poll/query.do" // real-time query (实时查询)
	Kuaidi100PollURL  = "https://poll.kuaidi100.com/poll"          // subscription (订阅推送)
)

// kuaidi100Companies maps carriers to Kuaidi100's company codes.
var kuaidi100Companies = map[string]string{SF: "shunfeng", Deppon: "debangkuaidi", JD: "jd", ZTO: "zhongtong"}

// Kuaidi100 is the Kuaidi100 (快递100) tracking adapter, following its documented
// formats: the real-time query is a form POST of customer, param (JSON) and
// sign = upper(MD5(param + key + customer)); a subscription posts schema=json and a
// param holding the key, the callback URL and a salt; each push posts param (JSON with
// lastResult.data) and sign = upper(MD5(param + salt)). The salt is derived per shipment
// from the key (HMAC-SHA256), so a push for one shipment cannot be replayed for another
// and nobody without the key can forge one. HTTP is injected (Post) so this package
// stays free of net/http and the tests run offline.
type Kuaidi100 struct {
	Customer string
	Key      string
	// CallbackBase is the public URL pushes go to, ending in "/": the shipment ID is
	// appended.
	CallbackBase string
	// Post sends a form and returns the response body.
	Post func(ctx context.Context, endpoint string, form url.Values) ([]byte, error)
	Now  func() time.Time
}

// Name implements Tracker.
func (k *Kuaidi100) Name() string { return SourceKuaidi100 }

// Company returns Kuaidi100's code for a carrier, or "" when it has none.
func Kuaidi100Company(carrier string) string { return kuaidi100Companies[carrier] }

// QueryForm builds the real-time query request for a waybill.
func (k *Kuaidi100) QueryForm(carrier, waybill, phone string) (url.Values, error) {
	com := Kuaidi100Company(carrier)
	if com == "" {
		return nil, fmt.Errorf("kuaidi100: no company code for %q", carrier)
	}
	p := map[string]string{"com": com, "num": waybill, "resultv2": "1"}
	if phone != "" {
		p["phone"] = phone
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	param := string(b)
	return url.Values{"customer": {k.Customer}, "param": {param}, "sign": {kuaidi100Sign(param + k.Key + k.Customer)}}, nil
}

// Salt is the push signature's salt for a shipment.
func (k *Kuaidi100) Salt(shipmentID string) string {
	m := hmac.New(sha256.New, []byte(k.Key))
	m.Write([]byte("kuaidi100-salt:" + shipmentID))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// SubscribeForm builds the subscription request for a shipment.
func (k *Kuaidi100) SubscribeForm(sh Shipment, phone string) (url.Values, error) {
	com := Kuaidi100Company(sh.Carrier)
	if com == "" {
		return nil, fmt.Errorf("kuaidi100: no company code for %q", sh.Carrier)
	}
	params := map[string]string{"callbackurl": k.CallbackBase + sh.ID, "salt": k.Salt(sh.ID), "resultv2": "1"}
	if phone != "" {
		params["phone"] = phone
	}
	b, err := json.Marshal(map[string]any{"company": com, "number": sh.Waybill, "key": k.Key, "parameters": params})
	if err != nil {
		return nil, err
	}
	return url.Values{"schema": {"json"}, "param": {string(b)}}, nil
}

// Subscribe implements Tracker: carriers Kuaidi100 does not know stay manual.
func (k *Kuaidi100) Subscribe(ctx context.Context, sh Shipment, phone string) error {
	if Kuaidi100Company(sh.Carrier) == "" || k.Post == nil {
		return nil
	}
	form, err := k.SubscribeForm(sh, phone)
	if err != nil {
		return err
	}
	body, err := k.Post(ctx, Kuaidi100PollURL, form)
	if err != nil {
		return err
	}
	var r struct {
		Result     bool   `json:"result"`
		ReturnCode string `json:"returnCode"`
		Message    string `json:"message"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("kuaidi100: subscribe answer: %w", err)
	}
	// 501 is "already subscribed": fine.
	if !r.Result && r.ReturnCode != "501" {
		return fmt.Errorf("kuaidi100: subscribe refused: %s %s", r.ReturnCode, r.Message)
	}
	return nil
}

// kuaidi100Result is the lastResult of a push, and the body of a query answer.
type kuaidi100Result struct {
	Message string `json:"message"`
	Nu      string `json:"nu"`
	IsCheck string `json:"ischeck"`
	Com     string `json:"com"`
	State   string `json:"state"`
	Data    []struct {
		Time     string `json:"time"`
		FTime    string `json:"ftime"`
		Context  string `json:"context"`
		AreaName string `json:"areaName"`
	} `json:"data"`
}

func (r kuaidi100Result) events() []TrackEvent {
	var out []TrackEvent
	for _, d := range r.Data {
		ts := d.FTime
		if ts == "" {
			ts = d.Time
		}
		at, err := time.ParseInLocation("2006-01-02 15:04:05", ts, order.Shanghai)
		if err != nil {
			continue
		}
		out = append(out, TrackEvent{At: at, Place: d.AreaName, Text: d.Context})
	}
	return out
}

// ParseKuaidi100Query reads a real-time query answer's events.
func ParseKuaidi100Query(body []byte) ([]TrackEvent, error) {
	var r kuaidi100Result
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("kuaidi100: query answer: %w", err)
	}
	if r.Message != "ok" {
		return nil, errors.New("kuaidi100: query: " + r.Message)
	}
	return r.events(), nil
}

// ParsePush implements Tracker: the sign must be upper(MD5(param + salt)) with the
// shipment's salt.
func (k *Kuaidi100) ParsePush(shipmentID string, form map[string]string) ([]TrackEvent, error) {
	param, sign := form["param"], strings.ToUpper(strings.TrimSpace(form["sign"]))
	if param == "" || len(param) > 1<<20 || len(sign) != 32 {
		return nil, errPush()
	}
	want := kuaidi100Sign(param + k.Salt(shipmentID))
	if subtle.ConstantTimeCompare([]byte(want), []byte(sign)) != 1 {
		return nil, errPush()
	}
	var push struct {
		Status     string          `json:"status"`
		LastResult kuaidi100Result `json:"lastResult"`
	}
	if err := json.Unmarshal([]byte(param), &push); err != nil {
		return nil, errPush()
	}
	return push.LastResult.events(), nil
}

func kuaidi100Sign(s string) string {
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}
