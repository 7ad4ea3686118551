// Package pattern compiles and evaluates Amazon EventBridge event patterns, so the local router
// selects the same events as the EventBridge rules that CDK creates from the same JSON.
//
// Supported: exact strings, numbers, booleans and null; prefix and suffix (also with
// equals-ignore-case); equals-ignore-case; wildcard; anything-but (a value, a list of values,
// or prefix, suffix, equals-ignore-case and wildcard forms); numeric ranges; exists true and
// false; cidr for IPv4 and IPv6; and $or at any level. As in EventBridge, a pattern value
// matches an event array when any element matches, numbers compare by value (8 matches a
// pattern written 8.0), and the fields of one object pattern must match within the same array
// element.
//
// NOTE: differences from EventBridge that a rule could notice: numbers are compared exactly as
// decimals without EventBridge's range limit of about ±5e9, and case-insensitive comparison
// uses Unicode lower-casing instead of EventBridge's case folding.
//
// The package does not transform events (input transformers) and knows nothing of buses.
package pattern
