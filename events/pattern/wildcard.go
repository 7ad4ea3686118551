package pattern

import (
	"fmt"
	"strings"
)

// wildcard matches a string against literal segments separated by "*", each "*" standing for
// any run of characters, the empty run included.
type wildcard struct {
	segments []string
}

// compileWildcard splits a wildcard pattern. A backslash escapes "*" or "\"; as in EventBridge,
// two consecutive "*" and any other escape are invalid.
func compileWildcard(s, path string) (matcher, error) {
	var segments []string
	var cur strings.Builder
	prevStar := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '*' && s[i+1] != '\\') {
				return nil, &Error{Path: path, Message: fmt.Sprintf("invalid escape in wildcard %q: only \\* and \\\\ are allowed", s)}
			}
			i++
			cur.WriteByte(s[i])
			prevStar = false
		case '*':
			if prevStar {
				return nil, &Error{Path: path, Message: fmt.Sprintf("consecutive * in wildcard %q: one * already matches any run of characters", s)}
			}
			segments = append(segments, cur.String())
			cur.Reset()
			prevStar = true
		default:
			cur.WriteByte(c)
			prevStar = false
		}
	}
	segments = append(segments, cur.String())
	return wildcard{segments: segments}, nil
}

func (m wildcard) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	if len(m.segments) == 1 {
		return s == m.segments[0]
	}
	first, last := m.segments[0], m.segments[len(m.segments)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	// Greedy left-to-right search is correct for "*"-only globs: taking the earliest
	// occurrence of each middle segment never prevents a later segment from matching.
	rest := s[len(first) : len(s)-len(last)]
	for _, seg := range m.segments[1 : len(m.segments)-1] {
		i := strings.Index(rest, seg)
		if i < 0 {
			return false
		}
		rest = rest[i+len(seg):]
	}
	return true
}
