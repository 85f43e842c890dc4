// A site's cookie pointers in header order, each with a one-byte tag (a
// hash of its name and path length) kept beside it, so that finding the
// cookie of a key reads the tags and loads only the records whose tag
// matches: every other record is a block of its own and would cost a cache
// miss to compare.
//
// The array is the size of the absl::InlinedVector of three pointers it
// replaces: up to three cookies, and their tags, live in the bucket itself
// (every site of a browser's usual size costs no allocation for them), and
// a larger array keeps its tags at the end of its pointers' heap block.

#ifndef COOKIEJAR_JAR_INTERNAL_TAGGED_RECORD_ARRAY_H_
#define COOKIEJAR_JAR_INTERNAL_TAGGED_RECORD_ARRAY_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>

#include "absl/base/attributes.h"
#include "absl/types/span.h"
#include "jar/internal/short_bytes.h"

namespace cookiejar {
namespace jar_internal {

class CookieRecord;

// The tag of a cookie named `name` (empty for a nameless one) whose path has
// `path_size` bytes. Equal keys give equal tags; a tag that differs rules a
// cookie out without reading it.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint8_t RecordTag(std::string_view name, size_t path_size) {
  const uint64_t word = short_bytes::LoadUpTo8(name.data(), name.size());
  const uint64_t mixed =
      (word ^ (uint64_t{name.size()} << 56) ^ (uint64_t{path_size} << 40)) * 0x9E3779B97F4A7C15u;
  return static_cast<uint8_t>(mixed >> 56);
}

class TaggedRecordArray {
 public:
  // User-provided, so that a const empty array (as in a const empty bucket)
  // needs no initializer for the storage it never reads.
  TaggedRecordArray() {}
  ~TaggedRecordArray() { Release(); }
  TaggedRecordArray(const TaggedRecordArray&) = delete;
  TaggedRecordArray& operator=(const TaggedRecordArray&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return heap_ ? storage_.heap.capacity : kInline; }

  CookieRecord* const* begin() const { return records(); }
  CookieRecord* const* end() const { return records() + size_; }
  CookieRecord* operator[](size_t i) const { return records()[i]; }
  CookieRecord* back() const { return records()[size_ - 1]; }
  const uint8_t* tags() const { return heap_ ? HeapTags() : inline_tags_; }
  absl::Span<CookieRecord* const> span() const { return {records(), size_}; }

  // Inserts `record` with `tag` before position `at`; a full array grows by
  // half rather than doubling, so that a small site wastes little room.
  void Insert(size_t at, CookieRecord* record, uint8_t tag) {
    if (size_ == capacity()) Grow(size_ + std::max<size_t>(1, size_ / 2));
    CookieRecord** pointers = records();
    uint8_t* tag_bytes = mutable_tags();
    std::memmove(pointers + at + 1, pointers + at, (size_ - at) * sizeof(CookieRecord*));
    std::memmove(tag_bytes + at + 1, tag_bytes + at, size_ - at);
    pointers[at] = record;
    tag_bytes[at] = tag;
    ++size_;
  }
  // Insert at the end, where a new cookie most often goes, without moving.
  ABSL_ATTRIBUTE_ALWAYS_INLINE void PushBack(CookieRecord* record, uint8_t tag) {
    if (size_ == capacity()) Grow(size_ + std::max<size_t>(1, size_ / 2));
    records()[size_] = record;
    mutable_tags()[size_] = tag;
    ++size_;
  }
  void Erase(size_t at) {
    CookieRecord** pointers = records();
    uint8_t* tag_bytes = mutable_tags();
    std::memmove(pointers + at, pointers + at + 1, (size_ - at - 1) * sizeof(CookieRecord*));
    std::memmove(tag_bytes + at, tag_bytes + at + 1, size_ - at - 1);
    --size_;
  }
  // Replaces the record at `at` by one of the same key (so the same tag).
  void Replace(size_t at, CookieRecord* record) { records()[at] = record; }
  // std::rotate of both the records and their tags.
  void Rotate(size_t first, size_t middle, size_t last) {
    CookieRecord** pointers = records();
    uint8_t* tag_bytes = mutable_tags();
    std::rotate(pointers + first, pointers + middle, pointers + last);
    std::rotate(tag_bytes + first, tag_bytes + middle, tag_bytes + last);
  }
  // Position of `record`, which the array holds: a scan of the pointers that
  // reads no record.
  size_t IndexOf(const CookieRecord* record) const {
    return static_cast<size_t>(std::find(begin(), end(), record) - begin());
  }
  // Empties the array and frees its heap block.
  void Clear() {
    Release();
    size_ = 0;
  }

 private:
  static constexpr size_t kInline = 3;
  struct Heap {
    CookieRecord** pointers;  // `capacity` pointers, then `capacity` tags.
    uint32_t capacity;
  };

  CookieRecord** records() { return heap_ ? storage_.heap.pointers : storage_.inline_records; }
  CookieRecord* const* records() const {
    return heap_ ? storage_.heap.pointers : storage_.inline_records;
  }
  uint8_t* HeapTags() const {
    return reinterpret_cast<uint8_t*>(storage_.heap.pointers + storage_.heap.capacity);
  }
  uint8_t* mutable_tags() { return heap_ ? HeapTags() : inline_tags_; }

  void Grow(size_t capacity) {
    auto* pointers = static_cast<CookieRecord**>(
        ::operator new(capacity * (sizeof(CookieRecord*) + sizeof(uint8_t))));
    auto* tag_bytes = reinterpret_cast<uint8_t*>(pointers + capacity);
    std::memcpy(pointers, records(), size_ * sizeof(CookieRecord*));
    std::memcpy(tag_bytes, tags(), size_);
    Release();
    storage_.heap.pointers = pointers;
    storage_.heap.capacity = static_cast<uint32_t>(capacity);
    heap_ = true;
  }
  void Release() {
    if (heap_) ::operator delete(storage_.heap.pointers);
    heap_ = false;
  }

  union Storage {
    CookieRecord* inline_records[kInline];
    Heap heap;
  } storage_;
  uint8_t inline_tags_[kInline];
  bool heap_ = false;
  uint32_t size_ = 0;
};
static_assert(sizeof(TaggedRecordArray) == 32, "as small as the array it replaces");

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_TAGGED_RECORD_ARRAY_H_
