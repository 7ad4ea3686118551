# Secamo process orchestrator. Run "make help" for the targets.

GO        ?= go
TENANT    ?= example
BIN       := bin
# Go packages to test; CI runs them all.
PKGS      ?= ./...
# Timeout of one "go test" run, generous because the AD and browser tests start real servers.
TEST_TIMEOUT ?= 30m

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

NPM_BIN := tools/npm/node_modules/.bin

.PHONY: tools
tools: $(NPM_BIN)/cdk ## install the npm tools (CDK CLI, Node.js 22, asl-validator) into tools/npm

$(NPM_BIN)/cdk: tools/npm/package.json tools/npm/package-lock.json
	npm ci --prefix tools/npm --no-audit --no-fund
	@touch $@

.PHONY: build
build: ## build the orchestrator command into bin/
	$(GO) build -o $(BIN)/orchestrator ./cmd/orchestrator

.PHONY: test
.PHONY: test-deps
test-deps: ## install the Debian packages of the integration tests (Samba AD DC, Chromium) when root
	scripts/install-test-deps

test: tools test-deps ## run every test (integration tests included; with CI set, none may skip)
	$(GO) mod tidy -diff
	$(GO) vet $(PKGS)
	$(GO) vet -tags integration $(PKGS)
	PATH="$(CURDIR)/$(NPM_BIN):$$PATH" $(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)

.PHONY: demo
demo: build ## run the offboarding demo on the local engine and the sandbox emulators
	$(BIN)/orchestrator demo

.PHONY: bootstrap
bootstrap: ## build the Lambda binaries (linux/arm64, static, stripped) into bin/lambda/{entra,core}
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc,noapprovals -trimpath -ldflags='-s -w' \
		-o $(BIN)/lambda/entra/bootstrap ./lambdas/bootstrap
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc,noentra -trimpath -ldflags='-s -w' \
		-o $(BIN)/lambda/core/bootstrap ./lambdas/bootstrap

.PHONY: coldstart
coldstart: ## measure the Lambda binaries' cold-start initialisation locally (built for this machine)
	CGO_ENABLED=0 $(GO) build -tags lambda.norpc,noapprovals -trimpath -ldflags='-s -w' -o $(BIN)/coldstart/entra/bootstrap ./lambdas/bootstrap
	CGO_ENABLED=0 $(GO) build -tags lambda.norpc,noentra -trimpath -ldflags='-s -w' -o $(BIN)/coldstart/core/bootstrap ./lambdas/bootstrap
	$(GO) run ./tools/coldstart -binary $(BIN)/coldstart/entra/bootstrap -step DisableEntraUser
	$(GO) run ./tools/coldstart -binary $(BIN)/coldstart/core/bootstrap -step CommentOnTicket

.PHONY: validate-asl
validate-asl: tools ## check every statemachines/*.asl.json with AWS's asl-validator and the project's validator
	$(NPM_BIN)/asl-validator --silent $(addprefix --json-path ,$(wildcard statemachines/*.asl.json))
	$(GO) run ./cmd/orchestrator validate statemachines/*.asl.json

# The CDK CLI and the jsii runtime run on the Node.js 22 that make tools installs.
CDK := PATH="$(CURDIR)/$(NPM_BIN):$$PATH" JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1 $(NPM_BIN)/cdk --no-notices

.PHONY: synth
synth: tools bootstrap validate-asl ## synthesize the CloudFormation template of tenant $(TENANT) into cdk.out (offline)
	$(CDK) synth -c tenant=$(TENANT) --quiet
	@echo "template: cdk.out/Secamo-$(TENANT).template.json"

.PHONY: deploy
deploy: tools bootstrap validate-asl ## deploy tenant $(TENANT) to the AWS account in its tenant file (see docs/deploy.md)
	$(CDK) deploy -c tenant=$(TENANT) --require-approval broadening

.PHONY: bench
bench: ## run the Go benchmarks (figures go in docs/benchmarks.md)
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

.PHONY: compare
compare: ## run the engine and coinbase/step on the same definitions, each in its own process (about 4 minutes)
	mkdir -p $(BIN)
	cd bench && $(GO) test -p 1 -run NONE -bench . -benchmem -benchtime 2s -count 5 ./enginebench ./stepbench | tee $(CURDIR)/$(BIN)/compare.txt | $(GO) run ./compare

.PHONY: tidy-check
tidy-check: ## fail when go mod tidy would change go.mod or go.sum
	$(GO) mod tidy -diff
