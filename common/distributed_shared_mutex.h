// A reader-writer lock whose readers do not share a cache line: each thread
// counts itself as a reader in its own slot of a ReaderCounts table, which a
// group of locks (a jar's shards) shares, one cache line per slot.
//
// Why (measured with `jar_report scaling`, docs/benchmarks.md): with
// SharedMutex, every Cookie-header lookup did an atomic read-modify-write on
// its shard's lock word, so two reader threads pulled the same lines back
// and forth between their cores, and two threads gave 1.5x one thread. The
// same lookups without any lock gave 2.1x. Here a reader's read-modify-write
// stays on its own slot's line, which no other reader writes, and it reads
// the lock's writer word, which changes only when a writer comes.
//
// Why not RCU (liburcu): readers would need copy-on-write buckets and a
// lock-free site map beside the one writers use, which costs memory per site
// (the jar keeps at most 150 bytes of overhead per cookie) and a copy per
// Set-Cookie; the measured gap to no lock at all is what is left to win.
//
// Writers have priority: a writer announces itself, then waits until every
// slot's count for its lock is zero; readers that meet an announced writer
// step back and wait. Built on std::atomic (ThreadSanitizer understands it).
// Meets the SharedMutex requirements: use it with std::shared_lock and
// std::unique_lock.

#ifndef COOKIEJAR_COMMON_DISTRIBUTED_SHARED_MUTEX_H_
#define COOKIEJAR_COMMON_DISTRIBUTED_SHARED_MUTEX_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "common/shared_mutex.h"

namespace cookiejar {

// The reader counts of up to kLocks locks.
class ReaderCounts {
 public:
  static constexpr size_t kSlots = 8;
  static constexpr size_t kLocks = 16;

  ReaderCounts() = default;
  ReaderCounts(const ReaderCounts&) = delete;
  ReaderCounts& operator=(const ReaderCounts&) = delete;

  std::atomic<uint32_t>& count(size_t slot, size_t lock) { return lines_[slot].count[lock]; }

  // The slots whose threads have ever read-locked one of these locks, a bit
  // each: a writer waits only on those counts. A jar most often has one
  // reading thread, and reading eight lines cost each Set-Cookie about 60
  // instructions. A bit is set before its slot's first count, both
  // sequentially consistent, so a writer that announced itself and then
  // reads this mask finds every reader that could have missed it.
  uint32_t used_slots() const { return used_.load(std::memory_order_seq_cst); }
  void MarkUsed(size_t slot) {
    const uint32_t bit = uint32_t{1} << slot;
    // Acquire: a bit set by another thread of the same slot happens before
    // this thread's count, so the writer cannot read the mask without it.
    if ((used_.load(std::memory_order_acquire) & bit) == 0) {
      used_.fetch_or(bit, std::memory_order_seq_cst);
    }
  }

  // The calling thread's slot: threads take slots in turn on their first
  // lock, so that the first kSlots threads each have a line of their own.
  // Fixed for the thread's life, so that unlock finds what lock counted.
  static size_t ThisThreadSlot() {
    thread_local size_t slot = kSlots;  // Constant-initialized: no guard on access.
    if (slot == kSlots) {
      static std::atomic<size_t> next{0};
      slot = next.fetch_add(1, std::memory_order_relaxed) % kSlots;
    }
    return slot;
  }

 private:
  struct alignas(64) Line {
    std::atomic<uint32_t> count[kLocks] = {};
  };
  Line lines_[kSlots];
  // Its own line: read by every reader, written once per slot.
  alignas(64) std::atomic<uint32_t> used_{0};
};

class DistributedSharedMutex {
 public:
  DistributedSharedMutex() = default;
  DistributedSharedMutex(const DistributedSharedMutex&) = delete;
  DistributedSharedMutex& operator=(const DistributedSharedMutex&) = delete;

  // Before first use: the table that counts this lock's readers, and the
  // lock's column in it (below ReaderCounts::kLocks, one per lock).
  void Bind(ReaderCounts* counts, size_t index) {
    counts_ = counts;
    index_ = index;
  }

  void lock_shared() {
    const size_t slot = ReaderCounts::ThisThreadSlot();
    counts_->MarkUsed(slot);
    std::atomic<uint32_t>& count = counts_->count(slot, index_);
    for (int attempt = 0;; ++attempt) {
      if (writer_.load(std::memory_order_relaxed) == 0) {
        // Counting first and then looking for a writer, both sequentially
        // consistent, pairs with the writer announcing itself first and then
        // reading the counts: at least one of the two sees the other.
        count.fetch_add(1, std::memory_order_seq_cst);
        if (writer_.load(std::memory_order_seq_cst) == 0) return;
        count.fetch_sub(1, std::memory_order_release);
      }
      LockWait(attempt);
    }
  }

  void unlock_shared() {
    counts_->count(ReaderCounts::ThisThreadSlot(), index_)
        .fetch_sub(1, std::memory_order_release);
  }

  // The uncontended path is inline and short; waiting is out of line.
  void lock() {
    uint32_t free = 0;
    if (writer_.load(std::memory_order_relaxed) != 0 ||
        !writer_.compare_exchange_weak(free, 1, std::memory_order_seq_cst,
                                       std::memory_order_relaxed)) {
      AnnounceWriter();
    }
    // Most often no reader holds the lock: the used slots' counts are read
    // inline, and only a reader to wait for calls out.
    for (uint32_t used = counts_->used_slots(); used != 0; used &= used - 1) {
      if (counts_->count(__builtin_ctz(used), index_).load(std::memory_order_seq_cst) != 0) {
        WaitForReaders(used);
        return;
      }
    }
  }

  bool try_lock() {
    uint32_t free = 0;
    if (!writer_.compare_exchange_strong(free, 1, std::memory_order_seq_cst,
                                         std::memory_order_relaxed)) {
      return false;
    }
    for (uint32_t used = counts_->used_slots(); used != 0; used &= used - 1) {
      if (counts_->count(__builtin_ctz(used), index_).load(std::memory_order_seq_cst) != 0) {
        unlock();
        return false;
      }
    }
    return true;
  }

  void unlock() { writer_.store(0, std::memory_order_release); }

 private:
  __attribute__((noinline)) void AnnounceWriter() {
    for (int attempt = 0;; ++attempt) {
      uint32_t free = 0;
      if (writer_.load(std::memory_order_relaxed) == 0 &&
          writer_.compare_exchange_weak(free, 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        return;
      }
      LockWait(attempt);
    }
  }
  // Waits until the readers of the slots in `used` have left.
  __attribute__((noinline)) void WaitForReaders(uint32_t used) {
    for (; used != 0; used &= used - 1) {
      std::atomic<uint32_t>& count = counts_->count(__builtin_ctz(used), index_);
      for (int attempt = 0; count.load(std::memory_order_seq_cst) != 0; ++attempt) {
        LockWait(attempt);
      }
    }
  }

  ReaderCounts* counts_ = nullptr;
  size_t index_ = 0;
  std::atomic<uint32_t> writer_{0};  // 1 while a writer holds or waits for the lock.
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COMMON_DISTRIBUTED_SHARED_MUTEX_H_
