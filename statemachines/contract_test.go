package statemachines

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/approval"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/triage"
)

// stepPackages are the folders of the packages whose steps the registry holds; their
// exported error types are the names ASL files may match.
var stepPackages = []string{"../lambdas", "../lambdas/offboarding", "../lambdas/approval", "../lambdas/triage", "../lambdas/steperr"}

// taskTokenErrors are error names that no step returns but that a task-token failure
// reports: the approval service fails a rejected approval's task with this name.
var taskTokenErrors = []string{approvals.RejectedErrorName}

// registry returns every registered step, built with empty dependencies.
func registry() lambdas.Registry {
	reg := lambdas.Registry{}
	discard := slog.New(slog.DiscardHandler)
	(&offboarding.Steps{Logger: discard}).Register(reg)
	approval.Register(reg, &approval.Handler{Tenants: approvals.TenantMap{}, Logger: discard})
	(&triage.Steps{Logger: discard}).Register(reg)
	return reg
}

type definition struct {
	name string
	text string
	root map[string]any
}

func definitions(t *testing.T) []definition {
	t.Helper()
	names, err := fs.Glob(Files, "*.asl.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no ASL files embedded: %v", err)
	}
	var defs []definition
	for _, name := range names {
		data, err := Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var root map[string]any
		if err := json.Unmarshal(data, &root); err != nil {
			t.Fatalf("%s is not valid JSON: %v", name, err)
		}
		defs = append(defs, definition{name: name, text: string(data), root: root})
	}
	return defs
}

func TestDefinitionsPassValidation(t *testing.T) {
	for _, d := range definitions(t) {
		t.Run(d.name, func(t *testing.T) {
			if _, err := asl.Parse([]byte(d.text)); err != nil {
				t.Errorf("asl.Parse: %v", err)
			}
		})
	}
}

// walk calls visit for every JSON object in v, depth first.
func walk(v any, visit func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		visit(x)
		for _, child := range x {
			walk(child, visit)
		}
	case []any:
		for _, child := range x {
			walk(child, visit)
		}
	}
}

// exportedErrorTypes returns the exported type names with an Error method declared in the
// Go files (tests excluded) of dir.
func exportedErrorTypes(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatalf("parsing %s: %v", path, err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "Error" || len(fn.Recv.List) != 1 {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
				names[id.Name] = true
			}
		}
	}
	return names
}

func TestErrorNamesExist(t *testing.T) {
	known := map[string]bool{}
	for _, dir := range stepPackages {
		for name := range exportedErrorTypes(t, dir) {
			known[name] = true
		}
	}
	for _, name := range taskTokenErrors {
		known[name] = true
	}
	for _, d := range definitions(t) {
		walk(d.root, func(obj map[string]any) {
			list, ok := obj["ErrorEquals"].([]any)
			if !ok {
				return
			}
			for _, v := range list {
				name, _ := v.(string)
				if strings.HasPrefix(name, "States.") || strings.HasPrefix(name, "Lambda.") {
					continue
				}
				if !known[name] {
					t.Errorf("%s: ErrorEquals %q is not an exported error type of a step package (%s)", d.name, name, strings.Join(stepPackages, ", "))
				}
			}
		})
	}
}

var placeholderPattern = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`)

func TestPlaceholdersResolve(t *testing.T) {
	reg := registry()
	machines := map[string]bool{}
	defs := definitions(t)
	for _, d := range defs {
		machines[PlaceholderName(strings.TrimSuffix(d.name, ".asl.json"))] = true
	}
	for _, d := range defs {
		matches := placeholderPattern.FindAllStringSubmatch(d.text, -1)
		if len(matches) == 0 {
			t.Errorf("%s has no placeholders", d.name)
		}
		for _, m := range matches {
			name := m[1]
			if _, err := reg.Lookup(name); err != nil && !machines[name] {
				t.Errorf("%s: placeholder ${%s} is neither a registered step nor a state machine in this folder", d.name, name)
			}
		}
	}
}

// TestPayloadsDecode sends each lambda:invoke task's Payload keys, with null values, to the
// registered step, so a key the step's input type does not have fails here instead of at
// run time. Steps run with empty dependencies and fail on the missing values, which is
// fine: only a decoding error (lambdas.InvalidInput) counts.
func TestPayloadsDecode(t *testing.T) {
	reg := registry()
	for _, d := range definitions(t) {
		walk(d.root, func(obj map[string]any) {
			params, ok := obj["Parameters"].(map[string]any)
			if !ok {
				return
			}
			fn, _ := params["FunctionName"].(string)
			payload, isObject := params["Payload"].(map[string]any)
			m := placeholderPattern.FindStringSubmatch(fn)
			if m == nil || !isObject {
				return
			}
			fields := map[string]any{}
			for key := range payload {
				fields[strings.TrimSuffix(key, ".$")] = nil
			}
			data, err := json.Marshal(fields)
			if err != nil {
				t.Fatal(err)
			}
			h, err := reg.Lookup(m[1])
			if err != nil {
				t.Errorf("%s: %v", d.name, err)
				return
			}
			_, err = h(context.Background(), data)
			var invalid *lambdas.InvalidInput
			if errors.As(err, &invalid) {
				t.Errorf("%s: Payload of ${%s} does not match the step's input: %v", d.name, m[1], err)
			}
		})
	}
}

// TestStateFieldsDecode checks that every top-level field the user-offboarding machine
// writes is a field of offboarding.State, because ReportFailure decodes the whole state.
func TestStateFieldsDecode(t *testing.T) {
	data, err := Definition("user-offboarding")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	st := reflect.TypeFor[offboarding.State]()
	for i := range st.NumField() {
		name, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
		fields[name] = true
	}
	var written []string
	walk(root["States"], func(obj map[string]any) {
		if p, ok := obj["ResultPath"].(string); ok {
			written = append(written, p)
		}
	})
	sort.Strings(written)
	for _, p := range written {
		top, _, _ := strings.Cut(strings.TrimPrefix(p, "$."), ".")
		if p == "$" || strings.Contains(top, "[") {
			continue
		}
		if !fields[top] {
			t.Errorf("ResultPath %q writes %q, which offboarding.State lacks", p, top)
		}
	}
}

func TestPlaceholderName(t *testing.T) {
	tests := map[string]string{
		"revoke-user-access": "RevokeUserAccessStateMachine",
		"user-offboarding":   "UserOffboardingStateMachine",
	}
	for in, want := range tests {
		if got := PlaceholderName(in); got != want {
			t.Errorf("PlaceholderName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefinitionUnknown(t *testing.T) {
	if _, err := Definition("user-onboarding"); err == nil {
		t.Error("Definition(user-onboarding) returned no error")
	}
}

// recordingCreator records the order and substitutions of CreateAll.
type recordingCreator struct {
	order []string
	subs  map[string]map[string]string
}

func (r *recordingCreator) CreateStateMachine(_ context.Context, name string, _ []byte, subs map[string]string) (string, error) {
	r.order = append(r.order, name)
	r.subs[name] = subs
	return "arn:test:" + name, nil
}

func TestCreateAllNestedFirst(t *testing.T) {
	rec := &recordingCreator{subs: map[string]map[string]string{}}
	arns, err := CreateAll(context.Background(), rec, map[string]string{"ResolveUser": "fn-resolve"})
	if err != nil {
		t.Fatalf("CreateAll: %v", err)
	}
	child := slices.Index(rec.order, "revoke-user-access")
	parent := slices.Index(rec.order, "user-offboarding")
	if child < 0 || parent < 0 || child > parent {
		t.Fatalf("creation order = %v, want revoke-user-access before user-offboarding", rec.order)
	}
	if got := rec.subs["user-offboarding"]["RevokeUserAccessStateMachine"]; got != "arn:test:revoke-user-access" {
		t.Errorf("child placeholder = %q, want the child's ARN", got)
	}
	if got := rec.subs["user-offboarding"]["ResolveUser"]; got != "fn-resolve" {
		t.Errorf("step placeholder = %q, want fn-resolve", got)
	}
	if arns["user-offboarding"] != "arn:test:user-offboarding" {
		t.Errorf("ARNs = %v", arns)
	}
}
