// map_input_file: stat, refuse non-regular files, open without blocking, map read-only with padding; SIGBUS guarded.
#include "support/input_file.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "mitrekg/error.hpp"

namespace mitrekg {

namespace {

std::string_view kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void not_regular(const std::string& file, mode_t mode, std::string_view expected) {
  throw error(errc::io_error, file, "", fmt::format("is {}, expected {}", kind_of(mode), expected));
}

// Closes the descriptor on every way out.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

// Opens the regular file at `file` (stat first, O_NONBLOCK, fstat again) and
// returns its descriptor and size. Throws as map_input_file.
int open_regular(const std::string& file, std::string_view expected, std::size_t max_bytes, std::uintmax_t& size) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw error(errc::not_found, file, "", "no such file");
    throw error(errc::io_error, file, "", fmt::format("cannot read ({})", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) not_regular(file, st.st_mode, expected);
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw error(errc::io_error, file, "", fmt::format("cannot open ({})", std::strerror(errno)));
  fd_guard guard{fd};
  // The path may have been replaced between stat and open: check what was opened.
  if (::fstat(fd, &st) != 0) throw error(errc::io_error, file, "", fmt::format("cannot read ({})", std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) not_regular(file, st.st_mode, expected);
  size = static_cast<std::uintmax_t>(st.st_size);
  if (size > max_bytes)
    throw error(errc::too_large, file, "", fmt::format("file is {} bytes, larger than the {} byte limit", size, max_bytes));
  guard.fd = -1;
  return fd;
}

// The SIGBUS guard of mapped files: a table of the live mappings' file spans
// (lock-free, read by the handler) and the handler that was installed before.
struct guarded_span {
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
  std::atomic<bool> damaged{false};
};
constexpr int max_guarded = 64;
guarded_span guarded[max_guarded];
struct sigaction previous_sigbus {};
std::uintptr_t guard_page_size = 4096;

void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (guarded_span& g : guarded) {
    const std::uintptr_t b = g.begin.load(std::memory_order_acquire);
    if (b <= 1 || addr < b || addr >= g.end.load(std::memory_order_acquire)) continue;
    // The file shrank under its mapping: a zero page in place of the lost one
    // (mmap is a plain system call here), and the reader is told.
    void* page = reinterpret_cast<void*>(addr & ~(guard_page_size - 1));
    if (::mmap(page, guard_page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      g.damaged.store(true, std::memory_order_release);
      return;
    }
  }
  // Not one of ours: whoever handled SIGBUS before does, else the default
  // action (the fault repeats on return and ends the process).
  if (previous_sigbus.sa_flags & SA_SIGINFO) {
    if (previous_sigbus.sa_sigaction) previous_sigbus.sa_sigaction(sig, info, context);
    return;
  }
  if (previous_sigbus.sa_handler != SIG_DFL && previous_sigbus.sa_handler != SIG_IGN) {
    previous_sigbus.sa_handler(sig);
    return;
  }
  ::signal(SIGBUS, SIG_DFL);
}

// Puts [begin, end) in the table (installing the handler once); the slot, or -1 when the table is full.
int guard_span(const void* begin, std::size_t length) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    guard_page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &previous_sigbus);
  });
  const auto b = reinterpret_cast<std::uintptr_t>(begin);
  for (int i = 0; i < max_guarded; ++i) {
    // Claimed with a marker (1, no mapping's address) before it is filled in.
    std::uintptr_t expected = 0;
    if (!guarded[i].begin.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) continue;
    guarded[i].damaged.store(false, std::memory_order_relaxed);
    guarded[i].end.store(b + length, std::memory_order_relaxed);
    guarded[i].begin.store(b, std::memory_order_release);
    return i;
  }
  return -1;
}

}  // namespace

void throw_file_changed(const std::string& file) {
  throw error(errc::io_error, file, "", "file shrank while being read (changed underneath)");
}

mapped_input::~mapped_input() {
  if (guard_ >= 0) guarded[guard_].begin.store(0, std::memory_order_release);
  if (base_) ::munmap(base_, length_);
}

bool mapped_input::damaged() const noexcept {
  return guard_ >= 0 && guarded[guard_].damaged.load(std::memory_order_acquire);
}

mapped_input map_input_file(const std::filesystem::path& path, std::string_view expected, std::size_t max_bytes,
                            std::size_t padding) {
  const std::string file = path.string();
  std::uintmax_t size = 0;
  fd_guard guard{open_regular(file, expected, max_bytes, size)};
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const auto round_up = [page](std::size_t n) { return (n + page - 1) / page * page; };
  const std::size_t file_span = round_up(static_cast<std::size_t>(size));
  const std::size_t length = round_up(static_cast<std::size_t>(size) + padding);
  mapped_input m;
  // Reserve the whole span as zero pages, then map the file over its start:
  // the bytes past EOF in the file's last page are zeros (the kernel's), and
  // any page after it is one of the reserved zero pages, never a page of the
  // file beyond its end (which would raise SIGBUS).
  void* base = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) throw error(errc::io_error, file, "", fmt::format("cannot map ({})", std::strerror(errno)));
  m.base_ = base;
  m.length_ = length;
  if (file_span > 0 && ::mmap(base, file_span, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, guard.fd, 0) == MAP_FAILED)
    throw error(errc::io_error, file, "", fmt::format("cannot map ({})", std::strerror(errno)));
  if (file_span > 0) m.guard_ = guard_span(base, file_span);
  m.size_ = static_cast<std::size_t>(size);
  return m;
}

}  // namespace mitrekg
