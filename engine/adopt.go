package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// childName derives the name of a child execution started without a Name from this
// execution, the thread, the state, its entry and its retry, so the task that runs again
// after a restart finds the child it started before. The name has the shape of a UUID.
// NOTE: AWS generates a random name here.
func (th *thread) childName(run *stateRun) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%d\x00%d", th.x.ExecutionARN, th.path, run.st.Name, run.enteredID, run.retryCount))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// adoptEndedChild gives a startExecution task that runs again after a restart the outcome of
// the child it started before, which ended meanwhile, and records the events an
// uninterrupted run records. ok is false unless childARN is an ended child that this
// execution started; the task then fails with ExecutionAlreadyExists.
func (th *thread) adoptEndedChild(ctx context.Context, res string, kind taskKind, childARN string) (result any, fail *Failure, ok bool) {
	if th.e.store == nil || childARN == "" || kind.pattern == "waitForTaskToken" {
		return nil, nil, false
	}
	parent, err := th.e.store.ParentExecution(ctx, childARN)
	if err != nil || parent != th.x.ExecutionARN {
		return nil, nil, false
	}
	stored, err := th.e.store.DescribeExecution(ctx, childARN)
	if err != nil || stored.Status == StatusRunning {
		return nil, nil, false
	}
	child := fromStored(stored)
	var input any
	if err := json.Unmarshal([]byte(child.Input), &input); err != nil {
		return nil, nil, false
	}
	th.e.log.InfoContext(ctx, "task takes the outcome of its ended child execution", "execution", th.x.ExecutionARN, "child", childARN)

	th.taskEvent("TaskStarted", res, nil)
	started := map[string]any{"ExecutionArn": childARN, "StartDate": epochMillis(child.StartDate)}
	if kind.pattern == "" {
		th.taskEvent("TaskSucceeded", res, map[string]any{"output": jsonText{started}, "outputDetails": map[string]any{"truncated": false}})
		return started, nil, true
	}
	th.taskEvent("TaskSubmitted", res, map[string]any{"output": jsonString(started)})
	msg := childResult(child, input, kind.pattern)
	th.tokenOutcome(res, msg.output, msg.fail)
	return msg.output, msg.fail, true
}
