package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/secamo/orchestrator/engine"
)

// pythonError is an exception raised by one of the recorded Python handlers. It carries the
// error document the Python Lambda runtime sends, so the engine reports the same error name
// and cause as AWS did.
type pythonError struct {
	class, message, line, source string
}

func (e *pythonError) Error() string { return e.class + ": " + e.message }

// ErrorPayload returns the document of the Python runtime, written the way Python's json
// module writes it.
func (e *pythonError) ErrorPayload() json.RawMessage {
	trace := fmt.Sprintf("  File \"/var/task/handler.py\", line %s, in handler\n    %s\n", e.line, e.source)
	return json.RawMessage(fmt.Sprintf(`{"errorMessage": %s, "errorType": %s, "requestId": %s, "stackTrace": [%s]}`,
		pythonString(e.message), pythonString(e.class), pythonString(newRequestID()), pythonString(trace)))
}

var _ engine.ErrorPayload = (*pythonError)(nil)

// TrivialHandlers returns Go versions of the trivial Lambda handlers the recordings deployed,
// by handler file name. They write JSON as the Python runtime does (", " and ": "
// separators, non-ASCII escaped), because AWS's Content-Length headers count those bytes.
func TrivialHandlers() map[string]engine.Handler {
	return map[string]engine.Handler{
		"id_function.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return pythonJSON(p)
		},
		"echo_function.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`{"Return": "HelloWorld"}`), nil
		},
		"raise_exception.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return nil, &pythonError{class: "Exception", message: "Some exception was raised.", line: "2",
				source: `raise Exception("Some exception was raised.")`}
		},
		"raise_custom_exception.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return nil, &pythonError{class: "CustomException", message: "", line: "9", source: "raise CustomException()"}
		},
		"return_bytes_str.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`"HelloWorld!"`), nil
		},
		"return_decorated_input.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			text, err := pythonJSON(p)
			if err != nil {
				return nil, err
			}
			return json.RawMessage(pythonString("input-event-" + string(text))), nil
		},
		"large_output_string.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`"` + strings.Repeat("a", 257*1024) + `"`), nil
		},
	}
}

// pythonJSON re-encodes JSON text the way Python's json.dumps does by default.
func pythonJSON(raw json.RawMessage) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decoding the event: %w", err)
	}
	var b strings.Builder
	writePython(&b, v)
	return json.RawMessage(b.String()), nil
}

func writePython(b *strings.Builder, v any) {
	switch x := v.(type) {
	case map[string]any:
		b.WriteString("{")
		i := 0
		// Python keeps insertion order; encoding/json does not record it, so keys come in
		// sorted order, which changes no byte count.
		for _, k := range sortedMapKeys(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pythonString(k))
			b.WriteString(": ")
			writePython(b, x[k])
			i++
		}
		b.WriteString("}")
	case []any:
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writePython(b, e)
		}
		b.WriteString("]")
	case string:
		b.WriteString(pythonString(x))
	case json.Number:
		b.WriteString(x.String())
	case bool:
		fmt.Fprint(b, x)
	case nil:
		b.WriteString("null")
	}
}

// pythonString quotes s as Python's json.dumps does with ensure_ascii: every non-ASCII
// character as \uXXXX.
func pythonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// newRequestID returns a random id shaped like a Lambda request id.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
