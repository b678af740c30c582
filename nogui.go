//go:build nogui

// A build with -tags nogui: the commands without the window, so without
// Fyne and cgo (CGO_ENABLED=0 cross-compiles it for any GOOS/GOARCH).

package main

import "errors"

// buildKind is what versionLine says of this build.
const buildKind = "commands only"

func runGUI() error {
	return errors.New("this build has no window; use the commands (biaozhu -h lists them)")
}
