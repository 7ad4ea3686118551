// Package asl parses and validates Amazon States Language definitions.
//
// Parse turns a definition into a StateMachine: every state type (Pass, Task, Choice, Wait,
// Succeed, Fail, Parallel, Map) with its fields, both query languages (JSONPath, the default,
// and JSONata), Retry and Catch, Assign, and nested Parallel branches and Map processors. It
// checks the definition the way AWS Step Functions does when a state machine is created and
// returns a *ValidationError that lists every problem, each with the state and field it is in.
//
// Expressions (paths, payload templates, intrinsic functions, Choice rules, JSONata) are
// checked through package asl/expr. The package does no I/O and runs nothing: package engine
// runs the definitions.
package asl
