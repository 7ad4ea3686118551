package expr

// Scope is what a JSONPath expression can read.
type Scope struct {
	Input   any            // "$": the state's effective input
	Context any            // "$$": the context object
	Vars    map[string]any // "$name": workflow variables
}

// JSONataScope is what a JSONata expression can read.
type JSONataScope struct {
	States map[string]any // bound as $states: {"input", "context", and where defined "result", "errorOutput"}
	Vars   map[string]any // bound as $name
}
