package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// defaultMemoryLimit keeps a node with the 1,000,000-SKU index under 2 GiB resident: the
// index is about 0.7 GiB live, and without a limit the collector lets the heap grow to
// twice the live size before collecting, and the build's garbage higher still.
const defaultMemoryLimit = "1600MiB"

// memoryLimit is the --memory-limit flag: a soft limit for the Go runtime
// (debug.SetMemoryLimit), applied unless the GOMEMLIMIT environment variable is set.
type memoryLimit struct{ bytes int64 }

func (m *memoryLimit) String() string {
	if m == nil || m.bytes <= 0 {
		return "off"
	}
	return fmt.Sprintf("%dMiB", m.bytes>>20)
}

func (m *memoryLimit) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	m.bytes = n
	return nil
}

// parseSize reads "1600MiB", "2GiB", "512M", a number of bytes, or "0"/"off" for none.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" || t == "0" || strings.EqualFold(t, "off") {
		return 0, nil
	}
	units := []struct {
		suffix string
		mul    float64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}
	mul := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mul = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mul
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || v*mul > math.MaxInt64/2 {
		return 0, errors.New("want a size such as 1600MiB or 2GiB, or off")
	}
	if v*mul < 64<<20 {
		return 0, errors.New("below 64MiB: the server would do little but collect garbage")
	}
	return int64(v * mul), nil
}

// registerMemoryLimit adds --memory-limit (ZHUCHAO_MEMORY_LIMIT) to fs.
func registerMemoryLimit(fs *flag.FlagSet) *memoryLimit {
	m := &memoryLimit{}
	_ = m.Set(defaultMemoryLimit)
	fs.Var(m, "memory-limit", "soft memory limit for the Go runtime, e.g. 1600MiB or 2GiB; off for none (the GOMEMLIMIT environment variable, when set, wins)")
	return m
}

// apply sets the limit unless GOMEMLIMIT is set.
func (m *memoryLimit) apply() {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); ok || m.bytes <= 0 {
		return
	}
	debug.SetMemoryLimit(m.bytes)
	slog.Debug("memory limit", "limit", m.String())
}
