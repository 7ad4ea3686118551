package activedirectory

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
)

// passwordLength is the length of the random passwords. A password policy with a longer
// minimum length rejects them, and ResetPassword then returns that error.
const passwordLength = 40

// The password alphabet has the four character classes that AD's complexity rule counts.
const (
	upper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lower   = "abcdefghijkmnopqrstuvwxyz"
	digits  = "23456789"
	symbols = "!#%+-.:=?@^_~"
)

// ResetPassword sets the account's password to a random one that is neither returned nor
// logged, so that the old password stops working. Windows still accepts the old password for
// NTLM network logons for up to an hour (OldPasswordAllowedPeriod), and Kerberos tickets
// already issued stay valid until they expire. AD accepts a password
// only over an encrypted connection, and every connection of this client is encrypted.
func (c *Client) ResetPassword(ctx context.Context, guid string) error {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	s, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	if _, ok := s.conn.TLSConnectionState(); !ok {
		return errors.New("resetting a password needs an encrypted connection: use ldaps:// or ldap:// with StartTLS")
	}
	a, err := c.accountByGUID(ctx, s, guid)
	if err != nil {
		return err
	}

	password, err := randomPassword(a.SAMAccountName)
	if err != nil {
		return fmt.Errorf("generating a password: %w", err)
	}
	req := ldap.NewModifyRequest(a.DN, nil)
	req.Replace("unicodePwd", []string{encodePassword(password)})
	if err := s.conn.Modify(req); err != nil {
		operation := fmt.Sprintf("resetting the password of %q", a.DN)
		if ldap.IsErrorAnyOf(err, ldap.LDAPResultConstraintViolation, ldap.LDAPResultUnwillingToPerform) {
			return fmt.Errorf("%s: the domain's password policy rejected a random %d-character password: check the policy: %w", operation, passwordLength, err)
		}
		return c.classifyUser(ctx, operation, a, err)
	}
	c.log.InfoContext(ctx, "reset AD account password", "dn", a.DN)
	return nil
}

// encodePassword returns password in the form the unicodePwd attribute takes: enclosed in
// double quotes and encoded as UTF-16LE.
func encodePassword(password string) string {
	units := utf16.Encode([]rune(`"` + password + `"`))
	b := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(b[2*i:], u)
	}
	return string(b)
}

// randomPassword returns passwordLength characters from crypto/rand with at least one of
// each character class and without samAccountName in it, as AD's complexity rule requires.
func randomPassword(samAccountName string) (string, error) {
	alphabet := upper + lower + digits + symbols
	max := big.NewInt(int64(len(alphabet)))
	for {
		b := make([]byte, passwordLength)
		for i := range b {
			n, err := rand.Int(rand.Reader, max)
			if err != nil {
				return "", err
			}
			b[i] = alphabet[n.Int64()]
		}
		p := string(b)
		if !strings.ContainsAny(p, upper) || !strings.ContainsAny(p, lower) ||
			!strings.ContainsAny(p, digits) || !strings.ContainsAny(p, symbols) {
			continue
		}
		if len(samAccountName) >= 3 && strings.Contains(strings.ToLower(p), strings.ToLower(samAccountName)) {
			continue
		}
		return p, nil
	}
}
