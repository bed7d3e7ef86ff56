// helper_thread: a polling worker thread for short bursts of parallel work.
#include "support/helper_thread.hpp"

#include <system_error>
#include <utility>

#include <sched.h>

namespace mitrekg {

unsigned available_cores() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  const int n = CPU_COUNT(&set);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

helper_thread::helper_thread() {
  try {
    thread_ = std::thread([this] { loop(); });
  } catch (const std::system_error&) {
    // No thread to be had: callers do the work themselves.
  }
}

helper_thread::~helper_thread() {
  if (!running()) return;
  wait();
  state_.store(stopping, std::memory_order_release);
  thread_.join();
}

void helper_thread::start(std::function<void()> task) {
  task_ = std::move(task);
  state_.store(pending, std::memory_order_release);
}

void helper_thread::wait() noexcept {
  while (state_.load(std::memory_order_acquire) == pending) std::this_thread::yield();
}

void helper_thread::loop() noexcept {
  for (;;) {
    const int state = state_.load(std::memory_order_acquire);
    if (state == stopping) return;
    if (state == pending) {
      task_();
      task_ = nullptr;
      state_.store(idle, std::memory_order_release);
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace mitrekg
