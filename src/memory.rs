//! Handing memory the build has freed back to the system between stages.
//!
//! The build drops large parts of the site as it goes: each page's source
//! once the checks are done, its HTML once the pages are written. jemalloc
//! keeps freed pages for later and returns them only after a delay, and the
//! later stages allocate other sizes than the ones freed, so they took fresh
//! pages: the build's peak was the sum of both. Purging at those points
//! returns the freed pages at once.

/// Returns the pages the allocator holds free to the system. A no-op where
/// cmkb does not use jemalloc.
pub fn return_freed() {
    #[cfg(not(target_env = "msvc"))]
    {
        // Every arena (MALLCTL_ARENAS_ALL is 4096).
        let name = c"arena.4096.purge";
        // SAFETY: a documented jemalloc control that reads and writes
        // nothing; its error code (none is expected) changes nothing here.
        unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0,
            );
        }
    }
}
