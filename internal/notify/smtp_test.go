package notify

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is an in-process SMTP server on the loopback interface: it speaks just enough
// of RFC 5321 (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) to receive one message per
// session, and can refuse the next n messages with a 451.
type fakeSMTP struct {
	ln     net.Listener
	mu     sync.Mutex
	got    []string // message data
	auth   []string // AUTH PLAIN credentials, decoded
	refuse int
}

func startFakeSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { io.WriteString(c, s+"\r\n") }
	say("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake")
			say("250 AUTH PLAIN")
		case strings.HasPrefix(cmd, "AUTH PLAIN"):
			b, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(line[len("AUTH PLAIN"):]))
			f.mu.Lock()
			f.auth = append(f.auth, string(b))
			f.mu.Unlock()
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
			say("250 ok")
		case cmd == "DATA":
			f.mu.Lock()
			refuse := f.refuse > 0
			if refuse {
				f.refuse--
			}
			f.mu.Unlock()
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			if refuse {
				say("451 try again later")
				continue
			}
			f.mu.Lock()
			f.got = append(f.got, b.String())
			f.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (f *fakeSMTP) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.got...)
}

func TestSMTPSendsUTF8Mail(t *testing.T) {
	f := startFakeSMTP(t)
	c := SMTP{Addr: f.ln.Addr().String(), From: "筑巢工业品 <noreply@zhuchao.example>", Username: "mailer", Password: "s3cret",
		Now: func() time.Time { return time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) }}
	if err := c.SendEmail(context.Background(), "buyer@example.com", "【筑巢】发票通知", "订单 PO20261124-000001 的发票已开具。\n\nhttps://example.cn/buyer/invoices/x"); err != nil {
		t.Fatal(err)
	}
	got := f.messages()
	if len(got) != 1 {
		t.Fatalf("server got %d messages", len(got))
	}
	m, err := mail.ReadMessage(strings.NewReader(got[0]))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	body, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	if subj != "【筑巢】发票通知" || !strings.Contains(string(body), "PO20261124-000001") || m.Header.Get("To") != "<buyer@example.com>" ||
		!strings.Contains(m.Header.Get("Content-Type"), "UTF-8") || m.Header.Get("Message-Id") == "" {
		t.Fatalf("message: %q %q %v", subj, body, m.Header)
	}
	f.mu.Lock()
	auth := append([]string(nil), f.auth...)
	f.mu.Unlock()
	if len(auth) != 1 || auth[0] != "\x00mailer\x00s3cret" {
		t.Fatalf("auth %q", auth)
	}
	// A header injection attempt is refused before anything is sent.
	if err := c.SendEmail(context.Background(), "buyer@example.com", "hi\r\nBcc: x@evil.example", "x"); err == nil {
		t.Fatal("subject with a line break accepted")
	}
	// A temporary refusal is an error (the job retries).
	f.mu.Lock()
	f.refuse = 1
	f.mu.Unlock()
	if err := c.SendEmail(context.Background(), "buyer@example.com", "s", "b"); err == nil {
		t.Fatal("451 not reported")
	}
}
