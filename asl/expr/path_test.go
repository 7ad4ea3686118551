package expr

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// decode parses JSON text into the value model of the package, failing the test on bad text.
func decode(t testing.TB, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("decoding %s: %v", text, err)
	}
	return v
}

const storeJSON = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Rees", "title": "Sayings", "price": 8.95},
      {"category": "fiction", "author": "Waugh", "title": "Sword", "price": 12.99},
      {"category": "fiction", "author": "Melville", "title": "Moby", "isbn": "0-553", "price": 8.99},
      {"category": "fiction", "author": "Tolkien", "title": "Rings", "isbn": "0-395", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "a-b": {"c d": 1},
  "empty": null,
  "text": "héllo"
}`

func TestQuery(t *testing.T) {
	scope := Scope{
		Input:   decode(t, storeJSON),
		Context: decode(t, `{"State": {"Name": "S1"}, "Map": {"Item": {"Value": {"id": 7}, "Index": 2}}}`),
		Vars:    map[string]any{"ticket": decode(t, `{"ids": [10, 20, 30]}`), "n": 5.0},
	}
	tests := []struct {
		path string
		want string
	}{
		{"$", storeJSON},
		{"$.store.bicycle.color", `"red"`},
		{"$['store']['bicycle']['color']", `"red"`},
		{`$["store"].bicycle["price"]`, `19.95`},
		{"$.a-b['c d']", `1`},
		{"$.empty", `null`},
		{"$.store.book[0].author", `"Rees"`},
		{"$.store.book[-1].author", `"Tolkien"`},
		{"$.store.book.length()", `4`},
		{"$.text.length()", `5`},
		{"$.store.book[*].author", `["Rees","Waugh","Melville","Tolkien"]`},
		{"$.store.book[0,2].title", `["Sayings","Moby"]`},
		{"$.store.book[1:3].title", `["Sword","Moby"]`},
		{"$.store.book[:2].title", `["Sayings","Sword"]`},
		{"$.store.book[-2:].title", `["Moby","Rings"]`},
		{"$.store.book[::-2].title", `["Rings","Sword"]`},
		{"$.store.book[?(@.price < 10)].title", `["Sayings","Moby"]`},
		{"$.store.book[?(@.isbn)].title", `["Moby","Rings"]`},
		{"$.store.book[?(!@.isbn)].title", `["Sayings","Sword"]`},
		{"$.store.book[?(@.category == 'fiction' && @.price > 20)].title", `["Rings"]`},
		{"$.store.book[?(@.author == 'Rees' || @.author == \"Waugh\")].price", `[8.95,12.99]`},
		{"$.store.book[?(@.author =~ /M.*/)].title", `["Moby"]`},
		{"$.store.book[?(@.price > $.store.bicycle.price)].title", `["Rings"]`},
		{"$.store.book[?(@.price == '8.95')].title", `[]`},
		{"$..author", `["Rees","Waugh","Melville","Tolkien"]`},
		{"$.store..price", `[19.95,8.95,12.99,8.99,22.99]`},
		{"$.store.bicycle.*", `["red",19.95]`},
		{"$.store.bicycle['color','price']", `["red",19.95]`},
		{"$.missing[*]", `[]`},
		{"$$.State.Name", `"S1"`},
		{"$$.Map.Item.Value.id", `7`},
		{"$$.Map.Item.Index", `2`},
		{"$ticket.ids[1]", `20`},
		{"$ticket.ids[*]", `[10,20,30]`},
		{"$n", `5`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := Query(tt.path, scope)
			if err != nil {
				t.Fatalf("Query(%q) error: %v", tt.path, err)
			}
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("Query(%q) = %#v, want %#v", tt.path, got, want)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	scope := Scope{Input: decode(t, `{"a": {"b": "x"}, "list": [1]}`), Vars: map[string]any{}}
	tests := []struct {
		path  string
		cause string
	}{
		{"$.NoSuchOutputPath", "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']"},
		{"$.no.such.result.path", "Invalid path '$.no.such.result.path' : Missing property in path $['no']"},
		{"$.a.b.c", "Invalid path '$.a.b.c' : Expected to find an object with property ['c'] in path $['a']['b'] but found 'string'"},
		{"$.list[3]", "Invalid path '$.list[3]' : Index out of bounds when evaluating path $['list'][3]"},
		{"$undefinedVar", "Invalid path '$undefinedVar' : the variable $undefinedVar is not defined; assign it in an earlier state"},
		{"$.a[", `invalid JSONPath "$.a[": unclosed bracket at offset 3`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := Query(tt.path, scope)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Query(%q) error = %v, want *Error", tt.path, err)
			}
			if e.Name != ErrRuntime {
				t.Errorf("error name = %q, want %q", e.Name, ErrRuntime)
			}
			if e.Cause != tt.cause {
				t.Errorf("cause = %q\nwant    %q", e.Cause, tt.cause)
			}
		})
	}
}

func TestValidatePath(t *testing.T) {
	tests := []struct {
		path    string
		wantErr string // empty when valid
	}{
		{"$", ""},
		{"$$.Execution.Input", ""},
		{"$.a[?(@.b > 1)]", ""},
		{"$..x", ""},
		{"$var.x[0]", ""},
		{"", "a path must start with"},
		{"a.b", "a path must start with"},
		{"$.a[", "unclosed bracket"},
		{"$.a[x]", "invalid array index"},
		{"$.a.", "missing name"},
		{"$.a..", "missing name"},
		{"$.a['b]", "unterminated string"},
		{"$.a[?(@.b >)]", "unexpected"},
		{"$.a[?(@.b > 1]", "unclosed filter"},
		{"$.a[1:2:0]", "step must not be 0"},
		{"$.a.keys()", "unsupported function"},
		{"$.a.length().b", "must be the last"},
		{"$.a[?(@.b =~ /[/)]", "invalid regular expression"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			err := ValidatePath(tt.path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidatePath(%q) = %v, want nil", tt.path, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidatePath(%q) = %v, want an error containing %q", tt.path, err, tt.wantErr)
			}
		})
	}
}

func TestValidateReferencePath(t *testing.T) {
	valid := []string{"$", "$.a", "$.a.b[0]", "$['a b'].c", "$$.Map.Item.Value"}
	for _, p := range valid {
		if err := ValidateReferencePath(p); err != nil {
			t.Errorf("ValidateReferencePath(%q) = %v, want nil", p, err)
		}
	}
	invalid := []string{"$.a[*]", "$..a", "$.a[0:1]", "$.a[?(@.x)]", "$.a['b','c']", "$.a.length()", "$.a["}
	for _, p := range invalid {
		if err := ValidateReferencePath(p); err == nil {
			t.Errorf("ValidateReferencePath(%q) = nil, want an error", p)
		}
	}
}

func TestSetResultPath(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		path   string
		result string
		want   string
	}{
		{"root replaces", `{"a": 1}`, "$", `"r"`, `"r"`},
		{"new member", `{"a": 1}`, "$.b", `{"x": 1}`, `{"a": 1, "b": {"x": 1}}`},
		{"replace member", `{"a": 1}`, "$.a", `2`, `{"a": 2}`},
		{"nested creation", `{"a": 1}`, "$.b.c.d", `true`, `{"a": 1, "b": {"c": {"d": true}}}`},
		{"into existing object", `{"a": {"k": 1}}`, "$.a.m", `2`, `{"a": {"k": 1, "m": 2}}`},
		{"array element", `{"a": [1, {"x": 0}]}`, "$.a[1].x", `5`, `{"a": [1, {"x": 5}]}`},
		{"null member replaced", `{"a": null}`, "$.a.b", `1`, `{"a": {"b": 1}}`},
		{"bracket name", `{}`, "$['a b']", `1`, `{"a b": 1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := decode(t, tt.input)
			before := decode(t, tt.input)
			got, err := SetResultPath(input, tt.path, decode(t, tt.result))
			if err != nil {
				t.Fatalf("SetResultPath error: %v", err)
			}
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("SetResultPath = %#v, want %#v", got, want)
			}
			if !reflect.DeepEqual(input, before) {
				t.Errorf("SetResultPath changed its input to %#v", input)
			}
		})
	}
}

func TestSetResultPathErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		path  string
	}{
		{"into string", `{"a": "text"}`, "$.a.b"},
		{"into number root", `5`, "$.a"},
		{"missing index", `{"a": [1]}`, "$.a[3]"},
		{"index into object", `{"a": {}}`, "$.a[0]"},
		{"wildcard", `{}`, "$.a[*]"},
		{"context root", `{}`, "$$.a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SetResultPath(decode(t, tt.input), tt.path, "r")
			var e *Error
			if !errors.As(err, &e) || e.Name != ErrRuntime {
				t.Fatalf("SetResultPath(%s) error = %v, want States.Runtime", tt.path, err)
			}
		})
	}
}

func TestQueryTooManyMatches(t *testing.T) {
	// Each step of repeated recursive descent selects every chain of nested values, which for
	// 40 nested arrays and 20 steps is about C(40, 20), far above the bound.
	scope := Scope{Input: decode(t, strings.Repeat("[", 40)+strings.Repeat("]", 40))}
	path := "$" + strings.Repeat("..*", 20)
	_, err := Query(path, scope)
	var e *Error
	if !errors.As(err, &e) || e.Name != ErrRuntime || !strings.Contains(e.Cause, "selects more than 100000 values") {
		t.Fatalf("Query(%s) error = %v, want States.Runtime for too many values", path, err)
	}
}

func TestQueryField(t *testing.T) {
	scope := Scope{Input: decode(t, `{"Error": "Boom"}`), Vars: map[string]any{}}
	got, err := QueryField("ErrorPath", "$.Error", scope)
	if err != nil || got != "Boom" {
		t.Fatalf("QueryField($.Error) = %#v, %v; want \"Boom\"", got, err)
	}

	_, err = QueryField("CausePath", "$.Cause", scope)
	var e *Error
	if !errors.As(err, &e) || e.Name != ErrRuntime {
		t.Fatalf("QueryField($.Cause) error = %v, want States.Runtime", err)
	}
	want := `The JSONPath '$.Cause' specified for the field 'CausePath' could not be found in the input '{"Error":"Boom"}'`
	if e.Cause != want {
		t.Errorf("cause = %q, want %q", e.Cause, want)
	}
}

func TestValidateResultPath(t *testing.T) {
	for _, p := range []string{"$", "$.a", "$.a[0].b"} {
		if err := ValidateResultPath(p); err != nil {
			t.Errorf("ValidateResultPath(%q) = %v, want nil", p, err)
		}
	}
	for _, p := range []string{"$$.a", "$var", "$var.a", "$.a[*]", "a"} {
		if err := ValidateResultPath(p); err == nil {
			t.Errorf("ValidateResultPath(%q) = nil, want an error", p)
		}
	}
}
