//! One malloc arena for the whole server, on glibc.
//!
//! glibc gives threads that allocate at the same time arenas of their own,
//! up to eight per core, and memory freed in one arena serves only that
//! arena. The server's threads take turns on the same data (a document's
//! block scans on every core, analyses on the blocking pool, the protocol
//! thread), so each arena grew to hold its share of every version: with a
//! 50k-task tasks.md open, peak RSS was 322 MiB with the default and 234
//! MiB with one arena, at the same latency. Small allocations still come
//! from each thread's own cache, without a lock.

/// Cap glibc's arenas at one; call before the server starts a thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn limit() {
    // SAFETY: mallopt only sets a parameter of the allocator; it is called
    // before any other thread exists, and a refusal leaves the default.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Other allocators have no arenas to cap.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit() {}
