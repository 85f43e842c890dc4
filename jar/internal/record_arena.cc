#include "jar/internal/record_arena.h"

#include <algorithm>
#include <new>

namespace cookiejar {
namespace jar_internal {

RecordArena::~RecordArena() {
  delete[] free_;
  for (Chunk* chunk = chunks_; chunk != nullptr;) {
    Chunk* next = chunk->next;
    // The heap may reuse the chunk's bytes for anything: unpoison them.
    COOKIEJAR_ARENA_UNPOISON(chunk, chunk->bytes);
    ::operator delete(chunk);
    chunk = next;
  }
}

void* RecordArena::AllocateSlowly(size_t bytes, uint8_t* size_class) {
  if (chunks_ == nullptr && heap_bytes_ < kHeapFirst) {
    heap_bytes_ += static_cast<uint32_t>(bytes);
    return AllocateOnHeap(bytes, size_class);
  }
  // The rest of the current chunk is smaller than `bytes`, so at most
  // kMaxBlock: it serves a later request of its own size.
  const size_t rest = static_cast<size_t>(end_ - cursor_);
  if (rest >= kMinBlock) {
    if (free_ == nullptr) MakeFreeLists();
    FreeBlock*& head = free_[rest / kGranule - kMinClass];
    COOKIEJAR_ARENA_UNPOISON(cursor_, sizeof(FreeBlock));
    head = new (cursor_) FreeBlock{head};
    COOKIEJAR_ARENA_POISON(cursor_, rest);
  }
  // Grow by half of the newest chunk up to kMaxChunk: few chunks for a
  // shard of a few hundred cookies, and what the newest chunk leaves unused
  // stays small.
  size_t chunk_bytes = kFirstChunk;
  if (chunks_ != nullptr) chunk_bytes = std::min(kMaxChunk, chunks_->bytes + chunks_->bytes / 2);
  chunk_bytes &= ~(kGranule - 1);
  char* memory = static_cast<char*>(::operator new(chunk_bytes));
  chunks_ = new (memory) Chunk{chunks_, chunk_bytes};
  char* begin = memory + sizeof(Chunk);
  static_assert(sizeof(Chunk) % kGranule == 0, "blocks stay aligned");
  static_assert(kFirstChunk >= sizeof(Chunk) + kMaxBlock, "a chunk holds the largest block");
  cursor_ = begin + bytes;
  end_ = memory + chunk_bytes;
  COOKIEJAR_ARENA_POISON(cursor_, static_cast<size_t>(end_ - cursor_));
  return begin;
}

void RecordArena::MakeFreeLists() { free_ = new FreeBlock*[kClasses](); }

size_t RecordArena::reserved_bytes() const {
  size_t bytes = 0;
  for (const Chunk* chunk = chunks_; chunk != nullptr; chunk = chunk->next) bytes += chunk->bytes;
  return bytes;
}

size_t RecordArena::free_bytes() const {
  if (free_ == nullptr) return 0;
  size_t bytes = 0;
  for (size_t c = 0; c < kClasses; ++c) {
    for (const FreeBlock* block = free_[c]; block != nullptr;) {
      bytes += (c + kMinClass) * kGranule;
      // A free block is poisoned: read its link through an unpoisoned view.
      COOKIEJAR_ARENA_UNPOISON(block, sizeof(FreeBlock));
      const FreeBlock* next = block->next;
      COOKIEJAR_ARENA_POISON(block, sizeof(FreeBlock));
      block = next;
    }
  }
  return bytes;
}

}  // namespace jar_internal
}  // namespace cookiejar
