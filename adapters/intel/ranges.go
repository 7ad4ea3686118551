package intel

import "net/netip"

// specialRange is an address block that is not routed on the public internet, so no
// threat-intelligence service has data on it and sending it would leak internal addressing.
type specialRange struct {
	prefix netip.Prefix
	name   string
}

// specialRanges lists the IANA special-purpose blocks (RFC 6890 and its updates) that a
// public service cannot score.
var specialRanges = func() []specialRange {
	blocks := []struct{ cidr, name string }{
		{"0.0.0.0/8", "\"this network\" (RFC 1122)"},
		{"10.0.0.0/8", "private (RFC 1918)"},
		{"100.64.0.0/10", "carrier-grade NAT (RFC 6598)"},
		{"127.0.0.0/8", "loopback (RFC 1122)"},
		{"169.254.0.0/16", "link-local (RFC 3927)"},
		{"172.16.0.0/12", "private (RFC 1918)"},
		{"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
		{"192.0.2.0/24", "documentation (RFC 5737)"},
		{"192.88.99.0/24", "6to4 relay anycast (RFC 7526)"},
		{"192.168.0.0/16", "private (RFC 1918)"},
		{"198.18.0.0/15", "benchmarking (RFC 2544)"},
		{"198.51.100.0/24", "documentation (RFC 5737)"},
		{"203.0.113.0/24", "documentation (RFC 5737)"},
		{"224.0.0.0/4", "multicast (RFC 5771)"},
		{"240.0.0.0/4", "reserved (RFC 1112)"},
		{"::/128", "unspecified (RFC 4291)"},
		{"::1/128", "loopback (RFC 4291)"},
		{"64:ff9b:1::/48", "local-use NAT64 (RFC 8215)"},
		{"100::/64", "discard-only (RFC 6666)"},
		{"2001:db8::/32", "documentation (RFC 3849)"},
		{"3fff::/20", "documentation (RFC 9637)"},
		{"fc00::/7", "unique local (RFC 4193)"},
		{"fe80::/10", "link-local (RFC 4291)"},
		{"ff00::/8", "multicast (RFC 4291)"},
	}
	out := make([]specialRange, len(blocks))
	for i, b := range blocks {
		out[i] = specialRange{prefix: netip.MustParsePrefix(b.cidr), name: b.name}
	}
	return out
}()

// SkipReason returns why addr must not be sent to a threat-intelligence service, or "" when
// it is a public address. An IPv4-mapped IPv6 address is checked as the IPv4 address, and an
// IPv6 zone is ignored.
func SkipReason(addr netip.Addr) string {
	addr = addr.Unmap().WithZone("")
	for _, r := range specialRanges {
		if r.prefix.Contains(addr) {
			return "address " + addr.String() + " is in the " + r.name + " range " + r.prefix.String() + ", which no public service scores"
		}
	}
	return ""
}

// mustParseAddr parses an address that Classify already accepted.
func mustParseAddr(s string) netip.Addr {
	addr, _ := netip.ParseAddr(s)
	return addr
}
