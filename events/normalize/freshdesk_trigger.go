package normalize

import (
	"fmt"
	"strings"
)

// ParseTriggeredEvent parses Freshdesk's triggered_event placeholder, written like JSON without
// quotes: {ticket_action:created} or {status:{from:4,to:6}}. Nested objects become
// map[string]any, values strings. An empty input returns an empty map.
func ParseTriggeredEvent(s string) (map[string]any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return map[string]any{}, nil
	}
	p := &triggerParser{s: s}
	v, err := p.object(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected %q after the closing brace", p.s[p.i:])
	}
	return v, nil
}

type triggerParser struct {
	s string
	i int
}

// maxTriggerDepth bounds nesting, so a hostile body cannot exhaust the stack.
const maxTriggerDepth = 8

func (p *triggerParser) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid triggered_event %q at offset %d: %s", truncate(p.s, 60), p.i, fmt.Sprintf(format, args...))
}

func (p *triggerParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *triggerParser) object(depth int) (map[string]any, error) {
	if depth > maxTriggerDepth {
		return nil, p.errorf("nested more than %d levels", maxTriggerDepth)
	}
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return nil, p.errorf("expected {")
	}
	p.i++
	out := map[string]any{}
	for {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return out, nil
		}
		key := p.token()
		if key == "" {
			return nil, p.errorf("expected a name")
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("expected : after %q", key)
		}
		p.i++
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '{' {
			v, err := p.object(depth + 1)
			if err != nil {
				return nil, err
			}
			out[key] = v
		} else {
			out[key] = p.token()
		}
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return out, nil
		}
		return nil, p.errorf("expected , or }")
	}
}

// token reads a name or value up to the next structural character; quotes around it are
// removed.
func (p *triggerParser) token() string {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune("{}:,", rune(p.s[p.i])) {
		p.i++
	}
	return strings.Trim(strings.TrimSpace(p.s[start:p.i]), `"'`)
}
