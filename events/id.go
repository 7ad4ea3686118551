package events

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MaxExecutionName is the length limit of a Step Functions execution name.
const MaxExecutionName = 80

// ExecutionName derives a Step Functions execution name from a canonical event id. The name
// keeps the id's letters, digits, "-" and "_" and turns every other character into "-". When
// the result exceeds 80 characters, it is cut and ends with a hash of the whole id, so two ids
// never share a name by truncation. The same id always gives the same name.
func ExecutionName(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	name := b.String()
	if name == "" {
		name = "event"
	}
	if len(name) <= MaxExecutionName && name == id {
		return name
	}
	// A rewritten or long name gets a hash suffix, so ids that differ only in replaced
	// characters ("a:b" and "a/b") still get different names.
	sum := sha256.Sum256([]byte(id))
	suffix := hex.EncodeToString(sum[:8])
	keep := MaxExecutionName - len(suffix) - 1
	if len(name) > keep {
		name = name[:keep]
	}
	return name + "-" + suffix
}

// ShortHash returns 16 hex digits of the SHA-256 of s, for ids built from long or unbounded
// source values.
func ShortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func normalizeLabel(label string) string {
	return strings.ToLower(strings.TrimSpace(label))
}
