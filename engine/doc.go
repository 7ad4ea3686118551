// Package engine runs Amazon States Language state machines in-process, the way AWS Step
// Functions runs them. It covers every state type with its input and output processing, both
// query languages, variables, and Retry and Catch with AWS's error names. Map and Parallel run
// with bounded concurrency, Lambda tasks call Go handlers, and task tokens, child executions
// and an execution history with AWS's event types work as on AWS. Time comes from an injected Clock, and
// VirtualClock lets tests run a day-long Wait at once.
//
// Each execution is a goroutine; Map iterations and Parallel branches are goroutines too, and
// Options.MaxWorkers bounds the handlers that run at once. The position of every running
// state machine is plain data (Position and the thread's variables). With Options.Store,
// each transition commits its history events and that position in one SQLite transaction,
// and Recover continues the running executions after a restart.
//
// Known differences from AWS Step Functions (each is also marked NOTE: in the code):
//   - Only Lambda tasks (function ARNs and lambda:invoke) and states:startExecution run;
//     other resources fail with States.Runtime. ItemReader and ResultWriter (S3) are not
//     supported: ItemReader fails with States.ItemReaderFailed and results stay inline.
//     MaxInputBytesPerBatch of ItemBatcher is not enforced.
//   - A distributed Map runs its iterations in-process, without child executions; like AWS,
//     it records only MapRun events in the parent history and hides the parent's variables.
//   - The lambda:invoke result carries imitated HTTP metadata with random ids, and
//     LogType "Tail" returns an empty log.
//   - A Task's Credentials are ignored; handlers run with the engine's own permissions.
//   - The 256 KiB payload check counts an escaped character in a string as one byte.
//   - A .sync child execution is stopped when its parent task times out, which is not
//     verified against AWS.
//   - Every workflow runs as a Standard workflow; Express-only behaviour is not emulated.
//   - AWS's quota of 25,000 history events per execution is not enforced, so a loop that
//     would fail on AWS runs on here until it ends or is stopped.
//   - Without Options.Store, executions live in memory: a restart loses them, and only the
//     last Options.MaxFinishedExecutions finished ones are kept.
//   - With a store, a startExecution task (plain, .sync or .sync:2) without a Name gives
//     its child a name derived from the parent execution, the state and its entry, where
//     AWS picks a random one. A task that runs again after a restart finds its child so.
package engine
