// Package lambdas holds the step registry: the table from step name (the placeholder in
// the ASL files, such as DisableEntraUser) to the function that runs the step on a raw JSON
// payload. The Lambda entry point (lambdas/bootstrap) and the local engine both call steps
// through it, so a step behaves the same in AWS and locally.
//
// The steps themselves live in the subpackages (offboarding, approval). This package does
// not build adapters or read tenant files: each step package registers handlers whose
// dependencies the caller built once per process.
package lambdas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Handler runs one step on its JSON input and returns its JSON output. Errors pass through
// unchanged, so the Lambda runtime and the local engine report the step's own error type
// name, which ASL Retry and Catch match.
type Handler func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error)

// Registry maps step names to handlers.
type Registry map[string]Handler

// Add registers a step under name. It panics when the name is empty or already taken,
// because that is a programming error found by the first test that builds the registry.
func (r Registry) Add(name string, h Handler) {
	if name == "" {
		panic("lambdas: empty step name")
	}
	if _, dup := r[name]; dup {
		panic(fmt.Sprintf("lambdas: step %q registered twice", name))
	}
	r[name] = h
}

// Names returns the registered step names in sorted order.
func (r Registry) Names() []string {
	names := make([]string, 0, len(r))
	for name := range r {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the handler of the named step, or a *StepNotFound error that lists the
// registered names.
func (r Registry) Lookup(name string) (Handler, error) {
	h, ok := r[name]
	if !ok {
		return nil, &StepNotFound{Name: name, Known: r.Names()}
	}
	return h, nil
}

// Typed adapts a step function with typed input and output to a Handler. The input is
// decoded strictly: an unknown field, a wrong type or trailing data is rejected with an
// *InvalidInput error, and an empty or null payload decodes to the zero In. The step's
// error is returned unchanged.
func Typed[In, Out any](step func(ctx context.Context, in In) (Out, error)) Handler {
	return func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
		var in In
		if err := decodeStrict(payload, &in); err != nil {
			return nil, &InvalidInput{Type: fmt.Sprintf("%T", in), Err: err}
		}
		out, err := step(ctx, in)
		if err != nil {
			return nil, err
		}
		data, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encoding step output %T: %w", out, err)
		}
		return data, nil
	}
}

func decodeStrict(payload json.RawMessage, v any) error {
	trimmed := bytes.TrimSpace(payload)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// InvalidInput is returned when a step's input is not valid JSON for its input type.
type InvalidInput struct {
	// Type is the Go type the input was decoded into.
	Type string
	Err  error
}

func (e *InvalidInput) Error() string {
	return fmt.Sprintf("invalid step input for %s: %v; check the state's Parameters against the step's documented input", e.Type, e.Err)
}

func (e *InvalidInput) Unwrap() error { return e.Err }

// StepNotFound is returned when no step is registered under the requested name.
type StepNotFound struct {
	Name  string
	Known []string
}

func (e *StepNotFound) Error() string {
	return fmt.Sprintf("step %q not registered; registered steps: %v", e.Name, e.Known)
}
