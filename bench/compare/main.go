// Command compare reads the output of the benchmarks of packages enginebench and stepbench
// on standard input. It prints the median and range of transitions per second and of CPU
// time per transition of each benchmark. Then it prints the ratio of the engine's medians to
// coinbase/step's on each definition. Run it as
//
//	go test -p 1 -run NONE -bench . -benchmem -benchtime 2s -count 5 ./enginebench ./stepbench | go run ./compare
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// sample is one line of benchmark output.
type sample struct {
	rate, cpu float64 // transitions/s and cpu-ns/transition
	allocs    float64 // allocs/op
}

var line = regexp.MustCompile(`^Benchmark(\S+?)(-\d+)?\s+\d+\s+(.*)$`)

func main() {
	runs, order, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
	if len(order) == 0 {
		fmt.Fprintln(os.Stderr, "compare: no benchmark lines with transitions/s on standard input; pipe the output of go test -bench into it")
		os.Exit(1)
	}
	fmt.Printf("%-34s %4s %-34s %-22s %s\n", "benchmark", "runs", "transitions/s: median (range)", "CPU ns: median (range)", "allocs/op")
	for _, name := range order {
		s := runs[name]
		rate, cpu := column(s, func(x sample) float64 { return x.rate }), column(s, func(x sample) float64 { return x.cpu })
		fmt.Printf("%-34s %4d %-34s %-22s %.0f\n", name, len(s),
			fmt.Sprintf("%.0f (%.0f-%.0f)", median(rate), rate[0], rate[len(rate)-1]),
			fmt.Sprintf("%.0f (%.0f-%.0f)", median(cpu), cpu[0], cpu[len(cpu)-1]), s[0].allocs)
	}
	fmt.Println()
	fmt.Printf("%-34s %10s %10s\n", "engine against coinbase/step", "wall", "CPU")
	for _, name := range order {
		step, ok := stepName(name)
		if !ok || runs[step] == nil {
			continue
		}
		e, c := runs[name], runs[step]
		wall := median(column(e, func(x sample) float64 { return x.rate })) / median(column(c, func(x sample) float64 { return x.rate }))
		cpu := median(column(c, func(x sample) float64 { return x.cpu })) / median(column(e, func(x sample) float64 { return x.cpu }))
		fmt.Printf("%-34s %9.1fx %9.1fx\n", name, wall, cpu)
	}
}

// read collects the samples by benchmark name, in the order they first appear.
func read(r io.Reader) (map[string][]sample, []string, error) {
	runs := map[string][]sample{}
	var order []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		s, ok := parseMetrics(strings.Fields(m[3]))
		if !ok {
			continue
		}
		if runs[m[1]] == nil {
			order = append(order, m[1])
		}
		runs[m[1]] = append(runs[m[1]], s)
	}
	return runs, order, sc.Err()
}

// parseMetrics reads the value-unit pairs after the iteration count.
func parseMetrics(fields []string) (sample, bool) {
	var s sample
	found := false
	for i := 0; i+1 < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			continue
		}
		switch fields[i+1] {
		case "transitions/s":
			s.rate, found = v, true
		case "cpu-ns/transition":
			s.cpu = v
		case "allocs/op":
			s.allocs = v
		}
	}
	return s, found
}

// stepName returns the name of coinbase/step's benchmark on the same definition as an
// engine benchmark: the segment engine or engine-async becomes step.
func stepName(name string) (string, bool) {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		if p == "engine" || p == "engine-async" {
			parts[i] = "step"
			return strings.Join(parts, "/"), true
		}
	}
	return "", false
}

// column returns one metric of every sample, sorted.
func column(s []sample, f func(sample) float64) []float64 {
	out := make([]float64, len(s))
	for i, x := range s {
		out[i] = f(x)
	}
	slices.Sort(out)
	return out
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
