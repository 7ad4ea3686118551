// Package statemachines holds the workflows as Amazon States Language files
// (NAME.asl.json) and embeds them, so the command line and the CDK stack deploy the same
// definitions the tests run.
//
// Task states name their Lambda function with a placeholder, "${StepName}", that CDK fills
// through DefinitionSubstitutions and the local engine fills with in-process handlers. A
// nested workflow is named "${NameStateMachine}", where Name is the file name in
// CamelCase. CreateAll creates the workflows in nesting order and fills these placeholders.
// The tests check every placeholder and every ErrorEquals name against the registered steps
// and their error types.
package statemachines

import (
	"embed"
	"fmt"
	"strings"
)

// Files contains every *.asl.json file of this folder.
//
//go:embed *.asl.json
var Files embed.FS

// Definition returns the ASL text of the named workflow (the file name without
// .asl.json, such as user-offboarding).
func Definition(name string) ([]byte, error) {
	data, err := Files.ReadFile(name + ".asl.json")
	if err != nil {
		return nil, fmt.Errorf("workflow %q not found: use the name of a statemachines/*.asl.json file without the extension", name)
	}
	return data, nil
}

// PlaceholderName returns the state-machine placeholder of a workflow: revoke-user-access
// becomes RevokeUserAccessStateMachine.
func PlaceholderName(workflow string) string {
	var b strings.Builder
	for _, part := range strings.Split(workflow, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	b.WriteString("StateMachine")
	return b.String()
}
