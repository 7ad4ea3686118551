package expr

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// argKind is the kind of one argument of an intrinsic function call.
type argKind int

const (
	argLiteral argKind = iota // a string, number, boolean or null literal
	argPath                   // a JSONPath, context path or variable path
	argCall                   // a nested intrinsic call
)

type intrinsicArg struct {
	kind    argKind
	literal any
	raw     string // a string literal as written between the quotes, escapes kept
	path    *compiledPath
	call    *intrinsicCall
}

// intrinsicCall is a parsed call such as States.Format('{}', $.name); it is shared between
// goroutines and never changed after parsing.
type intrinsicCall struct {
	text string
	fn   *intrinsicFunc
	args []intrinsicArg
}

var intrinsicCache sync.Map // string -> intrinsicCacheEntry

type intrinsicCacheEntry struct {
	call *intrinsicCall
	err  error
}

func compileIntrinsic(text string) (*intrinsicCall, error) {
	if entry, ok := intrinsicCache.Load(text); ok {
		e := entry.(intrinsicCacheEntry)
		return e.call, e.err
	}
	call, err := parseIntrinsic(text)
	intrinsicCache.Store(text, intrinsicCacheEntry{call: call, err: err})
	return call, err
}

func intrinsicSyntaxError(text, format string, args ...any) error {
	return fmt.Errorf("invalid intrinsic function call %q: %s", text, fmt.Sprintf(format, args...))
}

type intrinsicParser struct {
	text  string
	pos   int
	depth int
}

// maxIntrinsicDepth bounds the nesting of calls so that hostile input cannot exhaust the
// stack.
const maxIntrinsicDepth = 64

func parseIntrinsic(text string) (*intrinsicCall, error) {
	p := &intrinsicParser{text: text}
	p.skipSpace()
	call, err := p.parseCall()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.text) {
		return nil, intrinsicSyntaxError(text, "unexpected text %q after the closing parenthesis", p.text[p.pos:])
	}
	return call, nil
}

func (p *intrinsicParser) skipSpace() {
	for p.pos < len(p.text) && (p.text[p.pos] == ' ' || p.text[p.pos] == '\t' || p.text[p.pos] == '\n' || p.text[p.pos] == '\r') {
		p.pos++
	}
}

func (p *intrinsicParser) parseCall() (*intrinsicCall, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxIntrinsicDepth {
		return nil, intrinsicSyntaxError(p.text, "calls are nested more than %d deep", maxIntrinsicDepth)
	}
	start := p.pos
	for p.pos < len(p.text) && (isIdentPart(p.text[p.pos]) || p.text[p.pos] == '.') {
		p.pos++
	}
	name := p.text[start:p.pos]
	fn, ok := intrinsicFuncs[name]
	if !ok {
		if !strings.HasPrefix(name, "States.") {
			return nil, intrinsicSyntaxError(p.text, "expected a function name such as States.Format at offset %d", start)
		}
		return nil, intrinsicSyntaxError(p.text, "unknown function %s", name)
	}
	if p.pos >= len(p.text) || p.text[p.pos] != '(' {
		return nil, intrinsicSyntaxError(p.text, "missing \"(\" after %s", name)
	}
	p.pos++

	args, err := p.parseArgs(name)
	if err != nil {
		return nil, err
	}
	if err := fn.checkArity(len(args)); err != nil {
		return nil, intrinsicSyntaxError(p.text, "%v", err)
	}
	return &intrinsicCall{text: p.text[start:p.pos], fn: fn, args: args}, nil
}

// parseArgs reads the arguments after the opening parenthesis, and the closing one.
func (p *intrinsicParser) parseArgs(name string) ([]intrinsicArg, error) {
	var args []intrinsicArg
	p.skipSpace()
	if p.pos < len(p.text) && p.text[p.pos] == ')' {
		p.pos++
		return args, nil
	}
	for {
		arg, err := p.parseArg()
		if err != nil {
			return nil, err
		}
		args = append(args, arg)

		p.skipSpace()
		if p.pos >= len(p.text) {
			return nil, intrinsicSyntaxError(p.text, "missing \")\" to close %s", name)
		}
		switch p.text[p.pos] {
		case ')':
			p.pos++
			return args, nil
		case ',':
			p.pos++
		default:
			return nil, intrinsicSyntaxError(p.text, "expected \",\" or \")\" at offset %d", p.pos)
		}
	}
}

func (p *intrinsicParser) parseArg() (intrinsicArg, error) {
	p.skipSpace()
	if p.pos >= len(p.text) {
		return intrinsicArg{}, intrinsicSyntaxError(p.text, "missing argument at the end")
	}
	c := p.text[p.pos]
	switch {
	case c == '\'':
		return p.parseString()
	case c == '$':
		return p.parsePathArg()
	case c == '-' || c >= '0' && c <= '9':
		return p.parseNumber()
	case strings.HasPrefix(p.text[p.pos:], "States."):
		call, err := p.parseCall()
		return intrinsicArg{kind: argCall, call: call}, err
	}
	for _, word := range []struct {
		text  string
		value any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(p.text[p.pos:], word.text) {
			p.pos += len(word.text)
			return intrinsicArg{kind: argLiteral, literal: word.value}, nil
		}
	}
	return intrinsicArg{}, intrinsicSyntaxError(p.text, "unexpected character %q at offset %d: an argument is a 'string', number, true, false, null, path or States call", c, p.pos)
}

// parseString reads a single-quoted literal. A backslash escapes ', {, } and \; before any
// other character it is kept as written.
func (p *intrinsicParser) parseString() (intrinsicArg, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.text) {
		c := p.text[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.text):
			next := p.text[p.pos+1]
			if strings.IndexByte(`'{}\`, next) < 0 {
				b.WriteByte(c)
			}
			b.WriteByte(next)
			p.pos += 2
		case c == '\'':
			p.pos++
			return intrinsicArg{kind: argLiteral, literal: b.String(), raw: p.text[start+1 : p.pos-1]}, nil
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return intrinsicArg{}, intrinsicSyntaxError(p.text, "unterminated string starting at offset %d", start)
}

// parsePathArg reads a path up to the "," or ")" that ends the argument, skipping those
// inside brackets and quotes.
func (p *intrinsicParser) parsePathArg() (intrinsicArg, error) {
	start := p.pos
	depth := 0
	var quote byte
	for ; p.pos < len(p.text); p.pos++ {
		c := p.text[p.pos]
		if quote != 0 {
			if c == '\\' {
				p.pos++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case '[':
			depth++
		case ']':
			depth--
		}
		if depth == 0 && (c == ',' || c == ')' || c == ' ') {
			break
		}
	}
	if p.pos > len(p.text) {
		p.pos = len(p.text)
	}
	text := p.text[start:p.pos]
	path, err := compilePath(text)
	if err != nil {
		return intrinsicArg{}, intrinsicSyntaxError(p.text, "%v", err)
	}
	return intrinsicArg{kind: argPath, path: path}, nil
}

func (p *intrinsicParser) parseNumber() (intrinsicArg, error) {
	start := p.pos
	p.pos++
	for p.pos < len(p.text) && strings.IndexByte("0123456789.eE+-", p.text[p.pos]) >= 0 {
		p.pos++
	}
	f, err := strconv.ParseFloat(p.text[start:p.pos], 64)
	if err != nil {
		return intrinsicArg{}, intrinsicSyntaxError(p.text, "invalid number %q", p.text[start:p.pos])
	}
	return intrinsicArg{kind: argLiteral, literal: f}, nil
}
