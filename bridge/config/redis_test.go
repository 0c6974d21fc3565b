package config_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/internal/redistest"
)

// TestRedisOverTLS: with rediss:// carebridge verifies the server's
// certificate against redis.tls.ca_file; a certificate it cannot verify is
// refused unless insecure_skip_verify is set.
func TestRedisOverTLS(t *testing.T) {
	dir := t.TempDir()
	caPEM, certPEM, keyPEM := testCertificates(t)
	files := map[string][]byte{"ca.pem": caPEM, "server.pem": certPEM, "server.key": keyPEM}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsPort := l.Addr().(*net.TCPAddr).Port
	l.Close()
	redistest.Start(t, redistest.WithArgs("--tls-port", strconv.Itoa(tlsPort), "--tls-auth-clients", "no",
		"--tls-cert-file", filepath.Join(dir, "server.pem"), "--tls-key-file", filepath.Join(dir, "server.key")))
	url := "rediss://127.0.0.1:" + strconv.Itoa(tlsPort) + "/0"

	for _, tt := range []struct {
		name    string
		tls     config.RedisTLS
		wantErr string
	}{
		{"the CA from ca_file", config.RedisTLS{CAFile: filepath.Join(dir, "ca.pem"), CAPEM: string(caPEM), ServerName: "redis.test"}, ""},
		{"the system's roots", config.RedisTLS{ServerName: "redis.test"}, "certificate signed by unknown authority"},
		{"the wrong name", config.RedisTLS{CAFile: filepath.Join(dir, "ca.pem"), CAPEM: string(caPEM), ServerName: "other.test"}, "other.test"},
		{"insecure_skip_verify", config.RedisTLS{InsecureSkipVerify: true}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rc := config.Redis{URL: url, TLS: tt.tls}
			rdb, err := rc.NewClient()
			if err != nil {
				t.Fatal(err)
			}
			defer rdb.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err = rdb.Ping(ctx).Err()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ping over TLS: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("ping over TLS: %v; want an error with %q", err, tt.wantErr)
			}
		})
	}
}

// testCertificates makes a CA and a server certificate for redis.test
// signed by it, all PEM.
func testCertificates(t *testing.T) (caPEM, certPEM, keyPEM []byte) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "carebridge test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "redis.test"}, DNSNames: []string{"redis.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}
