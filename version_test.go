package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestParseFyneApp reads Version and Build from FyneApp.toml's [Details],
// and names the line of what it cannot read.
func TestParseFyneApp(t *testing.T) {
	tests := []struct {
		name, src string
		want      appVersion
		err       string
	}{
		{"details", "[Details]\n  Icon = \"x.png\"\n  Version = \"1.2.3\"\n  Build = 7\n", appVersion{"1.2.3", 7}, ""},
		{"other tables", "Description = \"Version = 9\"\n[Details]\nVersion = \"0.1.0\"\n\n[LinuxAndBSD]\nVersion = \"9.9.9\"\nKeywords = [\"a\"]\n", appVersion{"0.1.0", 0}, ""},
		{"comments", "# Version = \"x\"\n[Details]\n# a comment\nVersion = \"2.0.0\"\nBuild = 3\n", appVersion{"2.0.0", 3}, ""},
		{"no version", "[Details]\nBuild = 1\n", appVersion{}, "no Version"},
		{"version outside details", "Version = \"1.0.0\"\n[Details]\nName = \"x\"\n", appVersion{}, "no Version"},
		{"unquoted", "[Details]\nVersion = 1.0\n", appVersion{}, "FyneApp.toml:2: Version"},
		{"bad build", "[Details]\nVersion = \"1.0.0\"\nBuild = one\n", appVersion{}, "FyneApp.toml:3: Build"},
		{"not key value", "[Details]\nVersion\n", appVersion{}, "FyneApp.toml:2: not key = value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFyneApp(tt.src)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("parseFyneApp: error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("parseFyneApp = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// TestVersion: biaozhu -version prints the version of the embedded
// FyneApp.toml (which must parse), its build, what the build holds and the
// platform.
func TestVersion(t *testing.T) {
	v, err := parseFyneApp(fyneAppTOML)
	if err != nil {
		t.Fatalf("the embedded FyneApp.toml: %v", err)
	}
	for _, arg := range []string{"-version", "--version"} {
		r := biaozhu(t, nil, arg)
		want := fmt.Sprintf("biaozhu %s (build %d; %s; %s/%s; %s", v.Version, v.Build, buildKind, runtime.GOOS, runtime.GOARCH, runtime.Version())
		if r.code != 0 || !strings.HasPrefix(r.stdout, want) || !strings.HasSuffix(r.stdout, ")\n") || r.stderr != "" {
			t.Errorf("biaozhu %s: exit %d, stdout %q, stderr %q; want exit 0 and %q…", arg, r.code, r.stdout, r.stderr, want)
		}
	}
}
