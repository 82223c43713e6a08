package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestReadRSAPrivateKey reads the app's private key as PKCS#1 and PKCS#8 PEM (Alipay's
// key tool writes either) and refuses other files.
func TestReadRSAPrivateKey(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(k)
	ec8, _ := x509.MarshalPKCS8PrivateKey(ec)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, p := range []string{
		write("pkcs1.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})),
		write("pkcs8.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
	} {
		got, err := readRSAPrivateKey(p)
		if err != nil || !got.Equal(k) {
			t.Fatalf("%s: %v", p, err)
		}
	}
	for _, p := range []string{
		write("raw.txt", []byte("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ")),
		write("ec.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ec8})),
		write("junk.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("junk")})),
		filepath.Join(dir, "missing.pem"),
	} {
		if _, err := readRSAPrivateKey(p); err == nil {
			t.Errorf("%s accepted", p)
		}
	}
}

// TestDoHTTP sends method, headers and body and returns the status, the answer's headers
// and body, whatever the status (WeChat Pay signs its error answers too).
func TestDoHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Wechatpay-Nonce", r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization")+" "+string(b))
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code":"PARAM_ERROR"}`)
	}))
	defer srv.Close()
	do := doHTTP(srv.Client())
	st, h, b, err := do(t.Context(), "POST", srv.URL+"/v3/x?a=1", map[string]string{"Authorization": "WECHATPAY2 x"}, []byte(`{"k":1}`))
	if err != nil || st != 400 || string(b) != `{"code":"PARAM_ERROR"}` || h["Wechatpay-Nonce"] != `POST /v3/x?a=1 WECHATPAY2 x {"k":1}` {
		t.Fatalf("%d %v %q %v", st, h, b, err)
	}
	srv.Close()
	if _, _, _, err := do(t.Context(), "POST", srv.URL, nil, nil); err == nil {
		t.Fatal("closed server answered")
	}
}
