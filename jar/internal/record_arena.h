// Blocks for the cookie records of one shard (cookie_bucket.h).
//
// A jar is filled and emptied a cookie at a time; from the general heap,
// each new record paid for malloc's search and consolidation of the blocks
// that earlier cookies (or a whole earlier jar) left behind. The arena hands
// out blocks of a few sizes from chunks of its own: a block freed goes on
// the free list of its size and is the next one handed out for that size,
// and a new block is the next bytes of the current chunk.
//
// - Sizes are multiples of 8 bytes (records need 8-byte alignment and no
//   more) from kMinBlock to kMaxBlock; a block's owner keeps its size class
//   (one byte), as the block's contents may have shrunk since it was handed
//   out. Larger blocks come from operator new (class kHeapClass): they are
//   rare, and a free list per size up to any length would cost more than it
//   saves. So do the first kHeapFirst bytes of blocks, so that a shard of a
//   few cookies costs what it did before the arena.
// - Chunks start small and grow by half up to kMaxChunk, so that a jar of a
//   few cookies per shard costs little more than those cookies, and a large
//   one few chunks. Memory stays bounded under churn: a freed block is
//   reused by the next request of its size class before any chunk grows,
//   so the chunks never hold more than the most blocks of each class ever
//   live at once.
// - Chunks go back to the heap when the arena is destroyed (with its
//   shard); the blocks in them need no destruction (records are trivially
//   destructible), but blocks of kHeapClass must be freed by their owner.
// - Not thread-safe: the shard's writer lock serializes every Allocate and
//   Free of its arena.
// - Under AddressSanitizer, free blocks and the unused rest of a chunk are
//   poisoned, so that a use of a freed record is still reported.

#ifndef COOKIEJAR_JAR_INTERNAL_RECORD_ARENA_H_
#define COOKIEJAR_JAR_INTERNAL_RECORD_ARENA_H_

#include <cstddef>
#include <cstdint>
#include <new>

#include "absl/base/attributes.h"
#include "absl/base/config.h"
#include "absl/base/optimization.h"

#ifdef ABSL_HAVE_ADDRESS_SANITIZER
#include <sanitizer/asan_interface.h>
#define COOKIEJAR_ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define COOKIEJAR_ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define COOKIEJAR_ARENA_POISON(p, n) ((void)(p), (void)(n))
#define COOKIEJAR_ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace cookiejar {
namespace jar_internal {

class RecordArena {
 public:
  static constexpr size_t kGranule = 8;
  // The smallest block: a record's fixed part (40 bytes) is the least the
  // jar asks for, and a free block must hold its list link.
  static constexpr size_t kMinBlock = 40;
  // Larger blocks come from operator new. A cookie of up to about 200
  // bytes of name, value and path fits (most cookies).
  static constexpr size_t kMaxBlock = 256;
  // The size class of a block from operator new.
  static constexpr uint8_t kHeapClass = 0;
  // Until it has handed out this many bytes, the arena takes every block
  // from operator new: a shard of a few dozen cookies (a jar of a few
  // hundred) would lose to the free-list heads and the unused rest of a
  // chunk more than the arena saves on each block.
  static constexpr size_t kHeapFirst = 4096;
  // Chunk sizes, header included.
  static constexpr size_t kFirstChunk = 512;
  static constexpr size_t kMaxChunk = 4096;

  RecordArena() = default;
  ~RecordArena();
  RecordArena(const RecordArena&) = delete;
  RecordArena& operator=(const RecordArena&) = delete;

  // A block of at least `size` bytes, 8-byte aligned; `*size_class` gets
  // its size class, which Free needs back.
  ABSL_ATTRIBUTE_ALWAYS_INLINE void* Allocate(size_t size, uint8_t* size_class) {
    if (ABSL_PREDICT_FALSE(size > kMaxBlock)) return AllocateOnHeap(size, size_class);
    const size_t cls = size <= kMinBlock ? kMinClass : (size + kGranule - 1) / kGranule;
    *size_class = static_cast<uint8_t>(cls);
    const size_t bytes = cls * kGranule;
    if (ABSL_PREDICT_TRUE(free_ != nullptr)) {
      FreeBlock*& head = free_[cls - kMinClass];
      if (head != nullptr) {
        FreeBlock* block = head;
        COOKIEJAR_ARENA_UNPOISON(block, bytes);
        head = block->next;
        return block;
      }
    }
    if (ABSL_PREDICT_TRUE(static_cast<size_t>(end_ - cursor_) >= bytes)) {
      char* block = cursor_;
      cursor_ += bytes;
      COOKIEJAR_ARENA_UNPOISON(block, bytes);
      return block;
    }
    return AllocateSlowly(bytes, size_class);
  }

  // Takes back a block from Allocate, with the class it gave.
  ABSL_ATTRIBUTE_ALWAYS_INLINE void Free(void* block, uint8_t size_class) {
    if (ABSL_PREDICT_FALSE(size_class == kHeapClass)) {
      ::operator delete(block);
      return;
    }
    if (ABSL_PREDICT_FALSE(free_ == nullptr)) MakeFreeLists();
    FreeBlock*& head = free_[size_class - kMinClass];
    head = new (block) FreeBlock{head};
    COOKIEJAR_ARENA_POISON(block, ClassBytes(size_class));
  }

  // The bytes of a block of `size_class`; 0 for kHeapClass (its size is
  // not kept: see HeapBytes).
  static size_t ClassBytes(uint8_t size_class) { return size_class * kGranule; }
  // What a block of `size` bytes from operator new holds: rounded up as
  // glibc's malloc rounds (a 16-byte multiple less its 8-byte header), so
  // the slack costs no memory. The owner of a block of kHeapClass whose
  // contents shrank may count on HeapBytes(its present size).
  static size_t HeapBytes(size_t size) { return ((size + 7) | 15) - 7; }

  // Bytes of the chunks held (for tests and reports).
  size_t reserved_bytes() const;
  // Bytes on the free lists (for tests).
  size_t free_bytes() const;

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  struct Chunk {
    Chunk* next;
    size_t bytes;
  };
  static constexpr size_t kMinClass = kMinBlock / kGranule;
  static constexpr size_t kMaxClass = kMaxBlock / kGranule;
  static constexpr size_t kClasses = kMaxClass - kMinClass + 1;
  static_assert(kMinBlock % kGranule == 0 && kMaxBlock % kGranule == 0, "whole granules");
  static_assert(kMinBlock >= sizeof(FreeBlock), "a free block holds its link");
  static_assert(kMaxClass <= UINT8_MAX, "a class fits in a byte");

  static void* AllocateOnHeap(size_t size, uint8_t* size_class) {
    *size_class = kHeapClass;
    return ::operator new(HeapBytes(size));
  }
  // A block of `bytes` (of the class in `*size_class`) when neither its free
  // list nor the newest chunk has one: from the heap while the arena is
  // young, else from a new chunk.
  ABSL_ATTRIBUTE_NOINLINE void* AllocateSlowly(size_t bytes, uint8_t* size_class);
  ABSL_ATTRIBUTE_NOINLINE void MakeFreeLists();

  // The heads of the free lists by class (kClasses of them), made by the
  // first free or the second chunk: a shard that is only filled, as most
  // are, pays nothing for them.
  FreeBlock** free_ = nullptr;
  // The unused bytes of the newest chunk.
  char* cursor_ = nullptr;
  char* end_ = nullptr;
  Chunk* chunks_ = nullptr;  // Newest first.
  // Bytes handed out from the heap while young, up to kHeapFirst.
  uint32_t heap_bytes_ = 0;
};

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_RECORD_ARENA_H_
