package infra

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/secamo/orchestrator/asl"
)

// Workflow is one statemachines/*.asl.json file.
type Workflow struct {
	// Name is the file name without .asl.json, such as user-offboarding.
	Name string
	// Definition is the ASL text with its ${...} placeholders.
	Definition string
	// Steps lists the step placeholders the definition uses, such as DisableEntraUser.
	Steps []string
	// Children lists the workflows it starts as nested executions, by Name.
	Children []string
}

var placeholderPattern = regexp.MustCompile(`\$\{([A-Za-z][A-Za-z0-9]*)\}`)

// stateMachineSuffix marks a placeholder that names another workflow:
// ${RevokeUserAccessStateMachine} is the ARN of revoke-user-access.
const stateMachineSuffix = "StateMachine"

// LoadWorkflows reads every *.asl.json file in dir and sorts them so that a workflow comes
// after the workflows it starts.
func LoadWorkflows(dir string) ([]Workflow, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.asl.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("loading workflows: no *.asl.json file in %s", dir)
	}
	var out []Workflow
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("loading workflows: %w", err)
		}
		w, err := parseWorkflow(strings.TrimSuffix(filepath.Base(f), ".asl.json"), data)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return orderWorkflows(out)
}

func parseWorkflow(name string, data []byte) (Workflow, error) {
	if !json.Valid(data) {
		return Workflow{}, fmt.Errorf("workflow %s: invalid JSON", name)
	}
	w := Workflow{Name: name, Definition: string(data)}
	seen := map[string]bool{}
	for _, m := range placeholderPattern.FindAllStringSubmatch(w.Definition, -1) {
		p := m[1]
		if seen[p] {
			continue
		}
		seen[p] = true
		if base, ok := strings.CutSuffix(p, stateMachineSuffix); ok && base != "" {
			w.Children = append(w.Children, kebab(base))
		} else {
			w.Steps = append(w.Steps, p)
		}
	}
	sort.Strings(w.Steps)
	sort.Strings(w.Children)
	return w, nil
}

// orderWorkflows sorts children before parents and rejects unknown children and cycles.
func orderWorkflows(ws []Workflow) ([]Workflow, error) {
	byName := map[string]Workflow{}
	for _, w := range ws {
		byName[w.Name] = w
	}
	var out []Workflow
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name, from string) error
	visit = func(name, from string) error {
		w, ok := byName[name]
		if !ok {
			return fmt.Errorf("workflow %s starts workflow %s, which has no statemachines/%s.asl.json", from, name, name)
		}
		switch state[name] {
		case 1:
			return fmt.Errorf("workflow %s starts itself through its children", name)
		case 2:
			return nil
		}
		state[name] = 1
		for _, c := range w.Children {
			if err := visit(c, name); err != nil {
				return err
			}
		}
		state[name] = 2
		out = append(out, w)
		return nil
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := visit(n, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// kebab turns RevokeUserAccess into revoke-user-access.
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pascal turns revoke-user-access into RevokeUserAccess.
func pascal(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// validateWorkflows runs the project's ASL validator over every workflow and reports all
// problems together.
func validateWorkflows(ws []Workflow) error {
	var problems []string
	for _, w := range ws {
		if _, err := asl.Parse([]byte(w.Definition)); err != nil {
			problems = append(problems, fmt.Sprintf("statemachines/%s.asl.json: %v", w.Name, err))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid workflows:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}
