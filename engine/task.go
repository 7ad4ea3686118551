package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/secamo/orchestrator/asl"
)

// Task resources the engine integrates.
const (
	resourceLambdaInvoke   = "arn:aws:states:::lambda:invoke"
	resourceStartExecution = "arn:aws:states:::states:startExecution"
)

// taskKind is the invocation style of a Task resource.
type taskKind struct {
	lambdaARN    bool   // a plain Lambda function ARN: bare result, LambdaFunction* events
	service      string // "lambda:invoke" or "states:startExecution" for optimized integrations
	pattern      string // "", "waitForTaskToken", "sync" or "sync:2"
	functionName string // for a Lambda ARN
}

// parseResource classifies a Task resource.
func parseResource(res string) (taskKind, error) {
	if strings.HasPrefix(res, "arn:aws:lambda:") || strings.HasPrefix(res, "arn:aws-us-gov:lambda:") {
		parts := strings.Split(res, ":")
		if len(parts) < 7 || parts[5] != "function" || parts[6] == "" {
			return taskKind{}, fmt.Errorf("Lambda resource %q is not arn:aws:lambda:REGION:ACCOUNT:function:NAME", res)
		}
		return taskKind{lambdaARN: true, functionName: parts[6]}, nil
	}
	base, pattern, _ := strings.Cut(res, ".")
	switch base {
	case resourceLambdaInvoke:
		if pattern != "" && pattern != "waitForTaskToken" {
			return taskKind{}, fmt.Errorf("resource %q: lambda:invoke supports only .waitForTaskToken", res)
		}
		return taskKind{service: "lambda:invoke", pattern: pattern}, nil
	case resourceStartExecution:
		if pattern != "" && pattern != "sync" && pattern != "sync:2" && pattern != "waitForTaskToken" {
			return taskKind{}, fmt.Errorf("resource %q: states:startExecution supports .sync, .sync:2 and .waitForTaskToken", res)
		}
		return taskKind{service: "states:startExecution", pattern: pattern}, nil
	}
	return taskKind{}, fmt.Errorf("resource %q is not supported by the local engine; it runs Lambda functions (arn:aws:lambda:...:function:NAME, %s) and %s", res, resourceLambdaInvoke, resourceStartExecution)
}

// functionName returns the Lambda function name in a name, a partial ARN or a full ARN.
func functionName(s string) string {
	if strings.HasPrefix(s, "arn:") {
		parts := strings.Split(s, ":")
		if len(parts) >= 7 {
			return parts[6]
		}
	}
	if i := strings.Index(s, ":function:"); i >= 0 {
		return strings.SplitN(s[i+len(":function:"):], ":", 2)[0]
	}
	return s
}

func (th *thread) task(ctx context.Context, run *stateRun) (outcome, *Failure) {
	st := run.st
	plan := run.plan
	kind := plan.task
	if plan.taskErr != nil {
		return outcome{}, failf(asl.ErrorRuntime, plan.taskErr.Error())
	}
	if kind.pattern == "waitForTaskToken" || kind.pattern == "sync" || kind.pattern == "sync:2" {
		run.token = th.e.newToken()
		if run.resumed && th.resume.token != nil {
			run.token = th.resume.token.Token
		}
	}
	ctxObj := th.contextObject(run)

	var (
		params any
		states map[string]any
		fail   *Failure
	)
	if st.QueryLanguage == asl.JSONata {
		states = th.states(run, run.raw)
		params = run.raw
		if st.HasArguments {
			if params, fail = th.jsonata(st.Arguments, states); fail != nil {
				return outcome{}, fail
			}
		}
	} else {
		in, fail := th.inputPath(st.InputPath, run.raw, ctxObj)
		if fail != nil {
			return outcome{}, fail
		}
		params = in
		if st.HasParameters {
			if params, fail = th.template(st.Parameters, in, ctxObj); fail != nil {
				return outcome{}, fail
			}
		}
	}
	// NOTE: Credentials (a role to assume for the task) are accepted and ignored: handlers
	// run with the engine's own permissions.
	timeout, heartbeat, fail := th.taskTimeouts(st, run.raw, ctxObj, states)
	if fail != nil {
		return outcome{}, fail
	}

	var result any
	switch kind.service {
	case "":
		result, fail = th.invokeLambdaARN(ctx, run, kind.functionName, params, timeout)
	case "lambda:invoke":
		result, fail = th.invokeService(ctx, run, kind, params, timeout, heartbeat)
	case "states:startExecution":
		result, fail = th.startChild(ctx, run, kind, params, timeout, heartbeat)
	}
	if fail != nil {
		return outcome{}, fail
	}

	if states != nil {
		states["result"] = result
		return th.finishJSONata(run, states, result, st.Next)
	}
	if st.ResultSelector != nil {
		if result, fail = th.template(st.ResultSelector, result, ctxObj); fail != nil {
			return outcome{}, fail
		}
	}
	res, fail := th.finishPath(run, ctxObj, result)
	// A Lambda function's result that becomes the output unchanged was measured when it
	// was decoded.
	res.measured = kind.service == "" && st.ResultSelector == nil && !st.ResultPath.Set && !st.OutputPath.Set
	return res, fail
}

// taskTimeouts resolves TimeoutSeconds and HeartbeatSeconds in their literal, Path and
// JSONata forms. Zero means none.
func (th *thread) taskTimeouts(st *asl.State, raw any, ctxObj, states map[string]any) (time.Duration, time.Duration, *Failure) {
	get := func(field string, v any, path string) (time.Duration, *Failure) {
		var fail *Failure
		switch {
		case v != nil && states != nil:
			if v, fail = th.jsonata(v, states); fail != nil {
				return 0, fail
			}
		case path != "":
			in, _ := th.inputPath(asl.Path{}, raw, ctxObj)
			if v, fail = th.queryPath(path, in, ctxObj); fail != nil {
				return 0, fail
			}
		case v == nil:
			return 0, nil
		}
		f, ok := v.(float64)
		if !ok || f < 1 || f != float64(int64(f)) {
			name := asl.ErrorRuntime
			if states != nil {
				name = asl.ErrorQueryEvaluationError
			}
			return 0, failf(name, fmt.Sprintf("The %s of state '%s' is %s, not a positive integer.", field, st.Name, jsonString(v)))
		}
		return seconds(f), nil
	}
	timeout, fail := get("TimeoutSeconds", st.TimeoutSeconds, st.TimeoutSecondsPath)
	if fail != nil {
		return 0, 0, fail
	}
	heartbeat, fail := get("HeartbeatSeconds", st.HeartbeatSeconds, st.HeartbeatSecondsPath)
	return timeout, heartbeat, fail
}

// handler looks up the handler of a Lambda function: by the exact name or ARN first, then by
// the function name inside an ARN.
func (e *Engine) handler(name string) (Handler, *Failure) {
	h, ok := e.opts.Handlers[name]
	if !ok {
		h, ok = e.opts.Handlers[functionName(name)]
	}
	if !ok {
		return nil, failf("Lambda.ResourceNotFoundException", fmt.Sprintf("Function not found: %s (no handler is registered under this name in engine.Options.Handlers)", name))
	}
	return h, nil
}

// ErrorPayload is implemented by handler errors that carry the error document a Lambda
// runtime would send, such as {"errorMessage", "errorType", "stackTrace"} from an emulated
// Python function. The engine then takes the error name from its errorType and the cause
// from the document instead of from the Go type and message.
type ErrorPayload interface {
	error
	ErrorPayload() json.RawMessage
}

// invocation is the result of one handler call: the decoded result and its size in bytes.
type invocation struct {
	result any
	size   int
}

// call runs a handler on a worker with an optional timeout and returns its decoded result.
// A payload of type json.RawMessage is passed unchanged.
func (th *thread) call(ctx context.Context, h Handler, payload any, timeout time.Duration) (invocation, *Failure) {
	th.publish()
	if err := th.e.workers.acquire(ctx); err != nil {
		return invocation{}, failf("States.Aborted", "the execution was stopped")
	}
	defer th.e.workers.release()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = th.e.withTimeout(ctx, timeout)
		defer cancel()
	}
	raw, ok := payload.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = marshalJSON(payload); err != nil {
			return invocation{}, failf(asl.ErrorRuntime, "encoding the task payload: "+err.Error())
		}
	}
	out, err := callHandler(ctx, h, raw)
	if err != nil {
		if ctx.Err() != nil && timeout > 0 {
			return invocation{}, failf(asl.ErrorTimeout, "Task timed out.")
		}
		return invocation{}, handlerFailure(err)
	}
	if len(out) == 0 {
		return invocation{}, nil
	}
	v, err := unmarshalJSON(out)
	if err != nil {
		return invocation{}, failf("Lambda.InvalidResponse", fmt.Sprintf("the handler returned invalid JSON: %v", err))
	}
	return invocation{result: v, size: len(out)}, nil
}

// handlerPanic is the error of a handler that panicked; the Lambda Go runtime reports the
// type of the panic value as the error type.
type handlerPanic struct{ value any }

func (p *handlerPanic) Error() string { return fmt.Sprint(p.value) }

// callHandler runs h and turns a panic into an error named after the panic value's type.
func callHandler(ctx context.Context, h Handler, payload json.RawMessage) (out json.RawMessage, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, &handlerPanic{value: v}
		}
	}()
	return h(ctx, payload)
}

// handlerFailure names a handler error the way the Lambda runtime reports it.
func handlerFailure(err error) *Failure {
	var doc struct {
		ErrorType string `json:"errorType"`
	}
	if p, ok := err.(ErrorPayload); ok {
		raw := p.ErrorPayload()
		if json.Unmarshal(raw, &doc) == nil && doc.ErrorType != "" {
			return &Failure{Name: doc.ErrorType, Cause: string(raw)}
		}
	}
	name := errorTypeName(err)
	if p, ok := err.(*handlerPanic); ok {
		name = panicTypeName(p.value)
	}
	return &Failure{Name: name, Cause: jsonString(map[string]any{"errorMessage": err.Error(), "errorType": name})}
}

// invokeLambdaARN runs a Task whose Resource is a Lambda function ARN.
func (th *thread) invokeLambdaARN(ctx context.Context, run *stateRun, name string, payload any, timeout time.Duration) (any, *Failure) {
	if timeout > 0 {
		th.record("LambdaFunctionScheduled", map[string]any{"resource": run.st.Resource, "input": jsonText{payload},
			"inputDetails": map[string]any{"truncated": false}, "timeoutInSeconds": int64(timeout / time.Second)})
	} else {
		th.recordState("LambdaFunctionScheduled", run.st.Resource, payload, nil)
	}
	h, fail := run.plan.handler, (*Failure)(nil)
	if h == nil {
		h, fail = th.e.handler(name)
	}
	if fail != nil {
		th.record("LambdaFunctionScheduleFailed", map[string]any{"error": fail.Name, "cause": fail.Cause})
		return nil, fail
	}
	th.record("LambdaFunctionStarted", nil)
	inv, fail := th.call(ctx, h, payload, timeout)
	result := inv.result
	if fail == nil && inv.size > maxPayloadBytes {
		fail = failf(asl.ErrorDataLimitExceeded, fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", run.st.Resource))
	}
	switch {
	case fail != nil && fail.Name == asl.ErrorTimeout:
		th.record("LambdaFunctionTimedOut", map[string]any{"error": fail.Name, "cause": fail.Cause})
	case fail != nil:
		th.record("LambdaFunctionFailed", map[string]any{"error": fail.Name, "cause": fail.Cause})
	default:
		th.recordState("LambdaFunctionSucceeded", "", result, nil)
	}
	return result, fail
}

// taskEvent records a Task* event of an optimized integration.
func (th *thread) taskEvent(eventType, resource string, extra map[string]any) {
	service, action, _ := strings.Cut(strings.TrimPrefix(resource, "arn:aws:states:::"), ":")
	d := map[string]any{"resourceType": service, "resource": action}
	for k, v := range extra {
		d[k] = v
	}
	th.record(eventType, d)
}

// invokeService runs arn:aws:states:::lambda:invoke, optionally with .waitForTaskToken.
func (th *thread) invokeService(ctx context.Context, run *stateRun, kind taskKind, params any, timeout, heartbeat time.Duration) (any, *Failure) {
	res := run.st.Resource
	m, _ := params.(map[string]any)
	name, _ := m["FunctionName"].(string)
	sched := map[string]any{"region": th.e.opts.Region, "parameters": jsonText{params}}
	if timeout > 0 {
		sched["timeoutInSeconds"] = int64(timeout / time.Second)
	}
	if heartbeat > 0 {
		sched["heartbeatInSeconds"] = int64(heartbeat / time.Second)
	}
	if run.resumed && th.resume.token != nil && kind.pattern == "waitForTaskToken" {
		return th.awaitRecovered(ctx, run, res, heartbeat)
	}
	th.taskEvent("TaskScheduled", res, sched)
	if name == "" {
		fail := failf(asl.ErrorRuntime, "The lambda:invoke task needs Parameters.FunctionName: the name or ARN of the function to run.")
		return nil, fail
	}
	th.taskEvent("TaskStarted", res, nil)
	h, fail := th.e.handler(name)
	if fail != nil {
		fail.Cause = fmt.Sprintf("Function not found: arn:aws:lambda:%s:%s:function:%s:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: %s; Proxy: null)",
			th.e.opts.Region, th.e.opts.Account, functionName(name), newUUID())
		th.taskEvent("TaskFailed", res, map[string]any{"error": fail.Name, "cause": fail.Cause})
		return nil, fail
	}
	payload := invokePayload(m["Payload"])

	if kind.pattern == "waitForTaskToken" {
		tok := th.e.registerToken(run.token, th.x)
		defer th.e.dropToken(run.token)
		if _, fail := th.call(ctx, h, payload, 0); fail != nil {
			fail = compactCause(fail)
			th.taskEvent("TaskFailed", res, map[string]any{"error": fail.Name, "cause": fail.Cause})
			return nil, fail
		}
		th.taskEvent("TaskSubmitted", res, map[string]any{"output": "{}"})
		if !th.commitToken(run, timeout, heartbeat) {
			return nil, storeFailure()
		}
		tok.stored = th.e.store != nil
		result, fail := th.awaitToken(ctx, tok, timeout, heartbeat)
		th.dropTokenLater(run.token)
		th.tokenOutcome(res, result, fail)
		return result, fail
	}

	inv, fail := th.call(ctx, h, payload, timeout)
	if fail == nil && inv.size > maxPayloadBytes {
		fail = failf(asl.ErrorDataLimitExceeded, "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.")
	}
	if fail != nil {
		fail = compactCause(fail)
		if fail.Name == asl.ErrorTimeout {
			th.taskEvent("TaskTimedOut", res, map[string]any{"error": fail.Name, "cause": fail.Cause})
		} else {
			th.taskEvent("TaskFailed", res, map[string]any{"error": fail.Name, "cause": fail.Cause})
		}
		return nil, fail
	}
	wrapped := lambdaInvokeOutput(inv, th.e.clock.Now())
	if m["LogType"] == "Tail" {
		// NOTE: no logs are captured; the tail is an empty base64 text.
		wrapped["LogResult"] = ""
		meta := wrapped["SdkHttpMetadata"].(map[string]any)
		meta["AllHttpHeaders"].(map[string]any)["X-Amz-Log-Result"] = []any{""}
		meta["HttpHeaders"].(map[string]any)["X-Amz-Log-Result"] = ""
	}
	th.taskEvent("TaskSucceeded", res, map[string]any{"output": jsonText{wrapped}, "outputDetails": map[string]any{"truncated": false}})
	return wrapped, nil
}

// tokenOutcome records how a task that waited for its token ended.
func (th *thread) tokenOutcome(res string, result any, fail *Failure) {
	switch {
	case fail == nil:
		th.taskEvent("TaskSucceeded", res, map[string]any{"output": jsonText{result}, "outputDetails": map[string]any{"truncated": false}})
	case fail.Name == asl.ErrorTimeout:
		th.taskEvent("TaskTimedOut", res, map[string]any{"error": fail.Name, "cause": fail.Cause})
	default:
		th.taskEvent("TaskFailed", res, map[string]any{"error": fail.Name, "cause": fail.Cause})
	}
}

// lambdaInvokeOutput wraps a function result the way the lambda:invoke integration returns it.
// NOTE: the HTTP metadata imitates AWS's: the request and trace ids are random, and no
// HTTP request takes place.
func lambdaInvokeOutput(inv invocation, now time.Time) map[string]any {
	result := inv.result
	requestID := newUUID()
	traceID := "Root=1-" + newID()[:8] + "-" + newID()[:24]
	date := now.UTC().Format(http.TimeFormat)
	length := fmt.Sprint(inv.size)
	return map[string]any{
		"ExecutedVersion": "$LATEST",
		"Payload":         result,
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": map[string]any{
				"X-Amz-Executed-Version":         []any{"$LATEST"},
				"x-amzn-Remapped-Content-Length": []any{"0"},
				"Connection":                     []any{"keep-alive"},
				"x-amzn-RequestId":               []any{requestID},
				"Content-Length":                 []any{length},
				"Date":                           []any{date},
				"X-Amzn-Trace-Id":                []any{traceID},
				"Content-Type":                   []any{"application/json"},
			},
			"HttpHeaders": map[string]any{
				"Connection":                     "keep-alive",
				"Content-Length":                 length,
				"Content-Type":                   "application/json",
				"Date":                           date,
				"X-Amzn-Trace-Id":                traceID,
				"X-Amz-Executed-Version":         "$LATEST",
				"x-amzn-Remapped-Content-Length": "0",
				"x-amzn-RequestId":               requestID,
			},
			"HttpStatusCode": 200.0,
		},
		"SdkResponseMetadata": map[string]any{"RequestId": requestID},
		"StatusCode":          200.0,
	}
}

// invokePayload returns the event lambda:invoke sends for its Payload parameter: a string is
// sent as its raw bytes, and no payload (absent or null) as {}.
func invokePayload(p any) json.RawMessage {
	switch v := p.(type) {
	case nil:
		return json.RawMessage("{}")
	case string:
		return json.RawMessage(v)
	default:
		return json.RawMessage(jsonString(v))
	}
}

// compactCause rewrites a JSON cause without spaces, as the lambda:invoke integration reports
// the function's error document.
func compactCause(f *Failure) *Failure {
	var v any
	if json.Unmarshal([]byte(f.Cause), &v) != nil {
		return f
	}
	if _, ok := v.(map[string]any); !ok {
		return f
	}
	return &Failure{Name: f.Name, Cause: jsonString(v)}
}
