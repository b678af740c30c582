package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runInput runs the command with args and stdin, giving up after 20 s
// (what a blocked read looked like), and returns stdout, stderr and the
// exit status.
func runInput(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "BIAOZHU_RUN_MAIN=1", "LANG=C.UTF-8", "LC_ALL=")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v did not finish in 20 s", args)
	}
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestCleanSegmentInput runs clean and segment on what is not a text file
// — a named pipe (which blocked for ever), a character device (/dev/zero
// grew to gigabytes), a directory — and on standard input.
func TestCleanSegmentInput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no named pipes or /dev/zero")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, cmd := range []string{"clean", "segment"} {
		for _, tc := range []struct{ path, want string }{
			{fifo, "not a regular file but a named pipe"},
			{"/dev/zero", "not a regular file but a character device"},
			{dir, "not a regular file but a directory"},
		} {
			t.Run(cmd+" "+filepath.Base(tc.path), func(t *testing.T) {
				_, stderr, code := runInput(t, "", cmd, tc.path)
				if code != 1 || !strings.Contains(stderr, tc.path+": "+tc.want) || !strings.HasPrefix(stderr, "biaozhu: ") {
					t.Errorf("exit %d, stderr %q; want exit 1 and %q naming the file", code, stderr, tc.want)
				}
			})
		}
	}
	t.Run("clean -", func(t *testing.T) {
		stdout, stderr, code := runInput(t, "甲：好。\n乙：是啊。\n", "clean", "-")
		if code != 0 || stdout != "甲：好。\n乙：是啊。\n" || !strings.Contains(stderr, "encoding: UTF-8") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("segment -", func(t *testing.T) {
		stdout, stderr, code := runInput(t, "你好。", "segment", "-format", "conllu", "-")
		if code != 0 || !strings.Contains(stdout, "# text = 你好。") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
}
