package expr

import (
	"fmt"
	mathrand "math/rand/v2"

	jsonata "github.com/xiatechs/jsonata-go"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// awsJSONataFunctions are the functions AWS Step Functions adds to JSONata. They share their
// rules with the matching intrinsic functions.
var awsJSONataFunctions = map[string]jsonata.Extension{
	"partition": {Func: jsonataPartition},
	"range":     {Func: jsonataRange},
	"hash":      {Func: jsonataHash},
	"random":    {Func: jsonataRandom},
	"uuid":      {Func: newUUID},
	"parse":     {Func: jsonataParse},

	stackGuardName: {Func: checkJSONataStack},
}

// callIntrinsic runs an intrinsic function's implementation for a JSONata function and
// turns its States.IntrinsicFailure into a plain error that names the JSONata function.
func callIntrinsic(name string, fn func(*intrinsicCall, []any) (any, error), args ...any) (any, error) {
	call := &intrinsicCall{text: "$" + name}
	v, err := fn(call, args)
	if e, ok := err.(*Error); ok {
		return nil, fmt.Errorf("%s", e.Cause)
	}
	return v, err
}

func jsonataPartition(array []any, size float64) (any, error) {
	return callIntrinsic("partition", evalArrayPartition, array, size)
}

func jsonataRange(start, end, step float64) (any, error) {
	return callIntrinsic("range", evalArrayRange, start, end, step)
}

func jsonataHash(data, algorithm string) (any, error) {
	return callIntrinsic("hash", evalHash, data, algorithm)
}

func jsonataParse(text string) (any, error) {
	return callIntrinsic("parse", evalStringToJSON, text)
}

// jsonataRandom returns a number in [0, 1); with a seed the number is repeatable.
// NOTE: a seeded call does not give the number AWS gives for the same seed.
func jsonataRandom(seed jtypes.OptionalFloat64) float64 {
	if seed.IsSet() {
		return mathrand.New(mathrand.NewPCG(uint64(int64(seed.Float64)), 0)).Float64()
	}
	return float64(randomUint64()>>11) / (1 << 53)
}
