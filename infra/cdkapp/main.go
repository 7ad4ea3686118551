// Command cdkapp is the CDK app that cdk.json runs: `cdk synth -c tenant=NAME` builds the
// stack of tenants/NAME.yaml from the repository root.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/infra"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	opts := infra.BuildOptions{Root: ".", Tenant: contextString(app, "tenant"), AssetDir: contextString(app, "assetDir")}
	if opts.AssetDir == "" {
		opts.AssetDir = "bin/lambda"
	}
	if _, err := infra.Build(app, opts); err != nil {
		fmt.Fprintln(os.Stderr, "cdkapp:", err)
		jsii.Close()
		os.Exit(1)
	}
	app.Synth(nil)
}

func contextString(app awscdk.App, key string) string {
	v, ok := app.Node().TryGetContext(jsii.String(key)).(string)
	if !ok {
		return ""
	}
	return v
}
