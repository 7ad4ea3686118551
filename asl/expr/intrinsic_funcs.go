package expr

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	mathrand "math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxBase64Input is the most characters States.Base64Encode and States.Base64Decode accept,
// as AWS documents.
const maxBase64Input = 10000

func evalFormat(c *intrinsicCall, args []any) (any, error) {
	tpl, ok := args[0].(string)
	if !ok {
		return nil, c.failure("the template must be a string but was %s", typeName(args[0]))
	}
	escaped := c.args[0].kind == argLiteral
	if escaped {
		tpl = c.args[0].raw
	}
	var b strings.Builder
	next := 1
	for i := 0; i < len(tpl); i++ {
		ch := tpl[i]
		switch {
		case escaped && ch == '\\' && i+1 < len(tpl):
			i++
			if strings.IndexByte(`'{}\`, tpl[i]) < 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(tpl[i])
		case ch == '{' && i+1 < len(tpl) && tpl[i+1] == '}':
			if next >= len(args) {
				return nil, c.failure("the template has more {} placeholders than the %d values given", len(args)-1)
			}
			writeFormatValue(&b, args[next])
			next++
			i++
		default:
			b.WriteByte(ch)
		}
	}
	if next != len(args) {
		return nil, c.failure("the template has %d {} placeholders but %d values were given", next-1, len(args)-1)
	}
	return b.String(), nil
}

// writeFormatValue writes a value as States.Format shows it: strings without quotes and
// objects and arrays in Java's notation, such as {a=1, b=[x, y]}.
func writeFormatValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		b.WriteString(formatNumber(x))
	case []any:
		b.WriteByte('[')
		for i, item := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFormatValue(b, item)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeFormatValue(b, x[k])
		}
		b.WriteByte('}')
	}
}

// formatNumber writes integral values without a fraction, as JSON integers are.
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e18 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func evalStringToJSON(c *intrinsicCall, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, c.failure("the argument must be a string but was %s", typeName(args[0]))
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	v, err := decodeJSON(s)
	if err != nil {
		return nil, c.failure("the string is not valid JSON: %v", err)
	}
	return v, nil
}

func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected text after the JSON value")
	}
	return v, nil
}

func evalJSONToString(c *intrinsicCall, args []any) (any, error) {
	s, err := compactJSON(args[0])
	if err != nil {
		return nil, c.failure("%v", err)
	}
	return s, nil
}

// compactJSON encodes v without spaces and without escaping <, > and &.
// NOTE: object keys come out sorted because encoding/json does not keep their order, where
// AWS keeps the input's order.
func compactJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func (c *intrinsicCall) intArg(args []any, i int) (int, error) {
	f, ok := args[i].(float64)
	if !ok || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		return 0, c.failure("argument %d must be an integer but was %s", i+1, describe(args[i]))
	}
	return int(f), nil
}

func (c *intrinsicCall) stringArg(args []any, i int) (string, error) {
	s, ok := args[i].(string)
	if !ok {
		return "", c.failure("argument %d must be a string but was %s", i+1, typeName(args[i]))
	}
	return s, nil
}

// describe names a value's type and, for scalars, the value itself.
func describe(v any) string {
	switch v.(type) {
	case float64, bool, string:
		text, _ := compactJSON(v)
		return typeName(v) + " " + text
	}
	return typeName(v)
}

func evalBase64Encode(c *intrinsicCall, args []any) (any, error) {
	s, err := c.stringArg(args, 0)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(s); n > maxBase64Input {
		return nil, c.failure("the input has %d characters, more than the %d allowed", n, maxBase64Input)
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func evalBase64Decode(c *intrinsicCall, args []any) (any, error) {
	s, err := c.stringArg(args, 0)
	if err != nil {
		return nil, err
	}
	if n := len(s); n > maxBase64Input {
		return nil, c.failure("the input has %d characters, more than the %d allowed", n, maxBase64Input)
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, c.failure("the input is not valid base64: %v", err)
	}
	return string(data), nil
}

var hashAlgorithms = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

func evalHash(c *intrinsicCall, args []any) (any, error) {
	data, err := c.stringArg(args, 0)
	if err != nil {
		return nil, err
	}
	algorithm, err := c.stringArg(args, 1)
	if err != nil {
		return nil, err
	}
	newHash, ok := hashAlgorithms[algorithm]
	if !ok {
		return nil, c.failure("unknown hash algorithm %q: use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", algorithm)
	}
	h := newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func evalJSONMerge(c *intrinsicCall, args []any) (any, error) {
	var objects [2]map[string]any
	for i := range objects {
		obj, ok := args[i].(map[string]any)
		if !ok {
			return nil, c.failure("argument %d must be an object but was %s", i+1, typeName(args[i]))
		}
		objects[i] = obj
	}
	deep, ok := args[2].(bool)
	if !ok {
		return nil, c.failure("argument 3 must be a boolean but was %s", typeName(args[2]))
	}
	if deep {
		return nil, c.failure("deep merge is not supported: pass false for a shallow merge")
	}
	out := make(map[string]any, len(objects[0])+len(objects[1]))
	for _, obj := range objects {
		for k, v := range obj {
			out[k] = v
		}
	}
	return out, nil
}

// javaRound rounds half up, as Java's Math.round does: 2.5 gives 3 and -2.5 gives -2.
func javaRound(f float64) float64 {
	return math.Floor(f + 0.5)
}

func (c *intrinsicCall) numberArg(args []any, i int) (float64, error) {
	f, ok := args[i].(float64)
	if !ok {
		return 0, c.failure("argument %d must be a number but was %s", i+1, typeName(args[i]))
	}
	return f, nil
}

func evalMathAdd(c *intrinsicCall, args []any) (any, error) {
	a, err := c.numberArg(args, 0)
	if err != nil {
		return nil, err
	}
	b, err := c.numberArg(args, 1)
	if err != nil {
		return nil, err
	}
	return javaRound(a) + javaRound(b), nil
}

// randomUint64 draws the unseeded States.MathRandom and $random numbers from crypto/rand.
func randomUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error since Go 1.24
	var n uint64
	for _, x := range b {
		n = n<<8 | uint64(x)
	}
	return n
}

// NOTE: a seeded call is repeatable here, but it does not give the number AWS gives for the
// same seed, because AWS's generator is not documented. Whether AWS includes the end value
// is not documented either; this returns start <= n < end (n = start when they are equal).
func evalMathRandom(c *intrinsicCall, args []any) (any, error) {
	var bounds [2]float64
	for i := range bounds {
		f, err := c.numberArg(args, i)
		if err != nil {
			return nil, err
		}
		bounds[i] = javaRound(f)
	}
	start, end := bounds[0], bounds[1]
	if start > end {
		return nil, c.failure("the start %s is greater than the end %s", formatNumber(start), formatNumber(end))
	}
	span := uint64(end - start)
	if span == 0 {
		return start, nil
	}
	var n uint64
	if len(args) == 3 {
		seed, err := c.numberArg(args, 2)
		if err != nil {
			return nil, err
		}
		n = mathrand.New(mathrand.NewPCG(uint64(int64(seed)), 0)).Uint64N(span)
	} else {
		n = randomUint64() % span
	}
	return start + float64(n), nil
}

func evalStringSplit(c *intrinsicCall, args []any) (any, error) {
	s, err := c.stringArg(args, 0)
	if err != nil {
		return nil, err
	}
	delimiters, err := c.stringArg(args, 1)
	if err != nil {
		return nil, err
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delimiters, r) })
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func evalUUID(_ *intrinsicCall, _ []any) (any, error) {
	return newUUID(), nil
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error since Go 1.24
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
