//go:build !nogui

// The window: everything of main that imports Fyne. A build with -tags
// nogui leaves this file out (nogui.go stands in), so that the commands
// build without cgo for any GOOS/GOARCH.

package main

import (
	"errors"
	"os"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/biaozhu/biaozhu/app"
	"github.com/biaozhu/biaozhu/assets"
)

// appID is the application's ID, as in FyneApp.toml: it names the storage
// folder (projects of the demo, preferences) and the desktop entry.
const appID = "io.github.biaozhu"

// buildKind is what versionLine says of this build.
const buildKind = "window and commands"

func runGUI() error {
	if hasDisplayServer() && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display to open the window on (DISPLAY is not set); the commands clean, segment, segeval, import and ls work without one")
	}
	a := fyneapp.NewWithID(appID)
	if m := a.Metadata(); m.ID == "" && m.Name == "" {
		// Neither `fyne package` nor a FyneApp.toml beside the binary
		// (what Fyne reads in a development build) gave the metadata: the
		// version the binary embeds stands in, for the About dialog.
		v := readVersion()
		fyneapp.SetMetadata(fyne.AppMetadata{ID: appID, Name: "Biaozhu", Version: v.Version, Build: v.Build})
	}
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Biaozhu 标注")
	path := ""
	if len(os.Args) == 2 && strings.HasSuffix(os.Args[1], ".biaozhu") {
		path = os.Args[1]
	}
	w.Resize(fyne.NewSize(1280, 800)) // New restores the size the window had last time
	w.SetContent(app.New(a, w, path))
	w.ShowAndRun()
	return nil
}

// hasDisplayServer reports whether windows on this system need an X11 or
// Wayland display named in the environment.
func hasDisplayServer() bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return true
	}
	return false
}
