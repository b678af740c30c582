//go:build linux

package export

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// reference is what an export of splitCorpus(3) to a file holds.
func reference(t *testing.T, format string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "ref.jsonl")
	if _, err := Export(context.Background(), splitCorpus(3), format, out, Options{}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readAll reads r to the end in the background; the result comes on the
// channel.
func readAll(r io.Reader) <-chan []byte {
	ch := make(chan []byte, 1)
	go func() {
		data, _ := io.ReadAll(r)
		ch <- data
	}()
	return ch
}

// readFIFO makes a FIFO at path and reads it in the background, once a
// writer opens it; done (call it after the writer finished) returns what
// was read, opening the FIFO itself if nobody did.
func readFIFO(t *testing.T, path string) (done func() []byte) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	ch := make(chan []byte, 1)
	go func() {
		f, err := os.Open(path) // blocks until a writer opens it
		if err != nil {
			ch <- nil
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		ch <- data
	}()
	return func() []byte {
		if fi, err := os.Lstat(path); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Fatalf("the FIFO %s was replaced: it is now %v (%v)", path, fi.Mode(), err)
		}
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close() // nobody wrote: end the reader's wait
		}
		return <-ch
	}
}

// TestExportToStreams: a character device, a FIFO, a socket and "-"
// (standard output) are written to, never replaced by a regular file;
// the same goes through a symbolic link to one. A block device is
// refused. The device files survive — first a private copy of /dev/null
// (root only), and only when that survived the real /dev/null.
func TestExportToStreams(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	want := reference(t, "doccano")
	isChar := func(path string) bool {
		fi, err := os.Lstat(path)
		return err == nil && fi.Mode()&fs.ModeCharDevice != 0
	}

	t.Run("fifo", func(t *testing.T) {
		fifo := filepath.Join(dir, "out.jsonl")
		done := readFIFO(t, fifo)
		_, err := Export(ctx, splitCorpus(3), "doccano", fifo, Options{})
		data := done()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, want) {
			t.Errorf("read from the FIFO %q, want %q", data, want)
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Errorf("the FIFO is now %v (%v)", fi.Mode(), err)
		}
		// WriteTable too.
		fifo2 := filepath.Join(dir, "table.csv")
		done = readFIFO(t, fifo2)
		err = WriteTable(context.Background(), fifo2, []string{"a", "b"}, [][]string{{"1", "好"}}, TableOptions{})
		data = done()
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != "a,b\n1,好\n" {
			t.Errorf("WriteTable into a FIFO: read %q", data)
		}
		if fi, err := os.Lstat(fifo2); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Errorf("the FIFO %s is now %v (%v)", fifo2, fi.Mode(), err)
		}
	})

	t.Run("socket", func(t *testing.T) {
		sock := filepath.Join(dir, "out.sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Skipf("unix socket: %v", err)
		}
		defer l.Close()
		got := make(chan []byte, 1)
		go func() {
			c, err := l.Accept()
			if err != nil {
				got <- nil
				return
			}
			data, _ := io.ReadAll(c)
			c.Close()
			got <- data
		}()
		_, err = Export(ctx, splitCorpus(3), "doccano", sock, Options{})
		if fi, err := os.Lstat(sock); err != nil || fi.Mode()&fs.ModeSocket == 0 {
			t.Fatalf("the socket is now %v (%v)", fi.Mode(), err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if data := <-got; !bytes.Equal(data, want) {
			t.Errorf("read from the socket %q, want %q", data, want)
		}
	})

	t.Run("stdout", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(r)
		saved := os.Stdout
		os.Stdout = w
		res, err := Export(ctx, splitCorpus(3), "labelstudio", "-", Options{})
		os.Stdout = saved
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		data := <-got
		if !bytes.HasPrefix(data, []byte("[")) || !bytes.Contains(data, []byte("文档2。")) {
			t.Errorf("standard output got %.200q", data)
		}
		if !hasWarning(res.Warnings, "left out") {
			t.Errorf("no warning that the labelling config was left out: %v", res.Warnings)
		}
		if _, err := os.Stat("-.xml"); err == nil {
			t.Error("a file -.xml was written")
		}
	})

	t.Run("block device", func(t *testing.T) {
		// Major 240 is for local use: no driver behind it here.
		blk := filepath.Join(dir, "blk")
		if err := syscall.Mknod(blk, syscall.S_IFBLK|0o600, 240<<8); err != nil {
			t.Skipf("mknod (needs root): %v", err)
		}
		if _, err := Export(ctx, splitCorpus(3), "doccano", blk, Options{}); err == nil || !strings.Contains(err.Error(), "not a file") {
			t.Errorf("export to a block device: err = %v, want a refusal", err)
		}
		if fi, err := os.Lstat(blk); err != nil || fi.Mode()&fs.ModeDevice == 0 {
			t.Errorf("the block device is now %v (%v)", fi.Mode(), err)
		}
	})

	// Character devices: a private /dev/null first (root only), then, if
	// that one survived, the real one, directly and through a link.
	private := filepath.Join(dir, "null")
	if err := syscall.Mknod(private, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Logf("mknod (needs root): %v; testing /dev/null only", err)
		private = ""
	}
	for _, dev := range []string{private, "/dev/null"} {
		if dev == "" {
			continue
		}
		if !isChar(dev) {
			t.Fatalf("%s is not a character device before the test", dev)
		}
		link := filepath.Join(dir, "link-"+filepath.Base(dev)+".jsonl")
		os.Remove(link)
		if err := os.Symlink(dev, link); err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{dev, link} {
			for _, format := range []string{"doccano", "xlsx"} {
				if _, err := Export(ctx, splitCorpus(3), format, out, Options{}); err != nil {
					t.Errorf("export %s to %s: %v", format, out, err)
				}
			}
			if err := WriteTable(context.Background(), out, []string{"a"}, nil, TableOptions{}); err == nil || !strings.Contains(err.Error(), ".csv or .xlsx") {
				t.Errorf("WriteTable(%s) = %v, want the extension refused", out, err)
			}
		}
		if _, err := Export(ctx, splitCorpus(3), "doccano", dev, Options{Split: Split{Train: 1, Test: 1}}); err == nil {
			t.Errorf("a split to %s succeeded", dev)
		}
		if _, err := Export(ctx, splitCorpus(3), "brat", dev, Options{}); err == nil {
			t.Errorf("a brat folder export to %s succeeded", dev)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("the link %s to %s is now %v (%v)", link, dev, fi.Mode(), err)
		}
		if !isChar(dev) {
			t.Fatalf("%s is no longer a character device: the export replaced it", dev)
		}
		ents, _ := os.ReadDir(filepath.Dir(dev))
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "."+filepath.Base(dev)) {
				t.Errorf("%s left beside %s", e.Name(), dev)
			}
		}
	}
}
