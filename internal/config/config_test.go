package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func parse(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	c := Default()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Register(fs, true)
	err := c.Parse(fs, args)
	return c, err
}

func TestEnvironmentAndFlags(t *testing.T) {
	c, err := parse(t, map[string]string{"ZHUCHAO_ADDR": "0.0.0.0:9000", "ZHUCHAO_TRUST_PROXY": "true", "ZHUCHAO_LOG_LEVEL": "warn"}, "--log-level", "debug")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || !c.TrustProxy || c.LogLevel != "debug" {
		t.Fatalf("environment or flag precedence wrong: %+v", c)
	}
}

func TestEveryBadValueIsNamed(t *testing.T) {
	_, err := parse(t, nil, "--addr", "nowhere", "--log-level", "loud", "--public-url", "ftp://x", "--database", "mysql://x", "--session-lifetime", "1s")
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"--addr (ZHUCHAO_ADDR)", "--log-level", "--public-url", "--database", "--session-lifetime"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	if _, err := parse(t, map[string]string{"ZHUCHAO_TRUST_PROXY": "maybe"}); err == nil || !strings.Contains(err.Error(), "ZHUCHAO_TRUST_PROXY") {
		t.Errorf("bad environment value: %v", err)
	}
}

func TestSecureCookiesFollowPublicURL(t *testing.T) {
	c, err := parse(t, nil, "--public-url", "https://www.example.cn/")
	if err != nil || !c.SecureCookies() || c.PublicURL != "https://www.example.cn" {
		t.Fatalf("%+v %v", c, err)
	}
	if c.DatabaseURL() != "zhuchao-data/zhuchao.db" {
		t.Fatalf("default database %q", c.DatabaseURL())
	}
}

func TestAlipayRequestSideNeedsEverything(t *testing.T) {
	_, err := parse(t, nil, "--alipay-private-key", "/k/app.pem", "--alipay-gateway", "openapi.alipay.com")
	if err == nil {
		t.Fatal("private key without app ID, Alipay's key and public URL accepted")
	}
	for _, name := range []string{"--alipay-private-key", "--alipay-gateway"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	c, err := parse(t, nil, "--alipay-private-key", "/k/app.pem", "--alipay-app-id", "2021000000000001", "--alipay-public-key", "/k/alipay.pem",
		"--public-url", "https://www.example.cn", "--alipay-gateway", "https://openapi-sandbox.dl.alipaydev.com/gateway.do")
	if err != nil || c.AlipayPrivateKey != "/k/app.pem" || c.AlipayGateway != "https://openapi-sandbox.dl.alipaydev.com/gateway.do" {
		t.Fatalf("%+v %v", c, err)
	}
	// Notifications alone need no private key.
	if _, err := parse(t, nil, "--alipay-app-id", "2021000000000001", "--alipay-public-key", "/k/alipay.pem"); err != nil {
		t.Fatal(err)
	}
}

func TestWeChatRequestSideNeedsEverything(t *testing.T) {
	_, err := parse(t, nil, "--wechat-private-key", "/k/apiclient_key.pem", "--wechat-api", "api.mch.weixin.qq.com")
	if err == nil {
		t.Fatal("private key without the rest accepted")
	}
	for _, name := range []string{"--wechat-private-key", "--wechat-api"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	all := []string{"--wechat-private-key", "/k/apiclient_key.pem", "--wechat-app-id", "wx0000000000000001", "--wechat-serial", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
		"--wechat-mchid", "1900000001", "--wechat-apiv3-key", "0123456789abcdef0123456789abcdef", "--wechat-platform-key", "/k/wechatpay.pem",
		"--public-url", "https://www.example.cn", "--wechat-api", "http://127.0.0.1:9999"}
	c, err := parse(t, nil, all...)
	if err != nil || c.WeChatPrivateKey != "/k/apiclient_key.pem" || c.WeChatSerial == "" || c.WeChatAppID != "wx0000000000000001" || c.WeChatAPI != "http://127.0.0.1:9999" {
		t.Fatalf("%+v %v", c, err)
	}
	short := append([]string{}, all...)
	short[9] = "too-short"
	if _, err := parse(t, nil, short...); err == nil || !strings.Contains(err.Error(), "--wechat-private-key") {
		t.Fatalf("short APIv3 key: %v", err)
	}
	// Notifications alone need no private key.
	if _, err := parse(t, nil, "--wechat-mchid", "1900000001", "--wechat-apiv3-key", "0123456789abcdef0123456789abcdef", "--wechat-platform-key", "/k/wechatpay.pem"); err != nil {
		t.Fatal(err)
	}
}
