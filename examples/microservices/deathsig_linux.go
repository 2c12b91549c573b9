package main

import "syscall"

// dieWithParent makes the kernel send SIGTERM to a child when the
// supervisor dies without stopping it (killed with SIGKILL, say), so no
// service outlives it holding its port.
func dieWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGTERM }
