package engine

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// stdString is what encoding/json writes for v with SetEscapeHTML(false).
func stdString(t testing.TB, v any) (string, bool) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", false
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), true
}

var jsonValueSeeds = []string{
	`null`, `true`, `false`, `0`, `-0`, `-0.0`, `1`, `-1`, `1.5`, `1e21`, `1e20`, `123456789012345678`,
	`1e-7`, `0.000001`, `1.7976931348623157e308`, `5e-324`, `1e400`, `-`, `01`, `1.`, `.5`, `1e`, `1e+`,
	`"plain"`, `"esc \" \\ \/ \b \f \n \r \t"`, `"\u00e9\u20ac"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
	`"\udc00\ud800"`, `"\ud800\u0041"`, "\"\xff\xfe\"", "\"a\x01b\"", `"\u2028\u2029"`, `"<a&b>"`, `"\x"`, `"\u12"`,
	`[]`, `[1,2,[3,{}]]`, `[1,]`, `[,1]`, `{}`, `{"b":1,"a":[true,null],"c":{"d":"e"}}`, `{"a":1,"a":2}`,
	`{"a" : 1 , "b" : [ ] }`, `{"a":1,}`, `{a:1}`, `{"a" 1}`, ` [1] `, `[1] x`, `[1]]`, `"unterminated`, ``,
	`tru`, `nul`, `{"k":"` + "\xed\xa0\x80" + `"}`,
}

func TestUnmarshalJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range jsonValueSeeds {
		checkDecode(t, []byte(s))
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil, true, 0.0, math.Copysign(0, -1), 1.0, -42.0, 0.1, 1e15, 1e20, 1e21, 123456789.125, 1e-6, 1e-7,
		-2.5e-9, math.MaxFloat64, math.SmallestNonzeroFloat64, "", "a\"b\\c\nd\te\x00\x1f<>&\u2028\u2029\xff\u00e9",
		[]any{}, []any{1.0, "x", nil}, map[string]any{}, map[string]any{"b": 1.0, "a": []any{map[string]any{"z": 1.0, "y": 2.0}}},
		map[string]any{"k1": 1.0, "k2": 2.0, "k3": 3.0, "k4": 4.0, "k5": 5.0, "k6": 6.0, "k7": 7.0, "k8": 8.0, "k9": 9.0, "k10": 10.0},
		int64(7), map[string]string{"x": "<y>"}, []string{"a"},
	}
	for _, v := range values {
		want, _ := stdString(t, v)
		if got := jsonString(v); got != want {
			t.Errorf("jsonString(%#v) = %s, want %s", v, got, want)
		}
	}
	for _, v := range []any{math.NaN(), math.Inf(1), []any{math.Inf(-1)}} {
		if _, err := marshalJSON(v); err == nil {
			t.Errorf("marshalJSON(%v) succeeded, want the error encoding/json gives", v)
		}
	}
}

// checkDecode compares unmarshalJSON with json.Unmarshal on data, and the encoding of what
// both decoded.
func checkDecode(t *testing.T, data []byte) {
	t.Helper()
	var want any
	wantErr := json.Unmarshal(data, &want)
	got, err := unmarshalJSON(data)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("unmarshalJSON(%q): error %v, encoding/json says %v", data, err, wantErr)
	}
	if err != nil {
		if err.Error() != wantErr.Error() {
			t.Fatalf("unmarshalJSON(%q): error %q, encoding/json says %q", data, err, wantErr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("unmarshalJSON(%q) = %#v, encoding/json decodes %#v", data, got, want)
	}
	wantText, ok := stdString(t, want)
	if gotText := jsonString(got); ok && gotText != wantText {
		t.Fatalf("jsonString of %q = %s, encoding/json writes %s", data, gotText, wantText)
	}
}

// FuzzJSONValue checks the engine's JSON decoder and encoder against encoding/json.
func FuzzJSONValue(f *testing.F) {
	for _, s := range jsonValueSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
	})
}

func BenchmarkJSONValue(b *testing.B) {
	doc := []byte(`{"user":{"id":"8f1c","mail":"jan@example.be","groups":["a","b","c"],"enabled":true,"n":12.5},"ticket":"SDP-1234"}`)
	v, _ := unmarshalJSON(doc)
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_, _ = unmarshalJSON(doc)
		}
	})
	b.Run("decode/encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var out any
			_ = json.Unmarshal(doc, &out)
		}
	})
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_, _ = marshalJSON(v)
		}
	})
	b.Run("encode/encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_, _ = json.Marshal(v)
		}
	})
}

func BenchmarkJSONValueSmall(b *testing.B) {
	doc := []byte(`{"i":12}`)
	b.ReportAllocs()
	for range b.N {
		_, _ = unmarshalJSON(doc)
	}
}

func BenchmarkJSONValueSmallEncode(b *testing.B) {
	v := map[string]any{"i": 12.0}
	b.ReportAllocs()
	for range b.N {
		_, _ = marshalJSON(v)
	}
}
