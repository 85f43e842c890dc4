// The shard lock: writers exclude readers and each other, readers share, on
// more threads than the table has slots. Run under ThreadSanitizer too (the
// plain fields below race if the lock fails).

#include "common/distributed_shared_mutex.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace cookiejar {
namespace {

struct Guarded {
  DistributedSharedMutex mu;
  // Written together under the lock; readers must never see them differ.
  uint64_t a = 0;
  uint64_t b = 0;
};

TEST(DistributedSharedMutexTest, WritersExcludeReadersAndEachOtherOnManyThreads) {
  ReaderCounts counts;
  Guarded guarded[2];
  guarded[0].mu.Bind(&counts, 0);
  guarded[1].mu.Bind(&counts, 1);
  // More threads than slots, so that slots are shared.
  constexpr int kReaders = static_cast<int>(ReaderCounts::kSlots) + 3;
  constexpr int kWriters = 3;
  constexpr int kWrites = 2000;
  std::atomic<bool> torn{false};
  std::atomic<int> writers_done{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kWrites; ++i) {
        Guarded& g = guarded[(i + w) % 2];
        std::unique_lock<DistributedSharedMutex> lock(g.mu);
        ++g.a;
        std::this_thread::yield();  // Give readers a chance to see a half write.
        ++g.b;
      }
      writers_done.fetch_add(1);
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      for (int i = 0; writers_done.load() < kWriters; ++i) {
        Guarded& g = guarded[(i + r) % 2];
        std::shared_lock<DistributedSharedMutex> lock(g.mu);
        const uint64_t a = g.a;
        std::this_thread::yield();  // Give a writer a chance to come in.
        if (a != g.b) torn = true;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_FALSE(torn.load());
  EXPECT_EQ(guarded[0].a + guarded[1].a, uint64_t{kWriters} * kWrites);
  EXPECT_EQ(guarded[0].a, guarded[0].b);
  EXPECT_EQ(guarded[1].a, guarded[1].b);
}

TEST(DistributedSharedMutexTest, ReadersShareTheLock) {
  ReaderCounts counts;
  DistributedSharedMutex mu;
  mu.Bind(&counts, 3);
  std::shared_lock<DistributedSharedMutex> mine(mu);
  // Another thread reads while this one holds the lock; a writer cannot.
  std::thread reader([&] { std::shared_lock<DistributedSharedMutex> theirs(mu); });
  reader.join();
  EXPECT_FALSE(std::unique_lock<DistributedSharedMutex>(mu, std::try_to_lock).owns_lock());
}

// A writer looks only at the slots that ever held a reader: one new thread
// after another takes each slot in turn, and each one's reader must hold
// writers off until it leaves, in a table where it is the first of its slot.
TEST(DistributedSharedMutexTest, AReaderInAnySlotHoldsWritersOff) {
  ReaderCounts counts;
  DistributedSharedMutex mu;
  mu.Bind(&counts, 5);
  for (size_t i = 0; i < ReaderCounts::kSlots; ++i) {
    std::atomic<bool> reading{false}, release{false};
    std::thread reader([&] {
      std::shared_lock<DistributedSharedMutex> lock(mu);
      reading = true;
      while (!release.load()) std::this_thread::yield();
    });
    while (!reading.load()) std::this_thread::yield();
    EXPECT_FALSE(std::unique_lock<DistributedSharedMutex>(mu, std::try_to_lock).owns_lock())
        << "reader " << i;
    release = true;
    reader.join();
    EXPECT_TRUE(std::unique_lock<DistributedSharedMutex>(mu, std::try_to_lock).owns_lock());
  }
}

TEST(DistributedSharedMutexTest, AWaitingWriterGetsInAgainstAStreamOfReaders) {
  ReaderCounts counts;
  DistributedSharedMutex mu;
  mu.Bind(&counts, 0);
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) std::shared_lock<DistributedSharedMutex> lock(mu);
    });
  }
  for (int i = 0; i < 100; ++i) std::unique_lock<DistributedSharedMutex> lock(mu);
  stop = true;
  for (std::thread& reader : readers) reader.join();
}

}  // namespace
}  // namespace cookiejar
