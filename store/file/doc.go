// Package file is an [oauthkit.TokenStore] in a file, for processes on
// one machine that share a token: concurrent runs of a command-line
// tool, workers of one host.
//
// The token is written atomically (a temporary file in the same
// directory, synced, then renamed over the old one) with mode 0600, so a
// reader sees the old token or the new one, never a mix. Optionally it is
// encrypted with AES-GCM under a key the caller gives ([Options.Key]);
// mode 0600 is the default protection.
//
// The refresh lease is an advisory lock (flock on Unix, LockFileEx on
// Windows) on a lock file next to the token file, path + ".lock", which
// is never removed. The operating system drops the lock of a process that
// dies, so another process takes over at once; a holder whose renewal
// hangs loses the lease at its deadline, when a timer in its own process
// unlocks. A process that is stopped as a whole (SIGSTOP, a debugger, a
// frozen container) runs no timer and keeps the lock until it resumes or
// dies: the others wait, each bounded by its context, and renew nothing.
// Waiters block on the same lock and wake when it is released, without
// polling.
//
// Locks on network file systems (NFS, SMB) are not reliable: keep the
// file on a local disk, and use store/redis across machines.
package file
