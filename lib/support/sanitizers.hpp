// sanitizers: whether this build runs under a sanitizer that brings its own allocator.
#pragma once

// MITREKG_SANITIZER_ALLOCATOR is 1 under ASan, TSan or MSan (gcc or clang), else
// 0. Code that tunes or replaces the process's allocator (bulk_heap, the CLI's
// large_arrays) does nothing then: the sanitizer's allocator must see every block.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MITREKG_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define MITREKG_SANITIZER_ALLOCATOR 1
#endif
#endif
#if !defined(MITREKG_SANITIZER_ALLOCATOR)
#define MITREKG_SANITIZER_ALLOCATOR 0
#endif
