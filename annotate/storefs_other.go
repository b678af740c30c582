//go:build !unix

package annotate

import (
	"errors"
	"io/fs"
	"syscall"
)

// canWrite reports whether path (a file or a folder) can be written, by
// its mode bits.
func canWrite(path string, fi fs.FileInfo) bool { return fi.Mode().Perm()&0o222 != 0 }

// noSpace reports whether err says the disk is full.
func noSpace(err error) bool { return errors.Is(err, syscall.ENOSPC) }

// readOnlyFS reports whether err says the file system is read-only.
func readOnlyFS(err error) bool { return false }
