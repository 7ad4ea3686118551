package conformance

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// timePlaceholders are the literal strings the recordings put where a time was, and the
// names the recording tests gave to other values that vary: the role ARN, random numbers,
// UUIDs and generated function names.
var timePlaceholders = map[string]bool{
	"date": true, "timestamp": true, "datetime": true, "start-time": true, "entered-time": true,
	"start-date": true, "stop-date": true,
	"snf_role_arn": true, "RandomNumberGenerated": true, "generated-uuid": true,
	"lambda_function_name": true,
}

var placeholderPart = regexp.MustCompile(`<[^<>]+>`)

// Match reports whether got matches want, a recorded value that may contain placeholders,
// and where the first difference is. These placeholders match:
//   - a string "<...>": any value;
//   - a string with "<...>" parts, such as an ARN with <region>: any string that fills them,
//     with account 111111111111 standing for any 12-digit account;
//   - the time placeholders ("date", "timestamp", ...) and the substituted names in
//     timePlaceholders: any value;
//   - a string equal to its own object key, such as "RequestId": "RequestId": any value,
//     because the recordings replaced request ids that way.
func Match(want, got any) (bool, string) {
	return match(want, got, "$", "")
}

func match(want, got any, at, key string) (bool, string) {
	if s, ok := want.(string); ok {
		if wildcard(s, key) {
			return true, ""
		}
		g, isStr := got.(string)
		if isStr && (strings.Contains(s, "<") || strings.Contains(s, "111111111111")) && patternOf(s).MatchString(g) {
			return true, ""
		}
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false, fmt.Sprintf("%s: want an object, got %s", at, short(got))
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return false, fmt.Sprintf("%s: unexpected field %q", at, k)
			}
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				return false, fmt.Sprintf("%s: missing field %q", at, k)
			}
			if ok, diff := match(w[k], gv, at+"."+k, k); !ok {
				return false, diff
			}
		}
		return true, ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false, fmt.Sprintf("%s: want %s, got %s", at, short(want), short(got))
		}
		for i := range w {
			if ok, diff := match(w[i], g[i], fmt.Sprintf("%s[%d]", at, i), ""); !ok {
				return false, diff
			}
		}
		return true, ""
	}
	if want == got {
		return true, ""
	}
	return false, fmt.Sprintf("%s: want %s, got %s", at, short(want), short(got))
}

func wildcard(s, key string) bool {
	if timePlaceholders[s] {
		return true
	}
	if key != "" && s == key {
		return true
	}
	return strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") && !strings.Contains(s[1:], "<")
}

// patternOf turns a recorded string with placeholder parts into a regular expression.
func patternOf(s string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range placeholderPart.FindAllStringIndex(s, -1) {
		b.WriteString(accountPattern(regexp.QuoteMeta(s[last:loc[0]])))
		b.WriteString(".+")
		last = loc[1]
	}
	b.WriteString(accountPattern(regexp.QuoteMeta(s[last:])))
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile("^" + regexp.QuoteMeta(s) + "$")
	}
	return re
}

func accountPattern(quoted string) string {
	return strings.ReplaceAll(quoted, "111111111111", `\d{12}`)
}

func short(v any) string {
	s := fmt.Sprintf("%#v", v)
	if b, err := jsonMarshal(v); err == nil {
		s = b
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
