package approvals

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Link is the content of an approval link: the tenant and id in its path, the approver and
// expiry in its query.
type Link struct {
	Tenant   string
	ID       string
	Approver string
	Expires  time.Time
}

// Errors of link and form token verification.
var (
	ErrInvalidSignature = errors.New("invalid or altered link signature")
	ErrInvalidFormToken = errors.New("invalid form token")
)

// Query parameter and form field names of approval links and the confirmation form.
const (
	paramApprover  = "approver"
	paramExpires   = "expires"
	paramSignature = "sig"
	FieldFormToken = "form_token"
	FieldDecision  = "decision"
	FieldComment   = "comment"
)

// Signer signs and verifies approval links and form tokens with one tenant's key. The tenant
// name is part of every signed message, so a link for one tenant never verifies for another
// even if both used the same key.
type Signer struct {
	key []byte
}

// MinKeyBytes is the shortest signing key NewSigner accepts.
const MinKeyBytes = 32

// NewSigner returns a signer for the key, which must be at least MinKeyBytes long.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("approval signing key is %d bytes long: use at least %d random bytes", len(key), MinKeyBytes)
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

func (s *Signer) mac(parts ...string) string {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		// Length prefixes keep "a"+"bc" and "ab"+"c" apart.
		fmt.Fprintf(m, "%d:%s;", len(p), p)
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Signer) linkMAC(l Link) string {
	return s.mac("link-v1", l.Tenant, l.ID, strings.ToLower(l.Approver), strconv.FormatInt(l.Expires.Unix(), 10))
}

// URL returns the approval link under baseURL: baseURL/approvals/TENANT/ID?approver=...&expires=...&sig=...
func (s *Signer) URL(baseURL string, l Link) string {
	return strings.TrimRight(baseURL, "/") + Path(l.Tenant, l.ID) + "?" + s.Query(l).Encode()
}

// Path returns the path of an approval's page.
func Path(tenant, id string) string {
	return "/approvals/" + url.PathEscape(tenant) + "/" + url.PathEscape(id)
}

// Query returns the signed query parameters of a link.
func (s *Signer) Query(l Link) url.Values {
	return url.Values{
		paramApprover:  {l.Approver},
		paramExpires:   {strconv.FormatInt(l.Expires.Unix(), 10)},
		paramSignature: {s.linkMAC(l)},
	}
}

// ParseLink reads the approver and expiry of a link from its query and verifies the
// signature. It returns ErrInvalidSignature when anything is missing, malformed or altered.
func (s *Signer) ParseLink(tenant, id string, q url.Values) (Link, error) {
	approver := q.Get(paramApprover)
	exp, err := strconv.ParseInt(q.Get(paramExpires), 10, 64)
	if approver == "" || err != nil {
		return Link{}, ErrInvalidSignature
	}
	l := Link{Tenant: tenant, ID: id, Approver: approver, Expires: time.Unix(exp, 0).UTC()}
	if !hmac.Equal([]byte(s.linkMAC(l)), []byte(q.Get(paramSignature))) {
		return Link{}, ErrInvalidSignature
	}
	return l, nil
}

// FormToken returns a new single-use form token bound to the link: a random nonce and an
// HMAC over the link and the nonce.
func (s *Signer) FormToken(l Link) string {
	b := make([]byte, 16)
	rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	return nonce + "." + s.formMAC(l, nonce)
}

func (s *Signer) formMAC(l Link, nonce string) string {
	return s.mac("form-v1", l.Tenant, l.ID, strings.ToLower(l.Approver), strconv.FormatInt(l.Expires.Unix(), 10), nonce)
}

// VerifyFormToken checks that token was issued for the link and returns its nonce, which the
// caller marks as used in the store.
func (s *Signer) VerifyFormToken(l Link, token string) (nonce string, err error) {
	nonce, mac, ok := strings.Cut(token, ".")
	if !ok || nonce == "" || len(token) > 200 {
		return "", ErrInvalidFormToken
	}
	if !hmac.Equal([]byte(s.formMAC(l, nonce)), []byte(mac)) {
		return "", ErrInvalidFormToken
	}
	return nonce, nil
}
