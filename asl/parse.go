package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// ValidationError lists every problem found in a definition.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid definition: " + e.Problems[0]
	}
	return fmt.Sprintf("invalid definition, %d problems:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Parse decodes and validates a definition. It returns a *ValidationError listing every
// problem when the definition is invalid.
func Parse(data []byte) (*StateMachine, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, &ValidationError{Problems: []string{"definition is not valid JSON" + position(data, err) + ": " + err.Error()}}
	}
	if dec.More() {
		return nil, &ValidationError{Problems: []string{"definition has data after its JSON object"}}
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, &ValidationError{Problems: []string{"definition must be a JSON object"}}
	}
	p := &parser{}
	sm := p.machine("", obj, JSONPath, machineFields)
	if len(p.problems) > 0 {
		return nil, &ValidationError{Problems: p.problems}
	}
	return sm, nil
}

// parser collects the problems of one definition.
type parser struct {
	problems []string
}

func (p *parser) addf(where, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	p.problems = append(p.problems, msg)
}

// join appends a location part to where.
func join(where, part string) string {
	if where == "" {
		return part
	}
	return where + ": " + part
}

// machine parses a state machine, a Parallel branch or a Map processor. parentLang is the
// query language inherited from the enclosing machine.
func (p *parser) machine(where string, obj map[string]any, parentLang string, allowed fieldSet) *StateMachine {
	p.unknownFields(where, obj, allowed, "a state machine")
	sm := &StateMachine{QueryLanguage: parentLang, States: map[string]*State{}}
	sm.Comment = p.str(where, obj, "Comment")
	sm.Version = p.str(where, obj, "Version")
	if lang, ok := obj["QueryLanguage"]; ok {
		sm.QueryLanguage = p.language(where, lang)
		if where != "" && parentLang == JSONata && sm.QueryLanguage == JSONPath {
			p.addf(where, "QueryLanguage JSONPath is not allowed inside a JSONata state machine")
		}
	}
	if v, ok := obj["TimeoutSeconds"]; ok {
		sm.TimeoutSeconds = p.positiveInt(where, "TimeoutSeconds", v)
	}

	start, ok := obj["StartAt"]
	if !ok {
		p.addf(where, "StartAt is missing; set it to the name of the first state")
	} else if s, isStr := start.(string); !isStr || s == "" {
		p.addf(where, "StartAt must be a non-empty string")
	} else {
		sm.StartAt = s
	}

	rawStates, ok := obj["States"].(map[string]any)
	if !ok {
		p.addf(where, "States is missing or not an object")
		return sm
	}
	if len(rawStates) == 0 {
		p.addf(where, "States is empty; a state machine needs at least one state")
	}
	for _, name := range sortedKeys(rawStates) {
		sw := join(where, fmt.Sprintf("state %q", name))
		if len(name) > 80 {
			p.addf(sw, "state name is longer than 80 characters")
		}
		stObj, ok := rawStates[name].(map[string]any)
		if !ok {
			p.addf(sw, "state must be a JSON object")
			continue
		}
		sm.States[name] = p.state(sw, name, stObj, sm.QueryLanguage)
	}
	if sm.StartAt != "" && len(rawStates) > 0 {
		if _, ok := sm.States[sm.StartAt]; !ok {
			if _, raw := rawStates[sm.StartAt]; !raw {
				p.addf(where, "StartAt %q is not a state of this state machine", sm.StartAt)
			}
		}
	}
	p.checkTransitions(where, sm)
	return sm
}

func (p *parser) language(where string, v any) string {
	s, _ := v.(string)
	if s != JSONPath && s != JSONata {
		p.addf(where, "QueryLanguage must be %q or %q, not %v", JSONPath, JSONata, jsonText(v))
		return JSONPath
	}
	return s
}

// unknownFields reports the fields of obj that allowed does not contain.
func (p *parser) unknownFields(where string, obj map[string]any, allowed fieldSet, what string) {
	for _, k := range sortedKeys(obj) {
		if !allowed[k] {
			p.addf(where, "field %q is not allowed in %s", k, what)
		}
	}
}

// checkTransitions reports dangling transitions and unreachable states.
func (p *parser) checkTransitions(where string, sm *StateMachine) {
	target := func(from *State, field, name string) {
		if name == "" {
			return
		}
		if _, ok := sm.States[name]; !ok {
			p.addf(join(where, fmt.Sprintf("state %q", from.Name)), "%s %q is not a state of this state machine", field, name)
		}
	}
	for _, name := range sortedKeys(sm.States) {
		st := sm.States[name]
		target(st, "Next", st.Next)
		target(st, "Default", st.Default)
		for i, c := range st.Choices {
			target(st, fmt.Sprintf("Choices[%d].Next", i), c.Next)
		}
		for i, c := range st.Catch {
			target(st, fmt.Sprintf("Catch[%d].Next", i), c.Next)
		}
	}
	if _, ok := sm.States[sm.StartAt]; !ok {
		return
	}
	seen := map[string]bool{sm.StartAt: true}
	queue := []string{sm.StartAt}
	for len(queue) > 0 {
		st := sm.States[queue[0]]
		queue = queue[1:]
		next := []string{st.Next, st.Default}
		for _, c := range st.Choices {
			next = append(next, c.Next)
		}
		for _, c := range st.Catch {
			next = append(next, c.Next)
		}
		for _, n := range next {
			if _, ok := sm.States[n]; ok && !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, name := range sortedKeys(sm.States) {
		if !seen[name] {
			p.addf(join(where, fmt.Sprintf("state %q", name)), "state is unreachable from StartAt %q", sm.StartAt)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonText renders a value for an error message.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// str reads an optional string field.
func (p *parser) str(where string, obj map[string]any, field string) string {
	v, ok := obj[field]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.addf(where, "%s must be a string, not %s", field, jsonText(v))
	}
	return s
}

// positiveInt checks that v is an integer >= 1 and returns it.
func (p *parser) positiveInt(where, field string, v any) float64 {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || f < 1 || f > 99999999 {
		p.addf(where, "%s must be an integer between 1 and 99999999, not %s", field, jsonText(v))
		return 0
	}
	return f
}

// isJSONata reports whether s is a JSONata expression "{% ... %}".
func isJSONata(v any) bool {
	s, ok := v.(string)
	return ok && strings.HasPrefix(strings.TrimSpace(s), "{%") && strings.HasSuffix(strings.TrimSpace(s), "%}")
}

// position returns " at line L, column C" for a JSON syntax or type error, or "" when err
// carries no offset.
func position(data []byte, err error) string {
	var offset int64
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	default:
		return ""
	}
	// The offset counts the bytes read, the offending one included.
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset > 0 {
		offset--
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	column := len(before) - bytes.LastIndexByte(before, '\n')
	// before ends just ahead of the offending byte, which is in this column.
	return fmt.Sprintf(" at line %d, column %d", line, column)
}
