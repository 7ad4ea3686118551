package expr

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// operandType is the JSON type a comparison operator takes.
type operandType int

const (
	operandString operandType = iota
	operandNumber
	operandBoolean
	operandTimestamp
)

// comparison describes one Choice comparison operator, such as NumericLessThanEquals.
type comparison struct {
	operand operandType
	test    func(cmp int) bool // nil for StringMatches
}

var choiceComparisons = map[string]comparison{}

// choiceTypeTests are the Is* operators, which take a boolean.
var choiceTypeTests = map[string]func(v any) bool{
	"IsNull":      func(v any) bool { return v == nil },
	"IsString":    func(v any) bool { _, ok := v.(string); return ok },
	"IsNumeric":   func(v any) bool { _, ok := v.(float64); return ok },
	"IsBoolean":   func(v any) bool { _, ok := v.(bool); return ok },
	"IsTimestamp": func(v any) bool { _, ok := parseTimestamp(v); return ok },
}

func init() {
	relations := map[string]func(int) bool{
		"Equals":            func(c int) bool { return c == 0 },
		"LessThan":          func(c int) bool { return c < 0 },
		"GreaterThan":       func(c int) bool { return c > 0 },
		"LessThanEquals":    func(c int) bool { return c <= 0 },
		"GreaterThanEquals": func(c int) bool { return c >= 0 },
	}
	prefixes := map[string]operandType{"String": operandString, "Numeric": operandNumber, "Timestamp": operandTimestamp}
	for prefix, operand := range prefixes {
		for relation, test := range relations {
			choiceComparisons[prefix+relation] = comparison{operand: operand, test: test}
		}
	}
	choiceComparisons["BooleanEquals"] = comparison{operand: operandBoolean, test: relations["Equals"]}
	choiceComparisons["StringMatches"] = comparison{operand: operandString}
}

// choiceMetaFields are the fields a Choice rule may have besides its condition.
var choiceMetaFields = map[string]bool{"Next": true, "Comment": true, "Assign": true}

// ValidateChoiceRule checks one JSONPath Choice rule, top-level or nested: an And, Or or Not
// combination, or a Variable with exactly one comparison operator whose value has the type
// the operator takes.
func ValidateChoiceRule(rule map[string]any) error {
	return validateChoiceRule(rule, 0)
}

// maxChoiceDepth bounds the nesting of And, Or and Not.
const maxChoiceDepth = 100

func validateChoiceRule(rule map[string]any, depth int) error {
	if depth > maxChoiceDepth {
		return fmt.Errorf("choice rules are nested more than %d deep", maxChoiceDepth)
	}
	var conditions []string
	for k := range rule {
		if !choiceMetaFields[k] && k != "Variable" {
			conditions = append(conditions, k)
		}
	}
	sort.Strings(conditions)
	if len(conditions) != 1 {
		if len(conditions) == 0 {
			return fmt.Errorf("choice rule has no condition: add And, Or, Not or a comparison operator such as StringEquals")
		}
		return fmt.Errorf("choice rule has %d conditions (%s): a rule takes exactly one; combine them with And or Or", len(conditions), strings.Join(conditions, ", "))
	}
	op := conditions[0]
	switch op {
	case "And", "Or":
		return validateChoiceList(rule, op, depth)
	case "Not":
		if _, hasVariable := rule["Variable"]; hasVariable {
			return fmt.Errorf("choice rule with Not must not have a Variable: put the Variable inside the Not rule")
		}
		inner, ok := rule["Not"].(map[string]any)
		if !ok {
			return fmt.Errorf("Not must be a choice rule object, not %s", typeName(rule["Not"]))
		}
		if err := validateChoiceRule(inner, depth+1); err != nil {
			return fmt.Errorf("Not: %w", err)
		}
		return nil
	}
	return validateComparison(rule, op)
}

func validateChoiceList(rule map[string]any, op string, depth int) error {
	if _, hasVariable := rule["Variable"]; hasVariable {
		return fmt.Errorf("choice rule with %s must not have a Variable: put the Variable inside each rule", op)
	}
	list, ok := rule[op].([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("%s must be a non-empty array of choice rules", op)
	}
	for i, item := range list {
		inner, ok := item.(map[string]any)
		if !ok {
			return fmt.Errorf("%s[%d] must be a choice rule object, not %s", op, i, typeName(item))
		}
		if err := validateChoiceRule(inner, depth+1); err != nil {
			return fmt.Errorf("%s[%d]: %w", op, i, err)
		}
	}
	return nil
}

func validateComparison(rule map[string]any, op string) error {
	variable, ok := rule["Variable"].(string)
	if !ok {
		return fmt.Errorf("choice rule with %s needs a Variable holding a path", op)
	}
	if err := ValidateReferencePath(variable); err != nil {
		return fmt.Errorf("Variable: %w", err)
	}
	value := rule[op]
	if op == "IsPresent" || choiceTypeTests[op] != nil {
		if _, ok := value.(bool); !ok {
			return fmt.Errorf("%s must be true or false, not %s", op, typeName(value))
		}
		return nil
	}
	if base, isPath := strings.CutSuffix(op, "Path"); isPath && base != "" {
		if _, known := choiceComparisons[base]; known && base != "StringMatches" {
			path, ok := value.(string)
			if !ok {
				return fmt.Errorf("%s must be a string holding a path, not %s", op, typeName(value))
			}
			if err := ValidateReferencePath(path); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
			return nil
		}
	}
	cmp, known := choiceComparisons[op]
	if !known {
		return fmt.Errorf("unknown choice operator %q", op)
	}
	return validateOperand(op, cmp.operand, value)
}

func validateOperand(op string, operand operandType, value any) error {
	switch operand {
	case operandString:
		if _, ok := value.(string); !ok {
			return fmt.Errorf("%s must be a string, not %s", op, typeName(value))
		}
	case operandNumber:
		if _, ok := value.(float64); !ok {
			return fmt.Errorf("%s must be a number, not %s", op, typeName(value))
		}
	case operandBoolean:
		if _, ok := value.(bool); !ok {
			return fmt.Errorf("%s must be true or false, not %s", op, typeName(value))
		}
	case operandTimestamp:
		if _, ok := parseTimestamp(value); !ok {
			return fmt.Errorf("%s must be an RFC 3339 timestamp such as 2016-08-18T17:33:00Z, not %s", op, describe(value))
		}
	}
	return nil
}

// parseTimestamp accepts RFC 3339 date-times with a time zone, with or without fractional
// seconds, such as 2016-08-18T17:33:00Z or 2016-08-18T17:33:00.5+01:00.
func parseTimestamp(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
