package expr

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync/atomic"
	"unsafe"

	jsonata "github.com/xiatechs/jsonata-go"
	"github.com/xiatechs/jsonata-go/jparse"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// The JSONata library evaluates user functions by recursion on the Go stack without a bound,
// and a Go stack overflow ends the process. guardLambdas makes every user function first call
// stackGuardName, which fails the evaluation once the stack is deeper than maxJSONataFrames,
// as jsonata-js fails with its U1001 stack overflow error.
const (
	stackGuardName = "secamoStackGuard"

	// maxJSONataFrames allows about 2000 nested calls of a user function, which take about
	// five Go frames each, and keeps the stack at a few megabytes, far below Go's limit. The
	// library adds to the error text at every level on the way out, so a deeper bound makes
	// a runaway recursion slow to fail.
	maxJSONataFrames = 10000

	// stackCheckInterval is how many guard calls share one stack check, because a check
	// unwinds the whole stack.
	stackCheckInterval = 32
)

// guardCalls counts guard calls across goroutines; it only spreads the checks out, so calls
// of concurrent evaluations may share it.
var guardCalls atomic.Uint64

// errJSONataStackOverflow carries the code and text of jsonata-js, which AWS runs, so it
// keeps their capital letters and full stops.
var errJSONataStackOverflow = errors.New("U1001: Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive.")

// checkJSONataStack is the guard each user function calls first. It returns undefined, or an
// error when the goroutine has more than maxJSONataFrames frames.
func checkJSONataStack() (any, error) {
	if guardCalls.Add(1)%stackCheckInterval != 0 {
		return nil, jtypes.ErrUndefined
	}
	// runtime.Callers stores a frame only when it can skip maxJSONataFrames frames first.
	var frame [1]uintptr
	if runtime.Callers(maxJSONataFrames, frame[:]) > 0 {
		return nil, errJSONataStackOverflow
	}
	return nil, jtypes.ErrUndefined
}

// guardLambdas rewrites the body of every function defined in the compiled expression to
// (guard(); body). It must run before the expression is evaluated or shared.
// NOTE: the library keeps the syntax tree in an unexported field of jsonata.Expr, which this
// reads with reflect and unsafe. The layout is that of github.com/xiatechs/jsonata-go v1.8.8;
// TestJSONataEndlessRecursion fails, by crashing, if a new version breaks it.
func guardLambdas(e *jsonata.Expr) error {
	field := reflect.ValueOf(e).Elem().FieldByName("node")
	if !field.IsValid() || field.Type() != reflect.TypeFor[jparse.Node]() {
		return fmt.Errorf("the JSONata library no longer keeps its syntax tree in Expr.node: adapt guardLambdas to the new library version")
	}
	root := *(*jparse.Node)(unsafe.Pointer(field.UnsafeAddr()))
	walkNodes(reflect.ValueOf(root), map[uintptr]bool{})
	return nil
}

var lambdaNodeType = reflect.TypeFor[*jparse.LambdaNode]()

// walkNodes visits every value reachable through the exported fields of the syntax tree and
// guards each LambdaNode once.
func walkNodes(v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			walkNodes(v.Elem(), seen)
		}
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		walkNodes(v.Elem(), seen)
		if v.Type() == lambdaNodeType {
			guardLambda(v.Interface().(*jparse.LambdaNode))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkNodes(v.Field(i), seen)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkNodes(v.Index(i), seen)
		}
	}
}

func guardLambda(lambda *jparse.LambdaNode) {
	guard := &jparse.FunctionCallNode{Func: &jparse.VariableNode{Name: stackGuardName}}
	lambda.Body = &jparse.BlockNode{Exprs: []jparse.Node{guard, lambda.Body}}
}
