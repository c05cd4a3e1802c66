package record

import "golang.org/x/sys/unix"

// exchange swaps the folders a and b atomically (renameat2 with
// RENAME_EXCHANGE), falling back to two renames on file systems without it.
func exchange(a, b string) error {
	if err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE); err == nil {
		return nil
	}
	return exchangeByRenames(a, b)
}
