package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// SMTP sends email through an SMTP server with the standard library's net/smtp:
// STARTTLS when the server offers it, PLAIN authentication when a user is set (net/smtp
// refuses to send the password unencrypted except to localhost). Messages are UTF-8
// plain text, base64-encoded, with the subject encoded per RFC 2047.
type SMTP struct {
	Addr     string // host:port
	From     string // the sender address, e.g. "筑巢工业品 <noreply@example.cn>"
	Username string
	Password string
	// Timeout bounds one send (connect to QUIT); 30 s when zero.
	Timeout time.Duration
	// Now stamps the Date header (time.Now when nil).
	Now func() time.Time
}

// Name is "smtp".
func (SMTP) Name() string { return "smtp" }

// SendEmail sends one message to one address.
func (c SMTP) SendEmail(ctx context.Context, to, subject, body string) error {
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("notify: smtp: from %q: %w", c.From, err)
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("notify: smtp: to %q: %w", to, err)
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp: addr %q: %w", c.Addr, err)
	}
	msg, err := c.message(from, rcpt, subject, body)
	if err != nil {
		return err
	}
	var auth smtp.Auth
	if c.Username != "" {
		auth = smtp.PlainAuth("", c.Username, c.Password, host)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = time.Until(dl)
	}
	// net/smtp.SendMail has no timeout: dial ourselves and bound the whole exchange.
	conn, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp: dial: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("notify: smtp: greeting: %w", err)
	}
	defer cl.Close()
	if ok, _ := cl.Extension("STARTTLS"); ok {
		if err := cl.StartTLS(tlsConfig(host)); err != nil {
			return fmt.Errorf("notify: smtp: starttls: %w", err)
		}
	}
	if auth != nil {
		if err := cl.Auth(auth); err != nil {
			return fmt.Errorf("notify: smtp: auth: %w", err)
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("notify: smtp: mail from: %w", err)
	}
	if err := cl.Rcpt(rcpt.Address); err != nil {
		return fmt.Errorf("notify: smtp: rcpt to: %w", err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("notify: smtp: data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("notify: smtp: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("notify: smtp: end of data: %w", err)
	}
	return cl.Quit()
}

// message builds the RFC 5322 message.
func (c SMTP) message(from, to *mail.Address, subject, body string) ([]byte, error) {
	for _, s := range []string{subject, from.Name, to.Name} {
		if strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("notify: smtp: line break in a header")
		}
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	domain := "localhost"
	if i := strings.LastIndexByte(from.Address, '@'); i >= 0 {
		domain = from.Address[i+1:]
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id[:]), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes(), nil
}
