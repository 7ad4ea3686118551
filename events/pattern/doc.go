// Package pattern compiles and evaluates Amazon EventBridge event patterns, so the local router
// selects the same events as the EventBridge rules that CDK creates from the same JSON.
//
// Supported operators:
//
//   - exact strings, numbers, booleans and null
//   - prefix and suffix, also with equals-ignore-case, and equals-ignore-case itself
//   - wildcard
//   - anything-but with a value, a list of values, or a prefix, suffix, equals-ignore-case or
//     wildcard form
//   - numeric ranges, exists true and false, cidr for IPv4 and IPv6
//   - $or at any level
//
// As in EventBridge, a pattern value matches an event array when any element matches, and
// numbers compare by value, so 8 matches a pattern written 8.0. The fields of one object
// pattern must match within the same array element.
//
// NOTE: differences from EventBridge that a rule could notice: numbers are compared exactly as
// decimals without EventBridge's range limit of about ±5e9, and case-insensitive comparison
// uses Unicode lower-casing instead of EventBridge's case folding.
//
// The package does not transform events (input transformers) and does not select buses.
package pattern
