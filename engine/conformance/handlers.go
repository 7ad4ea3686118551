package conformance

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/secamo/orchestrator/engine"
)

// Exception is the error of the Python handler raise_exception.py: the engine names an error
// after its Go type, so this type reproduces the name "Exception".
type Exception struct{ Message string }

func (e *Exception) Error() string { return e.Message }

// CustomException is the error of raise_custom_exception.py.
type CustomException struct{ Message string }

func (e *CustomException) Error() string { return e.Message }

// TrivialHandlers returns Go versions of the trivial Lambda handlers the recordings deployed,
// by handler file name.
func TrivialHandlers() map[string]engine.Handler {
	return map[string]engine.Handler{
		"id_function.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return p, nil
		},
		"echo_function.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`{"Return":"HelloWorld"}`), nil
		},
		"raise_exception.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return nil, &Exception{Message: "Some exception was raised."}
		},
		"raise_custom_exception.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return nil, &CustomException{Message: "Some custom exception was raised."}
		},
		"return_bytes_str.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`"HelloWorld!"`), nil
		},
		"return_decorated_input.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return json.Marshal("input-event-" + string(p))
		},
		"large_output_string.py": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return json.Marshal(strings.Repeat("a", 257*1024))
		},
	}
}
