//! Broken pipes. The command line ends quietly when its reader goes away (`helpsite l10n status
//! | head -1`), killed by SIGPIPE with the usual status, as other Unix tools do; Rust's runtime
//! ignores SIGPIPE, which turns the next `println!` into a panic. Threads that write to sockets
//! (the server's, the external link checker's) block the signal, so that a peer that goes away
//! is an error on that socket, never the end of the process, whatever system call a library
//! writes with (`send` with `MSG_NOSIGNAL`, as std's `TcpStream::write` uses on Linux, but also
//! `writev` or `sendfile`, which raise SIGPIPE).

/// Restores the default disposition of SIGPIPE for the whole process. Call it first in `main`.
pub fn restore_default() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_DFL installs no handler code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Blocks SIGPIPE in the calling thread (and the threads it starts from now on, which inherit
/// its mask): a write to a closed socket returns `EPIPE` instead.
pub fn block_in_this_thread() {
    #[cfg(unix)]
    // SAFETY: the set is initialised by sigemptyset before use; pthread_sigmask only changes
    // the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}
