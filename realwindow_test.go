package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate"
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
		doc.Tokens = append(doc.Tokens, annotate.Token{Start: at, End: at + n, POS: "n"})
		doc.Text += w
		at += n
	}
	doc.Raw = doc.Text
	doc.Sentences = []annotate.Sentence{{Start: 0, End: at}}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	display := startXvfb(t)
	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o755)
	app := exec.Command(os.Args[0], "-test.run=^$", "--", path)
	app.Env = append(os.Environ(), "BIAOZHU_RUN_MAIN=1", "DISPLAY="+display, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "LANGUAGE=en", "LC_ALL=C.UTF-8")
	var appOut bytes.Buffer
	app.Stdout, app.Stderr = &appOut, &appOut
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		if app.ProcessState == nil {
			app.Process.Kill()
			<-exited
		}
	}()

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
	// Wait for the window (the first start may be slow on CI).
	var wid string
	deadline := time.Now().Add(60 * time.Second)
	for wid == "" {
		cmd := exec.Command("xdotool", "search", "--name", "Biaozhu")
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		out, _ := cmd.Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			wid = f[0]
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the app exited before showing its window: %v\n%s", err, appOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window after 60 s\n%s", appOut.String())
		}
		time.Sleep(200 * time.Millisecond)
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
	case err := <-exited:
		if err != nil {
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

// startXvfb starts a virtual display for the test and returns its name.
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 140; n < 180; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		x := exec.Command("Xvfb", display, "-screen", "0", "1280x860x24", "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Process.Kill(); x.Wait() })
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", display)
	}
	t.Fatal("no free X display number")
	return ""
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
