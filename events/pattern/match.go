package pattern

import (
	"encoding/json"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
)

// Match reports whether the JSON event matches the pattern; it returns an error only when the
// event is not valid JSON.
func (p *Pattern) Match(event []byte) (bool, error) {
	v, err := decode(event)
	if err != nil {
		return false, err
	}
	return p.MatchValue(v), nil
}

// MatchValue matches an event already decoded with json.Decoder.UseNumber: objects as
// map[string]any, arrays as []any, numbers as json.Number. Numbers decoded as float64 are
// accepted too.
func (p *Pattern) MatchValue(event any) bool {
	return p.root.match(event)
}

// match evaluates an object level. An array of objects matches when one element matches the
// whole level, which keeps fields of one pattern object within one array element.
func (n *node) match(v any) bool {
	if list, ok := v.([]any); ok {
		if len(list) == 0 {
			return n.matchObject(nil)
		}
		for _, item := range list {
			if n.match(item) {
				return true
			}
		}
		return false
	}
	obj, _ := v.(map[string]any)
	return n.matchObject(obj)
}

func (n *node) matchObject(obj map[string]any) bool {
	for _, f := range n.fields {
		value, present := obj[f.name]
		if f.child != nil {
			if !f.child.match(value) {
				return false
			}
			continue
		}
		if !matchLeaf(f.leaf, value, present) {
			return false
		}
	}
	for _, alts := range n.ors {
		if !anyMatch(alts, obj) {
			return false
		}
	}
	return true
}

func anyMatch(alts []*node, obj map[string]any) bool {
	for _, alt := range alts {
		if alt.matchObject(obj) {
			return true
		}
	}
	return false
}

// matchLeaf reports whether one of the matchers accepts the field. An array field is
// flattened to its scalar elements; an object has no scalar values, so only exists:false
// can match it.
func matchLeaf(leaf []matcher, value any, present bool) bool {
	var scalars []any
	if present {
		scalars = flatten(value, nil)
	}
	for _, m := range leaf {
		if e, ok := m.(exists); ok {
			if e.want == (len(scalars) > 0) {
				return true
			}
			continue
		}
		for _, s := range scalars {
			if m.match(s) {
				return true
			}
		}
	}
	return false
}

func flatten(v any, out []any) []any {
	switch x := v.(type) {
	case []any:
		for _, item := range x {
			out = flatten(item, out)
		}
	case map[string]any:
	case float64:
		out = append(out, json.Number(strconv.FormatFloat(x, 'g', -1, 64)))
	default:
		out = append(out, x)
	}
	return out
}

// matcher accepts or rejects one scalar value: a string, json.Number, bool or nil.
type matcher interface {
	match(v any) bool
}

type exact struct{ value any }

func (m exact) match(v any) bool {
	switch v.(type) {
	case string, bool, nil:
		return v == m.value
	}
	return false
}

type exactNumber struct{ value *big.Rat }

func (m exactNumber) match(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	r, ok := toRat(n)
	return ok && r.Cmp(m.value) == 0
}

type affix struct {
	value      string
	suffix     bool
	ignoreCase bool
}

func (m affix) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	if m.ignoreCase {
		s = strings.ToLower(s)
	}
	if m.suffix {
		return strings.HasSuffix(s, m.value)
	}
	return strings.HasPrefix(s, m.value)
}

type equalsIgnoreCase struct{ value string }

func (m equalsIgnoreCase) match(v any) bool {
	s, ok := v.(string)
	return ok && strings.ToLower(s) == m.value
}

// anythingBut accepts any present value that none of the inner matchers accepts.
type anythingBut struct{ inner []matcher }

func (m anythingBut) match(v any) bool {
	for _, in := range m.inner {
		if in.match(v) {
			return false
		}
	}
	return true
}

type numeric struct {
	lower, upper                   *big.Rat
	lowerInclusive, upperInclusive bool
}

func (m numeric) match(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	r, ok := toRat(n)
	if !ok {
		return false
	}
	if m.lower != nil {
		c := r.Cmp(m.lower)
		if c < 0 || (c == 0 && !m.lowerInclusive) {
			return false
		}
	}
	if m.upper != nil {
		c := r.Cmp(m.upper)
		if c > 0 || (c == 0 && !m.upperInclusive) {
			return false
		}
	}
	return true
}

// exists is evaluated by matchLeaf on the whole field, never per value.
type exists struct{ want bool }

func (exists) match(any) bool { return false }

type cidr struct{ prefix netip.Prefix }

func (m cidr) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	return m.prefix.Contains(addr.Unmap()) || m.prefix.Contains(addr)
}
