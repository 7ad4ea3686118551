// Command coldstart measures the Lambda binary's cold-start initialisation on this machine:
// the time from starting the process to its first request for work
// (GET /2018-06-01/runtime/invocation/next) on a stand-in Lambda Runtime API served on
// loopback. It starts the binary -runs times and prints the minimum, median and maximum.
//
//	go run ./tools/coldstart -binary bin/coldstart/entra/bootstrap -step DisableEntraUser -tenant tenants/example.yaml
//
// The binary must be built for this machine's architecture (make coldstart does so); AWS runs
// the arm64 build, so the figure is a local measurement, not Lambda's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"time"
)

func main() {
	binary := flag.String("binary", "bin/coldstart/core/bootstrap", "path of the bootstrap binary built for this machine")
	step := flag.String("step", "DisableEntraUser", "step name passed in STEP")
	tenant := flag.String("tenant", "tenants/example.yaml", "tenant file passed in TENANT_CONFIG")
	runs := flag.Int("runs", 20, "number of process starts to measure")
	timeout := flag.Duration("timeout", 10*time.Second, "maximum wait for one start")
	flag.Parse()
	if err := measure(*binary, *step, *tenant, *runs, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

func measure(binary, step, tenantFile string, runs int, timeout time.Duration) error {
	tenant, err := os.ReadFile(tenantFile)
	if err != nil {
		return err
	}
	ready := make(chan time.Time, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case ready <- time.Now():
		default:
		}
		// Hold the request: the process is killed before it gets work.
		<-r.Context().Done()
	})}
	go srv.Serve(ln)
	defer srv.Close()

	var took []time.Duration
	for i := 0; i < runs; i++ {
		d, err := startOnce(binary, step, string(tenant), ln.Addr().String(), ready, timeout)
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		took = append(took, d)
	}
	slices.Sort(took)
	fmt.Printf("cold start to first /next, %d runs: min %s, median %s, max %s\n",
		runs, took[0].Round(10*time.Microsecond), took[len(took)/2].Round(10*time.Microsecond), took[len(took)-1].Round(10*time.Microsecond))
	return nil
}

func startOnce(binary, step, tenant, api string, ready <-chan time.Time, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + api,
		"STEP=" + step,
		"TENANT_CONFIG=" + tenant,
		"AWS_REGION=eu-west-1",
		"AWS_LAMBDA_FUNCTION_NAME=coldstart",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	select {
	case at := <-ready:
		return at.Sub(start), nil
	case <-ctx.Done():
		return 0, errors.New("the binary did not ask for work in time")
	}
}
