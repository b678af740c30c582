//go:build !nogui

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate"
)

// procStatus is a field of /proc/PID/status in bytes (VmRSS, VmHWM).
func procStatus(pid int, field string) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.Fields(v)[0], 64)
			return kb * 1024
		}
	}
	return 0
}

// procCPU is the CPU time pid used so far, in clock ticks.
func procCPU(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// settle waits until pid has used no CPU for quiet (its work, as the
// dictionary's load or a repaint, done), at most limit; it returns when.
func settle(pid int, quiet, limit time.Duration) time.Time {
	deadline := time.Now().Add(limit)
	last, since := procCPU(pid), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if c := procCPU(pid); c != last {
			last, since = c, time.Now()
		} else if time.Since(since) >= quiet {
			return since
		}
	}
	return time.Now()
}

// BenchmarkRealWindow is issue 20's figures of the real window under Xvfb
// (this test binary running main, as TestRealWindow does): the time from
// launch to its window being there; its resident memory (VmRSS) once it
// is idle (the dictionary loaded) with an empty project and with a
// project whose one document is 1 MB of text (imported with biaozhu
// import), and the document's share, against 400 and 120 MB; and 50 PgDn
// sent at once with xdotool, from the first key to the app idle again
// (repainted), against 2 s. Run once (make bench: -benchtime 1x); it
// skips without Xvfb and xdotool. The machine's load shows in the times.
func BenchmarkRealWindow(b *testing.B) {
	needRealWindowTools(b)
	dir := b.TempDir()
	text := filepath.Join(dir, "one-mb.txt")
	distinctText(b, text, 1_000_000)
	empty := filepath.Join(dir, "empty.biaozhu")
	p, err := annotate.Create(empty, nil, annotate.Options{NoBackup: true})
	if err != nil {
		b.Fatal(err)
	}
	p.Close()
	big := filepath.Join(dir, "big.biaozhu")
	imp := exec.Command(os.Args[0], "-test.run=^$", "--", "import", "-p", big, text)
	imp.Env = append(os.Environ(), "BIAOZHU_RUN_MAIN=1")
	if out, err := imp.CombinedOutput(); err != nil {
		b.Fatalf("biaozhu import: %v\n%s", err, out)
	}
	display := startXvfb(b, "1280x860x24")
	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o755)
	env := append(os.Environ(), "BIAOZHU_RUN_MAIN=1", "DISPLAY="+display, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "LANGUAGE=en", "LC_ALL=C.UTF-8")
	type run struct {
		mapped   time.Duration
		rss, hwm float64
		pgdn     time.Duration
	}
	open := func(path string, pgdn bool) run {
		start := time.Now()
		app, wid, err := startWindow(display, env, path)
		if err != nil {
			app.stop()
			b.Fatalf("no window: %v\n%s", err, app.output())
		}
		defer app.stop()
		r := run{mapped: time.Since(start)}
		pid := app.cmd.Process.Pid
		settle(pid, 2*time.Second, 60*time.Second)
		r.rss, r.hwm = procStatus(pid, "VmRSS"), procStatus(pid, "VmHWM")
		if pgdn {
			xdo := exec.Command("xdotool", "windowfocus", "--sync", wid)
			xdo.Env = append(os.Environ(), "DISPLAY="+display)
			xdo.Run()
			settle(pid, time.Second, 10*time.Second)
			keys := exec.Command("xdotool", append([]string{"key", "--delay", "0"}, strings.Fields(strings.Repeat("Next ", 50))...)...)
			keys.Env = xdo.Env
			t0 := time.Now()
			if out, err := keys.CombinedOutput(); err != nil {
				b.Fatalf("xdotool key: %v\n%s", err, out)
			}
			r.pgdn = settle(pid, 500*time.Millisecond, 30*time.Second).Sub(t0)
		}
		return r
	}
	// mappedAfter launches the app on path and returns when its window
	// is there (polled every 20 ms).
	mappedAfter := func(path string) time.Duration {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "--", path)
		cmd.Env = env
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		for time.Since(start) < 60*time.Second {
			q := exec.Command("xdotool", "search", "--onlyvisible", "--name", "Biaozhu")
			q.Env = append(os.Environ(), "DISPLAY="+display)
			if out, _ := q.Output(); len(bytes.TrimSpace(out)) > 0 {
				return time.Since(start)
			}
			time.Sleep(20 * time.Millisecond)
		}
		b.Fatal("no window after 60 s")
		return 0
	}
	var e, d run
	var starts []time.Duration
	for b.Loop() {
		e = open(empty, false)
		d = open(big, true)
		for range 5 {
			starts = append(starts, mappedAfter(empty))
		}
	}
	slices.Sort(starts)
	e.mapped = starts[len(starts)/2]
	mb := func(v float64) float64 { return v / (1 << 20) }
	b.ReportMetric(e.mapped.Seconds(), "window-s")
	b.ReportMetric(0.5, "window-target-s")
	b.ReportMetric(mb(e.rss), "empty-rss-MB")
	b.ReportMetric(mb(d.rss), "doc-rss-MB")
	b.ReportMetric(400, "doc-rss-target-MB")
	b.ReportMetric(mb(d.rss-e.rss), "doc-share-MB")
	b.ReportMetric(120, "doc-share-target-MB")
	b.ReportMetric(d.pgdn.Seconds(), "pgdn50-s")
	b.ReportMetric(2, "pgdn50-target-s")
	b.Logf("window there %.2f s after launch (empty project, median of %d: %v; %.2f s with the 1 MB document; target ≤ 0.5 s to the first key); resident once idle: empty project %.0f MB (peak %.0f), 1 MB document open %.0f MB (peak %.0f; target ≤ 400), the document's share %.0f MB (target ≤ 120); 50 PgDn repainted in %.2f s (target ≤ 2)",
		e.mapped.Seconds(), len(starts), starts, d.mapped.Seconds(), mb(e.rss), mb(e.hwm), mb(d.rss), mb(d.hwm), mb(d.rss-e.rss), d.pgdn.Seconds())
}
