// A reader-writer lock for the jar's hot path: readers and writers spin (then
// yield, then sleep) instead of parking in the kernel at once.
//
// Why not a library lock (measured with benchmarks/jar_report, docs/benchmarks.md):
//   - std::shared_mutex (glibc pthread_rwlock) parks a reader that meets a
//     writer in a futex; on a virtual machine the wake-up takes tens of
//     microseconds, so with one thread setting cookies the lookup p99 was
//     about 60 us for writes that hold the lock under a microsecond.
//   - absl::Mutex spins first, but Debian's build takes about 130 ns more
//     per uncontended reader lock, and ThreadSanitizer cannot see its
//     synchronization (Debian's Abseil is not built for TSan).
// Writers have priority: once one waits, new readers wait too, so a stream
// of lookups cannot starve Set-Cookie. Built on std::atomic, which
// ThreadSanitizer understands.
//
// Meets the SharedMutex requirements: use it with std::shared_lock and
// std::unique_lock.

#ifndef COOKIEJAR_COMMON_SHARED_MUTEX_H_
#define COOKIEJAR_COMMON_SHARED_MUTEX_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace cookiejar {

// One step of waiting for a lock: spin, then yield, then sleep.
inline void LockWait(int attempt) {
  if (attempt < 128) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  } else if (attempt < 1024) {
    std::this_thread::yield();
  } else {
    // The holder is not running (a long global purge, or preempted).
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

class SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock_shared() {
    for (int attempt = 0;; ++attempt) {
      uint32_t state = state_.load(std::memory_order_relaxed);
      if ((state & (kWriter | kWriterWaiting)) == 0 &&
          state_.compare_exchange_weak(state, state + 1, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return;
      }
      LockWait(attempt);
    }
  }

  void unlock_shared() { state_.fetch_sub(1, std::memory_order_release); }

  void lock() {
    for (int attempt = 0;; ++attempt) {
      uint32_t state = state_.load(std::memory_order_relaxed);
      if ((state & ~kWriterWaiting) == 0) {
        // Free: take it (clearing the waiting flag; other waiting writers
        // set it again).
        if (state_.compare_exchange_weak(state, kWriter, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return;
        }
        continue;
      }
      if ((state & kWriterWaiting) == 0) state_.fetch_or(kWriterWaiting, std::memory_order_relaxed);
      LockWait(attempt);
    }
  }

  void unlock() { state_.fetch_and(~kWriter, std::memory_order_release); }

 private:
  static constexpr uint32_t kWriter = 1u << 31;
  static constexpr uint32_t kWriterWaiting = 1u << 30;

  std::atomic<uint32_t> state_{0};  // Flags above; the low bits count readers.
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COMMON_SHARED_MUTEX_H_
