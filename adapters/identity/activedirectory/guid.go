package activedirectory

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// formatGUID returns an objectGUID in its string form, such as
// 1ec5e8a4-6f0c-4b3e-9d1a-2c4f0e7b8a91. Active Directory stores the first three fields
// little-endian, as Windows' GUID structure does.
func formatGUID(b []byte) (string, error) {
	if len(b) != 16 {
		return "", fmt.Errorf("invalid objectGUID: %d bytes, want 16", len(b))
	}
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x",
		binary.LittleEndian.Uint32(b[0:4]),
		binary.LittleEndian.Uint16(b[4:6]),
		binary.LittleEndian.Uint16(b[6:8]),
		b[8:10], b[10:16]), nil
}

// parseGUID is the inverse of formatGUID.
func parseGUID(s string) ([]byte, error) {
	invalid := fmt.Errorf("invalid objectGUID %q: write it like 1ec5e8a4-6f0c-4b3e-9d1a-2c4f0e7b8a91", s)
	parts := strings.Split(s, "-")
	if len(parts) != 5 || len(parts[0]) != 8 || len(parts[1]) != 4 || len(parts[2]) != 4 || len(parts[3]) != 4 || len(parts[4]) != 12 {
		return nil, invalid
	}
	raw, err := hex.DecodeString(strings.Join(parts, ""))
	if err != nil {
		return nil, invalid
	}
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b[0:4], binary.BigEndian.Uint32(raw[0:4]))
	binary.LittleEndian.PutUint16(b[4:6], binary.BigEndian.Uint16(raw[4:6]))
	binary.LittleEndian.PutUint16(b[6:8], binary.BigEndian.Uint16(raw[6:8]))
	copy(b[8:], raw[8:])
	return b, nil
}

// escapeBytes returns b as an LDAP filter value of \xx escapes, for binary attributes.
func escapeBytes(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, `\%02x`, c)
	}
	return sb.String()
}

// replaceRID returns a copy of the binary security identifier sid with its last
// sub-authority (the relative identifier) set to rid: the primary group's SID is the
// account's domain SID followed by primaryGroupID.
func replaceRID(sid []byte, rid uint32) ([]byte, error) {
	// A SID is a revision byte, a sub-authority count, a 6-byte identifier authority and
	// the count of 4-byte little-endian sub-authorities.
	if len(sid) < 8 || int(sid[1]) == 0 || len(sid) != 8+4*int(sid[1]) {
		return nil, fmt.Errorf("invalid objectSid of %d bytes", len(sid))
	}
	out := append([]byte(nil), sid...)
	binary.LittleEndian.PutUint32(out[len(out)-4:], rid)
	return out, nil
}
