package notify

import "crypto/tls"

// tlsConfig is the STARTTLS configuration: verify the server's certificate for host.
func tlsConfig(host string) *tls.Config {
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}
