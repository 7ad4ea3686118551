package store

import (
	"fmt"
	"strconv"
	"strings"
)

// Kinds of child thread in a thread path.
const (
	KindMap      = "Map"
	KindParallel = "Parallel"
)

// ChildThread returns the path of iteration or branch index of the Map or Parallel state
// that thread parent is in.
func ChildThread(parent, kind string, index int) string {
	seg := kind + ":" + strconv.Itoa(index)
	if parent == "" {
		return seg
	}
	return parent + "/" + seg
}

// ParentThread splits a child thread path into its parent's path and its index. It returns
// an error for the top level ("") and for a malformed path.
func ParentThread(thread string) (parent string, index int, err error) {
	if err := checkThread(thread); err != nil {
		return "", 0, err
	}
	if thread == "" {
		return "", 0, fmt.Errorf("thread path %q is the top level, which has no parent", thread)
	}
	i := strings.LastIndexByte(thread, '/')
	last := thread[i+1:]
	if i >= 0 {
		parent = thread[:i]
	}
	index, _ = strconv.Atoi(last[strings.IndexByte(last, ':')+1:])
	return parent, index, nil
}

// checkThread returns an error unless thread is "" or segments "Map:N" or "Parallel:N"
// joined by "/".
func checkThread(thread string) error {
	if thread == "" {
		return nil
	}
	for seg := range strings.SplitSeq(thread, "/") {
		kind, num, ok := strings.Cut(seg, ":")
		n, err := strconv.Atoi(num)
		if !ok || (kind != KindMap && kind != KindParallel) || err != nil || n < 0 || strconv.Itoa(n) != num {
			return fmt.Errorf("thread path %q is invalid at %q: use segments such as Map:3 or Parallel:1 joined by '/'", thread, seg)
		}
	}
	return nil
}

// underThread returns an SQL condition on the column thread that holds for the paths
// strictly under thread. '0' is the byte after '/', so the range is exactly the paths that
// start with thread + "/".
func underThread(thread string) (string, []any) {
	if thread == "" {
		return "thread <> ''", nil
	}
	return "thread >= ? AND thread < ?", []any{thread + "/", thread + "0"}
}
