// The arena of a shard's cookie records (jar/internal/record_arena.h), alone
// and under a bucket (jar/internal/cookie_bucket.h).

#include "jar/internal/record_arena.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "jar/internal/cookie_bucket.h"
#include "jar/internal/cookie_draft.h"

namespace cookiejar {
namespace jar_internal {
namespace {

using Arena = RecordArena;

struct Block {
  void* data = nullptr;
  size_t size = 0;
  uint8_t size_class = 0;
  uint8_t fill = 0;
};

Block Take(Arena& arena, size_t size, uint8_t fill) {
  Block block;
  block.size = size;
  block.fill = fill;
  block.data = arena.Allocate(size, &block.size_class);
  std::memset(block.data, fill, size);
  return block;
}

// Every byte of the block still holds what Take wrote: no other block
// overlaps it.
bool Intact(const Block& block) {
  const auto* bytes = static_cast<const unsigned char*>(block.data);
  for (size_t i = 0; i < block.size; ++i) {
    if (bytes[i] != block.fill) return false;
  }
  return true;
}

// Makes the arena leave its young phase, in which blocks come from the heap;
// returns those blocks.
std::vector<Block> PastHeapPhase(Arena& arena) {
  std::vector<Block> young;
  for (size_t taken = 0; taken < Arena::kHeapFirst; taken += 64) {
    young.push_back(Take(arena, 64, 0xAA));
    EXPECT_EQ(young.back().size_class, Arena::kHeapClass);
  }
  return young;
}

void Release(Arena& arena, std::vector<Block>& blocks) {
  for (const Block& block : blocks) arena.Free(block.data, block.size_class);
  blocks.clear();
}

TEST(RecordArenaTest, YoungArenaTakesBlocksFromTheHeap) {
  Arena arena;
  std::vector<Block> young = PastHeapPhase(arena);
  EXPECT_EQ(arena.reserved_bytes(), 0u);
  Block first = Take(arena, 64, 1);
  EXPECT_NE(first.size_class, Arena::kHeapClass);
  EXPECT_GT(arena.reserved_bytes(), 0u);
  arena.Free(first.data, first.size_class);
  Release(arena, young);
}

// A size class too small for its sizes would let blocks overlap (or, under
// AddressSanitizer, write past their unpoisoned bytes); one too large, or a
// free list of the wrong class, would give a block to a size it does not
// hold.
TEST(RecordArenaTest, EverySizeGetsABlockOfItsSize) {
  Arena arena;
  std::vector<Block> young = PastHeapPhase(arena);
  std::vector<Block> live;
  constexpr size_t kLargest = Arena::kMaxBlock + 48;
  for (int round = 0; round < 4; ++round) {
    for (size_t size = 1; size <= kLargest; ++size) {
      live.push_back(Take(arena, size, static_cast<uint8_t>(size * 7 + round)));
      const Block& block = live.back();
      EXPECT_EQ(reinterpret_cast<uintptr_t>(block.data) % 8, 0u) << size;
      if (size > Arena::kMaxBlock) {
        EXPECT_EQ(block.size_class, Arena::kHeapClass) << size;
        EXPECT_GE(Arena::HeapBytes(size), size);
      } else {
        ASSERT_NE(block.size_class, Arena::kHeapClass) << size;
        const size_t bytes = Arena::ClassBytes(block.size_class);
        EXPECT_GE(bytes, size);
        EXPECT_LT(bytes, std::max(size, Arena::kMinBlock) + Arena::kGranule) << size;
      }
    }
    for (const Block& block : live) ASSERT_TRUE(Intact(block)) << block.size;
    // Free every other block (and the first half of each round's blocks on
    // odd rounds), so that the next round reuses freed blocks of every class.
    std::vector<Block> kept;
    for (size_t i = 0; i < live.size(); ++i) {
      if ((i + round) % 2 == 0) {
        arena.Free(live[i].data, live[i].size_class);
      } else {
        kept.push_back(live[i]);
      }
    }
    live = std::move(kept);
    for (const Block& block : live) ASSERT_TRUE(Intact(block)) << block.size;
  }
  Release(arena, live);
  Release(arena, young);
}

TEST(RecordArenaTest, FreedBlockIsReusedBySizesOfItsClass) {
  Arena arena;
  std::vector<Block> young = PastHeapPhase(arena);
  Block a = Take(arena, 100, 1);
  const uint8_t size_class = a.size_class;
  arena.Free(a.data, a.size_class);
  EXPECT_EQ(arena.free_bytes(), Arena::ClassBytes(size_class));
  // A size of another class does not take it.
  Block other = Take(arena, 200, 2);
  EXPECT_NE(other.data, a.data);
  // Any size of its class does, before the chunk grows.
  const size_t reserved = arena.reserved_bytes();
  Block b = Take(arena, Arena::ClassBytes(size_class) - 3, 3);
  EXPECT_EQ(b.data, a.data);
  EXPECT_EQ(b.size_class, size_class);
  EXPECT_EQ(arena.reserved_bytes(), reserved);
  EXPECT_EQ(arena.free_bytes(), 0u);
  EXPECT_TRUE(Intact(other));
  arena.Free(b.data, b.size_class);
  arena.Free(other.data, other.size_class);
  Release(arena, young);
}

TEST(RecordArenaTest, LargeBlocksComeFromTheHeap) {
  Arena arena;
  std::vector<Block> young = PastHeapPhase(arena);
  const size_t reserved = arena.reserved_bytes();
  std::vector<Block> large;
  for (size_t size : {Arena::kMaxBlock + 1, size_t{4096}, size_t{100000}}) {
    large.push_back(Take(arena, size, static_cast<uint8_t>(size)));
    EXPECT_EQ(large.back().size_class, Arena::kHeapClass);
  }
  EXPECT_EQ(arena.reserved_bytes(), reserved);
  for (const Block& block : large) EXPECT_TRUE(Intact(block));
  Release(arena, large);  // AddressSanitizer's leak check sees any not freed.
  Release(arena, young);
}

// Blocks of changing sizes taken and freed a million times: the chunks grow
// only while some class has more blocks live than ever before, so they stay
// within what the most blocks live at once of each class need.
TEST(RecordArenaTest, ChurnStaysBounded) {
  Arena arena;
  std::vector<Block> young = PastHeapPhase(arena);
  std::mt19937 random(27);
  std::uniform_int_distribution<size_t> size_of(1, Arena::kMaxBlock);
  constexpr size_t kLive = 500;
  std::vector<Block> live;
  std::map<uint8_t, size_t> live_of_class, peak_of_class;
  for (size_t i = 0; i < 1000000; ++i) {
    if (live.size() == kLive) {
      Block& gone = live[random() % live.size()];
      ASSERT_TRUE(Intact(gone));
      --live_of_class[gone.size_class];
      arena.Free(gone.data, gone.size_class);
      gone = live.back();
      live.pop_back();
    }
    live.push_back(Take(arena, size_of(random), static_cast<uint8_t>(i)));
    size_t& count = ++live_of_class[live.back().size_class];
    peak_of_class[live.back().size_class] = std::max(peak_of_class[live.back().size_class], count);
  }
  size_t peak_bytes = 0;
  for (const auto& [size_class, peak] : peak_of_class) {
    peak_bytes += Arena::ClassBytes(size_class) * peak;
  }
  // Each chunk also loses its header and less than a block at its end.
  EXPECT_LE(arena.reserved_bytes(), peak_bytes + peak_bytes / 8 + Arena::kMaxChunk);
  // About 64 KB for 500 blocks of 128 bytes on average, where a million
  // blocks never reused would have taken 130 MB.
  EXPECT_LT(arena.reserved_bytes(), 160u * 1024);
  Release(arena, live);
  Release(arena, young);
}

// A bucket's records under overwrites of growing and shrinking values (in
// place and not), removals and new cookies, values past the arena's largest
// class among them, a million times: every value stays what was last set,
// and the arena stays small.
TEST(RecordArenaTest, BucketChurnStaysBoundedAndIntact) {
  RecordArena arena;  // Outlives the bucket, as a shard's does.
  Bucket bucket;
  constexpr size_t kNames = 64;
  std::vector<std::string> names;
  for (size_t n = 0; n < kNames; ++n) names.push_back("name" + std::to_string(n));
  std::map<std::string, std::string> expected;
  std::mt19937 random(6);
  // Mostly small values, some larger than any arena block.
  std::uniform_int_distribution<size_t> value_size(0, 280);
  int64_t creation = 1;
  auto draft_for = [&](CookieDraft& draft, const std::string& name, const std::string& value) {
    draft.name = name;
    draft.value = value;
    draft.domain = "example.com";
    draft.path = "/";
    draft.host_only = true;
  };
  for (size_t i = 0; i < 1000000; ++i) {
    const std::string& name = names[random() % kNames];
    const std::string value(value_size(random), static_cast<char>('a' + i % 26));
    CookieDraft draft;
    draft_for(draft, name, value);
    CookieRecord* same = bucket.Find(name, "example.com", true, "/");
    if (same == nullptr) {
      const int64_t created = creation++;
      bucket.Add(&arena, draft, created, created, false);
      expected[name] = value;
    } else if (i % 5 == 0) {
      bucket.Remove(&arena, same);
      expected.erase(name);
    } else {
      // Keep the creation time now and then: the record may be rewritten in
      // place, or replaced in place.
      const int64_t created = i % 3 == 0 ? same->creation_us() : creation++;
      bucket.Overwrite(&arena, same, draft, created, created, false, false);
      expected[name] = value;
    }
  }
  ASSERT_EQ(bucket.size(), expected.size());
  bucket.ForEach([&](const CookieRecord& record) {
    const std::string name(record.name());
    ASSERT_EQ(expected.count(name), 1u) << name;
    EXPECT_EQ(record.value(), expected[name]) << name;
    EXPECT_EQ(record.path(), "/");
  });
  // 64 records of at most 256 bytes in the arena: at most 28 classes of up
  // to 64 blocks each in the worst case, far less in practice.
  EXPECT_LT(arena.reserved_bytes(), 64u * 1024) << arena.reserved_bytes();
  // The bucket goes with live records, some from the heap: the leak check
  // of AddressSanitizer sees any it does not free.
}

// A site of more cookies than a bucket keeps in one array (Bucket's
// kGroupAbove, 256) keeps one array per path length, replaces a record on
// every overwrite and frees removed ones only when their array is
// compacted: through those paths too, blocks go back to the arena and every
// value stays what was last set.
TEST(RecordArenaTest, GroupedBucketChurnStaysBoundedAndIntact) {
  RecordArena arena;
  Bucket bucket;
  constexpr size_t kNames = 400;
  const std::string paths[] = {"/", "/a", "/ab", "/abc"};
  std::vector<std::string> names;
  for (size_t n = 0; n < kNames; ++n) names.push_back("n" + std::to_string(n));
  auto path_of = [&](size_t n) -> const std::string& { return paths[n % 4]; };
  std::map<size_t, std::string> expected;
  std::mt19937 random(256);
  std::uniform_int_distribution<size_t> value_size(0, 240);
  int64_t creation = 1;
  // First fill the site past the point where it is grouped.
  for (size_t i = 0; i < 300000; ++i) {
    const size_t n = i < kNames ? i : random() % kNames;
    const std::string value(value_size(random), static_cast<char>('A' + i % 26));
    CookieDraft draft;
    draft.name = names[n];
    draft.value = value;
    draft.domain = "example.com";
    draft.path = path_of(n);
    CookieRecord* same = bucket.Find(names[n], "example.com", true, path_of(n));
    const int64_t created = creation++;
    if (same == nullptr) {
      bucket.Add(&arena, draft, created, created, false);
      expected[n] = value;
    } else if (i % 4 == 0) {
      bucket.Remove(&arena, same);
      expected.erase(n);
    } else {
      bucket.Overwrite(&arena, same, draft, created, created, false, false);
      expected[n] = value;
    }
  }
  ASSERT_EQ(bucket.size(), expected.size());
  size_t seen = 0;
  bucket.ForEach([&](const CookieRecord& record) {
    ++seen;
    const std::string name(record.name());
    const size_t n = std::stoul(name.substr(1));
    ASSERT_EQ(expected.count(n), 1u) << name;
    EXPECT_EQ(record.value(), expected[n]) << name;
    EXPECT_EQ(record.path(), path_of(n)) << name;
  });
  EXPECT_EQ(seen, expected.size());
  // At most 400 live records and as many removed ones awaiting compaction,
  // of about 150 bytes on average: far below the 45 MB that 300,000 records
  // never reused would take.
  EXPECT_LT(arena.reserved_bytes(), 512u * 1024) << arena.reserved_bytes();
}

// An overwrite that shrinks a record keeps its block; one that grows it back
// within that block is written in place, and contents stay whole.
TEST(RecordArenaTest, ShrunkRecordGrowsBackInItsBlock) {
  RecordArena arena;
  Bucket bucket;
  // Past the arena's young phase, with records of another site's size.
  std::vector<Block> young = PastHeapPhase(arena);
  const std::string big(150, 'b'), small(3, 's'), middle(120, 'm'), large(200, 'l');
  CookieDraft draft;
  draft.name = "n";
  draft.value = big;
  draft.domain = "example.com";
  draft.path = "/";
  CookieRecord* record = bucket.Add(&arena, draft, 1, 1, false);
  CookieDraft shrink;
  shrink.name = "n";
  shrink.value = small;
  shrink.domain = "example.com";
  shrink.path = "/";
  EXPECT_EQ(bucket.Overwrite(&arena, record, shrink, 1, 2, false, false), record);
  EXPECT_EQ(record->value(), small);
  CookieDraft grow;
  grow.name = "n";
  grow.value = middle;
  grow.domain = "example.com";
  grow.path = "/";
  EXPECT_TRUE(record->Fits(grow));
  EXPECT_EQ(bucket.Overwrite(&arena, record, grow, 1, 3, false, false), record);
  EXPECT_EQ(record->value(), middle);
  // Past the block: a new one.
  CookieDraft larger;
  larger.name = "n";
  larger.value = large;
  larger.domain = "example.com";
  larger.path = "/";
  EXPECT_FALSE(record->Fits(larger));
  CookieRecord* moved = bucket.Overwrite(&arena, record, larger, 1, 4, false, false);
  EXPECT_EQ(moved->value(), large);
  bucket.Remove(&arena, moved);
  EXPECT_TRUE(bucket.empty());
  Release(arena, young);
}

}  // namespace
}  // namespace jar_internal
}  // namespace cookiejar
