//go:build nogui

package main

import (
	"strings"
	"testing"
)

// TestNoWindow: a build with -tags nogui, started without a command (as
// the window would be), says that it has no window and which commands it
// has, whatever the display.
func TestNoWindow(t *testing.T) {
	for _, env := range [][]string{nil, {"DISPLAY=:0"}, {"DISPLAY=", "WAYLAND_DISPLAY="}} {
		for _, args := range [][]string{nil, {"project.biaozhu"}} {
			r := biaozhu(t, env, args...)
			if r.code != 1 || !strings.HasPrefix(r.stderr, "biaozhu: this build has no window; use the commands") || r.stdout != "" {
				t.Errorf("env %q, args %q: exit %d, stdout %q, stderr %q; want exit 1 and \"biaozhu: this build has no window; …\"", env, args, r.code, r.stdout, r.stderr)
			}
		}
	}
}
