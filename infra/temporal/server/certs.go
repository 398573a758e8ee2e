// `baton-temporal certs`: the local stack's certificate authority and one certificate per
// identity, made once in the (git-ignored) state folder, as the NATS nkeys are. Hand-written for
// Baton (see main.go's header).
//
//	<dir>/ca.pem, ca.key          the CA (ECDSA P-256, 10 years); its key never leaves <dir>
//	<dir>/<name>.pem, <name>.key  a certificate with common name <name>, for client and server
//	                              use (the server's own identities use it both ways), valid for
//	                              the DNS name "baton-temporal", localhost and the given hosts
//
// Existing files are kept: deleting <name>.pem and <name>.key and running again replaces one.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// serverName is the DNS name every certificate carries: clients that connect by IP address or
// by another name verify the server against it (TLS server name override).
const serverName = "baton-temporal"

var identityName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

func certsCommand(args []string) error {
	fs := flag.NewFlagSet("certs", flag.ContinueOnError)
	dir := fs.String("dir", "", "folder of the CA and the certificates (created, mode 0700)")
	hosts := fs.String("hosts", "127.0.0.1", "comma-separated addresses and names the server is reached at")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() == 0 {
		return errors.New("usage: baton-temporal certs --dir DIR [--hosts h1,h2] NAME...")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	ca, caKey, err := loadOrMakeCA(*dir)
	if err != nil {
		return err
	}
	for _, name := range fs.Args() {
		if !identityName.MatchString(name) {
			return fmt.Errorf("%q is no identity name (lower-case letters, digits and -)", name)
		}
		if exists(filepath.Join(*dir, name+".pem")) && exists(filepath.Join(*dir, name+".key")) {
			continue
		}
		if err := makeLeaf(*dir, name, strings.Split(*hosts, ","), ca, caKey); err != nil {
			return fmt.Errorf("certificate for %s: %w", name, err)
		}
		fmt.Printf("made the Temporal certificate of %s\n", name)
	}
	return nil
}

func loadOrMakeCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certFile, keyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca.key")
	if exists(certFile) && exists(keyFile) {
		return loadPair(certFile, keyFile)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Baton local Temporal CA", Organization: []string{"Baton"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	if err := writePair(certFile, keyFile, der, key); err != nil {
		return nil, nil, err
	}
	fmt.Printf("made the Temporal CA in %s\n", dir)
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func makeLeaf(dir, name string, hosts []string, ca *x509.Certificate, caKey *ecdsa.PrivateKey) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	template := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"Baton"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{serverName, "localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if ip := net.ParseIP(h); ip != nil {
			template.IPAddresses = append(template.IPAddresses, ip)
		} else if h != "" {
			template.DNSNames = append(template.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	return writePair(filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key"), der, key)
}

func writePair(certFile, keyFile string, der []byte, key *ecdsa.PrivateKey) error {
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	// The key first: a certificate without its key would be kept by the next run.
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

func loadPair(certFile, keyFile string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, fmt.Errorf("%s or %s is not PEM", certFile, keyFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	parsed, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("%s is not an ECDSA key", keyFile)
	}
	return cert, key, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err)
	}
	return n
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
