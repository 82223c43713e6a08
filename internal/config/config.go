// Package config reads and validates Zhuchao's configuration: flags, each with a
// ZHUCHAO_* environment equivalent, checked once at start with a clear message per value.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is the running configuration.
type Config struct {
	Addr            string        // listen address
	Database        string        // postgres://… or an SQLite file path
	DataDir         string        // SQLite database and uploads
	PublicURL       string        // the site's public base URL (canonical links, secure cookies)
	SiteName        string        // shown in titles
	ICP             string        // ICP 备案号, shown in the footer
	PSB             string        // 公安备案号, shown in the footer
	PSBCode         string        // the 公安备案 record number for the link
	LogLevel        string        // debug, info, warn, error
	LogFormat       string        // json or text
	TrustProxy      bool          // take the client address from X-Forwarded-For
	SessionLifetime time.Duration // how long a login lasts
	PayWithin       time.Duration // payment deadline of an order; unpaid orders are then cancelled
	ApproveWithin   time.Duration // approval deadline of an order; unapproved orders are then cancelled
	// InspectDays is the inspection window after an order is fully shipped; then receipt
	// is confirmed automatically (package fulfil).
	InspectDays int
	// Kuaidi100 tracking (package fulfil): off without both.
	Kuaidi100Key      string
	Kuaidi100Customer string
	// The platform's receiving bank account for corporate transfers (对公转账).
	BankAccountName string // 户名
	BankName        string // 开户行
	BankAccount     string // 账号
	BankCNAPS       string // 12-digit 联行号
	// Payment providers besides bank transfer (package payment).
	PaySandbox        bool   // offer the sandbox provider 「沙箱支付(演示)」 (the demo turns it on)
	AlipayAppID       string // Alipay app ID; with AlipayPublicKey turns Alipay notifications on
	AlipayPublicKey   string // path to Alipay's public key (PEM)
	AlipayPrivateKey  string // path to the app's private key (PEM, PKCS#1 or PKCS#8); with the above and PublicURL turns Alipay payments on
	AlipayGateway     string // Alipay open-platform gateway; default payment.AlipayGateway
	WeChatMchID       string // WeChat Pay merchant ID
	WeChatAPIv3Key    string // the merchant's 32-byte APIv3 key
	WeChatPlatformKey string // path to the WeChat Pay platform public key or certificate (PEM)
	WeChatAppID       string // the app ID (appid) bound to the merchant
	WeChatPrivateKey  string // path to the merchant's API private key (PEM); with the others and PublicURL turns WeChat Pay payments on
	WeChatSerial      string // serial number of the merchant's API certificate
	WeChatAPI         string // WeChat Pay API base; default payment.WeChatAPI
	ShutdownTimeout   time.Duration
	// Baidu link submission (普通收录): off without a token.
	BaiduPushToken    string
	BaiduPushSite     string // the site as verified at 百度搜索资源平台; default PublicURL
	BaiduPushEndpoint string // default http://data.zz.baidu.com/urls (tests point it elsewhere)
	// BaiduVerification is the code 百度搜索资源平台 gives to prove the site is ours.
	BaiduVerification string
	// Email through SMTP (net/smtp, STARTTLS when offered); without an address emails
	// are written to the log and the delivery record only.
	SMTPAddr     string
	SMTPFrom     string
	SMTPUser     string
	SMTPPassword string
}

// Default returns the defaults.
func Default() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "zhuchao-data",
		SiteName:        "筑巢工业品",
		ICP:             "",
		LogLevel:        "info",
		LogFormat:       "json",
		SessionLifetime: 7 * 24 * time.Hour,
		PayWithin:       24 * time.Hour,
		ApproveWithin:   72 * time.Hour,
		InspectDays:     7,
		ShutdownTimeout: 15 * time.Second,
	}
}

// Register adds the flags to fs. Each flag's environment variable is ZHUCHAO_ followed by
// the flag name upper-cased with dashes as underscores; a flag given on the command line
// wins over the environment.
func (c *Config) Register(fs *flag.FlagSet, withServe bool) {
	fs.StringVar(&c.Database, "database", c.Database, "database: postgres://user:pass@host/db, or an SQLite file path (default DATA/zhuchao.db)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory for the SQLite database and uploads")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: json or text")
	if !withServe {
		return
	}
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address host:port")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "public base URL, e.g. https://www.example.cn (https turns on secure cookies and HSTS)")
	fs.StringVar(&c.SiteName, "site-name", c.SiteName, "site name shown in page titles")
	fs.StringVar(&c.ICP, "icp", c.ICP, "ICP 备案号 shown in the footer, e.g. 京ICP备12345678号-1")
	fs.StringVar(&c.PSB, "psb", c.PSB, "公安备案号 shown in the footer, e.g. 京公网安备11010502000001号")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", c.TrustProxy, "take the client address from the last X-Forwarded-For hop (behind a load balancer)")
	fs.DurationVar(&c.SessionLifetime, "session-lifetime", c.SessionLifetime, "how long a login lasts")
	fs.DurationVar(&c.PayWithin, "pay-within", c.PayWithin, "how long a buyer has to pay an order before it is cancelled and its stock released")
	fs.DurationVar(&c.ApproveWithin, "approve-within", c.ApproveWithin, "how long an order may wait for the buyer company's approvers before it is cancelled and its stock released")
	fs.IntVar(&c.InspectDays, "inspect-days", c.InspectDays, "days a buyer has to inspect a shipped order before receipt is confirmed automatically")
	fs.StringVar(&c.Kuaidi100Key, "kuaidi100-key", c.Kuaidi100Key, "Kuaidi100 (快递100) authorisation key; with --kuaidi100-customer turns parcel tracking pushes on (needs --public-url)")
	fs.StringVar(&c.Kuaidi100Customer, "kuaidi100-customer", c.Kuaidi100Customer, "Kuaidi100 customer ID")
	fs.StringVar(&c.BankAccountName, "bank-account-name", c.BankAccountName, "receiving account name (户名) for corporate transfers")
	fs.StringVar(&c.BankName, "bank-name", c.BankName, "receiving bank and branch (开户行)")
	fs.StringVar(&c.BankAccount, "bank-account", c.BankAccount, "receiving account number (账号)")
	fs.StringVar(&c.BankCNAPS, "bank-cnaps", c.BankCNAPS, "the branch's 12-digit CNAPS code (联行号)")
	fs.BoolVar(&c.PaySandbox, "pay-sandbox", c.PaySandbox, "offer the sandbox payment provider (沙箱支付, demo only: no real money)")
	fs.StringVar(&c.AlipayAppID, "alipay-app-id", c.AlipayAppID, "Alipay app ID (notifications are verified with --alipay-public-key)")
	fs.StringVar(&c.AlipayPublicKey, "alipay-public-key", c.AlipayPublicKey, "path to Alipay's public key (PEM) for RSA2 notification signatures")
	fs.StringVar(&c.AlipayPrivateKey, "alipay-private-key", c.AlipayPrivateKey, "path to the app's RSA private key (PEM, PKCS#1 or PKCS#8) that signs Alipay requests; with --alipay-app-id, --alipay-public-key and --public-url turns Alipay payments and refunds on")
	fs.StringVar(&c.AlipayGateway, "alipay-gateway", c.AlipayGateway, "Alipay gateway (default https://openapi.alipay.com/gateway.do; sandbox: https://openapi-sandbox.dl.alipaydev.com/gateway.do)")
	fs.StringVar(&c.WeChatMchID, "wechat-mchid", c.WeChatMchID, "WeChat Pay merchant ID (商户号)")
	fs.StringVar(&c.WeChatAPIv3Key, "wechat-apiv3-key", c.WeChatAPIv3Key, "WeChat Pay APIv3 key (32 bytes) for decrypting notifications")
	fs.StringVar(&c.WeChatPlatformKey, "wechat-platform-key", c.WeChatPlatformKey, "path to the WeChat Pay platform certificate or public key (PEM)")
	fs.StringVar(&c.WeChatAppID, "wechat-app-id", c.WeChatAppID, "app ID (appid) bound to the WeChat Pay merchant")
	fs.StringVar(&c.WeChatPrivateKey, "wechat-private-key", c.WeChatPrivateKey, "path to the merchant's API private key (PEM, PKCS#8 or PKCS#1) that signs WeChat Pay requests; with --wechat-app-id, --wechat-serial, --wechat-mchid, --wechat-apiv3-key, --wechat-platform-key and --public-url turns WeChat Pay Native payments and refunds on")
	fs.StringVar(&c.WeChatSerial, "wechat-serial", c.WeChatSerial, "serial number of the merchant's API certificate (商户证书序列号)")
	fs.StringVar(&c.WeChatAPI, "wechat-api", c.WeChatAPI, "WeChat Pay API base (default https://api.mch.weixin.qq.com)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "grace period for requests at shutdown")
	fs.StringVar(&c.BaiduPushToken, "baidu-push-token", c.BaiduPushToken, "token for Baidu link submission (普通收录); empty turns the push off")
	fs.StringVar(&c.BaiduPushSite, "baidu-push-site", c.BaiduPushSite, "site as verified at Baidu (default: --public-url)")
	fs.StringVar(&c.BaiduVerification, "baidu-site-verification", c.BaiduVerification, "the baidu-site-verification code for the home page's meta tag")
	fs.StringVar(&c.BaiduPushEndpoint, "baidu-push-endpoint", c.BaiduPushEndpoint, "Baidu link submission endpoint (default http://data.zz.baidu.com/urls)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", c.SMTPAddr, "SMTP server host:port for notification emails; empty writes emails to the log only")
	fs.StringVar(&c.SMTPFrom, "smtp-from", c.SMTPFrom, "sender of notification emails, e.g. \"筑巢工业品 <noreply@example.cn>\"")
	fs.StringVar(&c.SMTPUser, "smtp-user", c.SMTPUser, "SMTP user for PLAIN authentication (sent only over TLS or to localhost)")
	fs.StringVar(&c.SMTPPassword, "smtp-password", c.SMTPPassword, "SMTP password (prefer the environment variable)")
}

// EnvName is the environment variable for a flag.
func EnvName(flagName string) string {
	return "ZHUCHAO_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse parses args into fs after applying the environment, then validates.
func (c *Config) Parse(fs *flag.FlagSet, args []string) error {
	var envErrs []string
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(EnvName(f.Name)); ok {
			if err := f.Value.Set(v); err != nil {
				envErrs = append(envErrs, fmt.Sprintf("%s=%q: %v", EnvName(f.Name), v, err))
			}
		}
	})
	if len(envErrs) > 0 {
		return errors.New("config: " + strings.Join(envErrs, "; "))
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	return c.Validate()
}

// Validate checks every value and reports all problems at once.
func (c *Config) Validate() error {
	var probs []string
	bad := func(name, format string, a ...any) {
		probs = append(probs, fmt.Sprintf("--%s (%s): %s", name, EnvName(name), fmt.Sprintf(format, a...)))
	}
	if c.Addr != "" {
		if _, port, err := net.SplitHostPort(c.Addr); err != nil {
			bad("addr", "%q is not host:port", c.Addr)
		} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			bad("addr", "port %q is not a number from 0 to 65535", port)
		}
	}
	if c.Database != "" && (strings.HasPrefix(c.Database, "postgres://") || strings.HasPrefix(c.Database, "postgresql://")) {
		if u, err := url.Parse(c.Database); err != nil || u.Host == "" {
			bad("database", "not a valid postgres:// URL")
		}
	} else if strings.Contains(c.Database, "://") {
		bad("database", "only postgres:// URLs or SQLite file paths are supported")
	}
	if c.DataDir == "" {
		bad("data", "must not be empty")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("public-url", "%q must be an absolute http:// or https:// URL", c.PublicURL)
		} else {
			c.PublicURL = strings.TrimRight(c.PublicURL, "/")
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log-level", "%q must be debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		bad("log-format", "%q must be json or text", c.LogFormat)
	}
	if c.ApproveWithin != 0 && (c.ApproveWithin < time.Hour || c.ApproveWithin > 30*24*time.Hour) {
		bad("approve-within", "%s must be between 1h and 720h (30 days)", c.ApproveWithin)
	}
	if c.PayWithin != 0 && (c.PayWithin < 10*time.Minute || c.PayWithin > 30*24*time.Hour) {
		bad("pay-within", "%s must be between 10m and 720h (30 days)", c.PayWithin)
	}
	if c.InspectDays != 0 && (c.InspectDays < 1 || c.InspectDays > 60) {
		bad("inspect-days", "%d must be between 1 and 60", c.InspectDays)
	}
	if (c.Kuaidi100Key == "") != (c.Kuaidi100Customer == "") {
		bad("kuaidi100-key", "--kuaidi100-key and --kuaidi100-customer go together")
	} else if c.Kuaidi100Key != "" && c.PublicURL == "" {
		bad("kuaidi100-key", "needs --public-url: Kuaidi100 pushes tracking to it")
	}
	if c.SessionLifetime != 0 && (c.SessionLifetime < time.Minute || c.SessionLifetime > 90*24*time.Hour) {
		bad("session-lifetime", "%s must be between 1m and 2160h (90 days)", c.SessionLifetime)
	}
	if c.ShutdownTimeout < 0 || c.ShutdownTimeout > 10*time.Minute {
		bad("shutdown-timeout", "%s must be between 0 and 10m", c.ShutdownTimeout)
	}
	if c.BankCNAPS != "" && !cnapsRe.MatchString(c.BankCNAPS) {
		bad("bank-cnaps", "%q must be 12 digits", c.BankCNAPS)
	}
	if c.BankAccount != "" && !accountRe.MatchString(strings.ReplaceAll(c.BankAccount, " ", "")) {
		bad("bank-account", "%q must be 8 to 32 digits", c.BankAccount)
	}
	if c.AlipayPrivateKey != "" && (c.AlipayAppID == "" || c.AlipayPublicKey == "" || c.PublicURL == "") {
		bad("alipay-private-key", "needs --alipay-app-id, --alipay-public-key and --public-url: Alipay returns the buyer to and notifies the public URL")
	}
	if c.AlipayGateway != "" {
		if u, err := url.Parse(c.AlipayGateway); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			bad("alipay-gateway", "%q must be an absolute http:// or https:// URL without a query", c.AlipayGateway)
		}
	}
	if c.WeChatPrivateKey != "" && (c.WeChatAppID == "" || c.WeChatSerial == "" || c.WeChatMchID == "" || len(c.WeChatAPIv3Key) != 32 ||
		c.WeChatPlatformKey == "" || c.PublicURL == "") {
		bad("wechat-private-key", "needs --wechat-app-id, --wechat-serial, --wechat-mchid, a 32-byte --wechat-apiv3-key, --wechat-platform-key and --public-url: WeChat Pay notifies the public URL")
	}
	if c.WeChatAPI != "" {
		if u, err := url.Parse(c.WeChatAPI); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			bad("wechat-api", "%q must be an absolute http:// or https:// URL without a query", c.WeChatAPI)
		}
	}
	if c.BaiduPushToken != "" && c.PublicURL == "" {
		bad("baidu-push-token", "needs --public-url: pushed URLs are absolute")
	}
	if c.BaiduPushEndpoint != "" {
		if u, err := url.Parse(c.BaiduPushEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("baidu-push-endpoint", "%q must be an absolute http:// or https:// URL", c.BaiduPushEndpoint)
		}
	}
	if len(c.SiteName) > 100 {
		bad("site-name", "longer than 100 bytes")
	}
	if c.SMTPAddr != "" {
		if _, port, err := net.SplitHostPort(c.SMTPAddr); err != nil || port == "" {
			bad("smtp-addr", "%q is not host:port", c.SMTPAddr)
		}
		if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
			bad("smtp-from", "%q is not an email address (needed with --smtp-addr)", c.SMTPFrom)
		}
	}
	if len(probs) > 0 {
		return errors.New("invalid configuration:\n  " + strings.Join(probs, "\n  "))
	}
	return nil
}

var (
	cnapsRe   = regexp.MustCompile(`^[0-9]{12}$`)
	accountRe = regexp.MustCompile(`^[0-9]{8,32}$`)
)

// DatabaseURL is the database to open: --database, or the SQLite file in the data dir.
func (c *Config) DatabaseURL() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.DataDir, "zhuchao.db")
}

// SecureCookies reports whether the public URL is https.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }
