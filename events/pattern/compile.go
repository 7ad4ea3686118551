package pattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Error is an invalid pattern, with the path of the offending element.
type Error struct {
	// Path locates the element, such as detail.severity[0].numeric.
	Path    string
	Message string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "invalid event pattern: " + e.Message
	}
	return fmt.Sprintf("invalid event pattern at %s: %s", e.Path, e.Message)
}

// Pattern is a compiled event pattern. The zero value is not usable; call Compile.
type Pattern struct {
	source json.RawMessage
	root   *node
}

// node is an object level of a pattern: every field must match and, for each $or, one of its
// alternatives.
type node struct {
	fields []field
	ors    [][]*node
}

// field is one key of an object level: either a nested object or a leaf list of matchers.
type field struct {
	name  string
	child *node
	leaf  []matcher
}

// Compile parses and validates an event pattern written in JSON.
func Compile(data []byte) (*Pattern, error) {
	v, err := decode(data)
	if err != nil {
		return nil, &Error{Message: fmt.Sprintf("not valid JSON: %v", err)}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Message: "a pattern must be a JSON object such as {\"source\": [\"aws.guardduty\"]}"}
	}
	if len(obj) == 0 {
		return nil, &Error{Message: "empty pattern: name at least one field to match"}
	}
	root, err := compileNode(obj, "")
	if err != nil {
		return nil, err
	}
	return &Pattern{source: bytes.Clone(data), root: root}, nil
}

// MustCompile is Compile for patterns known to be valid; it panics on an invalid pattern.
func MustCompile(data string) *Pattern {
	p, err := Compile([]byte(data))
	if err != nil {
		panic(err)
	}
	return p
}

// MarshalJSON returns the pattern as it was written.
func (p *Pattern) MarshalJSON() ([]byte, error) { return p.source, nil }

// String returns the pattern as it was written.
func (p *Pattern) String() string { return string(p.source) }

// decode reads one JSON value with numbers kept as json.Number and rejects trailing data.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func compileNode(obj map[string]any, path string) (*node, error) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	n := &node{}
	for _, k := range keys {
		p := join(path, k)
		if k == "$or" {
			alts, err := compileOr(obj[k], p)
			if err != nil {
				return nil, err
			}
			n.ors = append(n.ors, alts)
			continue
		}
		switch v := obj[k].(type) {
		case map[string]any:
			if len(v) == 0 {
				return nil, &Error{Path: p, Message: "empty object matches nothing: name a field or remove it"}
			}
			child, err := compileNode(v, p)
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, field{name: k, child: child})
		case []any:
			leaf, err := compileLeaf(v, p)
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, field{name: k, leaf: leaf})
		default:
			return nil, &Error{Path: p, Message: fmt.Sprintf("got %s: write a list of values such as [%s] or a nested object", describe(v), quoteValue(v))}
		}
	}
	return n, nil
}

func compileOr(v any, path string) ([]*node, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, &Error{Path: path, Message: "$or takes a non-empty list of patterns"}
	}
	alts := make([]*node, 0, len(list))
	for i, item := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		obj, ok := item.(map[string]any)
		if !ok || len(obj) == 0 {
			return nil, &Error{Path: p, Message: "each $or alternative must be a non-empty object"}
		}
		n, err := compileNode(obj, path)
		if err != nil {
			return nil, err
		}
		alts = append(alts, n)
	}
	return alts, nil
}

func compileLeaf(list []any, path string) ([]matcher, error) {
	if len(list) == 0 {
		return nil, &Error{Path: path, Message: "empty list matches nothing: add a value or remove the field"}
	}
	out := make([]matcher, 0, len(list))
	for i, item := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, err := compileMatcher(item, p)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// operators lists the operators a leaf object may use, for error messages.
const operators = "prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr"

func compileMatcher(item any, path string) (matcher, error) {
	switch v := item.(type) {
	case nil, bool, string:
		return exact{value: v}, nil
	case json.Number:
		r, err := parseNumber(v, path)
		if err != nil {
			return nil, err
		}
		return exactNumber{value: r}, nil
	case []any:
		return nil, &Error{Path: path, Message: "nested lists are not allowed: put the values in one list"}
	}
	obj := item.(map[string]any)
	if len(obj) != 1 {
		return nil, &Error{Path: path, Message: fmt.Sprintf("a matcher object takes exactly one operator (%s)", operators)}
	}
	for op, arg := range obj {
		p := path + "." + op
		switch op {
		case "prefix", "suffix":
			return compileAffix(op, arg, p)
		case "equals-ignore-case":
			s, ok := arg.(string)
			if !ok {
				return nil, &Error{Path: p, Message: "equals-ignore-case takes a string"}
			}
			return equalsIgnoreCase{value: strings.ToLower(s)}, nil
		case "wildcard":
			s, ok := arg.(string)
			if !ok {
				return nil, &Error{Path: p, Message: "wildcard takes a string such as \"*.png\""}
			}
			return compileWildcard(s, p)
		case "anything-but":
			return compileAnythingBut(arg, p)
		case "numeric":
			return compileNumeric(arg, p)
		case "exists":
			b, ok := arg.(bool)
			if !ok {
				return nil, &Error{Path: p, Message: "exists takes true or false"}
			}
			return exists{want: b}, nil
		case "cidr":
			return compileCIDR(arg, p)
		default:
			return nil, &Error{Path: p, Message: fmt.Sprintf("unknown operator %q: use one of %s", op, operators)}
		}
	}
	panic("unreachable")
}

// compileAffix compiles prefix or suffix, written as a string or {"equals-ignore-case": s}.
func compileAffix(op string, arg any, path string) (matcher, error) {
	suffix := op == "suffix"
	switch v := arg.(type) {
	case string:
		return affix{value: v, suffix: suffix}, nil
	case map[string]any:
		s, ok := v["equals-ignore-case"].(string)
		if len(v) == 1 && ok {
			return affix{value: strings.ToLower(s), suffix: suffix, ignoreCase: true}, nil
		}
	}
	return nil, &Error{Path: path, Message: fmt.Sprintf("%s takes a string or {\"equals-ignore-case\": string}", op)}
}

func compileAnythingBut(arg any, path string) (matcher, error) {
	switch v := arg.(type) {
	case string, json.Number:
		m, err := compileMatcher(v, path)
		if err != nil {
			return nil, err
		}
		return anythingBut{inner: []matcher{m}}, nil
	case []any:
		return compileAnythingButList(v, path)
	case map[string]any:
		return compileAnythingButObject(v, path)
	}
	return nil, &Error{Path: path, Message: "anything-but takes a string, a number, a list of strings or numbers, or an object with prefix, suffix, equals-ignore-case or wildcard"}
}

func compileAnythingButList(list []any, path string) (matcher, error) {
	if len(list) == 0 {
		return nil, &Error{Path: path, Message: "anything-but list is empty: add values or use {\"exists\": true}"}
	}
	var strs, nums int
	inner := make([]matcher, 0, len(list))
	for i, item := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch item.(type) {
		case string:
			strs++
		case json.Number:
			nums++
		default:
			return nil, &Error{Path: p, Message: fmt.Sprintf("anything-but lists hold only strings or only numbers (got %s)", describe(item))}
		}
		m, err := compileMatcher(item, p)
		if err != nil {
			return nil, err
		}
		inner = append(inner, m)
	}
	if strs > 0 && nums > 0 {
		return nil, &Error{Path: path, Message: "anything-but lists hold only strings or only numbers, not both"}
	}
	return anythingBut{inner: inner}, nil
}

func compileAnythingButObject(obj map[string]any, path string) (matcher, error) {
	if len(obj) != 1 {
		return nil, &Error{Path: path, Message: "anything-but object takes exactly one of prefix, suffix, equals-ignore-case, wildcard"}
	}
	for op, arg := range obj {
		p := path + "." + op
		if op != "prefix" && op != "suffix" && op != "equals-ignore-case" && op != "wildcard" {
			return nil, &Error{Path: p, Message: fmt.Sprintf("unknown anything-but operator %q: use prefix, suffix, equals-ignore-case or wildcard", op)}
		}
		values, err := stringList(arg, p, op)
		if err != nil {
			return nil, err
		}
		inner := make([]matcher, 0, len(values))
		for _, s := range values {
			m, err := compileMatcher(map[string]any{op: s}, path)
			if err != nil {
				return nil, err
			}
			inner = append(inner, m)
		}
		return anythingBut{inner: inner}, nil
	}
	panic("unreachable")
}

// stringList reads a string or a non-empty list of strings.
func stringList(arg any, path, op string) ([]string, error) {
	switch v := arg.(type) {
	case string:
		return []string{v}, nil
	case []any:
		if len(v) == 0 {
			return nil, &Error{Path: path, Message: op + " list is empty"}
		}
		out := make([]string, 0, len(v))
		for i, item := range v {
			s, ok := item.(string)
			if !ok {
				return nil, &Error{Path: fmt.Sprintf("%s[%d]", path, i), Message: op + " takes strings only"}
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, &Error{Path: path, Message: op + " takes a string or a list of strings"}
}

func compileNumeric(arg any, path string) (matcher, error) {
	list, ok := arg.([]any)
	if !ok || (len(list) != 2 && len(list) != 4) {
		return nil, &Error{Path: path, Message: "numeric takes one or two comparisons such as [\">\", 0, \"<=\", 5] or [\"=\", 8]"}
	}
	var m numeric
	for i := 0; i < len(list); i += 2 {
		op, ok := list[i].(string)
		if !ok {
			return nil, &Error{Path: fmt.Sprintf("%s[%d]", path, i), Message: "expected an operator: <, <=, =, >= or >"}
		}
		num, ok := list[i+1].(json.Number)
		if !ok {
			return nil, &Error{Path: fmt.Sprintf("%s[%d]", path, i+1), Message: fmt.Sprintf("expected a number after %q", op)}
		}
		r, err := parseNumber(num, fmt.Sprintf("%s[%d]", path, i+1))
		if err != nil {
			return nil, err
		}
		if err := m.add(op, r, fmt.Sprintf("%s[%d]", path, i), len(list) == 4); err != nil {
			return nil, err
		}
	}
	if m.lower != nil && m.upper != nil {
		c := m.lower.Cmp(m.upper)
		if c > 0 || (c == 0 && (!m.lowerInclusive || !m.upperInclusive)) {
			return nil, &Error{Path: path, Message: "empty range: the lower bound is above the upper bound"}
		}
	}
	return m, nil
}

func (m *numeric) add(op string, r *big.Rat, path string, pair bool) error {
	switch op {
	case "=":
		if pair {
			return &Error{Path: path, Message: "\"=\" cannot be combined with another comparison"}
		}
		m.lower, m.upper, m.lowerInclusive, m.upperInclusive = r, r, true, true
	case ">", ">=":
		if m.lower != nil {
			return &Error{Path: path, Message: "two lower bounds: combine one of > or >= with one of < or <="}
		}
		m.lower, m.lowerInclusive = r, op == ">="
	case "<", "<=":
		if m.upper != nil {
			return &Error{Path: path, Message: "two upper bounds: combine one of > or >= with one of < or <="}
		}
		m.upper, m.upperInclusive = r, op == "<="
	default:
		return &Error{Path: path, Message: fmt.Sprintf("unknown comparison %q: use <, <=, =, >= or >", op)}
	}
	return nil
}

func compileCIDR(arg any, path string) (matcher, error) {
	s, ok := arg.(string)
	if !ok {
		return nil, &Error{Path: path, Message: "cidr takes a string such as \"10.0.0.0/24\" or \"2001:db8::/32\""}
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, &Error{Path: path, Message: fmt.Sprintf("invalid CIDR block %q: write an address and a prefix length such as 10.0.0.0/24", s)}
	}
	return cidr{prefix: p.Masked()}, nil
}

func parseNumber(n json.Number, path string) (*big.Rat, error) {
	r, ok := toRat(n)
	if !ok {
		return nil, &Error{Path: path, Message: fmt.Sprintf("invalid number %s: use a finite decimal number", n)}
	}
	return r, nil
}

// toRat converts a JSON number to an exact rational. Numbers outside the float64 range are
// rejected first, because big.Rat would otherwise expand an exponent such as 1e999999999.
func toRat(n json.Number) (*big.Rat, bool) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, false
	}
	return new(big.Rat).SetString(string(n))
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	default:
		return "an object"
	}
}

func quoteValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "\"value\""
	}
	return string(b)
}
