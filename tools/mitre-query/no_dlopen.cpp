// dlopen for the static mitre-query: SQLite's one call is redirected here (-Wl,--wrap=dlopen) and refused.
// A static executable cannot load shared objects safely (they would bring a
// second libc), and glibc's linker warning says so for every reference to
// dlopen. The one reference linked in is SQLite's extension loading, which
// mitre-query never enables: the linker renames it to __wrap_dlopen, which
// loads nothing (SQLite then reports the load as failed).
extern "C" void* __wrap_dlopen(const char*, int) noexcept { return nullptr; }
