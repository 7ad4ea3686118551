package asl

// Query languages of a state machine or a state.
const (
	JSONPath = "JSONPath"
	JSONata  = "JSONata"
)

// State types.
const (
	TypePass     = "Pass"
	TypeTask     = "Task"
	TypeChoice   = "Choice"
	TypeWait     = "Wait"
	TypeSucceed  = "Succeed"
	TypeFail     = "Fail"
	TypeParallel = "Parallel"
	TypeMap      = "Map"
)

// Predefined error names of the States Language.
const (
	ErrorAll                    = "States.ALL"
	ErrorRuntime                = "States.Runtime"
	ErrorTimeout                = "States.Timeout"
	ErrorHeartbeatTimeout       = "States.HeartbeatTimeout"
	ErrorTaskFailed             = "States.TaskFailed"
	ErrorDataLimitExceeded      = "States.DataLimitExceeded"
	ErrorBranchFailed           = "States.BranchFailed"
	ErrorNoChoiceMatched        = "States.NoChoiceMatched"
	ErrorIntrinsicFailure       = "States.IntrinsicFailure"
	ErrorResultPathMatchFailure = "States.ResultPathMatchFailure"
	ErrorParameterPathFailure   = "States.ParameterPathFailure"
	ErrorExceedToleratedFailure = "States.ExceedToleratedFailureThreshold"
	ErrorItemReaderFailed       = "States.ItemReaderFailed"
	ErrorResultWriterFailed     = "States.ResultWriterFailed"
	ErrorQueryEvaluationError   = "States.QueryEvaluationError"
	ErrorPermissions            = "States.Permissions"
)

// StateMachine is a parsed definition, or a Parallel branch or Map processor inside one.
type StateMachine struct {
	Comment        string
	StartAt        string
	States         map[string]*State
	QueryLanguage  string // JSONPath unless the definition sets JSONata
	TimeoutSeconds float64
	Version        string
}

// Path is an optional path field that may also be JSON null, such as ResultPath: null.
type Path struct {
	Set   bool // the field is present
	Null  bool // the field is JSON null
	Value string
}

// Retrier is one Retry entry with the AWS defaults filled in.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds float64 // default 1
	MaxAttempts     int     // default 3; 0 means never retry
	BackoffRate     float64 // default 2.0
	MaxDelaySeconds float64 // 0 means no cap
	JitterStrategy  string  // "FULL" or "NONE" (the default)
}

// Catcher is one Catch entry.
type Catcher struct {
	ErrorEquals []string
	Next        string
	ResultPath  Path
	Output      any // JSONata
	HasOutput   bool
	Assign      map[string]any
}

// ChoiceRule is one entry of a Choice state's Choices.
type ChoiceRule struct {
	Rule      map[string]any // JSONPath: the condition (Variable, comparison, And/Or/Not), without Next, Assign and Comment
	Condition any            // JSONata: the Condition value, a boolean or a "{% ... %}" string
	Next      string
	Assign    map[string]any
	Output    any
	HasOutput bool
}

// State is one state of a state machine. Fields that do not apply to its Type are zero.
type State struct {
	Name          string
	Type          string
	Comment       string
	QueryLanguage string // the effective language: the state's own or the machine's
	Next          string
	End           bool

	// Input and output processing.
	InputPath      Path
	OutputPath     Path
	ResultPath     Path
	Parameters     any
	HasParameters  bool
	ResultSelector any
	Result         any
	HasResult      bool
	Arguments      any // JSONata
	HasArguments   bool
	Output         any // JSONata
	HasOutput      bool
	Assign         map[string]any

	// Task.
	Resource             string
	TimeoutSeconds       any // number, or a JSONata string
	TimeoutSecondsPath   string
	HeartbeatSeconds     any
	HeartbeatSecondsPath string
	Credentials          any

	// Task, Parallel, Map.
	Retry []Retrier
	Catch []Catcher

	// Choice.
	Choices []ChoiceRule
	Default string

	// Wait.
	Seconds       any
	SecondsPath   string
	Timestamp     any
	TimestampPath string

	// Fail.
	Error     string
	ErrorPath string
	Cause     string
	CausePath string

	// Parallel.
	Branches []*StateMachine

	// Map.
	Processor                      *StateMachine // ItemProcessor, or the legacy Iterator
	ProcessorMode                  string        // INLINE (the default) or DISTRIBUTED
	ItemsPath                      Path
	Items                          any // JSONata, or a JSON array
	HasItems                       bool
	ItemSelector                   any // ItemSelector, or the legacy Parameters
	HasItemSelector                bool
	ItemReader                     map[string]any
	ItemBatcher                    map[string]any
	ResultWriter                   map[string]any
	MaxConcurrency                 any
	MaxConcurrencyPath             string
	ToleratedFailureCount          any
	ToleratedFailureCountPath      string
	ToleratedFailurePercentage     any
	ToleratedFailurePercentagePath string
	Label                          string
}
