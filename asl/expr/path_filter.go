package expr

import (
	"regexp"
	"strconv"
	"strings"
)

// filterNode is a node of a parsed filter expression such as ?(@.price < 10 && @.tag).
type filterNode interface {
	test(item, root any) bool
}

type filterOr struct{ left, right filterNode }
type filterAnd struct{ left, right filterNode }
type filterNot struct{ operand filterNode }

// filterExists is a bare operand: true when the path selects something, or the literal is
// truthy.
type filterExists struct{ operand filterOperand }

type filterCompare struct {
	op          string
	left, right filterOperand
	pattern     *regexp.Regexp // for =~
}

// filterOperand is a relative path (@...), an absolute path ($...) or a literal.
type filterOperand struct {
	relative bool
	path     *compiledPath
	literal  any
}

func (n filterOr) test(item, root any) bool {
	return n.left.test(item, root) || n.right.test(item, root)
}
func (n filterAnd) test(item, root any) bool {
	return n.left.test(item, root) && n.right.test(item, root)
}
func (n filterNot) test(item, root any) bool { return !n.operand.test(item, root) }

func (n filterExists) test(item, root any) bool {
	v, ok := n.operand.value(item, root)
	if n.operand.path == nil {
		return ok && v != nil && v != false
	}
	return ok
}

func (n filterCompare) test(item, root any) bool {
	left, ok := n.left.value(item, root)
	if !ok {
		return false
	}
	if n.op == "=~" {
		s, isString := left.(string)
		return isString && n.pattern.MatchString(s)
	}
	right, ok := n.right.value(item, root)
	if !ok {
		return false
	}
	switch n.op {
	case "==":
		return jsonEqual(left, right)
	case "!=":
		return !jsonEqual(left, right)
	}
	cmp, comparable := compareOrdered(left, right)
	if !comparable {
		return false
	}
	switch n.op {
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	default: // ">="
		return cmp >= 0
	}
}

// compareOrdered compares two numbers or two strings; other pairs are not comparable.
func compareOrdered(a, b any) (int, bool) {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(x, y), true
	}
	return 0, false
}

func (o filterOperand) value(item, root any) (any, bool) {
	if o.path == nil {
		return o.literal, true
	}
	start := root
	if o.relative {
		start = item
	}
	if o.path.definite {
		v, err := o.path.walkDefinite(start)
		return v, err == nil
	}
	all, err := o.path.walkAll(start)
	return all, err == nil
}

type filterParser struct {
	*pathParser
}

func (p *pathParser) parseFilterSegment() (segment, error) {
	p.pos++ // '?'
	p.skipSpace()
	if p.pos >= len(p.text) || p.text[p.pos] != '(' {
		return segment{}, pathError(p.text, "a filter must be written as [?(expression)]")
	}
	p.pos++
	fp := filterParser{p}
	node, err := fp.parseOr()
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	if p.pos >= len(p.text) || p.text[p.pos] != ')' {
		return segment{}, pathError(p.text, "unclosed filter parenthesis at offset %d", p.pos)
	}
	p.pos++
	return segment{kind: segFilter, filter: node}, nil
}

func (p filterParser) parseOr() (filterNode, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.text[p.pos:], "||") {
			return left, nil
		}
		p.pos += 2
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = filterOr{left, right}
	}
}

func (p filterParser) parseAnd() (filterNode, error) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.text[p.pos:], "&&") {
			return left, nil
		}
		p.pos += 2
		right, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		left = filterAnd{left, right}
	}
}

func (p filterParser) parseUnary() (filterNode, error) {
	p.skipSpace()
	if p.pos >= len(p.text) {
		return nil, pathError(p.text, "unexpected end of filter expression")
	}
	switch p.text[p.pos] {
	case '!':
		p.pos++
		operand, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return filterNot{operand}, nil
	case '(':
		p.pos++
		node, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.text) || p.text[p.pos] != ')' {
			return nil, pathError(p.text, "unclosed parenthesis in filter at offset %d", p.pos)
		}
		p.pos++
		return node, nil
	}
	return p.parseComparison()
}

var filterOperators = []string{"==", "!=", "<=", ">=", "=~", "<", ">"}

func (p filterParser) parseComparison() (filterNode, error) {
	left, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	op := ""
	for _, candidate := range filterOperators {
		if strings.HasPrefix(p.text[p.pos:], candidate) {
			op = candidate
			break
		}
	}
	if op == "" {
		return filterExists{left}, nil
	}
	p.pos += len(op)
	p.skipSpace()
	if op == "=~" {
		pattern, err := p.parseRegex()
		if err != nil {
			return nil, err
		}
		return filterCompare{op: op, left: left, pattern: pattern}, nil
	}
	right, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	return filterCompare{op: op, left: left, right: right}, nil
}

func (p filterParser) parseOperand() (filterOperand, error) {
	p.skipSpace()
	if p.pos >= len(p.text) {
		return filterOperand{}, pathError(p.text, "unexpected end of filter expression")
	}
	c := p.text[p.pos]
	switch {
	case c == '@' || c == '$':
		p.pos++
		segs, err := p.parseSegments(true)
		if err != nil {
			return filterOperand{}, err
		}
		cp := &compiledPath{text: p.text, segments: segs, definite: true}
		for _, s := range segs {
			if s.kind != segName && s.kind != segIndex && s.kind != segLength {
				cp.definite = false
			}
		}
		return filterOperand{relative: c == '@', path: cp}, nil
	case c == '\'' || c == '"':
		s, err := p.parseQuoted()
		return filterOperand{literal: s}, err
	case c == '-' || c >= '0' && c <= '9':
		start := p.pos
		p.pos++
		for p.pos < len(p.text) && strings.IndexByte("0123456789.eE+-", p.text[p.pos]) >= 0 {
			p.pos++
		}
		f, err := strconv.ParseFloat(p.text[start:p.pos], 64)
		if err != nil {
			return filterOperand{}, pathError(p.text, "invalid number %q in filter", p.text[start:p.pos])
		}
		return filterOperand{literal: f}, nil
	}
	for _, word := range []struct {
		text  string
		value any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(p.text[p.pos:], word.text) {
			p.pos += len(word.text)
			return filterOperand{literal: word.value}, nil
		}
	}
	return filterOperand{}, pathError(p.text, "unexpected character %q in filter at offset %d", c, p.pos)
}

// parseRegex reads /pattern/ with an optional i flag.
func (p filterParser) parseRegex() (*regexp.Regexp, error) {
	if p.pos >= len(p.text) || p.text[p.pos] != '/' {
		return nil, pathError(p.text, "=~ must be followed by a /regular expression/")
	}
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.text) && p.text[p.pos] != '/' {
		if p.text[p.pos] == '\\' && p.pos+1 < len(p.text) && p.text[p.pos+1] == '/' {
			p.pos++
		}
		b.WriteByte(p.text[p.pos])
		p.pos++
	}
	if p.pos >= len(p.text) {
		return nil, pathError(p.text, "unterminated regular expression at offset %d", start)
	}
	p.pos++
	pattern := b.String()
	if p.pos < len(p.text) && p.text[p.pos] == 'i' {
		p.pos++
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, pathError(p.text, "invalid regular expression %q: %v", b.String(), err)
	}
	return re, nil
}
