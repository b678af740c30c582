// The version: FyneApp.toml, which `fyne package` reads too, is embedded,
// so that every build (the window's, or the commands' of -tags nogui)
// knows its version without a build flag.

package main

import (
	_ "embed"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

//go:embed FyneApp.toml
var fyneAppTOML string

// appVersion is the version of this program: Version and Build of
// FyneApp.toml's [Details].
type appVersion struct {
	Version string
	Build   int
}

// readVersion returns the version of the embedded FyneApp.toml; a test
// makes sure that it parses.
func readVersion() appVersion {
	v, err := parseFyneApp(fyneAppTOML)
	if err != nil {
		return appVersion{Version: "unknown (" + err.Error() + ")"}
	}
	return v
}

// parseFyneApp reads Version and Build from the [Details] table of a
// FyneApp.toml. It reads only what that file holds: a table header per line,
// and key = "string" or key = integer; anything else in [Details] is an
// error naming the line.
func parseFyneApp(src string) (appVersion, error) {
	var v appVersion
	table := ""
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			table = strings.Trim(line, "[] \t")
			continue
		}
		if table != "Details" {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return v, fmt.Errorf("FyneApp.toml:%d: not key = value: %q", i+1, line)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "Version":
			s, err := strconv.Unquote(val)
			if err != nil || s == "" {
				return v, fmt.Errorf("FyneApp.toml:%d: Version is not a quoted version: %s", i+1, val)
			}
			v.Version = s
		case "Build":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return v, fmt.Errorf("FyneApp.toml:%d: Build is not a positive integer: %s", i+1, val)
			}
			v.Build = n
		}
	}
	if v.Version == "" {
		return v, fmt.Errorf("FyneApp.toml: no Version in [Details]")
	}
	return v, nil
}

// versionLine is what biaozhu -version prints: "biaozhu VERSION (build N;
// window and commands|commands only; GOOS/GOARCH; Go version[; commit])".
func versionLine() string {
	v := readVersion()
	s := fmt.Sprintf("biaozhu %s (build %d; %s; %s/%s; %s", v.Version, v.Build, buildKind, runtime.GOOS, runtime.GOARCH, runtime.Version())
	if info, ok := debug.ReadBuildInfo(); ok {
		rev, modified := "", false
		for _, kv := range info.Settings {
			switch kv.Key {
			case "vcs.revision":
				rev = kv.Value
			case "vcs.modified":
				modified = kv.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" && modified {
			rev += "+changes"
		}
		if rev != "" {
			s += "; commit " + rev
		}
	}
	return s + ")"
}
