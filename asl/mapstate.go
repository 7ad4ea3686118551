package asl

import (
	"fmt"
	"time"
)

func (p *parser) mapState(where string, st *State, obj map[string]any) {
	proc, procField := obj["ItemProcessor"], "ItemProcessor"
	if it, ok := obj["Iterator"]; ok {
		if proc != nil {
			p.addf(where, "ItemProcessor and Iterator are both set; keep ItemProcessor")
		}
		proc, procField = it, "Iterator"
	}
	st.ProcessorMode = "INLINE"
	if m, ok := proc.(map[string]any); ok {
		pw := join(where, procField)
		if cfg, ok := m["ProcessorConfig"].(map[string]any); ok {
			p.unknownFields(join(pw, "ProcessorConfig"), cfg, fields("Mode", "ExecutionType"), "ProcessorConfig")
			if mode, ok := cfg["Mode"]; ok {
				s, _ := mode.(string)
				if s != "INLINE" && s != "DISTRIBUTED" {
					p.addf(pw, "ProcessorConfig.Mode must be INLINE or DISTRIBUTED, not %s", jsonText(mode))
				} else {
					st.ProcessorMode = s
				}
			}
			if et, ok := cfg["ExecutionType"]; ok && et != "STANDARD" && et != "EXPRESS" {
				p.addf(pw, "ProcessorConfig.ExecutionType must be STANDARD or EXPRESS, not %s", jsonText(et))
			}
		} else if v, ok := m["ProcessorConfig"]; ok {
			p.addf(pw, "ProcessorConfig must be an object, not %s", jsonText(v))
		}
		st.Processor = p.machine(pw, m, st.QueryLanguage, processorFields)
	} else {
		p.addf(where, "ItemProcessor is missing or not an object; set it to a state machine that processes one item")
	}

	st.ItemsPath = p.path(where, obj, "ItemsPath", true)
	if v, ok := obj["Items"]; ok {
		st.Items, st.HasItems = v, true
		if _, isArr := v.([]any); !isArr {
			if isJSONata(v) {
				p.jsonata(where, "Items", v)
			} else {
				p.addf(where, "Items must be an array or a JSONata expression, not %s", jsonText(v))
			}
		}
	}
	if v, ok := obj["ItemSelector"]; ok {
		st.ItemSelector, st.HasItemSelector = v, true
		if st.QueryLanguage == JSONata {
			p.jsonata(where, "ItemSelector", v)
		} else {
			p.template(where, "ItemSelector", v)
		}
	}
	if v, ok := obj["Parameters"]; ok {
		if st.HasItemSelector {
			p.addf(where, "Parameters and ItemSelector are both set; keep ItemSelector")
		}
		st.ItemSelector, st.HasItemSelector = v, true
		p.template(where, "Parameters", v)
	}
	st.ItemReader = p.object(where, obj, "ItemReader")
	st.ItemBatcher = p.object(where, obj, "ItemBatcher")
	st.ResultWriter = p.object(where, obj, "ResultWriter")
	if st.ItemReader != nil {
		if _, ok := st.ItemReader["Resource"].(string); !ok {
			p.addf(where, "ItemReader.Resource is missing")
		}
	}
	if st.ProcessorMode != "DISTRIBUTED" {
		for _, f := range []string{"ItemReader", "ItemBatcher", "ResultWriter", "Label"} {
			if _, ok := obj[f]; ok {
				p.addf(where, "%s is only allowed when ItemProcessor.ProcessorConfig.Mode is DISTRIBUTED", f)
			}
		}
	}
	st.Label = p.str(where, obj, "Label")
	if len(st.Label) > 40 {
		p.addf(where, "Label must be at most 40 characters")
	}

	st.MaxConcurrency = p.number(where, st, obj, "MaxConcurrency", 0, 1e9)
	st.MaxConcurrencyPath = p.refPath(where, obj, "MaxConcurrencyPath", false)
	st.ToleratedFailureCount = p.number(where, st, obj, "ToleratedFailureCount", 0, 1e9)
	st.ToleratedFailureCountPath = p.refPath(where, obj, "ToleratedFailureCountPath", false)
	st.ToleratedFailurePercentage = p.number(where, st, obj, "ToleratedFailurePercentage", 0, 100)
	st.ToleratedFailurePercentagePath = p.refPath(where, obj, "ToleratedFailurePercentagePath", false)
	for _, pair := range [][2]string{{"MaxConcurrency", "MaxConcurrencyPath"},
		{"ToleratedFailureCount", "ToleratedFailureCountPath"},
		{"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"}} {
		_, a := obj[pair[0]]
		_, b := obj[pair[1]]
		if a && b {
			p.addf(where, "%s and %s are both set; keep one of them", pair[0], pair[1])
		}
	}
}

// number parses a numeric field within [min, max] that may be JSONata in a JSONata state.
func (p *parser) number(where string, st *State, obj map[string]any, field string, min, max float64) any {
	v, ok := obj[field]
	if !ok {
		return nil
	}
	if st.QueryLanguage == JSONata && isJSONata(v) {
		p.jsonata(where, field, v)
		return v
	}
	f, isNum := v.(float64)
	if !isNum || f < min || f > max {
		p.addf(where, "%s must be a number between %v and %v, not %s", field, min, max, jsonText(v))
		return nil
	}
	return f
}

func (p *parser) object(where string, obj map[string]any, field string) map[string]any {
	v, ok := obj[field]
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		p.addf(where, "%s must be an object, not %s", field, jsonText(v))
	}
	return m
}

func (p *parser) errorEquals(where, at string, m map[string]any) []string {
	raw, ok := m["ErrorEquals"].([]any)
	if !ok || len(raw) == 0 {
		p.addf(where, "%s.ErrorEquals must be a non-empty array of error names", at)
		return nil
	}
	names := make([]string, 0, len(raw))
	for i, v := range raw {
		s, ok := v.(string)
		if !ok || s == "" {
			p.addf(where, "%s.ErrorEquals[%d] must be a non-empty string", at, i)
			continue
		}
		if s == ErrorAll && len(raw) > 1 {
			p.addf(where, "%s.ErrorEquals: %s must appear alone", at, ErrorAll)
		}
		names = append(names, s)
	}
	return names
}

// list returns field of obj as an array of objects.
func (p *parser) list(where string, obj map[string]any, field string) []map[string]any {
	v, ok := obj[field]
	if !ok {
		return nil
	}
	raw, ok := v.([]any)
	if !ok {
		p.addf(where, "%s must be an array, not %s", field, jsonText(v))
		return nil
	}
	out := make([]map[string]any, 0, len(raw))
	for i, e := range raw {
		m, ok := e.(map[string]any)
		if !ok {
			p.addf(where, "%s[%d] must be an object", field, i)
			m = map[string]any{}
		}
		out = append(out, m)
	}
	return out
}

// retry parses Retry and applies the AWS defaults.
func (p *parser) retry(where string, st *State, obj map[string]any) {
	entries := p.list(where, obj, "Retry")
	for i, m := range entries {
		at := fmt.Sprintf("Retry[%d]", i)
		p.unknownFields(where, m, retrierFields, at)
		r := Retrier{IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "NONE"}
		r.ErrorEquals = p.errorEquals(where, at, m)
		if v, ok := m["IntervalSeconds"]; ok {
			f, isNum := v.(float64)
			if !isNum || f != float64(int64(f)) || f < 1 || f > 99999999 {
				p.addf(where, "%s.IntervalSeconds must be an integer between 1 and 99999999", at)
			}
			r.IntervalSeconds = f
		}
		if v, ok := m["MaxAttempts"]; ok {
			f, isNum := v.(float64)
			if !isNum || f != float64(int64(f)) || f < 0 || f > 99999999 {
				p.addf(where, "%s.MaxAttempts must be an integer between 0 and 99999999", at)
			}
			r.MaxAttempts = int(f)
		}
		if v, ok := m["BackoffRate"]; ok {
			f, isNum := v.(float64)
			if !isNum || f < 1 {
				p.addf(where, "%s.BackoffRate must be >= 1.0", at)
			}
			r.BackoffRate = f
		}
		if v, ok := m["MaxDelaySeconds"]; ok {
			f, isNum := v.(float64)
			if !isNum || f != float64(int64(f)) || f < 1 || f > 31622400 {
				p.addf(where, "%s.MaxDelaySeconds must be an integer between 1 and 31622400", at)
			}
			r.MaxDelaySeconds = f
		}
		if v, ok := m["JitterStrategy"]; ok {
			if v != "FULL" && v != "NONE" {
				p.addf(where, "%s.JitterStrategy must be FULL or NONE, not %s", at, jsonText(v))
			} else {
				r.JitterStrategy = v.(string)
			}
		}
		if hasAll(r.ErrorEquals) && i != len(entries)-1 {
			p.addf(where, "%s: a retrier with %s must be the last one", at, ErrorAll)
		}
		st.Retry = append(st.Retry, r)
	}
}

// catch parses Catch.
func (p *parser) catch(where string, st *State, obj map[string]any) {
	entries := p.list(where, obj, "Catch")
	li := languageIndex(st.QueryLanguage)
	for i, m := range entries {
		at := fmt.Sprintf("Catch[%d]", i)
		p.unknownFields(where, m, catcherFields[li], at)
		c := Catcher{ErrorEquals: p.errorEquals(where, at, m)}
		c.Next, _ = m["Next"].(string)
		if c.Next == "" {
			p.addf(where, "%s.Next is missing; set it to the state that handles the error", at)
		}
		c.ResultPath = p.path(join(where, at), m, "ResultPath", true)
		if v, ok := m["Output"]; ok {
			c.Output, c.HasOutput = v, true
			p.jsonata(where, at+".Output", v)
		}
		c.Assign = p.assign(join(where, at), "Assign", m, st.QueryLanguage)
		if hasAll(c.ErrorEquals) && i != len(entries)-1 {
			p.addf(where, "%s: a catcher with %s must be the last one", at, ErrorAll)
		}
		st.Catch = append(st.Catch, c)
	}
}

func hasAll(names []string) bool {
	for _, n := range names {
		if n == ErrorAll {
			return true
		}
	}
	return false
}

// validTimestamp reports whether s is an RFC 3339 time as the Wait state accepts it.
func validTimestamp(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}
