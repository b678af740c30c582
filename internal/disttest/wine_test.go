package disttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// wine returns Debian's 64-bit Wine loader, skipping when it is not
// installed (except on CI, where .ci/deps --dist installs it).
func wine(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("wine64"); err == nil {
		return p
	}
	// Debian's wine64 package without the wine package puts it here only.
	if p := "/usr/lib/wine/wine64"; fileExists(p) {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("wine64 is missing on CI (.ci/deps --dist installs it)")
	}
	t.Skip("wine64 is not installed (.ci/deps --dist): the Windows programs are checked by their headers only")
	return ""
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestWindowsCommandsUnderWine runs the Windows programs under Wine: the
// app's biaozhu-cli.exe and biaozhu.exe (the window's program; -version and
// the commands need no window) and the commands-only biaozhu.exe for
// windows/amd64. Each prints its version, segments the seed article (JSON
// lines and CoNLL-U), imports it into a new project (SQLite on Windows,
// the temporary file renamed over its target) and exports the project as
// CoNLL-U; every output equals the linux/amd64 commands-only build's,
// byte for byte.
//
// Debian 12's Wine (8.0) lacks bcryptprimitives.dll, which Go's runtime
// loads at start-up since Go 1.22 (every Go program stops with "fatal
// error: bcryptprimitives.dll not found"); testdata/wine holds a stand-in
// of its one function that Go calls, ProcessPrng, built here with
// MinGW-w64 into the temporary Wine prefix's system32, never shipped.
func TestWindowsCommandsUnderWine(t *testing.T) {
	d := dist(t)
	v, build := version(t)
	wine := wine(t)
	gcc, err := exec.LookPath("x86_64-w64-mingw32-gcc")
	if err != nil {
		t.Fatal("x86_64-w64-mingw32-gcc is missing (.ci/deps --dist installs it)")
	}
	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "wine")
	env := []string{"HOME=" + tmp, "WINEPREFIX=" + prefix, "WINEDEBUG=-all",
		// No offer to install Mono or Gecko, which the commands do not use.
		"WINEDLLOVERRIDES=mscoree,mshtml=", "LANG=C.UTF-8", "LANGUAGE=en"}
	// wineboot prints what it creates on stderr; run fails the test on an
	// error only.
	run(t, tmp, env, wine, "wineboot", "--init")
	t.Cleanup(func() {
		// The Wine server of the prefix, so that no process outlives the test.
		cmd := exec.Command(filepath.Join(filepath.Dir(wine), "wineserver"), "-k")
		cmd.Env = env
		cmd.Run()
	})
	shim, err := filepath.Abs(filepath.Join("testdata", "wine"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(gcc, "-O2", "-shared", "-o",
		filepath.Join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll"),
		filepath.Join(shim, "bcryptprimitives.c"), filepath.Join(shim, "bcryptprimitives.def"), "-ladvapi32").CombinedOutput(); err != nil {
		t.Fatalf("building the bcryptprimitives.dll stand-in: %v\n%s", err, out)
	}

	// The programs and the article, side by side in tmp: the commands get
	// relative names, which mean the same on both systems.
	article, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(seed)
	if err := os.WriteFile(filepath.Join(tmp, name), article, 0o644); err != nil {
		t.Fatal(err)
	}
	extract := func(archive, member, to string) string {
		t.Helper()
		files := readArchive(t, filepath.Join(d, archive))
		f, ok := files[member]
		if !ok {
			t.Fatalf("%s has no %s", archive, member)
		}
		if err := os.WriteFile(filepath.Join(tmp, to), f.data, 0o755); err != nil {
			t.Fatal(err)
		}
		return filepath.Join(tmp, to)
	}
	app := "biaozhu-" + v + "-windows-amd64"
	linux := extract(cliArchive(v, "linux", "amd64"), "biaozhu-cli-"+v+"-linux-amd64/biaozhu", "biaozhu-linux")
	programs := []struct {
		name, exe, kind string
	}{
		{"app biaozhu-cli.exe", extract(app+".zip", app+"/biaozhu-cli.exe", "app-cli.exe"), "commands only"},
		{"app biaozhu.exe", extract(app+".zip", app+"/biaozhu.exe", "app-gui.exe"), "window and commands"},
		{"commands-only biaozhu.exe", extract(cliArchive(v, "windows", "amd64"), "biaozhu-cli-"+v+"-windows-amd64/biaozhu.exe", "cli.exe"), "commands only"},
	}

	// outputs runs the commands with exe (under Wine when it is a .exe):
	// what they print, and the exported file.
	outputs := func(t *testing.T, exe, project string) map[string]string {
		t.Helper()
		var cmd []string
		if strings.HasSuffix(exe, ".exe") {
			cmd = append(cmd, wine)
		}
		cmd = append(cmd, exe)
		do := func(args ...string) string {
			return run(t, tmp, env, cmd[0], append(cmd[1:], args...)...)
		}
		out := map[string]string{
			"segment":                do("segment", name),
			"segment -format conllu": do("segment", "-format", "conllu", name),
			"import":                 do("import", "-p", project, name),
			"ls":                     do("ls", "-p", project),
		}
		do("export", "-p", project, "-f", "conllu", "-o", project+".conllu")
		data, err := os.ReadFile(filepath.Join(tmp, project+".conllu"))
		if err != nil {
			t.Fatalf("export -f conllu wrote no file: %v", err)
		}
		out["export -f conllu"] = string(data)
		return out
	}
	want := outputs(t, linux, "linux.biaozhu")
	for step, out := range want {
		if strings.TrimSpace(out) == "" {
			t.Fatalf("the Linux build's %s printed nothing", step)
		}
	}
	for i, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			ver := run(t, tmp, env, wine, p.exe, "-version")
			if w := "biaozhu " + v + " (build " + itoa(build) + "; " + p.kind + "; windows/amd64; "; !strings.HasPrefix(ver, w) {
				t.Errorf("-version = %q, want %q…", ver, w)
			}
			got := outputs(t, p.exe, "windows"+itoa(i)+".biaozhu")
			for step, w := range want {
				if got[step] != w {
					t.Errorf("%s under Wine differs from the Linux build's:\n%s\nwant:\n%s", step, got[step], w)
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
