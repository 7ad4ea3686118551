// Package stepbench measures github.com/coinbase/step v1.0.6 on the definitions of package
// defs, in a process of its own.
//
// coinbase/step stops every execution that records more than 250 history events ("State
// Overflow") and runs Map iterations one after another. It is therefore measured on the
// largest definitions it accepts.
package stepbench

import (
	"strings"
	"testing"

	"github.com/coinbase/step/machine"

	"github.com/secamo/orchestrator/bench/defs"
)

func run(b *testing.B, def string, input any, transitions int, h defs.Handler) {
	sm, err := machine.FromJSON([]byte(def))
	if err != nil {
		b.Fatal(err)
	}
	if strings.Contains(def, `"Inc"`) {
		if err := sm.SetTaskHandler("Inc", h.StepHandler()); err != nil {
			b.Fatal(err)
		}
	}
	m := defs.Start(b)
	for range b.N {
		if _, err := sm.Execute(input); err != nil {
			b.Fatal(err)
		}
	}
	m.Report(transitions)
}

func BenchmarkPassChain(b *testing.B) {
	b.Run("step/120", func(b *testing.B) { run(b, defs.PassChain(120), map[string]any{"n": 1.0}, 120, "") })
}

func BenchmarkChoiceLoop(b *testing.B) {
	for _, h := range defs.Handlers {
		b.Run(string(h)+"/step/60", func(b *testing.B) { run(b, defs.ChoiceLoop(60), map[string]any{"i": 0.0}, 2*60+1, h) })
	}
}

func BenchmarkMap10000(b *testing.B) {
	b.Run("step", func(b *testing.B) { run(b, defs.MapDefinition, defs.MapInput(10000), 10000+1, "") })
}
