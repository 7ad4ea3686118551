package expr

import "testing"

func benchmarkScope(b *testing.B) Scope {
	return Scope{
		Input:   decode(b, storeJSON),
		Context: decode(b, `{"Execution": {"Name": "e1"}, "Map": {"Item": {"Index": 3}}}`),
		Vars:    map[string]any{"tenant": "acme"},
	}
}

func BenchmarkQuery(b *testing.B) {
	scope := benchmarkScope(b)
	for _, path := range []string{"$.store.bicycle.color", "$.store.book[2].title", "$.store.book[?(@.price < 10)].title", "$..price"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Query(path, scope); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEvalTemplate(b *testing.B) {
	scope := benchmarkScope(b)
	tpl := decode(b, `{
		"color.$": "$.store.bicycle.color",
		"first.$": "$.store.book[0].author",
		"tenant.$": "$tenant",
		"execution.$": "$$.Execution.Name",
		"fixed": {"kind": "offboarding", "retries": 3},
		"message.$": "States.Format('{} by {}', $.store.book[1].title, $.store.book[1].author)"
	}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EvalTemplate(tpl, scope); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalIntrinsic(b *testing.B) {
	scope := benchmarkScope(b)
	for _, call := range []string{
		"States.Format('{} costs {}', $.store.book[0].title, $.store.book[0].price)",
		"States.ArrayLength($.store.book)",
		"States.MathAdd($$.Map.Item.Index, 1)",
		"States.Hash($.store.bicycle.color, 'SHA-256')",
	} {
		b.Run(call, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := EvalIntrinsic(call, scope); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEvalChoiceRule(b *testing.B) {
	scope := benchmarkScope(b)
	rule := decode(b, `{"And": [
		{"Variable": "$.store.bicycle.price", "NumericGreaterThan": 10},
		{"Variable": "$.store.bicycle.color", "StringEquals": "red"}
	], "Next": "X"}`).(map[string]any)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EvalChoiceRule(rule, scope); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalJSONataTemplate(b *testing.B) {
	scope := JSONataScope{States: map[string]any{"input": decode(b, storeJSON)}, Vars: map[string]any{"tenant": "acme"}}
	tpl := decode(b, `{"color": "{% $states.input.store.bicycle.color %}", "tenant": "{% $tenant %}", "fixed": 1}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EvalJSONataTemplate(tpl, scope); err != nil {
			b.Fatal(err)
		}
	}
}
