// Package expr evaluates the expressions of Amazon States Language, aiming at the behaviour
// of AWS Step Functions:
//
//   - JSONPath queries (InputPath, OutputPath, ItemsPath and the other *Path fields) and
//     reference paths (ResultPath, a Choice rule's Variable), with Query and SetResultPath;
//   - payload templates, where a key ending in ".$" takes the value of a path or an
//     intrinsic function call (Parameters, ItemSelector, ResultSelector, and Assign in
//     JSONPath mode), with EvalTemplate;
//   - the intrinsic functions States.Format, States.StringToJson, States.JsonToString,
//     States.Array, States.ArrayPartition, States.ArrayContains, States.ArrayRange,
//     States.ArrayGetItem, States.ArrayLength, States.ArrayUnique, States.Base64Encode,
//     States.Base64Decode, States.Hash, States.JsonMerge, States.MathRandom, States.MathAdd,
//     States.StringSplit and States.UUID, with EvalIntrinsic;
//   - JSONPath Choice rules, with EvalChoiceRule;
//   - JSONata templates, where strings of the form "{% expression %}" are evaluated with
//     $states and the workflow variables bound, with EvalJSONataTemplate. The functions AWS
//     adds ($partition, $range, $hash, $random, $uuid, $parse) are available.
//
// Each Validate function checks an expression when a definition is loaded, and its error
// names what is wrong, for example: invalid JSONPath "$.a[": unclosed bracket at offset 3.
// The caller adds the state and field.
//
// # Values
//
// Values are the ones encoding/json decodes into any: nil, bool, float64, string, []any and
// map[string]any. No function changes the values it is given. Results may share maps and
// slices with the scope (Query returns the selected value itself, and SetResultPath copies
// only the objects on the path it writes), so callers must not change results in place
// either.
//
// # Errors
//
// Evaluation fails with *Error, whose Name is the error the state fails with
// (States.Runtime, States.IntrinsicFailure or States.QueryEvaluationError) and whose Cause is
// AWS's cause text without the leading "An error occurred while executing the state ...",
// which the runtime adds.
//
// # Caching
//
// Paths, intrinsic calls and JSONata expressions are parsed once and cached by their text
// for the life of the process, so the cache grows with the number of distinct expressions in
// the loaded definitions.
//
// # Known differences from AWS
//
//   - encoding/json does not keep the order of object keys. Wildcards and recursive descent
//     visit members in sorted key order, and States.JsonToString and States.Format write keys
//     in sorted order, where AWS keeps the document order.
//   - Errors for missing properties and indexes follow the wording of Jayway JsonPath, which
//     AWS uses. The causes of other failures are this package's own, because the recorded AWS
//     executions do not show AWS's wording. These are a type mismatch (a property of a string,
//     an index into an object), an undefined variable, invalid intrinsic arguments, and a
//     ResultPath that writes into a non-object.
//   - The JSONPath filter language supports ==, !=, <, <=, >, >=, =~ with /regex/ and the i
//     flag, &&, ||, ! and parentheses. Jayway's in, nin, subsetof, anyof, noneof, size and
//     empty operators and the functions other than length() are not supported.
//   - A States.MathRandom call with a seed returns the same number each time, but not the
//     number AWS returns for that seed; without a seed it draws from crypto/rand. The result
//     n satisfies start <= n < end; AWS does not document whether end is included. The same
//     holds for the seed of $random in JSONata.
//   - JSONata is evaluated by github.com/xiatechs/jsonata-go, which implements JSONata 1.x
//     and differs from the JSONata 2.x that AWS runs: the ?? and ?: operators and $assert
//     are missing, $eval returns its argument unevaluated, and the library rewrites a
//     quoted name after a dot even inside a string literal, so '{% 'a."b"' %}' gives the
//     string a.`b`. Error codes other than T1006, T2001 and T2002 carry the library's message
//     instead of JSONata's.
//   - AWS documents that a field may nest up to 10 intrinsic functions. This package does
//     not count them; it rejects only calls nested more than 64 deep.
//   - JSONata functions may nest about 2000 calls deep, after which the evaluation fails with
//     JSONata's U1001 stack overflow error. The depth at which AWS fails is not documented.
package expr
