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
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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
test: tools ## run every test (integration tests included; with CI set, none may skip)
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)

.PHONY: demo
demo: build ## run the offboarding demo on the local engine and the sandbox emulators
	$(BIN)/orchestrator demo

.PHONY: synth
synth: ## synthesize the CloudFormation template of tenant $(TENANT) (offline)
	@echo "synth: the CDK stack is not built yet" >&2; exit 1

.PHONY: bench
bench: ## run the Go benchmarks (figures go in docs/benchmarks.md)
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

.PHONY: tidy-check
tidy-check: ## fail when go mod tidy would change go.mod or go.sum
	$(GO) mod tidy -diff
