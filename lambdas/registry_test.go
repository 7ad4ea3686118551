package lambdas

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

type greetInput struct {
	Name string `json:"name"`
}

type greetOutput struct {
	Greeting string `json:"greeting"`
}

// Refused is a step error whose type name must survive the adapter.
type Refused struct{ Reason string }

func (e *Refused) Error() string { return "refused: " + e.Reason }

func greet(_ context.Context, in greetInput) (greetOutput, error) {
	if in.Name == "root" {
		return greetOutput{}, &Refused{Reason: "root is excluded"}
	}
	return greetOutput{Greeting: "hello " + in.Name}, nil
}

func TestTypedDecodesAndEncodes(t *testing.T) {
	out, err := Typed(greet)(context.Background(), json.RawMessage(`{"name":"jan"}`))
	if err != nil {
		t.Fatalf("handler: %v", err)
	}
	if got, want := string(out), `{"greeting":"hello jan"}`; got != want {
		t.Errorf("output = %s, want %s", got, want)
	}
}

func TestTypedRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    string
	}{
		{"unknown field", `{"name":"jan","nmae":"x"}`, `unknown field "nmae"`},
		{"wrong type", `{"name":42}`, "cannot unmarshal number"},
		{"trailing data", `{"name":"jan"} {}`, "unexpected data after the JSON value"},
		{"not json", `name=jan`, "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Typed(greet)(context.Background(), json.RawMessage(tt.payload))
			var invalid *InvalidInput
			if !errors.As(err, &invalid) {
				t.Fatalf("error = %v (%T), want *InvalidInput", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "lambdas.greetInput") {
				t.Errorf("error %q does not name the input type", err)
			}
		})
	}
}

func TestTypedAcceptsEmptyPayload(t *testing.T) {
	for _, payload := range []string{"", "null", "  "} {
		out, err := Typed(greet)(context.Background(), json.RawMessage(payload))
		if err != nil {
			t.Errorf("payload %q: %v", payload, err)
			continue
		}
		if string(out) != `{"greeting":"hello "}` {
			t.Errorf("payload %q: output %s", payload, out)
		}
	}
}

func TestTypedPassesErrorsUnchanged(t *testing.T) {
	_, err := Typed(greet)(context.Background(), json.RawMessage(`{"name":"root"}`))
	if got := reflect.TypeOf(err).Elem().Name(); got != "Refused" {
		t.Errorf("error type name = %q, want Refused", got)
	}
}

func TestRegistryLookup(t *testing.T) {
	reg := Registry{}
	reg.Add("Greet", Typed(greet))
	if _, err := reg.Lookup("Greet"); err != nil {
		t.Errorf("Lookup(Greet): %v", err)
	}
	_, err := reg.Lookup("Gret")
	var notFound *StepNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("Lookup(Gret) error = %v, want *StepNotFound", err)
	}
	if !strings.Contains(err.Error(), "[Greet]") {
		t.Errorf("error %q does not list the registered steps", err)
	}
}

func TestRegistryAddTwicePanics(t *testing.T) {
	reg := Registry{}
	reg.Add("Greet", Typed(greet))
	defer func() {
		if recover() == nil {
			t.Error("second Add of the same name did not panic")
		}
	}()
	reg.Add("Greet", Typed(greet))
}

// FuzzTyped feeds arbitrary payloads to a typed handler: it must never panic, and an
// accepted payload must decode to the same value again after a round trip.
func FuzzTyped(f *testing.F) {
	for _, seed := range []string{`{"name":"jan"}`, `{"name":"jan","x":1}`, `null`, ``, `{"name":"\u00e9"} {}`, `[1,2]`} {
		f.Add([]byte(seed))
	}
	echo := Typed(func(_ context.Context, in greetInput) (greetInput, error) { return in, nil })
	f.Fuzz(func(t *testing.T, payload []byte) {
		out, err := echo(context.Background(), payload)
		if err != nil {
			var invalid *InvalidInput
			if !errors.As(err, &invalid) {
				t.Fatalf("error %v (%T) is not *InvalidInput", err, err)
			}
			return
		}
		again, err := echo(context.Background(), out)
		if err != nil {
			t.Fatalf("output %s does not decode again: %v", out, err)
		}
		if string(again) != string(out) {
			t.Errorf("round trip changed %s to %s", out, again)
		}
	})
}
