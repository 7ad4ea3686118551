package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/engine/store"
)

// Handler is a Lambda function in-process: it receives the event as JSON and returns the
// result as JSON. A returned error fails the task with the Go type name of the error.
type Handler func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error)

// Options configures an Engine. Zero values select the defaults.
type Options struct {
	Clock    Clock              // default RealClock
	Handlers map[string]Handler // by Lambda function name; ARNs and ${Name} placeholders resolve to it
	Logger   *slog.Logger       // default slog.Default()
	// MaxWorkers is the number of task handlers that may run at once across all executions;
	// default 64. Executions themselves are goroutines and wait on handlers, timers and
	// task tokens without holding a worker.
	MaxWorkers int
	// MaxFinishedExecutions is the number of finished executions kept in memory with their
	// histories; beyond it the oldest finished one is removed. Default 10,000.
	// NOTE: AWS keeps finished executions for 90 days; the SQLite store will keep them too.
	MaxFinishedExecutions int
	// Store makes executions durable: state machines, executions, their histories and
	// every transition are written to it, and Recover continues the running executions
	// after a restart. Nil keeps everything in memory.
	Store   *store.Store
	Region  string // used in ARNs; default "us-east-1"
	Account string // used in ARNs; default "123456789012"
}

// Engine runs state machines in-process.
type Engine struct {
	opts    Options
	clock   Clock
	nanos   nanoClock       // the clock, when it is one
	tracker activityTracker // nil unless the clock tracks activity
	log     *slog.Logger
	workers *semaphore
	store   *store.Store
	closed  atomic.Bool // set by Close: commit nothing more
	// commits is held for reading by every commit and for writing by Close, so no commit
	// is in flight once Close returns.
	commits sync.RWMutex

	// chunks holds history chunks of executions that left memory, for reuse.
	chunks sync.Pool

	mu         sync.Mutex
	machines   map[string]*stateMachine
	executions map[string]*execution
	tokens     map[string]*taskToken
	finished   []string // ARNs of finished executions, oldest first
}

// New returns an engine with opts.
func New(opts Options) *Engine {
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxWorkers <= 0 {
		opts.MaxWorkers = 64
	}
	if opts.MaxFinishedExecutions <= 0 {
		opts.MaxFinishedExecutions = 10000
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Account == "" {
		opts.Account = "123456789012"
	}
	e := &Engine{
		opts:       opts,
		clock:      opts.Clock,
		log:        opts.Logger,
		machines:   map[string]*stateMachine{},
		executions: map[string]*execution{},
		tokens:     map[string]*taskToken{},
		store:      opts.Store,
	}
	e.tracker, _ = opts.Clock.(activityTracker)
	e.nanos, _ = opts.Clock.(nanoClock)
	e.workers = newSemaphore(e, opts.MaxWorkers)
	return e
}

type stateMachine struct {
	arn, name  string
	definition string
	machine    *asl.StateMachine
	created    time.Time
	plans      plans
	// lastEvents is the length of the last finished execution's history, the best guess
	// for the next one's.
	lastEvents atomic.Int64
}

// historyHint returns the number of events an execution of sm is expected to record: as
// many as the last one, or entering and leaving each state once plus the start and end.
func (sm *stateMachine) historyHint() int {
	if n := sm.lastEvents.Load(); n > 0 {
		return int(n)
	}
	return 2*len(sm.machine.States) + 2
}

var (
	placeholderPattern = regexp.MustCompile(`\$\{([^}]*)\}`)
)

// CreateStateMachine validates definition after filling its ${Name} placeholders from
// substitutions and registers it under name. Creating the same name again replaces the
// definition. It returns the state machine ARN, or *InvalidDefinition listing every problem.
func (e *Engine) CreateStateMachine(ctx context.Context, name string, definition []byte, substitutions map[string]string) (string, error) {
	if !validName(name) {
		return "", &InvalidName{Message: fmt.Sprintf("state machine name %q is invalid: use 1 to 80 letters, digits, '.', '-' or '_'", name)}
	}
	text, err := substitute(string(definition), substitutions)
	if err != nil {
		return "", err
	}
	sm, err := asl.Parse([]byte(text))
	if err != nil {
		inv := &InvalidDefinition{Message: fmt.Sprintf("state machine %q: %v", name, err)}
		if verr, ok := err.(*asl.ValidationError); ok {
			inv.Problems = verr.Problems
		}
		return "", inv
	}
	arn := fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", e.opts.Region, e.opts.Account, name)
	created := e.clock.Now()
	if e.store != nil {
		if err := e.store.PutStateMachine(ctx, store.StateMachine{ARN: arn, Name: name, Definition: text, Substitutions: substitutions, CreatedAt: created}); err != nil {
			return "", fmt.Errorf("saving state machine %q: %w", name, err)
		}
	}
	e.register(arn, name, text, sm, created)
	e.log.InfoContext(ctx, "state machine created", "state_machine", arn)
	return arn, nil
}

func (e *Engine) register(arn, name, text string, sm *asl.StateMachine, created time.Time) {
	e.mu.Lock()
	e.machines[arn] = &stateMachine{arn: arn, name: name, definition: text, machine: sm, created: created, plans: e.plan(sm)}
	e.mu.Unlock()
}

// substitute fills ${Name} placeholders; every placeholder without a value is an error.
func substitute(def string, subs map[string]string) (string, error) {
	var missing []string
	out := placeholderPattern.ReplaceAllStringFunc(def, func(m string) string {
		key := m[2 : len(m)-1]
		v, ok := subs[key]
		if !ok {
			missing = append(missing, key)
			return m
		}
		b, _ := json.Marshal(v)
		return string(b[1 : len(b)-1])
	})
	if len(missing) > 0 {
		sort.Strings(missing)
		return "", &InvalidDefinition{
			Message:  fmt.Sprintf("definition placeholders without a substitution: %s; add them to the substitutions map", strings.Join(missing, ", ")),
			Problems: []string{"missing substitutions: " + strings.Join(missing, ", ")},
		}
	}
	return out, nil
}

// newID returns a random 128-bit hex string.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// validName reports whether name is 1 to 80 letters, digits, '.', '-' or '_'.
func validName(name string) bool {
	if len(name) == 0 || len(name) > 80 {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
