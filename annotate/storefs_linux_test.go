package annotate

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Real read-only file systems and full disks, without root: the test runs
// a child process of this test binary in a new user and mount namespace
// (as unshare -rm does), where it may mount a tmpfs of a few megabytes, or
// bind a folder read-only onto itself. Nothing is mounted outside the
// child, and the mounts go with it.

// nsChildEnv names, in the child, the test it runs.
const nsChildEnv = "BIAOZHU_NS_CHILD"

// nsRun runs the test called name in a child process in a new user and
// mount namespace, with env added to its environment, and fails t with
// the child's output if it fails. Without user namespaces (a kernel or
// container that forbids them) t is skipped, saying so.
func nsRun(t *testing.T, name string, env ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.count=1")
	cmd.Env = append(append(os.Environ(), nsChildEnv+"="+name), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Skipf("no user and mount namespace for a real read-only or full file system here (%v)", err)
	}
	if strings.Contains(string(out), "--- SKIP: "+name) {
		t.Skipf("%s skipped in the namespace:\n%s", name, out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("%s in a mount namespace: %v\n%s", name, err, out)
	}
	t.Logf("%s", out)
}

// nsChild skips t unless it is the test the child of nsRun runs, and then
// makes the child's mounts its own.
func nsChild(t *testing.T) {
	t.Helper()
	if os.Getenv(nsChildEnv) != t.Name() {
		t.Skipf("runs in a child process in its own mount namespace (see nsRun)")
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		t.Skipf("cannot make the mounts private in the namespace: %v", err)
	}
}

// TestReadOnlyFileSystem reads the projects of TestReadOnlyFolder on a
// file system mounted read-only (their folders writable by their modes):
// they list and load, with the work a crash left in the journal, and the
// file system is not written.
func TestReadOnlyFileSystem(t *testing.T) {
	if os.Getenv(nsChildEnv) != "" {
		t.Skip("the parent of TestReadOnlyFileSystemChild")
	}
	nsRun(t, "TestReadOnlyFileSystemChild")
}

func TestReadOnlyFileSystemChild(t *testing.T) {
	nsChild(t)
	for _, c := range rfCases {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			dir := filepath.Join(t.TempDir(), "ro")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path, want := rfFixture(t, dir, c.format, c.crashed)
			if err := syscall.Mount(dir, dir, "", syscall.MS_BIND, ""); err != nil {
				t.Fatalf("bind %s: %v", dir, err)
			}
			defer syscall.Unmount(dir, syscall.MNT_DETACH)
			if err := syscall.Mount("", dir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
				t.Fatalf("remount %s read-only: %v", dir, err)
			}
			if err := os.WriteFile(filepath.Join(dir, "probe"), nil, 0o644); !errors.Is(err, syscall.EROFS) {
				t.Fatalf("writing into the read-only mount: %v, want EROFS", err)
			}
			before := rfSnapshot(t, dir)
			rfRead(t, path, want)
			if after := rfSnapshot(t, dir); after != before {
				t.Errorf("reading changed the file system:\n%s\nwant\n%s", after, before)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in the temporary folder: %v", left)
			}
			if _, err := Open(path, Options{NoBackup: true}); !errors.Is(err, ErrReadOnly) {
				t.Errorf("Open for writing on a read-only file system = %v, want ErrReadOnly", err)
			}
		})
	}
}

// TestFullDisk opens projects on a full disk — a tmpfs of 2 MB, filled
// up — with backups: where the project can still be written it opens for
// editing and Warning says that no backup could be made; where it cannot,
// or where an older format waits for its backup before it is migrated, it
// opens read-only (the file untouched) and Warning says why. Once there is
// room again, it opens as usual.
func TestFullDisk(t *testing.T) {
	if os.Getenv(nsChildEnv) != "" {
		t.Skip("the parent of TestFullDiskChild")
	}
	nsRun(t, "TestFullDiskChild")
}

// fdFill fills the file system of dir with a file, then frees room bytes
// of it. It returns the file.
func fdFill(t *testing.T, dir string, room int64) string {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	var n int64
	for {
		k, err := f.Write(buf)
		n += int64(k)
		if err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	if err := f.Truncate(max(0, n-room)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestFullDiskChild(t *testing.T) {
	nsChild(t)
	for _, c := range []struct {
		name     string
		format   int
		room     int64 // bytes left free
		readOnly bool
		says     string
	}{
		{"room for edits, not for a backup", SchemaVersion, 64 << 10, false, "no backup could be made"},
		{"no room at all", SchemaVersion, 0, true, "the project cannot be written, so it is open read-only"},
		{"older format, no room for its backup", 2, 64 << 10, true, "older format (2)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=2m"); err != nil {
				t.Fatalf("mount a tmpfs: %v", err)
			}
			defer syscall.Unmount(dir, syscall.MNT_DETACH)
			// A bigger project than the room left: a backup cannot fit.
			path, want := rfFixture(t, dir, c.format, false, htBigDoc(4000))
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() <= c.room {
				t.Fatalf("the project (%d bytes) fits in the room left (%d)", fi.Size(), c.room)
			}
			filler := fdFill(t, dir, c.room)
			before := rfSnapshot(t, path)
			var st syscall.Statfs_t
			if err := syscall.Statfs(dir, &st); err != nil {
				t.Fatal(err)
			}
			t.Logf("project %d bytes, %d bytes free", fi.Size(), int64(st.Bavail)*st.Bsize)

			q, err := Open(path, Options{})
			if err != nil {
				t.Fatalf("Open on a full disk: %v", err)
			}
			w := q.Warning()
			t.Logf("Warning: %v", w)
			if !errors.Is(w, ErrDiskFull) || !strings.Contains(w.Error(), "the disk is full") || !strings.Contains(w.Error(), c.says) {
				t.Errorf("Warning() = %v, want ErrDiskFull saying %q", w, c.says)
			}
			if q.ReadOnly() != c.readOnly {
				t.Errorf("ReadOnly() = %v, want %v", q.ReadOnly(), c.readOnly)
			}
			for id, st := range want {
				d, err := q.Document(id)
				if err != nil {
					t.Fatal(err)
				}
				if diff := etDiff(etStateOf(d), st); diff != "" {
					t.Errorf("document %d: %s", id, diff)
				}
			}
			_, err = q.Apply(1, SetLabels{Labels: []string{"满"}})
			switch {
			case c.readOnly && !errors.Is(err, ErrReadOnly):
				t.Errorf("Apply on the read-only project = %v, want ErrReadOnly", err)
			case !c.readOnly && err != nil:
				t.Errorf("Apply with room for it: %v", err)
			}
			if ents, _ := os.ReadDir(backupDir(path)); len(ents) != 0 {
				t.Errorf("backups left on the full disk: %v", ents)
			}
			q.Close()
			if c.readOnly {
				if after := rfSnapshot(t, path); after != before {
					t.Errorf("the read-only project changed:\n%s\nwant\n%s", after, before)
				}
			}
			// Room again: it opens as usual, backed up (and migrated).
			if err := os.Remove(filler); err != nil {
				t.Fatal(err)
			}
			q, err = Open(path, Options{})
			if err != nil {
				t.Fatalf("Open with room again: %v", err)
			}
			if q.Warning() != nil || q.ReadOnly() || len(q.Backups()) == 0 {
				t.Errorf("Open with room again: warning %v, read-only %v, backups %q", q.Warning(), q.ReadOnly(), q.Backups())
			}
			q.Close()
		})
	}
}
