// Package store keeps the executions of the local ASL engine in SQLite (modernc.org/sqlite,
// no cgo), so a restarted process continues every execution where it stopped.
//
// The store persists state machines, executions, their history events, one checkpoint per
// running thread (the top level, a Map iteration or a Parallel branch), the results of
// finished iterations and branches, pending task tokens and timers. Commit writes everything
// one transition changes in a single transaction, so a crash keeps either the whole
// transition or none of it. History event ids continue the execution's last id without gaps,
// and the primary key (execution, id) rejects a duplicate.
//
// The store runs nothing and does not interpret ASL, positions or retries. The engine
// serializes its own position into a Checkpoint and rebuilds its threads from Recovery.
// It also does not interpret history details, which it keeps as JSON text.
package store
