package config

import (
	"strings"
	"testing"
)

func TestBaiduPush(t *testing.T) {
	t.Run("on", func(t *testing.T) { baiduOn(t) })
	t.Run("without public URL", func(t *testing.T) {
		// Pushed URLs are absolute: a token without a public URL is a configuration error.
		if _, err := parse(t, map[string]string{"ZHUCHAO_BAIDU_PUSH_TOKEN": "tok"}); err == nil || !strings.Contains(err.Error(), "--baidu-push-token") {
			t.Errorf("token without public URL: %v", err)
		}
	})
	t.Run("relative endpoint", func(t *testing.T) {
		if _, err := parse(t, nil, "--public-url", "https://www.example.cn", "--baidu-push-token", "t", "--baidu-push-endpoint", "data.zz.baidu.com/urls"); err == nil || !strings.Contains(err.Error(), "--baidu-push-endpoint") {
			t.Errorf("relative endpoint: %v", err)
		}
	})
}

func baiduOn(t *testing.T) {
	c, err := parse(t, map[string]string{"ZHUCHAO_BAIDU_PUSH_TOKEN": "tok", "ZHUCHAO_PUBLIC_URL": "https://www.example.cn"}, "--baidu-site-verification", "codeva-x")
	if err != nil || c.BaiduPushToken != "tok" || c.BaiduVerification != "codeva-x" {
		t.Fatalf("%+v %v", c, err)
	}
}
