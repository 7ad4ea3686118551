package asl

import (
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/asl/expr"
)

// state parses one state. lang is the query language of the enclosing machine.
func (p *parser) state(where, name string, obj map[string]any, lang string) *State {
	st := &State{Name: name, QueryLanguage: lang}
	typ, _ := obj["Type"].(string)
	allowed, ok := stateFields[typ]
	if !ok {
		p.addf(where, "Type must be one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map, not %s", jsonText(obj["Type"]))
		return st
	}
	st.Type = typ
	if v, ok := obj["QueryLanguage"]; ok {
		st.QueryLanguage = p.language(where, v)
		if lang == JSONata && st.QueryLanguage == JSONPath {
			p.addf(where, "QueryLanguage JSONPath is not allowed in a state machine whose QueryLanguage is JSONata")
		}
	}
	li := languageIndex(st.QueryLanguage)
	for _, k := range sortedKeys(obj) {
		if commonFields[k] || allowed[li][k] {
			continue
		}
		if allowed[1-li][k] {
			p.addf(where, "field %q is not allowed when QueryLanguage is %s", k, st.QueryLanguage)
		} else {
			p.addf(where, "field %q is not allowed in a %s state", k, typ)
		}
	}
	st.Comment = p.str(where, obj, "Comment")
	p.transition(where, st, obj)
	p.io(where, st, obj)

	switch typ {
	case TypeTask:
		p.task(where, st, obj)
	case TypeChoice:
		p.choice(where, st, obj)
	case TypeWait:
		p.wait(where, st, obj)
	case TypeFail:
		p.fail(where, st, obj)
	case TypeParallel:
		p.parallel(where, st, obj)
	case TypeMap:
		p.mapState(where, st, obj)
	}
	if typ == TypeTask || typ == TypeParallel || typ == TypeMap {
		p.retry(where, st, obj)
		p.catch(where, st, obj)
	}
	return st
}

// transition parses Next and End.
func (p *parser) transition(where string, st *State, obj map[string]any) {
	st.Next = p.str(where, obj, "Next")
	if v, ok := obj["End"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			p.addf(where, "End must be true or false, not %s", jsonText(v))
		}
		st.End = b
	}
	switch st.Type {
	case TypeChoice, TypeSucceed, TypeFail:
		return
	}
	_, hasNext := obj["Next"]
	switch {
	case hasNext && st.End:
		p.addf(where, "Next and End are both set; keep one of them")
	case !hasNext && !st.End:
		p.addf(where, "Next is missing; set Next to the following state or End to true")
	}
}

// io parses the input and output processing fields.
func (p *parser) io(where string, st *State, obj map[string]any) {
	st.InputPath = p.path(where, obj, "InputPath", false)
	st.OutputPath = p.path(where, obj, "OutputPath", false)
	st.ResultPath = p.path(where, obj, "ResultPath", true)
	if v, ok := obj["Parameters"]; ok && st.Type != TypeMap {
		st.Parameters, st.HasParameters = v, true
		p.template(where, "Parameters", v)
	}
	if v, ok := obj["ResultSelector"]; ok {
		st.ResultSelector = v
		p.template(where, "ResultSelector", v)
	}
	if v, ok := obj["Result"]; ok {
		st.Result, st.HasResult = v, true
	}
	if v, ok := obj["Arguments"]; ok {
		st.Arguments, st.HasArguments = v, true
		p.jsonata(where, "Arguments", v)
	}
	if v, ok := obj["Output"]; ok {
		st.Output, st.HasOutput = v, true
		p.jsonata(where, "Output", v)
	}
	st.Assign = p.assign(where, "Assign", obj, st.QueryLanguage)
}

// path parses an optional path field; ref selects reference-path syntax.
func (p *parser) path(where string, obj map[string]any, field string, ref bool) Path {
	v, ok := obj[field]
	if !ok {
		return Path{}
	}
	if v == nil {
		return Path{Set: true, Null: true}
	}
	s, ok := v.(string)
	if !ok {
		p.addf(where, "%s must be a path string or null, not %s", field, jsonText(v))
		return Path{}
	}
	validate := expr.ValidatePath
	if ref {
		validate = expr.ValidateReferencePath
	}
	if err := validate(s); err != nil {
		p.addf(where, "%s %q is not a valid path: %v", field, s, err)
	}
	return Path{Set: true, Value: s}
}

// refPath parses an optional reference path field such as SecondsPath. An intrinsic call
// is accepted where intrinsic is true.
func (p *parser) refPath(where string, obj map[string]any, field string, intrinsic bool) string {
	s := p.str(where, obj, field)
	if s == "" {
		if _, ok := obj[field]; ok {
			p.addf(where, "%s must not be empty", field)
		}
		return ""
	}
	if intrinsic && strings.HasPrefix(s, "States.") {
		if err := expr.ValidateIntrinsic(s); err != nil {
			p.addf(where, "%s %q is not a valid intrinsic function call: %v", field, s, err)
		}
		return s
	}
	if err := expr.ValidateReferencePath(s); err != nil {
		p.addf(where, "%s %q is not a valid reference path: %v", field, s, err)
	}
	return s
}

func (p *parser) template(where, field string, v any) {
	if err := expr.ValidateTemplate(v); err != nil {
		p.addf(where, "%s: %v", field, err)
	}
}

func (p *parser) jsonata(where, field string, v any) {
	if err := expr.ValidateJSONataTemplate(v); err != nil {
		p.addf(where, "%s: %v", field, err)
	}
}

// assign parses an Assign object in the given query language.
func (p *parser) assign(where, field string, obj map[string]any, lang string) map[string]any {
	v, ok := obj[field]
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		p.addf(where, "%s must be an object of variable names to values, not %s", field, jsonText(v))
		return nil
	}
	for _, name := range sortedKeys(m) {
		key := strings.TrimSuffix(name, ".$")
		if !validVariableName(key) {
			p.addf(where, "%s: variable name %q is invalid; use letters, digits and underscores, not starting with a digit", field, key)
		}
	}
	if lang == JSONata {
		p.jsonata(where, field, m)
	} else {
		p.template(where, field, m)
	}
	return m
}

func validVariableName(s string) bool {
	if s == "" || len(s) > 80 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		case r > 127:
		default:
			return false
		}
	}
	return true
}

// seconds parses a number-of-seconds field that may be a JSONata expression in JSONata states.
func (p *parser) seconds(where string, st *State, obj map[string]any, field string, min float64) any {
	v, ok := obj[field]
	if !ok {
		return nil
	}
	if st.QueryLanguage == JSONata && isJSONata(v) {
		p.jsonata(where, field, v)
		return v
	}
	f, isNum := v.(float64)
	if !isNum || f != float64(int64(f)) || f < min || f > 99999999 {
		p.addf(where, "%s must be an integer between %v and 99999999, not %s", field, min, jsonText(v))
		return nil
	}
	return f
}

func (p *parser) task(where string, st *State, obj map[string]any) {
	res, ok := obj["Resource"].(string)
	if !ok || res == "" {
		p.addf(where, "Resource is missing; set it to a Lambda function ARN or a service integration ARN")
	} else if !strings.HasPrefix(res, "arn:") && !strings.HasPrefix(res, "${") {
		p.addf(where, "Resource %q is not an ARN", res)
	}
	st.Resource = res
	st.TimeoutSeconds = p.seconds(where, st, obj, "TimeoutSeconds", 1)
	st.HeartbeatSeconds = p.seconds(where, st, obj, "HeartbeatSeconds", 1)
	st.TimeoutSecondsPath = p.refPath(where, obj, "TimeoutSecondsPath", false)
	st.HeartbeatSecondsPath = p.refPath(where, obj, "HeartbeatSecondsPath", false)
	if st.TimeoutSeconds != nil && st.TimeoutSecondsPath != "" {
		p.addf(where, "TimeoutSeconds and TimeoutSecondsPath are both set; keep one of them")
	}
	if st.HeartbeatSeconds != nil && st.HeartbeatSecondsPath != "" {
		p.addf(where, "HeartbeatSeconds and HeartbeatSecondsPath are both set; keep one of them")
	}
	t, tok := st.TimeoutSeconds.(float64)
	h, hok := st.HeartbeatSeconds.(float64)
	if tok && hok && h >= t {
		p.addf(where, "HeartbeatSeconds (%v) must be smaller than TimeoutSeconds (%v)", h, t)
	}
	if v, ok := obj["Credentials"]; ok {
		st.Credentials = v
		if _, isObj := v.(map[string]any); !isObj {
			p.addf(where, "Credentials must be an object, not %s", jsonText(v))
		}
	}
}

func (p *parser) choice(where string, st *State, obj map[string]any) {
	st.Default = p.str(where, obj, "Default")
	list, ok := obj["Choices"].([]any)
	if !ok || len(list) == 0 {
		p.addf(where, "Choices must be a non-empty array of rules")
		return
	}
	for i, raw := range list {
		rw := fmt.Sprintf("Choices[%d]", i)
		m, ok := raw.(map[string]any)
		if !ok {
			p.addf(where, "%s must be an object", rw)
			continue
		}
		rule := ChoiceRule{Rule: m}
		rule.Next, _ = m["Next"].(string)
		if rule.Next == "" {
			p.addf(where, "%s.Next is missing; every top-level rule needs the state to go to", rw)
		}
		rule.Assign = p.assign(join(where, rw), "Assign", m, st.QueryLanguage)
		if st.QueryLanguage == JSONata {
			p.unknownFields(join(where, rw), m, choiceRuleFields[1], "a JSONata Choice rule")
			c, ok := m["Condition"]
			if !ok {
				p.addf(where, "%s.Condition is missing", rw)
			} else if _, isBool := c.(bool); !isBool {
				p.jsonata(where, rw+".Condition", c)
			}
			rule.Condition = c
			if v, ok := m["Output"]; ok {
				rule.Output, rule.HasOutput = v, true
				p.jsonata(where, rw+".Output", v)
			}
			st.Choices = append(st.Choices, rule)
			continue
		}
		if _, ok := m["Condition"]; ok {
			p.addf(where, "%s.Condition is only allowed when QueryLanguage is JSONata; use a Variable and a comparison", rw)
		}
		if _, ok := m["Output"]; ok {
			p.addf(where, "%s.Output is only allowed when QueryLanguage is JSONata", rw)
		}
		top := map[string]any{}
		for k, v := range m {
			if k != "Next" && k != "Assign" && k != "Comment" {
				top[k] = v
			}
		}
		if err := expr.ValidateChoiceRule(top); err != nil {
			p.addf(where, "%s: %v", rw, err)
		}
		rule.Rule = top
		st.Choices = append(st.Choices, rule)
	}
}

func (p *parser) wait(where string, st *State, obj map[string]any) {
	n := 0
	if v, ok := obj["Seconds"]; ok {
		n++
		st.Seconds = v
		if !(st.QueryLanguage == JSONata && isJSONata(v)) {
			st.Seconds = p.seconds(where, st, obj, "Seconds", 0)
		} else {
			p.jsonata(where, "Seconds", v)
		}
	}
	if v, ok := obj["Timestamp"]; ok {
		n++
		st.Timestamp = v
		if st.QueryLanguage == JSONata && isJSONata(v) {
			p.jsonata(where, "Timestamp", v)
		} else if s, ok := v.(string); !ok || !validTimestamp(s) {
			p.addf(where, "Timestamp must be an RFC 3339 time such as 2026-01-02T15:04:05Z, not %s", jsonText(v))
		}
	}
	if _, ok := obj["SecondsPath"]; ok {
		n++
		st.SecondsPath = p.refPath(where, obj, "SecondsPath", false)
	}
	if _, ok := obj["TimestampPath"]; ok {
		n++
		st.TimestampPath = p.refPath(where, obj, "TimestampPath", false)
	}
	if n != 1 {
		p.addf(where, "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath; it has %d", n)
	}
}

func (p *parser) fail(where string, st *State, obj map[string]any) {
	st.Error = p.str(where, obj, "Error")
	st.Cause = p.str(where, obj, "Cause")
	if st.QueryLanguage == JSONata {
		if isJSONata(st.Error) {
			p.jsonata(where, "Error", st.Error)
		}
		if isJSONata(st.Cause) {
			p.jsonata(where, "Cause", st.Cause)
		}
		return
	}
	st.ErrorPath = p.refPath(where, obj, "ErrorPath", true)
	st.CausePath = p.refPath(where, obj, "CausePath", true)
	if _, ok := obj["Error"]; ok && st.ErrorPath != "" {
		p.addf(where, "Error and ErrorPath are both set; keep one of them")
	}
	if _, ok := obj["Cause"]; ok && st.CausePath != "" {
		p.addf(where, "Cause and CausePath are both set; keep one of them")
	}
}

func (p *parser) parallel(where string, st *State, obj map[string]any) {
	list, ok := obj["Branches"].([]any)
	if !ok || len(list) == 0 {
		p.addf(where, "Branches must be a non-empty array of state machines")
		return
	}
	for i, raw := range list {
		bw := join(where, fmt.Sprintf("Branches[%d]", i))
		m, ok := raw.(map[string]any)
		if !ok {
			p.addf(bw, "branch must be an object with StartAt and States")
			continue
		}
		st.Branches = append(st.Branches, p.machine(bw, m, st.QueryLanguage, branchFields))
	}
}
