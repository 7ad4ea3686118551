// Package sambatest provisions a throw-away Samba Active Directory domain controller in a
// temporary directory and runs it as a child process, for integration tests of the Active
// Directory adapter. The domain controller runs only Samba's LDAP service, which listens on
// the loopback interface (127.0.0.1 and ::1) on ports 389 (LDAP), 636 (LDAPS), 3268 and 3269
// (global catalog), with a certificate from a test CA that the package creates.
//
// These ports are fixed in Samba, so one domain controller runs on a machine at a time. Start
// holds a lock file in the system temporary directory until Stop, and a second test binary
// waits for it. Samba must be installed (Debian packages samba, samba-ad-dc,
// samba-ad-provision, winbind, ldb-tools) and the tests must run as root. The package creates
// no users or groups: tests add them over LDAP with Admin.
package sambatest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Domain names of the test domain.
const (
	Realm    = "SECAMO.TEST"
	Domain   = "SECAMO"
	HostName = "DC1"
	// ServerName is the domain controller's DNS name, one of its certificate's names.
	ServerName = "dc1.secamo.test"
	BaseDN     = "DC=secamo,DC=test"
	// AdminPassword is the password of the domain's Administrator account.
	AdminPassword = "Adm1n-Sambatest-Pw!"
)

// AdminDN is the distinguished name of the domain's Administrator account.
const AdminDN = "CN=Administrator,CN=Users," + BaseDN

// DC is a running test domain controller.
type DC struct {
	// Dir is the temporary directory with the domain's databases and configuration.
	Dir string
	// LDAPSURL is ldaps://127.0.0.1:636 and LDAPURL is ldap://127.0.0.1:389.
	LDAPSURL string
	LDAPURL  string
	// CAFile is the PEM file of the CA that signed the domain controller's certificate, whose
	// names are ServerName and the IP address 127.0.0.1.
	CAFile string

	config string
	cmd    *exec.Cmd
	exited chan struct{}
	output *bytes.Buffer
	lock   *os.File
}

// Available reports why a domain controller cannot be started on this machine, or "" when it
// can: Samba's programs must be on PATH and the process must run as root.
func Available() string {
	for _, prog := range []string{"samba", "samba-tool"} {
		if _, err := exec.LookPath(prog); err != nil {
			return fmt.Sprintf("%s not found on PATH: install the Debian packages samba, samba-ad-dc, samba-ad-provision, winbind and ldb-tools", prog)
		}
	}
	if os.Geteuid() != 0 {
		return "the Samba domain controller needs root: run the tests as root"
	}
	return ""
}

// Start provisions a fresh domain in a new temporary directory, starts Samba and waits until
// LDAPS responds with the test CA's certificate. The caller must call Stop.
func Start(ctx context.Context) (dc *DC, err error) {
	lock, err := acquireLock(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sambatest-")
	if err != nil {
		releaseLock(lock)
		return nil, err
	}
	dc = &DC{
		Dir:      dir,
		LDAPSURL: "ldaps://127.0.0.1:636",
		LDAPURL:  "ldap://127.0.0.1:389",
		config:   filepath.Join(dir, "etc", "smb.conf"),
		lock:     lock,
	}
	defer func() {
		if err != nil {
			dc.Stop()
		}
	}()

	if err := portsFree(); err != nil {
		return nil, err
	}
	if err := dc.provision(ctx); err != nil {
		return nil, err
	}
	if err := dc.start(); err != nil {
		return nil, err
	}
	if err := dc.waitReady(ctx); err != nil {
		return nil, err
	}
	return dc, nil
}

// provision creates the domain with samba-tool and a certificate from a test CA.
func (dc *DC) provision(ctx context.Context) error {
	tlsDir := filepath.Join(dc.Dir, "tls")
	runDir := filepath.Join(dc.Dir, "run")
	for _, d := range []string{tlsDir, runDir, filepath.Join(dc.Dir, "log")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	caFile, certFile, keyFile, err := writeCertificates(tlsDir, []string{ServerName}, []net.IP{net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return err
	}
	dc.CAFile = caFile

	options := []string{
		// Listen on loopback only, and start no service other than LDAP: the tests need
		// nothing else, and the machine's own Samba or other test servers may hold the
		// Kerberos, SMB and RPC ports.
		"interfaces=lo",
		"bind interfaces only=yes",
		"server services=ldap",
		// Keep every file the domain controller writes inside the temporary directory.
		"pid directory=" + runDir,
		"ncalrpc dir=" + filepath.Join(runDir, "ncalrpc"),
		"winbindd socket directory=" + filepath.Join(runDir, "winbindd"),
		"log file=" + filepath.Join(dc.Dir, "log", "samba.log"),
		"tls enabled=yes",
		"tls cafile=" + caFile,
		"tls certfile=" + certFile,
		"tls keyfile=" + keyFile,
	}
	args := []string{
		"domain", "provision",
		"--use-rfc2307",
		"--realm=" + Realm,
		"--domain=" + Domain,
		"--host-name=" + HostName,
		"--server-role=dc",
		"--dns-backend=NONE",
		"--adminpass=" + AdminPassword,
		"--targetdir=" + dc.Dir,
	}
	for _, o := range options {
		args = append(args, "--option="+o)
	}
	out, err := exec.CommandContext(ctx, "samba-tool", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("provisioning the test domain in %s: %w\n%s", dc.Dir, err, lastLines(out, 20))
	}

	// Samba accepts the old password for 60 minutes after a reset by default, and Samba 4.17
	// does so for LDAP simple binds too; tests check that the old password stops working.
	// The provision drops this option, so it is added to the written configuration.
	return dc.addGlobalOption("old password allowed period = 0")
}

// addGlobalOption inserts a line at the start of the [global] section of smb.conf.
func (dc *DC) addGlobalOption(line string) error {
	conf, err := os.ReadFile(dc.config)
	if err != nil {
		return err
	}
	updated := strings.Replace(string(conf), "[global]\n", "[global]\n\t"+line+"\n", 1)
	if updated == string(conf) {
		return fmt.Errorf("no [global] section in %s", dc.config)
	}
	return os.WriteFile(dc.config, []byte(updated), 0o644)
}

// start runs samba in the foreground as a child process in its own process group.
func (dc *DC) start() error {
	cmd := exec.Command("samba", "--interactive", "--model=single", "--configfile="+dc.config)
	dc.output = &bytes.Buffer{}
	cmd.Stdout = dc.output
	cmd.Stderr = dc.output
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true,
		// Stop Samba when the test binary dies without calling Stop.
		Pdeathsig: syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting samba: %w", err)
	}
	dc.cmd = cmd
	dc.exited = make(chan struct{})
	go func() {
		cmd.Wait()
		close(dc.exited)
	}()
	return nil
}

// waitReady polls LDAPS until the TLS handshake succeeds with the test CA, which also proves
// that the server on port 636 is this domain controller and not another one.
func (dc *DC) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	tlsConfig, err := dc.TLSConfig()
	if err != nil {
		return err
	}
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: time.Second}, Config: tlsConfig}
		conn, err := dialer.DialContext(ctx, "tcp", "127.0.0.1:636")
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-dc.exited:
			return fmt.Errorf("samba exited before LDAPS was ready:\n%s", lastLines(dc.output.Bytes(), 30))
		case <-ctx.Done():
			return fmt.Errorf("waiting for LDAPS on 127.0.0.1:636: %w (last error: %v)", ctx.Err(), err)
		case <-ticker.C:
		}
	}
}

// TLSConfig returns a TLS configuration that trusts the test CA and checks ServerName.
func (dc *DC) TLSConfig() (*tls.Config, error) {
	pem, err := os.ReadFile(dc.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", dc.CAFile)
	}
	return &tls.Config{RootCAs: pool, ServerName: ServerName, MinVersion: tls.VersionTLS12}, nil
}

// Admin opens an LDAPS connection bound as the domain's Administrator.
func (dc *DC) Admin() (*ldap.Conn, error) {
	return dc.Bind(AdminDN, AdminPassword)
}

// Bind opens an LDAPS connection bound with the given DN and password.
func (dc *DC) Bind(dn, password string) (*ldap.Conn, error) {
	tlsConfig, err := dc.TLSConfig()
	if err != nil {
		return nil, err
	}
	conn, err := ldap.DialURL(dc.LDAPSURL, ldap.DialWithTLSConfig(tlsConfig))
	if err != nil {
		return nil, err
	}
	conn.SetTimeout(30 * time.Second)
	if err := conn.Bind(dn, password); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// Tool runs samba-tool with the domain's configuration and returns its combined output.
func (dc *DC) Tool(ctx context.Context, args ...string) (string, error) {
	args = append(args, "--configfile="+dc.config)
	out, err := exec.CommandContext(ctx, "samba-tool", args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("samba-tool %s: %w\n%s", args[0], err, lastLines(out, 20))
	}
	return string(out), nil
}

// Stop ends the Samba process group, removes the temporary directory and releases the lock.
func (dc *DC) Stop() {
	if dc.cmd != nil && dc.cmd.Process != nil {
		// The negative id addresses the process group that start created for Samba.
		syscall.Kill(-dc.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-dc.exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-dc.cmd.Process.Pid, syscall.SIGKILL)
			<-dc.exited
		}
	}
	os.RemoveAll(dc.Dir)
	releaseLock(dc.lock)
}

// portsFree returns an error when something already listens on the LDAP and global catalog
// ports, such as the
// machine's own Samba service, which the test domain controller cannot share them with.
func portsFree() error {
	for _, addr := range []string{"127.0.0.1:389", "127.0.0.1:636", "127.0.0.1:3268", "127.0.0.1:3269"} {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return fmt.Errorf("port %s is already in use (a running samba or slapd?): stop that service before running the Samba tests", addr)
		}
	}
	return nil
}

// acquireLock takes an exclusive lock on a file in the system temporary directory, waiting
// for another test binary's domain controller to stop.
func acquireLock(ctx context.Context) (*os.File, error) {
	path := filepath.Join(os.TempDir(), "sambatest.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	ticker := time.NewTicker(200 * time.Millisecond)
	defer ticker.Stop()
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another test's domain controller to stop (lock %s): %w", path, ctx.Err())
		case <-ticker.C:
		}
	}
}

func releaseLock(f *os.File) {
	if f == nil {
		return
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}

// lastLines returns the last n lines of out, for error messages.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
