package expr

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/secamo/orchestrator/internal/testenv"
)

// conformanceCase is the part of a recorded AWS execution these tests replay.
type conformanceCase struct {
	ID         string         `json:"id"`
	Tier       string         `json:"tier"`
	Area       string         `json:"area"`
	Definition map[string]any `json:"definition"`
	Input      *string        `json:"input"`
	Expected   struct {
		Status          string `json:"status"`
		Output          any    `json:"output"`
		OutputIsRawText bool   `json:"output_is_raw_text"`
		Error           string `json:"error"`
		Cause           any    `json:"cause"`
	} `json:"expected"`
}

func loadConformanceCases(t *testing.T) []conformanceCase {
	t.Helper()
	dir := testenv.SharedDir(t, filepath.Join("..", ".."))
	f, err := os.Open(filepath.Join(dir, "asl-conformance", "cases.jsonl"))
	if err != nil {
		testenv.SkipOrFail(t, "conformance cases not readable: %v", err)
	}
	defer f.Close()
	var cases []conformanceCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var c conformanceCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("decoding a conformance case: %v", err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading conformance cases: %v", err)
	}
	return cases
}

// startState returns the name and definition of a case's first state.
func (c conformanceCase) startState() (name string, state map[string]any) {
	name, _ = c.Definition["StartAt"].(string)
	states, _ := c.Definition["States"].(map[string]any)
	state, _ = states[name].(map[string]any)
	return name, state
}

func (c conformanceCase) input(t *testing.T) any {
	if c.Input == nil {
		return map[string]any{}
	}
	return decode(t, *c.Input)
}

func (c conformanceCase) expectedOutput(t *testing.T) any {
	if c.Expected.OutputIsRawText {
		text, _ := c.Expected.Output.(string)
		return decode(t, text)
	}
	return c.Expected.Output
}

func (c conformanceCase) contextObject(stateName string, input any) map[string]any {
	return map[string]any{
		"Execution": map[string]any{
			"Input": input, "Name": "exec-1", "Id": "arn:aws:states:us-east-1:111111111111:execution:sm-1:exec-1",
			"RoleArn": "arn:aws:iam::111111111111:role/sfn", "StartTime": "2026-01-01T00:00:00Z", "RedriveCount": 0.0,
		},
		"StateMachine": map[string]any{"Name": "sm-1", "Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm-1"},
		"State":        map[string]any{"Name": stateName, "EnteredTime": "2026-01-01T00:00:00Z"},
	}
}

// TestConformancePassParameters replays the recorded Pass states whose Parameters hold
// intrinsic function calls and paths, and that end the execution.
func TestConformancePassParameters(t *testing.T) {
	replayed := 0
	for _, c := range loadConformanceCases(t) {
		name, state := c.startState()
		params, hasParams := state["Parameters"]
		if c.Tier != "pure" || state["Type"] != "Pass" || state["End"] != true || !hasParams ||
			state["ResultPath"] != nil || state["OutputPath"] != nil || state["InputPath"] != nil {
			continue
		}
		replayed++
		t.Run(c.ID, func(t *testing.T) {
			input := c.input(t)
			scope := Scope{Input: input, Context: c.contextObject(name, input), Vars: map[string]any{}}
			if err := ValidateTemplate(params); err != nil {
				t.Fatalf("ValidateTemplate: %v", err)
			}
			got, err := EvalTemplate(params, scope)
			checkConformance(t, c, got, err)
		})
	}
	if replayed < 80 {
		t.Errorf("replayed %d Pass cases, want at least 80: the case file changed shape", replayed)
	}
}

func checkConformance(t *testing.T, c conformanceCase, got any, err error) {
	t.Helper()
	if c.Expected.Status == "FAILED" {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error = %v, want %s", err, c.Expected.Error)
		}
		if e.Name != c.Expected.Error {
			t.Errorf("error name = %q, want %q", e.Name, c.Expected.Error)
		}
		if cause, ok := c.Expected.Cause.(string); ok {
			cause = statePrefixRE.ReplaceAllString(cause, "")
			if !placeholderPattern(cause).MatchString(e.Cause) {
				t.Errorf("cause = %q, want %q", e.Cause, cause)
			}
		}
		return
	}
	if err != nil {
		t.Fatalf("error: %v", err)
	}
	if want := c.expectedOutput(t); !matchRecorded(normalizeJSON(t, got), want) {
		t.Errorf("output = %#v, want %#v", got, want)
	}
}

// placeholderPattern compiles a recorded text into a pattern for the whole text, in which each
// <...> placeholder that the recording put in place of a varying value matches any text.
func placeholderPattern(cause string) *regexp.Regexp {
	var b strings.Builder
	last := 0
	for _, loc := range placeholderRE.FindAllStringIndex(cause, -1) {
		b.WriteString(regexp.QuoteMeta(cause[last:loc[0]]))
		b.WriteString(".*")
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(cause[last:]))
	return regexp.MustCompile("(?s)^" + b.String() + "$")
}

// statePrefixRE matches the start of a cause that the runtime, not this package, adds.
var statePrefixRE = regexp.MustCompile(`^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. `)

var placeholderRE = regexp.MustCompile(`<[^<>]*>`)

// recordedTimeAndRole are the literal strings the recording put in place of times and of the
// execution role.
var recordedTimeAndRole = map[string]bool{"date": true, "timestamp": true, "datetime": true, "start-time": true, "entered-time": true, "snf_role_arn": true}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// matchRecorded compares an output with a recorded one, in which the recording replaced
// random and time values with placeholders.
func matchRecorded(got, want any) bool {
	switch w := want.(type) {
	case string:
		switch {
		case recordedTimeAndRole[w]:
			_, ok := got.(string)
			return ok
		case w == "RandomNumberGenerated":
			_, ok := got.(float64)
			return ok
		case w == "generated-uuid":
			s, ok := got.(string)
			return ok && uuidRE.MatchString(s)
		case placeholderRE.MatchString(w):
			s, ok := got.(string)
			return ok && placeholderPattern(w).MatchString(s)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !matchRecorded(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			if !matchRecorded(g[k], v) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(got, want)
}

// normalizeJSON round-trips a value through encoding/json so that it compares equal to
// decoded expectations.
func normalizeJSON(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %#v: %v", v, err)
	}
	return decode(t, string(data))
}

// TestConformanceChoiceRules replays the recorded Choice states that pick ConditionTrue or
// ConditionFalse with one rule.
func TestConformanceChoiceRules(t *testing.T) {
	replayed := 0
	for _, c := range loadConformanceCases(t) {
		name, state := c.startState()
		choices, _ := state["Choices"].([]any)
		if c.Tier != "pure" || state["Type"] != "Choice" || len(choices) != 1 || state["Default"] != "ConditionFalse" {
			continue
		}
		rule, _ := choices[0].(map[string]any)
		if rule["Next"] != "ConditionTrue" {
			continue
		}
		replayed++
		t.Run(c.ID, func(t *testing.T) {
			input := c.input(t)
			scope := Scope{Input: input, Context: c.contextObject(name, input)}
			if err := ValidateChoiceRule(rule); err != nil {
				t.Fatalf("ValidateChoiceRule: %v", err)
			}
			matched, err := evalBoth(t, rule, scope)
			if c.Expected.Status != "SUCCEEDED" {
				checkConformance(t, c, nil, err)
				return
			}
			if err != nil {
				t.Fatalf("EvalChoiceRule: %v", err)
			}
			output, _ := c.Expected.Output.(map[string]any)
			want := output["TestResult.$"] == "ConditionTrue"
			if matched != want {
				t.Errorf("EvalChoiceRule(%v) on %s = %v, want %v", rule, *c.Input, matched, want)
			}
		})
	}
	if replayed < 300 {
		t.Errorf("replayed %d Choice cases, want at least 300: the case file changed shape", replayed)
	}
}

// TestConformanceJSONataPass replays the recorded JSONata Pass states that end the
// execution: their Assign, then their Output.
func TestConformanceJSONataPass(t *testing.T) {
	replayed := 0
	for _, c := range loadConformanceCases(t) {
		name, state := c.startState()
		jsonataMode := c.Definition["QueryLanguage"] == "JSONata" || state["QueryLanguage"] == "JSONata"
		output, hasOutput := state["Output"]
		assign, hasAssign := state["Assign"]
		if c.Tier != "pure" || !jsonataMode || state["Type"] != "Pass" || state["End"] != true || (!hasOutput && !hasAssign) {
			continue
		}
		replayed++
		t.Run(c.ID, func(t *testing.T) {
			input := c.input(t)
			scope := JSONataScope{States: map[string]any{"input": input, "context": c.contextObject(name, input)}}
			if hasAssign {
				if err := ValidateJSONataTemplate(assign); err != nil {
					t.Fatalf("ValidateJSONataTemplate(Assign): %v", err)
				}
				if _, err := EvalJSONataField("Assign", assign, scope); err != nil || !hasOutput {
					checkConformance(t, c, input, err)
					return
				}
			}
			if err := ValidateJSONataTemplate(output); err != nil {
				t.Fatalf("ValidateJSONataTemplate(Output): %v", err)
			}
			got, err := EvalJSONataField("Output", output, scope)
			checkConformance(t, c, got, err)
		})
	}
	if replayed < 30 {
		t.Errorf("replayed %d JSONata Pass cases, want at least 30: the case file changed shape", replayed)
	}
}
