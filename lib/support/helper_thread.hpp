// A second thread started ahead of the work it will be given, one task at a time.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace mitrekg {

// Started before the work exists because, in a virtual machine, the first task
// handed to a freshly woken core waits for the core to wake: starting the
// thread early (before reading a file, say) hides that. Between tasks the
// thread polls (yielding) instead of sleeping, for the same reason: its tasks
// come within milliseconds of each other.
// Cores this process may run on (its CPU affinity), at least 1: parallel
// loading is worth a thread only when this is 2 or more.
unsigned available_cores() noexcept;

class helper_thread {
public:
  helper_thread();   // running() is false when no thread can be started
  ~helper_thread();  // waits for the task in progress, then joins
  helper_thread(const helper_thread&) = delete;
  helper_thread& operator=(const helper_thread&) = delete;

  bool running() const noexcept { return thread_.joinable(); }
  // Runs `task` on the thread. One at a time: wait() before the next start().
  // The task must not throw (catch and hand the exception over yourself).
  void start(std::function<void()> task);
  // Returns once the last task started has returned (at once if none).
  void wait() noexcept;

private:
  void loop() noexcept;
  enum : int { idle, pending, stopping };
  std::thread thread_;
  std::function<void()> task_;           // written before state_ becomes pending
  std::atomic<int> state_{idle};
};

}  // namespace mitrekg
