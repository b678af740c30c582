//go:build unix

package annotate

import (
	"errors"
	"io/fs"
	"syscall"
)

// canWrite reports whether path (a file or a folder) can be written: its
// mode bits allow it (root may write what nobody may, but Biaozhu does
// not), and the system says so (access(2)), which also says when the file
// system is read-only.
func canWrite(path string, fi fs.FileInfo) bool {
	if fi.Mode().Perm()&0o222 == 0 {
		return false
	}
	return syscall.Access(path, 2 /* W_OK */) == nil
}

// noSpace reports whether err says the disk (or the user's quota) is
// full.
func noSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// readOnlyFS reports whether err says the file system is read-only.
func readOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }
