package main

import "os"

// isTerminal reports whether v is a file that is a character device: a
// terminal, for the purposes of this command. The standard library's mode
// bits are enough here, without golang.org/x/term's ioctl: the only other
// character devices a user redirects to are /dev/null and the like, where
// a progress line or a prompt costs nothing and is never seen, while pipes
// and regular files (what scripts and CI use) are told apart exactly.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
