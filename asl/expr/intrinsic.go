package expr

import (
	"fmt"
	"strings"
)

// intrinsicFunc describes one States.* function: its argument count and its implementation,
// which receives the evaluated arguments and the call's literal arguments as written.
type intrinsicFunc struct {
	name    string
	minArgs int
	maxArgs int // -1 for no limit
	eval    func(c *intrinsicCall, args []any) (any, error)
}

var intrinsicFuncs map[string]*intrinsicFunc

func init() {
	intrinsicFuncs = map[string]*intrinsicFunc{}
	for _, fn := range []*intrinsicFunc{
		{"States.Format", 1, -1, evalFormat},
		{"States.StringToJson", 1, 1, evalStringToJSON},
		{"States.JsonToString", 1, 1, evalJSONToString},
		{"States.Array", 0, -1, evalArray},
		{"States.ArrayPartition", 2, 2, evalArrayPartition},
		{"States.ArrayContains", 2, 2, evalArrayContains},
		{"States.ArrayRange", 3, 3, evalArrayRange},
		{"States.ArrayGetItem", 2, 2, evalArrayGetItem},
		{"States.ArrayLength", 1, 1, evalArrayLength},
		{"States.ArrayUnique", 1, 1, evalArrayUnique},
		{"States.Base64Encode", 1, 1, evalBase64Encode},
		{"States.Base64Decode", 1, 1, evalBase64Decode},
		{"States.Hash", 2, 2, evalHash},
		{"States.JsonMerge", 3, 3, evalJSONMerge},
		{"States.MathRandom", 2, 3, evalMathRandom},
		{"States.MathAdd", 2, 2, evalMathAdd},
		{"States.StringSplit", 2, 2, evalStringSplit},
		{"States.UUID", 0, 0, evalUUID},
	} {
		intrinsicFuncs[fn.name] = fn
	}
}

func (fn *intrinsicFunc) checkArity(n int) error {
	switch {
	case fn.maxArgs < 0 && n < fn.minArgs:
		return fmt.Errorf("%s takes at least %d arguments but was given %d", fn.name, fn.minArgs, n)
	case fn.maxArgs >= 0 && (n < fn.minArgs || n > fn.maxArgs) && fn.minArgs == fn.maxArgs:
		return fmt.Errorf("%s takes %d arguments but was given %d", fn.name, fn.minArgs, n)
	case fn.maxArgs >= 0 && (n < fn.minArgs || n > fn.maxArgs):
		return fmt.Errorf("%s takes %d to %d arguments but was given %d", fn.name, fn.minArgs, fn.maxArgs, n)
	}
	return nil
}

// ValidateIntrinsic checks the syntax of an intrinsic function call, the names of the
// functions, the number of arguments of each and the paths among the arguments.
func ValidateIntrinsic(call string) error {
	_, err := compileIntrinsic(call)
	return err
}

// EvalIntrinsic evaluates an intrinsic function call. A path argument that does not
// resolve fails with States.Runtime; an argument of the wrong type or value fails with
// States.IntrinsicFailure.
func EvalIntrinsic(call string, s Scope) (any, error) {
	c, err := compileIntrinsic(call)
	if err != nil {
		return nil, &Error{Name: ErrIntrinsicFailure, Cause: err.Error()}
	}
	return c.eval(s)
}

// isIntrinsicCall reports whether a payload template value is a function call rather than
// a path.
func isIntrinsicCall(v string) bool {
	return strings.HasPrefix(strings.TrimLeft(v, " "), "States.")
}

func (c *intrinsicCall) eval(s Scope) (any, error) {
	args := make([]any, len(c.args))
	for i, arg := range c.args {
		switch arg.kind {
		case argLiteral:
			args[i] = arg.literal
		case argPath:
			v, err := arg.path.query(s)
			if err != nil {
				return nil, err
			}
			args[i] = v
		case argCall:
			v, err := arg.call.eval(s)
			if err != nil {
				return nil, err
			}
			args[i] = v
		}
	}
	return c.fn.eval(c, args)
}

// intrinsicFailure builds the States.IntrinsicFailure error for a call whose arguments are
// wrong.
func (c *intrinsicCall) failure(format string, args ...any) error {
	return &Error{Name: ErrIntrinsicFailure, Cause: fmt.Sprintf("Invalid arguments in %s: %s", c.text, fmt.Sprintf(format, args...))}
}
