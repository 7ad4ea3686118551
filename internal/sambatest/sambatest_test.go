package sambatest

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Active Directory adapter's tests call Start on every run, so they cover starting a
// domain controller. These tests cover the pieces that need no Samba.

func TestWriteCertificatesVerify(t *testing.T) {
	dir := t.TempDir()
	caFile, certFile, keyFile, err := writeCertificates(dir, []string{ServerName}, []net.IP{net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("CA file contains no certificate")
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		t.Fatal("certificate file contains no PEM block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{ServerName, "127.0.0.1"} {
		opts := x509.VerifyOptions{Roots: pool, DNSName: name, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		if _, err := cert.Verify(opts); err != nil {
			t.Errorf("verifying the certificate for %s: %v", name, err)
		}
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost"}); err == nil {
		t.Error("certificate verifies for localhost, a name it does not contain")
	}

	info, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode = %o, want 600 (Samba rejects a key others can read)", mode)
	}
}

func TestAddGlobalOption(t *testing.T) {
	dc := &DC{config: filepath.Join(t.TempDir(), "smb.conf")}
	conf := "# Global parameters\n[global]\n\trealm = SECAMO.TEST\n\n[netlogon]\n\tpath = /x\n"
	if err := os.WriteFile(dc.config, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := dc.addGlobalOption("old password allowed period = 0"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dc.config)
	if err != nil {
		t.Fatal(err)
	}
	want := "# Global parameters\n[global]\n\told password allowed period = 0\n\trealm = SECAMO.TEST\n\n[netlogon]\n\tpath = /x\n"
	if string(got) != want {
		t.Errorf("smb.conf =\n%s\nwant\n%s", got, want)
	}

	if err := os.WriteFile(dc.config, []byte("[netlogon]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := dc.addGlobalOption("x = 1"); err == nil {
		t.Error("addGlobalOption without a [global] section succeeded, want an error")
	}
}

func TestLastLines(t *testing.T) {
	out := []byte("one\ntwo\nthree\nfour\n")
	if got, want := lastLines(out, 2), "three\nfour"; got != want {
		t.Errorf("lastLines(2) = %q, want %q", got, want)
	}
	if got := lastLines(out, 10); strings.Count(got, "\n") != 3 {
		t.Errorf("lastLines(10) = %q, want all four lines", got)
	}
}
