package fulfil_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fulfil"
)

func TestWaybillAndPlate(t *testing.T) {
	bills := []struct {
		carrier, bill string
		ok            bool
	}{
		{fulfil.SF, "SF1234567890123", true},
		{fulfil.SF, "123456789012", true},
		{fulfil.SF, "SF12345", false},
		{fulfil.JD, "JDVA12345678901", true},
		{fulfil.JD, "JD12", false},
		{fulfil.ZTO, "754312345678", true},
		{fulfil.ZTO, "75431234567890", true},
		{fulfil.ZTO, "7543123456789", false},
		{fulfil.Deppon, "DPK123456789012", true},
		{fulfil.Deppon, "12345678", true},
		{fulfil.Deppon, "DP1", false},
		{fulfil.CarrierOther, "YT1234567890", true},
		{fulfil.CarrierOther, "A1'; DROP", false},
		{fulfil.CarrierOther, "AB12", false},
	}
	for _, c := range bills {
		if got := fulfil.ValidWaybill(c.carrier, fulfil.NormalizeWaybill(c.bill)); got != c.ok {
			t.Errorf("%s %q: %v", c.carrier, c.bill, got)
		}
	}
	if fulfil.NormalizeWaybill(" sf 1234567890123 ") != "SF1234567890123" || fulfil.NormalizeWaybill("ＳＦ１２") != "SF12" {
		t.Error("normalise waybill")
	}
	plates := map[string]bool{
		"浙A12345": true, "京AF0236": true, "粤B12345": true, "沪AD12345": true, "苏E12345D": true, "鲁Q1234挂": true,
		"浙A1234": false, "浙I12345": false, "浙A1234O": false, "浙AD1234X": false, "X A12345": false, "浙A123456789": false,
		"浙AX12345": false, "港A12345": false,
	}
	for p, ok := range plates {
		if got := fulfil.ValidPlate(fulfil.NormalizePlate(p)); got != ok {
			t.Errorf("plate %q: %v", p, got)
		}
	}
	if fulfil.NormalizePlate("浙a·123 45") != "浙A12345" {
		t.Error("normalise plate")
	}
}

func md5Upper(s string) string {
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// TestKuaidi100 checks the adapter against Kuaidi100's documented formats, offline: the
// query's sign = upper(MD5(param + key + customer)), the subscription's param, and a
// push (lastResult with data) verified by upper(MD5(param + salt)) — forged, replayed for
// another shipment or tampered pushes are refused.
func TestKuaidi100(t *testing.T) {
	k := &fulfil.Kuaidi100{Customer: "D2A0E5E8C1A6F8E0B9C0D1E2F3A4B5C6", Key: "testKEY123", CallbackBase: "https://www.example.cn/api/v1/tracking/kuaidi100/"}
	q, err := k.QueryForm(fulfil.SF, "SF1234567890123", "13800138000")
	if err != nil {
		t.Fatal(err)
	}
	param := q.Get("param")
	if q.Get("customer") != k.Customer || q.Get("sign") != md5Upper(param+k.Key+k.Customer) || !strings.Contains(param, `"com":"shunfeng"`) || !strings.Contains(param, `"num":"SF1234567890123"`) {
		t.Fatalf("query form: %v", q)
	}
	sh := fulfil.Shipment{ID: "01a20fa7-ecf8-795c-8dd2-79c10ecbb709", Carrier: fulfil.ZTO, Waybill: "754312345678"}
	sub, err := k.SubscribeForm(sh, "")
	if err != nil {
		t.Fatal(err)
	}
	sp := sub.Get("param")
	for _, want := range []string{`"company":"zhongtong"`, `"number":"754312345678"`, `"key":"testKEY123"`, `"callbackurl":"https://www.example.cn/api/v1/tracking/kuaidi100/` + sh.ID + `"`, `"salt":"` + k.Salt(sh.ID) + `"`} {
		if sub.Get("schema") != "json" || !strings.Contains(sp, want) {
			t.Fatalf("subscribe param lacks %s: %s", want, sp)
		}
	}
	if _, err := k.SubscribeForm(fulfil.Shipment{Carrier: fulfil.CarrierOther}, ""); err == nil {
		t.Fatal("other carriers have no code")
	}
	push := `{"status":"polling","billstatus":"check","message":"","autoCheck":"0","comOld":"","comNew":"","lastResult":{"message":"ok","nu":"754312345678","ischeck":"1","condition":"F00","com":"zhongtong","status":"200","state":"3","data":[` +
		`{"time":"2026-11-25 09:12:00","ftime":"2026-11-25 09:12:00","context":"【杭州市】已签收，签收人：前台","areaName":"浙江,杭州市"},` +
		`{"time":"2026-11-24 18:02:11","ftime":"2026-11-24 18:02:11","context":"【宁波市】快件已发出","areaName":"浙江,宁波市"}]}}`
	good := map[string]string{"param": push, "sign": md5Upper(push + k.Salt(sh.ID))}
	evs, err := k.ParsePush(sh.ID, good)
	if err != nil || len(evs) != 2 || evs[0].Place != "浙江,杭州市" || !strings.Contains(evs[1].Text, "快件已发出") || evs[1].At.Hour() != 18 {
		t.Fatalf("push: %+v %v", evs, err)
	}
	for name, form := range map[string]map[string]string{
		"forged":          {"param": push, "sign": md5Upper(push + "guess")},
		"other shipment":  {"param": push, "sign": md5Upper(push + k.Salt("01a20fa7-0000-795c-8dd2-79c10ecbb709"))},
		"tampered":        {"param": strings.Replace(push, "前台", "门卫", 1), "sign": good["sign"]},
		"missing sign":    {"param": push},
		"not json signed": {"param": "nope", "sign": md5Upper("nope" + k.Salt(sh.ID))},
	} {
		if _, err := k.ParsePush(sh.ID, form); err == nil || (name != "not json signed" && !errs.Is(err, errs.Forbidden)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	evs, err = fulfil.ParseKuaidi100Query([]byte(`{"message":"ok","nu":"SF1234567890123","ischeck":"0","com":"shunfeng","state":"0","data":[{"time":"2026-11-24 10:00:00","ftime":"2026-11-24 10:00:00","context":"顺丰速运 已收取快件","areaName":"浙江,宁波市"}]}`))
	if err != nil || len(evs) != 1 {
		t.Fatalf("query answer: %v %v", evs, err)
	}
	if _, err := fulfil.ParseKuaidi100Query([]byte(`{"result":false,"returnCode":"500","message":"查询无结果，请隔段时间再查"}`)); err == nil {
		t.Fatal("a failed query is an error")
	}
}

// TestKuaidi100Push stores a verified push's events once, on the shipment's order.
func TestKuaidi100Push(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		k := &fulfil.Kuaidi100{Customer: "C", Key: "K"}
		f.ful.Tracker = k
		b := f.buyers(1)[0]
		o := f.paid(b, 1)[0]
		sh, err := f.ful.Ship(ctx, f.supP[0], o.ID, sfParcel())
		if err != nil {
			t.Fatal(err)
		}
		push := `{"status":"polling","lastResult":{"message":"ok","nu":"SF1234567890123","com":"shunfeng","state":"0","data":[{"time":"2026-11-24 10:30:00","ftime":"2026-11-24 10:30:00","context":"顺丰速运 已收取快件","areaName":"浙江,宁波市"}]}}`
		form := map[string]string{"param": push, "sign": md5Upper(push + k.Salt(sh.ID))}
		for want := range []int{1, 0} {
			n, err := f.ful.Push(ctx, fulfil.SourceKuaidi100, sh.ID, form)
			if err != nil || n != 1-want {
				t.Fatalf("push %d: %d %v", want, n, err)
			}
		}
		_, err = f.ful.Push(ctx, "other", sh.ID, form)
		wantCode(t, err, errs.NotFound)
		_, v, _ := f.ful.View(ctx, b.p, o.ID)
		if len(v.Shipments[0].Events) != 1 || v.Shipments[0].Events[0].Source != fulfil.SourceKuaidi100 {
			t.Fatalf("events: %+v", v.Shipments[0].Events)
		}
	})
}
