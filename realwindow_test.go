//go:build !nogui

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// realWindowTools are the programs TestRealWindow drives the window with;
// .ci/deps --x11 installs them.
var realWindowTools = []string{"Xvfb", "xdotool", "import"}

// TestRealWindow starts this binary's GUI in a real window on a virtual X
// display (Xvfb) on a temporary project, types navigation and label keys
// with xdotool, quits through the menu shortcut (Ctrl+Q) and checks that
// the project file holds the spans typed. The screenshot is kept as a test
// artefact in $BIAOZHU_ARTIFACTS (default: artifacts/ in the repository).
// Without the tools it skips, except on CI, where it fails: .ci/run
// installs them.
func TestRealWindow(t *testing.T) {
	needRealWindowTools(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "window.biaozhu")
	p, err := annotate.Create(path, nil, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	// 北京 大学 的 学生 。 — tokens made by hand, so no dictionary is needed.
	words := []string{"北京", "大学", "的", "学生", "在", "上海", "工作", "。"}
	doc := &annotate.Document{Name: "window.txt"}
	at := 0
	for _, w := range words {
		n := len([]rune(w))
		doc.Tokens = append(doc.Tokens, text.Token{Start: at, End: at + n, POS: "n"})
		doc.Text += w
		at += n
	}
	doc.Raw = doc.Text
	doc.Sentences = []text.Sentence{{Start: 0, End: at}}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	display := startXvfb(t, "1280x860x24")
	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o755)
	env := append(os.Environ(), "BIAOZHU_RUN_MAIN=1", "DISPLAY="+display, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "LANGUAGE=en", "LC_ALL=C.UTF-8")
	// The first start may be slow (on CI) or fail; it is retried once,
	// with the output of the failed start in the log.
	app, wid, err := startWindow(display, env, path)
	if err != nil {
		t.Logf("the app did not show its window (%v): starting it once more; its output:\n%s", err, app.output())
		app.stop()
		app, wid, err = startWindow(display, env, path)
		if err != nil {
			app.stop()
			t.Fatalf("the app did not show its window on the second start either (%v); its output:\n%s", err, app.output())
		}
	}
	defer app.stop()
	appOut := &app.out

	xdo := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("xdotool", args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display, "LC_ALL=C.UTF-8")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("xdotool %s: %v\n%s\napp output:\n%s", strings.Join(args, " "), err, out, appOut.String())
		}
		return strings.TrimSpace(string(out))
	}
	time.Sleep(3 * time.Second) // the project opens off the UI goroutine
	xdo("windowfocus", "--sync", wid)
	// → moves to 大学; Shift+→ extends to 的... then back: select 北京大学 with
	// Home, Shift+→; label ORG (3). Then → → to 学生 and label PER (1).
	for _, k := range [][]string{
		{"key", "--delay", "120", "Home"},
		{"key", "--delay", "120", "shift+Right"},
		{"key", "--delay", "120", "3"},
		{"key", "--delay", "120", "Right", "Right"},
		{"key", "--delay", "120", "1"},
	} {
		xdo(k...)
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(time.Second)
	shot := screenshot(t, display)
	xdo("key", "ctrl+q")
	select {
	case <-app.exited:
		if err := app.err; err != nil {
			t.Fatalf("the app exited with %v\n%s", err, appOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the app did not quit on Ctrl+Q within 20 s (screenshot %s)\n%s", shot, appOut.String())
	}

	p, err = annotate.Open(path, annotate.Options{NoBackup: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got, err := p.Document(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var spans []string
	for _, s := range got.Spans {
		spans = append(spans, fmt.Sprintf("%s %s", s.Label, got.Slice(s.Start, s.End)))
	}
	want := []string{"ORG 北京大学", "PER 学生"}
	if strings.Join(spans, "; ") != strings.Join(want, "; ") {
		t.Errorf("project file spans = %q, want %q (screenshot %s)\napp output:\n%s", spans, want, shot, appOut.String())
	}
	t.Logf("screenshot: %s", shot)
}

// needRealWindowTools skips t without the tools of realWindowTools or
// under -short, except on CI, where a missing tool fails it.
func needRealWindowTools(t testing.TB) {
	t.Helper()
	for _, tool := range realWindowTools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing on CI (.ci/deps --x11 installs it)", tool)
			}
			t.Skipf("%s is not installed (.ci/deps --x11 installs Xvfb, xdotool and ImageMagick): no real-window test", tool)
		}
	}
	if testing.Short() {
		t.Skip("-short: no real-window test")
	}
}

// slowXvfb is an Xvfb that says its display is there 2 s before the
// display answers, as a real one can on its first start on a fresh
// machine: called with -displayfd FD it writes a free display number at
// once; called with :N it creates the socket file /tmp/.X11-unix/XN at
// once. Then it waits and runs the real Xvfb (REAL) on that display.
const slowXvfb = `#!/usr/bin/env bash
real=REAL
if [[ "$1" == -displayfd ]]; then
  fd=$2; shift 2
  n=$((240 + RANDOM % 700)) # not one number for every copy of this test running at once
  while [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]]; do n=$((n+1)); done
  echo "$n" >&"$fd"
  set -- ":$n" "$@"
else
  n=${1#:}
  mkdir -p /tmp/.X11-unix
  : >"/tmp/.X11-unix/X$n"
  trap 'rm -f "/tmp/.X11-unix/X$n"' EXIT
fi
sleep 2
rm -f "/tmp/.X11-unix/X$n"
exec "$real" "$@"
`

// TestXvfbAnswersWhenStarted checks that startXvfb returns a display that
// answers X requests at once, also when the X server announces itself
// before it answers (slowXvfb). Waiting for the socket file was not enough:
// on a fresh machine the app failed with "X11: Failed to open display".
func TestXvfbAnswersWhenStarted(t *testing.T) {
	needRealWindowTools(t)
	real, _ := exec.LookPath("Xvfb")
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "Xvfb"), []byte(strings.Replace(slowXvfb, "REAL", real, 1)), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	display := startXvfb(t, "640x480x24")
	cmd := exec.Command("xdotool", "getdisplaygeometry")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.CombinedOutput()
	if got, want := strings.TrimSpace(string(out)), "640 480"; err != nil || got != want {
		t.Errorf("xdotool getdisplaygeometry on %s right after startXvfb = %q, %v; want %q", display, got, err, want)
	}
}

// startXvfb starts a virtual display of the given screen (WxHxD) with
// .ci/xvfb, which returns once the display answers, and returns its name;
// the display is stopped when the test ends.
func startXvfb(t testing.TB, screen string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("./.ci/xvfb", screen)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf(".ci/xvfb: %v\n%s", err, stderr.String())
	}
	var display string
	var pid int
	if _, err := fmt.Sscanf(string(out), "%s %d", &display, &pid); err != nil {
		t.Fatalf(".ci/xvfb printed %q, want \"DISPLAY PID\": %v", out, err)
	}
	t.Cleanup(func() { stopProcess(pid) })
	return display
}

// stopProcess ends the process pid, which is not a child of this one: with
// SIGTERM, so that Xvfb removes its socket and lock files, and with SIGKILL
// if it is still there after 5 s.
func stopProcess(pid int) {
	p, err := os.FindProcess(pid)
	if err != nil {
		return
	}
	p.Signal(syscall.SIGTERM)
	for i := 0; i < 50; i++ {
		if p.Signal(syscall.Signal(0)) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.Kill()
}

// appProcess is the app started by startWindow and its output.
type appProcess struct {
	cmd    *exec.Cmd
	out    syncBuffer
	exited chan struct{} // closed when the app has exited
	err    error         // its exit status, once exited is closed
}

// output returns what the app printed so far.
func (a *appProcess) output() string { return a.out.String() }

// stop kills the app unless it has exited, and waits for it.
func (a *appProcess) stop() {
	if a.cmd.Process == nil {
		return
	}
	select {
	case <-a.exited:
		return
	default:
	}
	a.cmd.Process.Kill()
	<-a.exited
}

// startWindow starts this binary's GUI on display with env and the project
// at path, and returns it with the id of its window once the window is
// there (within 60 s), or an error if the app exited first or showed no
// window in time.
func startWindow(display string, env []string, path string) (*appProcess, string, error) {
	a := &appProcess{exited: make(chan struct{})}
	a.cmd = exec.Command(os.Args[0], "-test.run=^$", "--", path)
	a.cmd.Env = env
	a.cmd.Stdout, a.cmd.Stderr = &a.out, &a.out
	if err := a.cmd.Start(); err != nil {
		return a, "", err
	}
	go func() { a.err = a.cmd.Wait(); close(a.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		cmd := exec.Command("xdotool", "search", "--name", "Biaozhu")
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		out, _ := cmd.Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			return a, f[0], nil
		}
		select {
		case <-a.exited:
			return a, "", fmt.Errorf("the app exited before showing its window: %v", a.err)
		default:
		}
		if time.Now().After(deadline) {
			return a, "", fmt.Errorf("no window after 60 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for the app's writes and the test's
// reads at the same time.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// screenshot saves the screen as a PNG artefact and returns its path.
func screenshot(t *testing.T, display string) string {
	t.Helper()
	dir := os.Getenv("BIAOZHU_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, _ := filepath.Abs(filepath.Join(dir, "realwindow.png"))
	cmd := exec.Command("import", "-window", "root", out)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("screenshot: %v\n%s", err, b)
	}
	return out
}
