package expr

// maxArrayRangeItems is the largest array States.ArrayRange may return, as AWS documents.
const maxArrayRangeItems = 1000

func evalArray(_ *intrinsicCall, args []any) (any, error) {
	out := make([]any, len(args))
	copy(out, args)
	return out, nil
}

func (c *intrinsicCall) arrayArg(args []any, i int) ([]any, error) {
	arr, ok := args[i].([]any)
	if !ok {
		return nil, c.failure("argument %d must be an array but was %s", i+1, typeName(args[i]))
	}
	return arr, nil
}

func evalArrayPartition(c *intrinsicCall, args []any) (any, error) {
	arr, err := c.arrayArg(args, 0)
	if err != nil {
		return nil, err
	}
	size, err := c.intArg(args, 1)
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, c.failure("the chunk size must be greater than 0 but was %d", size)
	}
	out := make([]any, 0, (len(arr)+size-1)/size)
	for i := 0; i < len(arr); i += size {
		chunk := make([]any, min(size, len(arr)-i))
		copy(chunk, arr[i:])
		out = append(out, chunk)
	}
	return out, nil
}

func evalArrayContains(c *intrinsicCall, args []any) (any, error) {
	arr, err := c.arrayArg(args, 0)
	if err != nil {
		return nil, err
	}
	for _, item := range arr {
		if jsonEqual(item, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

func evalArrayRange(c *intrinsicCall, args []any) (any, error) {
	var bounds [3]int
	for i := range bounds {
		n, err := c.intArg(args, i)
		if err != nil {
			return nil, err
		}
		bounds[i] = n
	}
	start, end, step := bounds[0], bounds[1], bounds[2]
	if step == 0 {
		return nil, c.failure("the step must not be 0")
	}
	var out []any
	for i := start; (step > 0 && i <= end) || (step < 0 && i >= end); i += step {
		if len(out) == maxArrayRangeItems {
			return nil, c.failure("the range has more than %d items", maxArrayRangeItems)
		}
		out = append(out, float64(i))
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

func evalArrayGetItem(c *intrinsicCall, args []any) (any, error) {
	arr, err := c.arrayArg(args, 0)
	if err != nil {
		return nil, err
	}
	idx, err := c.intArg(args, 1)
	if err != nil {
		return nil, err
	}
	if idx < 0 || idx >= len(arr) {
		return nil, c.failure("index %d is out of bounds for an array of %d items", idx, len(arr))
	}
	return arr[idx], nil
}

func evalArrayLength(c *intrinsicCall, args []any) (any, error) {
	arr, err := c.arrayArg(args, 0)
	if err != nil {
		return nil, err
	}
	return float64(len(arr)), nil
}

func evalArrayUnique(c *intrinsicCall, args []any) (any, error) {
	arr, err := c.arrayArg(args, 0)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(arr))
	for _, item := range arr {
		seen := false
		for _, kept := range out {
			if jsonEqual(item, kept) {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, item)
		}
	}
	return out, nil
}
