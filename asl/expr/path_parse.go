package expr

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// rootKind names the value a path starts from.
type rootKind int

const (
	rootInput    rootKind = iota // "$"
	rootContext                  // "$$"
	rootVariable                 // "$name"
)

// segmentKind is one step of a compiled path.
type segmentKind int

const (
	segName      segmentKind = iota // .name or ['name']
	segIndex                        // [3] or [-1]
	segNames                        // ['a','b']: a union of names
	segIndexes                      // [0,2]: a union of indexes
	segWildcard                     // .* or [*]
	segSlice                        // [start:end:step]
	segFilter                       // [?(...)]
	segRecursive                    // ..: applies the next segment at every depth
	segLength                       // .length(): the size of an array, object or string
)

type segment struct {
	kind    segmentKind
	name    string
	index   int
	names   []string
	indexes []int
	slice   [3]*int
	filter  filterNode
}

// compiledPath is a parsed JSONPath expression, shared between goroutines and never changed
// after parsing.
type compiledPath struct {
	text     string
	root     rootKind
	variable string
	segments []segment
	definite bool // a definite path selects at most one value and is not wrapped in an array
}

var pathCache sync.Map // string -> pathCacheEntry

type pathCacheEntry struct {
	path *compiledPath
	err  error
}

// NOTE: the cache grows with every distinct expression and is never pruned. Expressions come
// from state machine definitions, so its size is bounded by the definitions loaded.
func compilePath(text string) (*compiledPath, error) {
	if entry, ok := pathCache.Load(text); ok {
		e := entry.(pathCacheEntry)
		return e.path, e.err
	}
	p, err := parsePath(text)
	pathCache.Store(text, pathCacheEntry{path: p, err: err})
	return p, err
}

func pathError(text, format string, args ...any) error {
	return fmt.Errorf("invalid JSONPath %q: %s", text, fmt.Sprintf(format, args...))
}

type pathParser struct {
	text string
	pos  int
}

func parsePath(text string) (*compiledPath, error) {
	if !strings.HasPrefix(text, "$") {
		return nil, pathError(text, "a path must start with \"$\"")
	}
	p := &pathParser{text: text, pos: 1}
	cp := &compiledPath{text: text, definite: true}

	switch {
	case strings.HasPrefix(text, "$$"):
		cp.root = rootContext
		p.pos = 2
	case len(text) > 1 && isIdentStart(text[1]):
		cp.root = rootVariable
		end := 1
		for end < len(text) && isIdentPart(text[end]) {
			end++
		}
		cp.variable = text[1:end]
		p.pos = end
	}

	segs, err := p.parseSegments(false)
	if err != nil {
		return nil, err
	}
	cp.segments = segs
	for _, s := range segs {
		switch s.kind {
		case segName, segIndex, segLength:
		default:
			cp.definite = false
		}
	}
	return cp, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

// parseSegments reads segments until the end of the text or, inside a filter, until a
// character that cannot continue a path.
func (p *pathParser) parseSegments(inFilter bool) ([]segment, error) {
	var segs []segment
	for p.pos < len(p.text) {
		c := p.text[p.pos]
		switch {
		case c == '.':
			seg, err := p.parseDot(inFilter)
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg...)
		case c == '[':
			seg, err := p.parseBracket()
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg)
		case inFilter:
			return segs, nil
		default:
			return nil, pathError(p.text, "unexpected character %q at offset %d", c, p.pos)
		}
		if n := len(segs); n > 0 && segs[n-1].kind == segLength && p.pos < len(p.text) && !inFilter {
			return nil, pathError(p.text, "length() must be the last segment")
		}
	}
	if n := len(segs); n > 0 && segs[n-1].kind == segRecursive {
		return nil, pathError(p.text, "recursive descent \"..\" must be followed by a name, \"*\" or a bracket")
	}
	return segs, nil
}

func (p *pathParser) parseDot(inFilter bool) ([]segment, error) {
	var segs []segment
	p.pos++ // '.'
	if p.pos < len(p.text) && p.text[p.pos] == '.' {
		p.pos++
		segs = append(segs, segment{kind: segRecursive})
		if p.pos < len(p.text) && p.text[p.pos] == '[' {
			return segs, nil
		}
	}
	if p.pos >= len(p.text) {
		return nil, pathError(p.text, "missing name after \".\"")
	}
	if p.text[p.pos] == '*' {
		p.pos++
		return append(segs, segment{kind: segWildcard}), nil
	}
	start := p.pos
	for p.pos < len(p.text) && !isNameStop(p.text[p.pos], inFilter) {
		p.pos++
	}
	name := p.text[start:p.pos]
	if name == "" {
		return nil, pathError(p.text, "missing name after \".\" at offset %d", start)
	}
	if strings.HasPrefix(p.text[p.pos:], "()") {
		if name != "length" {
			return nil, pathError(p.text, "unsupported function %s(): only length() is supported", name)
		}
		p.pos += 2
		return append(segs, segment{kind: segLength}), nil
	}
	return append(segs, segment{kind: segName, name: name}), nil
}

func isNameStop(c byte, inFilter bool) bool {
	switch c {
	case '.', '[', ']', '(':
		return true
	case ' ', ')', '=', '!', '<', '>', '&', '|', ',':
		return inFilter
	}
	return false
}

func (p *pathParser) parseBracket() (segment, error) {
	open := p.pos
	p.pos++ // '['
	p.skipSpace()
	if p.pos >= len(p.text) {
		return segment{}, pathError(p.text, "unclosed bracket at offset %d", open)
	}
	var seg segment
	var err error
	switch c := p.text[p.pos]; {
	case c == '*':
		p.pos++
		seg = segment{kind: segWildcard}
	case c == '?':
		seg, err = p.parseFilterSegment()
	case c == '\'' || c == '"':
		seg, err = p.parseNames()
	default:
		seg, err = p.parseIndexes()
	}
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	if p.pos >= len(p.text) || p.text[p.pos] != ']' {
		return segment{}, pathError(p.text, "unclosed bracket at offset %d", open)
	}
	p.pos++
	return seg, nil
}

func (p *pathParser) skipSpace() {
	for p.pos < len(p.text) && p.text[p.pos] == ' ' {
		p.pos++
	}
}

func (p *pathParser) parseNames() (segment, error) {
	var names []string
	for {
		p.skipSpace()
		name, err := p.parseQuoted()
		if err != nil {
			return segment{}, err
		}
		names = append(names, name)
		p.skipSpace()
		if p.pos < len(p.text) && p.text[p.pos] == ',' {
			p.pos++
			continue
		}
		break
	}
	if len(names) == 1 {
		return segment{kind: segName, name: names[0]}, nil
	}
	return segment{kind: segNames, names: names}, nil
}

// parseQuoted reads a string in single or double quotes. A backslash escapes the quote
// character and is kept as written before any other character, as Jayway does.
func (p *pathParser) parseQuoted() (string, error) {
	if p.pos >= len(p.text) || (p.text[p.pos] != '\'' && p.text[p.pos] != '"') {
		return "", pathError(p.text, "expected a quoted name at offset %d", p.pos)
	}
	quote := p.text[p.pos]
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.text) {
		c := p.text[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.text) && p.text[p.pos+1] == quote:
			b.WriteByte(quote)
			p.pos += 2
		case c == quote:
			p.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", pathError(p.text, "unterminated string starting at offset %d", start)
}

func (p *pathParser) parseIndexes() (segment, error) {
	start := p.pos
	end := strings.IndexByte(p.text[p.pos:], ']')
	if end < 0 {
		return segment{}, pathError(p.text, "unclosed bracket at offset %d", start-1)
	}
	body := p.text[p.pos : p.pos+end]
	p.pos += end
	if strings.Contains(body, ":") {
		return parseSlice(p.text, body)
	}
	var indexes []int
	for _, part := range strings.Split(body, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return segment{}, pathError(p.text, "invalid array index %q: use an integer, a slice, \"*\", a quoted name or a filter", strings.TrimSpace(part))
		}
		indexes = append(indexes, n)
	}
	if len(indexes) == 1 {
		return segment{kind: segIndex, index: indexes[0]}, nil
	}
	return segment{kind: segIndexes, indexes: indexes}, nil
}

func parseSlice(text, body string) (segment, error) {
	parts := strings.Split(body, ":")
	if len(parts) > 3 {
		return segment{}, pathError(text, "invalid slice %q: use [start:end] or [start:end:step]", body)
	}
	seg := segment{kind: segSlice}
	for i, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil {
			return segment{}, pathError(text, "invalid slice bound %q: use an integer", part)
		}
		seg.slice[i] = &n
	}
	if seg.slice[2] != nil && *seg.slice[2] == 0 {
		return segment{}, pathError(text, "invalid slice %q: the step must not be 0", body)
	}
	return seg, nil
}
