package expr

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// walkDefinite follows a definite path from start. The error text is the detail Jayway
// JsonPath, which AWS uses, gives for a path that does not resolve.
func (cp *compiledPath) walkDefinite(start any) (any, error) {
	cur := start
	last := len(cp.segments) - 1
	for i, seg := range cp.segments {
		switch seg.kind {
		case segName:
			obj, ok := cur.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("Expected to find an object with property ['%s'] in path %s but found '%s'", seg.name, normalizedPath(cp.segments[:i]), typeName(cur))
			}
			v, found := obj[seg.name]
			if !found {
				if i == last {
					return nil, fmt.Errorf("No results for path: %s", normalizedPath(cp.segments))
				}
				return nil, fmt.Errorf("Missing property in path %s", normalizedPath(cp.segments[:i+1]))
			}
			cur = v
		case segIndex:
			arr, ok := cur.([]any)
			if !ok {
				return nil, fmt.Errorf("Expected to find an array with index [%d] in path %s but found '%s'", seg.index, normalizedPath(cp.segments[:i]), typeName(cur))
			}
			idx := seg.index
			if idx < 0 {
				idx += len(arr)
			}
			if idx < 0 || idx >= len(arr) {
				return nil, fmt.Errorf("Index out of bounds when evaluating path %s", normalizedPath(cp.segments[:i+1]))
			}
			cur = arr[idx]
		case segLength:
			n, ok := lengthOf(cur)
			if !ok {
				return nil, fmt.Errorf("Invalid function length() on %s: expected an array, object or string but found '%s'", normalizedPath(cp.segments[:i]), typeName(cur))
			}
			cur = float64(n)
		}
	}
	return cur, nil
}

func lengthOf(v any) (int, bool) {
	switch x := v.(type) {
	case []any:
		return len(x), true
	case map[string]any:
		return len(x), true
	case string:
		return utf8.RuneCountInString(x), true
	}
	return 0, false
}

// maxPathMatches bounds the values an indefinite path may select at any step. Repeated
// recursive descent ($..*..*..*) multiplies the matches with every step, and without a bound
// a short path could exhaust memory.
const maxPathMatches = 100000

// errTooManyMatches is returned by walkAll when a step selects more than maxPathMatches.
var errTooManyMatches = fmt.Errorf("the path selects more than %d values", maxPathMatches)

// walkAll follows an indefinite path from start and returns every selected value, skipping
// branches that do not resolve.
func (cp *compiledPath) walkAll(start any) ([]any, error) {
	cur := []any{start}
	for i := 0; i < len(cp.segments); i++ {
		seg := cp.segments[i]
		if seg.kind == segRecursive {
			i++
			all, err := descendants(cur)
			if err != nil {
				return nil, err
			}
			cur = applySegment(cp.segments[i], all, start)
		} else {
			cur = applySegment(seg, cur, start)
		}
		if len(cur) > maxPathMatches {
			return nil, errTooManyMatches
		}
	}
	return cur, nil
}

// descendants returns each value and, depth first, every value nested in it.
func descendants(values []any) ([]any, error) {
	var out []any
	var visit func(v any) bool
	visit = func(v any) bool {
		out = append(out, v)
		if len(out) > maxPathMatches {
			return false
		}
		switch x := v.(type) {
		case []any:
			for _, item := range x {
				if !visit(item) {
					return false
				}
			}
		case map[string]any:
			for _, k := range sortedKeys(x) {
				if !visit(x[k]) {
					return false
				}
			}
		}
		return true
	}
	for _, v := range values {
		if !visit(v) {
			return nil, errTooManyMatches
		}
	}
	return out, nil
}

// NOTE: encoding/json does not keep the order of object keys, so wildcards and recursive
// descent visit object members in sorted key order, where AWS uses document order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func applySegment(seg segment, values []any, root any) []any {
	out := make([]any, 0, len(values))
	for _, v := range values {
		switch seg.kind {
		case segName:
			if obj, ok := v.(map[string]any); ok {
				if x, found := obj[seg.name]; found {
					out = append(out, x)
				}
			}
		case segNames:
			if obj, ok := v.(map[string]any); ok {
				for _, name := range seg.names {
					if x, found := obj[name]; found {
						out = append(out, x)
					}
				}
			}
		case segIndex:
			out = appendIndex(out, v, seg.index)
		case segIndexes:
			for _, idx := range seg.indexes {
				out = appendIndex(out, v, idx)
			}
		case segWildcard:
			out = appendChildren(out, v)
		case segSlice:
			if arr, ok := v.([]any); ok {
				out = appendSlice(out, arr, seg.slice)
			}
		case segFilter:
			out = appendFiltered(out, v, seg.filter, root)
		case segLength:
			if n, ok := lengthOf(v); ok {
				out = append(out, float64(n))
			}
		}
	}
	return out
}

func appendIndex(out []any, v any, idx int) []any {
	arr, ok := v.([]any)
	if !ok {
		return out
	}
	if idx < 0 {
		idx += len(arr)
	}
	if idx >= 0 && idx < len(arr) {
		out = append(out, arr[idx])
	}
	return out
}

func appendChildren(out []any, v any) []any {
	switch x := v.(type) {
	case []any:
		out = append(out, x...)
	case map[string]any:
		for _, k := range sortedKeys(x) {
			out = append(out, x[k])
		}
	}
	return out
}

func appendFiltered(out []any, v any, filter filterNode, root any) []any {
	switch x := v.(type) {
	case []any:
		for _, item := range x {
			if filter.test(item, root) {
				out = append(out, item)
			}
		}
	case map[string]any:
		if filter.test(x, root) {
			out = append(out, x)
		}
	}
	return out
}

// appendSlice selects arr[start:end:step] with Python slice semantics: negative bounds
// count from the end and bounds are clamped to the array.
func appendSlice(out []any, arr []any, bounds [3]*int) []any {
	n := len(arr)
	step := 1
	if bounds[2] != nil {
		step = *bounds[2]
	}
	clamp := func(b *int, def int) int {
		if b == nil {
			return def
		}
		i := *b
		if i < 0 {
			i += n
		}
		lo, hi := 0, n
		if step < 0 {
			lo, hi = -1, n-1
		}
		return min(max(i, lo), hi)
	}
	if step > 0 {
		for i := clamp(bounds[0], 0); i < clamp(bounds[1], n); i += step {
			out = append(out, arr[i])
		}
		return out
	}
	for i := clamp(bounds[0], n-1); i > clamp(bounds[1], -1); i += step {
		out = append(out, arr[i])
	}
	return out
}

// normalizedPath writes segments the way Jayway reports them: $['a'][0].
func normalizedPath(segs []segment) string {
	var b strings.Builder
	b.WriteString("$")
	for _, seg := range segs {
		switch seg.kind {
		case segName:
			b.WriteString("['" + seg.name + "']")
		case segIndex:
			b.WriteString("[" + strconv.Itoa(seg.index) + "]")
		case segLength:
			b.WriteString(".length()")
		}
	}
	return b.String()
}

// typeName names the JSON type of v for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
