//go:build !linux

package main

import "syscall"

// dieWithParent does nothing where the kernel cannot signal a child
// when its parent dies: stop the supervisor with Ctrl+C or SIGTERM.
func dieWithParent(*syscall.SysProcAttr) {}
