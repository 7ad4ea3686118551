package statemachines

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Creator registers a state machine and returns its ARN; *engine.Engine implements it.
type Creator interface {
	CreateStateMachine(ctx context.Context, name string, definition []byte, substitutions map[string]string) (string, error)
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`)

// CreateAll creates every embedded workflow through c, each after the workflows it nests,
// and returns their ARNs by workflow name. Each state-machine placeholder is filled with
// the ARN of the workflow it names, and every other placeholder with its value in steps
// (the step name for the local engine, a Lambda ARN in AWS).
func CreateAll(ctx context.Context, c Creator, steps map[string]string) (map[string]string, error) {
	defs := map[string][]byte{}
	names, err := fs.Glob(Files, "*.asl.json")
	if err != nil {
		return nil, err
	}
	for _, file := range names {
		data, err := Files.ReadFile(file)
		if err != nil {
			return nil, err
		}
		defs[strings.TrimSuffix(file, ".asl.json")] = data
	}
	byPlaceholder := map[string]string{}
	for name := range defs {
		byPlaceholder[PlaceholderName(name)] = name
	}

	arns := map[string]string{}
	var create func(name string, path []string) error
	create = func(name string, path []string) error {
		if _, done := arns[name]; done {
			return nil
		}
		if slices.Contains(path, name) {
			return fmt.Errorf("workflows nest each other in a cycle: %s", strings.Join(append(path, name), " -> "))
		}
		subs := maps.Clone(steps)
		if subs == nil {
			subs = map[string]string{}
		}
		for _, m := range placeholder.FindAllStringSubmatch(string(defs[name]), -1) {
			child, ok := byPlaceholder[m[1]]
			if !ok {
				continue
			}
			if err := create(child, append(path, name)); err != nil {
				return err
			}
			subs[m[1]] = arns[child]
		}
		arn, err := c.CreateStateMachine(ctx, name, defs[name], subs)
		if err != nil {
			return fmt.Errorf("creating workflow %s: %w", name, err)
		}
		arns[name] = arn
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		if err := create(name, nil); err != nil {
			return nil, err
		}
	}
	return arns, nil
}
