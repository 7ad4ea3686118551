package tenants

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	lineMessage  = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type `)
	wrongType    = regexp.MustCompile("^cannot unmarshal !!\\w+ `(.*)` into (\\S+)$")
	quotedValue  = regexp.MustCompile(`"([^"]*)"`)
)

// decodeError turns a YAML decoding error into a *ValidationError whose entries name the
// field by its YAML path and line, as validation errors do, instead of Go type names.
func decodeError(file string, data []byte, err error) error {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		// A syntax error: yaml's message already gives the line.
		return fmt.Errorf("invalid tenant file %s: %w", file, err)
	}
	fields := newFieldIndex(&root)
	var list []FieldError
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) {
		for _, msg := range typeErr.Errors {
			list = append(list, fields.explain(msg))
		}
	} else {
		list = append(list, fields.locate(err.Error()))
	}
	return &ValidationError{File: file, Fields: list}
}

// fieldIndex maps source lines and scalar values to the YAML paths where they occur.
type fieldIndex struct {
	byLine  map[int]string
	byValue map[string][]located
}

type located struct {
	path string
	line int
}

func newFieldIndex(root *yaml.Node) *fieldIndex {
	x := &fieldIndex{byLine: map[int]string{}, byValue: map[string][]located{}}
	if len(root.Content) > 0 {
		x.walk(root.Content[0], "")
	}
	return x
}

func (x *fieldIndex) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			p := key.Value
			if path != "" {
				p = path + "." + key.Value
			}
			x.byLine[key.Line] = p
			x.walk(value, p)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if _, taken := x.byLine[item.Line]; !taken {
				x.byLine[item.Line] = p
			}
			x.walk(item, p)
		}
	case yaml.ScalarNode:
		if _, taken := x.byLine[n.Line]; !taken {
			x.byLine[n.Line] = path
		}
		x.byValue[n.Value] = append(x.byValue[n.Value], located{path: path, line: n.Line})
	}
}

// explain rewrites one of yaml's "line N: ..." messages.
func (x *fieldIndex) explain(msg string) FieldError {
	m := lineMessage.FindStringSubmatch(msg)
	if m == nil {
		return FieldError{Field: "(file)", Message: msg}
	}
	line, _ := strconv.Atoi(m[1])
	path, rest := x.byLine[line], m[2]
	if path == "" {
		path = "(file)"
	}
	if u := unknownField.FindStringSubmatch(rest); u != nil {
		return FieldError{Field: path, Message: fmt.Sprintf("unknown field %q (line %d): check its name and indentation against tenants/example.yaml", u[1], line)}
	}
	if w := wrongType.FindStringSubmatch(rest); w != nil {
		return FieldError{Field: path, Message: fmt.Sprintf("invalid value %q (line %d): must be %s", w[1], line, describeType(w[2]))}
	}
	return FieldError{Field: path, Message: fmt.Sprintf("%s (line %d)", rest, line)}
}

// locate names the field of an error that carries no line, such as a custom unmarshaler's,
// by the quoted value it mentions.
func (x *fieldIndex) locate(msg string) FieldError {
	for _, q := range quotedValue.FindAllStringSubmatch(msg, -1) {
		if at := x.byValue[q[1]]; len(at) == 1 {
			return FieldError{Field: at[0].path, Message: fmt.Sprintf("%s (line %d)", msg, at[0].line)}
		}
	}
	return FieldError{Field: "(file)", Message: msg}
}

// describeType says in words what a Go type expects.
func describeType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "float") || strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping of names to values"
	case goType == "string":
		return "a text"
	default:
		return "a mapping with the fields of this section"
	}
}
