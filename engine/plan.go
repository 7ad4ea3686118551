package engine

import (
	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/asl/expr"
)

// statePlan holds what the engine works out about a state once, when its state machine is
// created, instead of at every transition.
type statePlan struct {
	entered, exited string // the event types of entering and leaving the state
	// readsContext is set when the state's fields mention the context object ("$$" in
	// JSONPath, $states.context in JSONata); the engine builds it only for those states.
	readsContext bool
	task         taskKind // a Task state's resource
	taskErr      error    // the reason a Task state's resource cannot run
	handler      Handler  // the handler of a Task state's Lambda function ARN, when registered
	// choices are a JSONPath Choice state's rules, prepared, in the order of st.Choices.
	choices []*expr.ChoiceRule
}

// plans holds the statePlan of every state of a state machine, its branches and processors,
// and the processors whose iterations run one after another (see inlineProcessor).
type plans struct {
	states map[*asl.State]*statePlan
	inline map[*asl.StateMachine]bool
}

// plan builds the plans of sm.
func (e *Engine) plan(sm *asl.StateMachine) plans {
	p := plans{states: map[*asl.State]*statePlan{}, inline: map[*asl.StateMachine]bool{}}
	var walk func(sm *asl.StateMachine)
	walk = func(sm *asl.StateMachine) {
		for _, st := range sm.States {
			types := stateEventTypes[st.Type]
			sp := &statePlan{entered: types[0], exited: types[1]}
			sp.readsContext = containsAny(jsonString(stateFieldsForScan(st)), "$$", "context", "Task.Token")
			if st.Type == asl.TypeTask {
				sp.task, sp.taskErr = parseResource(st.Resource)
				if sp.task.lambdaARN {
					sp.handler, _ = e.handler(sp.task.functionName)
				}
			}
			if st.Type == asl.TypeChoice && st.QueryLanguage != asl.JSONata {
				for _, c := range st.Choices {
					sp.choices = append(sp.choices, expr.CompileChoiceRule(c.Rule))
				}
			}
			p.states[st] = sp
			for _, b := range st.Branches {
				walk(b)
			}
			if st.Processor != nil {
				walk(st.Processor)
				p.inline[st.Processor] = inlineProcessor(st.Processor)
			}
		}
	}
	walk(sm)
	return p
}

// inlineProcessor reports whether a Map's iterations can run one after another on the Map's
// own goroutine. When every state they run only computes (Pass, Choice, Succeed, Fail), no
// iteration ever waits. Running them concurrently would then only add goroutines and
// contention for the history. The results and their order are the same either way.
func inlineProcessor(sm *asl.StateMachine) bool {
	for _, st := range sm.States {
		switch st.Type {
		case asl.TypePass, asl.TypeChoice, asl.TypeSucceed, asl.TypeFail:
		default:
			return false
		}
	}
	return true
}

// plan returns the plan of st.
func (th *thread) plan(st *asl.State) *statePlan {
	if sp := th.x.machine.plans.states[st]; sp != nil {
		return sp
	}
	return th.e.plan(&asl.StateMachine{States: map[string]*asl.State{st.Name: st}}).states[st]
}
