package intel

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"time"
)

// Kind is the type of an indicator.
type Kind string

// Indicator kinds.
const (
	KindIP      Kind = "ip"
	KindDomain  Kind = "domain"
	KindHash    Kind = "hash"
	KindUnknown Kind = "unknown"
)

// Verdict is a service's judgement of an indicator, derived from its score or its engine counts.
type Verdict string

// Verdicts, from worst to best. VerdictUnknown means the service has no data on the indicator.
const (
	VerdictMalicious  Verdict = "malicious"
	VerdictSuspicious Verdict = "suspicious"
	VerdictHarmless   Verdict = "harmless"
	VerdictUnknown    Verdict = "unknown"
)

// Result is one service's verdict on one indicator. Exactly one of three cases holds: a
// scored result (Skipped and Unavailable false), Skipped (no request was sent, Reason gives
// why) or Unavailable (the service returned no score, Reason gives why). A scored result may
// carry a Reason too, such as "no report" next to the verdict unknown.
type Result struct {
	Indicator string    `json:"indicator"`
	Kind      Kind      `json:"kind"`
	Source    string    `json:"source"`
	Score     int       `json:"score"` // 0 (clean) to 100 (certainly malicious)
	Verdict   Verdict   `json:"verdict,omitempty"`
	Link      string    `json:"link,omitempty"` // the service's web page for the indicator
	FetchedAt time.Time `json:"fetchedAt,omitzero"`

	Skipped     bool   `json:"skipped,omitempty"`
	Unavailable bool   `json:"unavailable,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Cached      bool   `json:"cached,omitempty"`

	// Details holds the service's own fields that an analyst reads next to the score, such as
	// totalReports and isp for AbuseIPDB or the engine counts for VirusTotal.
	Details map[string]any `json:"details,omitempty"`
}

// Skip returns a skipped result with the reason.
func Skip(source, indicator string, kind Kind, reason string) Result {
	return Result{Indicator: indicator, Kind: kind, Source: source, Skipped: true, Reason: reason}
}

// Unavailable returns a result that marks the service as unavailable, with the reason.
func Unavailable(source, indicator string, kind Kind, at time.Time, reason string) Result {
	return Result{Indicator: indicator, Kind: kind, Source: source, FetchedAt: at, Unavailable: true, Reason: reason}
}

// Classify returns the kind of the indicator and its canonical form: an IP address as
// netip formats it, a domain in lower case without a trailing dot, a hash in lower-case hex.
func Classify(indicator string) (Kind, string) {
	s := strings.TrimSpace(indicator)
	if addr, err := netip.ParseAddr(s); err == nil {
		return KindIP, addr.Unmap().String()
	}
	if isHash(s) {
		return KindHash, strings.ToLower(s)
	}
	if d := strings.ToLower(strings.TrimSuffix(s, ".")); isDomain(d) {
		return KindDomain, d
	}
	return KindUnknown, s
}

// isHash reports whether s is an MD5, SHA-1 or SHA-256 digest in hex.
func isHash(s string) bool {
	switch len(s) {
	case 32, 40, 64:
		_, err := hex.DecodeString(s)
		return err == nil
	}
	return false
}

// isDomain checks the shape of a host name: at least two labels of letters, digits and
// hyphens, no label longer than 63 bytes and a top-level label that is not all digits.
func isDomain(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.Trim(tld, "0123456789") != ""
}
