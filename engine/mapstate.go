package engine

import (
	"context"
	"fmt"
	"math"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/asl/expr"
	"github.com/secamo/orchestrator/engine/store"
)

func (th *thread) mapState(ctx context.Context, run *stateRun) (outcome, *Failure) {
	st := run.st
	input, states, ctxObj, fail := th.stateInput(run)
	if fail != nil {
		return outcome{}, fail
	}
	items, fail := th.mapItems(st, input, states, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	limit, fail := th.mapNumber(st, "MaxConcurrency", st.MaxConcurrency, st.MaxConcurrencyPath, input, states, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	if limit < 0 || limit != math.Trunc(limit) {
		return outcome{}, th.mapRuntime(st, states, fmt.Sprintf("The MaxConcurrency of state '%s' is %v, not a non-negative integer.", st.Name, limit))
	}
	if !run.started {
		th.record("MapStateStarted", map[string]any{"length": len(items)})
	}
	toleratedCount, fail := th.mapNumber(st, "ToleratedFailureCount", st.ToleratedFailureCount, st.ToleratedFailureCountPath, input, states, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	toleratedPercent, fail := th.mapNumber(st, "ToleratedFailurePercentage", st.ToleratedFailurePercentage, st.ToleratedFailurePercentagePath, input, states, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	if toleratedCount < 0 || toleratedCount != math.Trunc(toleratedCount) {
		return outcome{}, th.mapRuntime(st, states, fmt.Sprintf("The ToleratedFailureCount of state '%s' is %v, not a non-negative integer.", st.Name, toleratedCount))
	}
	if toleratedPercent < 0 || toleratedPercent > 100 {
		return outcome{}, th.mapRuntime(st, states, fmt.Sprintf("The ToleratedFailurePercentage of state '%s' is %v, not between 0 and 100.", st.Name, toleratedPercent))
	}
	items, fail = th.batch(st, items, input, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}

	distributed := st.ProcessorMode == "DISTRIBUTED"
	if distributed && !run.started {
		th.record("MapRunStarted", map[string]any{"mapRunArn": th.x.ExecutionARN + "/" + st.Name})
	}
	if !th.commitStarted(run) {
		return outcome{}, storeFailure()
	}
	results := make([]any, len(items))
	children := make([]*thread, len(items))
	workers := int(limit)
	if th.x.machine.plans.inline[st.Processor] {
		workers = 1
	}
	// Iterations that run one after another share one thread.
	var reuse *thread
	fails := th.runAll(ctx, len(items), workers, !distributed, func(ctx context.Context, i int, shared bool) *Failure {
		if !shared && reuse == nil {
			reuse = new(thread)
		}
		var child *thread
		if shared {
			child = th.childAt(st.Processor, store.KindMap, i, true, nil)
		} else {
			child = th.childAt(st.Processor, store.KindMap, i, false, reuse)
		}
		if out, f, ok := th.x.finishedChild(child.path); ok {
			results[i] = out
			if f != nil {
				results[i] = map[string]any{"Error": f.Name, "Cause": f.Cause}
			}
			return f
		}
		children[i] = child
		child.itemBuf = mapItem{index: i, value: items[i]}
		child.item = &child.itemBuf
		if distributed {
			// NOTE: AWS runs a distributed Map's iterations as child executions that see
			// no variables of the parent and write their events to their own histories.
			child.silent = true
			child.vars = nil
		}
		itemInput, f := th.itemInput(run, child, input, states, items[i])
		if f != nil {
			return f
		}
		if child.resume == nil {
			child.recordIteration("MapIterationStarted", st.Name, i)
		}
		out, f := child.runMachine(ctx, itemInput)
		if f != nil {
			results[i] = map[string]any{"Error": f.Name, "Cause": f.Cause}
			child.recordIteration("MapIterationFailed", st.Name, i)
			child.commitResult(ctx, nil, f)
			return f
		}
		results[i] = out
		child.recordIteration("MapIterationSucceeded", st.Name, i)
		child.commitResult(ctx, out, nil)
		return nil
	})
	th.endChildren()
	for _, c := range children {
		if c != nil && c.prev > th.prev && !c.silent {
			th.prev = c.prev
		}
	}
	if fail := th.mapFailure(st, fails, toleratedCount, toleratedPercent); fail != nil {
		if distributed {
			th.record("MapRunFailed", map[string]any{"error": fail.Name, "cause": fail.Cause})
		}
		return outcome{}, fail
	}
	if distributed {
		th.record("MapRunSucceeded", nil)
	}
	th.record("MapStateSucceeded", nil)
	var result any = results
	if st.ResultWriter != nil {
		// NOTE: a ResultWriter writes to S3 on AWS; the engine keeps the results inline.
		result = results
	}
	return th.finishResult(run, states, ctxObj, result)
}

// mapRuntime returns the error of a bad Map setting: States.Runtime, or
// States.QueryEvaluationError in JSONata.
func (th *thread) mapRuntime(st *asl.State, states map[string]any, cause string) *Failure {
	if states != nil {
		return failf(asl.ErrorQueryEvaluationError, cause)
	}
	return failf(asl.ErrorRuntime, cause)
}

// mapFailure decides whether the failed iterations fail the Map state.
func (th *thread) mapFailure(st *asl.State, fails []*Failure, count, percent float64) *Failure {
	failed := 0
	for _, f := range fails {
		if f != nil {
			failed++
		}
	}
	if failed == 0 {
		return nil
	}
	if st.ProcessorMode != "DISTRIBUTED" {
		return firstFailure(fails)
	}
	if float64(failed) <= count || float64(failed)*100 <= percent*float64(len(fails)) {
		return nil
	}
	return failf(asl.ErrorExceedToleratedFailure, "The specified tolerated failure threshold was exceeded")
}

// mapItems returns the items of a Map state: Items or ItemsPath, else the effective input.
func (th *thread) mapItems(st *asl.State, input any, states, ctxObj map[string]any) ([]any, *Failure) {
	if st.ItemReader != nil {
		// NOTE: ItemReader reads from S3 on AWS; the local engine has no S3.
		return nil, failf(asl.ErrorItemReaderFailed, fmt.Sprintf("state '%s': ItemReader is not supported by the local engine; pass the items in the input", st.Name))
	}
	v := input
	var fail *Failure
	switch {
	case st.HasItems && states != nil:
		if v, fail = th.jsonata(st.Items, states); fail != nil {
			return nil, fail
		}
	case st.HasItems:
		v = st.Items
	case st.ItemsPath.Set && !st.ItemsPath.Null:
		if v, fail = th.queryPath(st.ItemsPath.Value, input, ctxObj); fail != nil {
			return nil, fail
		}
	}
	items, ok := v.([]any)
	if !ok {
		if states != nil {
			return nil, failf(asl.ErrorQueryEvaluationError, "Map state input must be an array but was: "+jsonTypeName(v))
		}
		return nil, failf(asl.ErrorRuntime, fmt.Sprintf("Invalid path '%s': The value at the path is %s, not a JSON array.", itemsPathText(st), jsonString(v)))
	}
	return items, nil
}

func itemsPathText(st *asl.State) string {
	if st.ItemsPath.Set {
		return st.ItemsPath.Value
	}
	return "$"
}

// mapNumber resolves a numeric Map setting from its literal, Path or JSONata form; 0 when absent.
func (th *thread) mapNumber(st *asl.State, field string, v any, path string, input any, states, ctxObj map[string]any) (float64, *Failure) {
	var fail *Failure
	switch {
	case v != nil && states != nil && isExpression(v):
		if v, fail = th.jsonata(v, states); fail != nil {
			return 0, fail
		}
	case path != "":
		if v, fail = th.queryPath(path, input, ctxObj); fail != nil {
			return 0, fail
		}
	case v == nil:
		return 0, nil
	}
	f, ok := v.(float64)
	if !ok {
		return 0, th.mapRuntime(st, states, fmt.Sprintf("The %s of state '%s' is %s, not a number.", field, st.Name, jsonString(v)))
	}
	return f, nil
}

func isExpression(v any) bool {
	_, ok := v.(string)
	return ok
}

// itemInput builds the input of one iteration: ItemSelector (or the legacy Parameters) over
// the item, else the item itself.
func (th *thread) itemInput(run *stateRun, child *thread, input any, states map[string]any, item any) (any, *Failure) {
	st := run.st
	if !st.HasItemSelector {
		return item, nil
	}
	ctxObj := th.buildContextObject(run)
	ctxObj["Map"] = map[string]any{"Item": child.item.contextValue()}
	if states != nil {
		s := map[string]any{"input": states["input"], "context": ctxObj}
		return th.jsonata(st.ItemSelector, s)
	}
	v, err := expr.EvalTemplate(st.ItemSelector, th.scope(input, ctxObj))
	return v, asFailure(err)
}

// batch groups items by ItemBatcher: {"Items": [...]} plus BatchInput.
func (th *thread) batch(st *asl.State, items []any, input any, ctxObj map[string]any) ([]any, *Failure) {
	b := st.ItemBatcher
	if b == nil {
		return items, nil
	}
	size := len(items)
	if n, ok := b["MaxItemsPerBatch"].(float64); ok && n >= 1 {
		size = int(n)
	}
	if p, ok := b["MaxItemsPerBatchPath"].(string); ok {
		v, fail := th.queryPath(p, input, ctxObj)
		if fail != nil {
			return nil, fail
		}
		if n, ok := v.(float64); ok && n >= 1 {
			size = int(n)
		}
	}
	// NOTE: MaxInputBytesPerBatch is not enforced.
	var batchInput any
	if bi, ok := b["BatchInput"]; ok {
		v, err := expr.EvalTemplate(bi, th.scope(input, ctxObj))
		if err != nil {
			return nil, asFailure(err)
		}
		batchInput = v
	}
	if size < 1 {
		size = 1
	}
	var out []any
	for start := 0; start < len(items); start += size {
		end := min(start+size, len(items))
		m := map[string]any{"Items": append([]any(nil), items[start:end]...)}
		if batchInput != nil {
			m["BatchInput"] = batchInput
		}
		out = append(out, m)
	}
	return out, nil
}

// jsonTypeName names the JSON type of v as AWS's messages do.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case map[string]any:
		return "object"
	}
	return "array"
}
