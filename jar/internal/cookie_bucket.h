// The jar's storage for the cookies of one site (or of one site within one
// partition), laid out for the Cookie-header hot path and for sites of any
// size:
//   - each cookie is one block (CookieRecord) from its shard's RecordArena,
//     which the shard passes to each call that makes or frees one: a 40-byte
//     fixed part with times as integer microseconds and its rules folded
//     into a few bits, then its "name=value" pair (as it appears in the
//     header) and its path;
//   - a site's cookies are kept in header order (longer path first, then
//     earlier creation), so building a header is one filtered pass. A site of
//     up to kGroupAbove cookies (every site under a browser's limits) keeps
//     them in one array, with a byte of each cookie's name and path length
//     beside its pointer (TaggedRecordArray), so that finding a cookie by its
//     key reads only the records that may match; a larger one (the
//     unlimited rules) keeps one array per path length, each in creation
//     order, so that a new cookie, the latest created, is always appended
//     and removal is amortized constant time (removed cookies are marked
//     and skipped until their array is compacted);
//   - a bucket of many cookies keeps an index by name, so finding a cookie's
//     match and the "leave secure cookies alone" check cost what the cookies
//     of that name cost, not the whole site;
//   - domains are interned per bucket: a request matches each distinct domain
//     once, and cookies carry an index into that table.

#ifndef COOKIEJAR_JAR_INTERNAL_COOKIE_BUCKET_H_
#define COOKIEJAR_JAR_INTERNAL_COOKIE_BUCKET_H_

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"
#include "cookiejar/canonical_cookie.h"
#include "jar/internal/cookie_draft.h"
#include "jar/internal/record_arena.h"
#include "jar/internal/short_bytes.h"
#include "jar/internal/tagged_record_array.h"
#include "common/micros.h"

namespace cookiejar {
namespace jar_internal {

// The jar keeps every time as saturating integer microseconds.
using micros::ClampFinite;
using micros::DurationMicros;
using micros::FromMicros;
using micros::kAlwaysUs;
using micros::kEarliestUs;
using micros::kLatestUs;
using micros::kNeverUs;
using micros::SatAdd;
using micros::SatSub;
using micros::ToMicros;

// What a cookie requires of a request; a request grants the same bits.
enum Need : uint8_t {
  kNeedTrustworthy = 1 << 0,  // Secure.
  kNeedHttpApi = 1 << 1,      // HttpOnly.
  kNeedLax = 1 << 2,          // SameSite Lax (or Lax by default) or Strict.
  kNeedStrict = 1 << 3,       // SameSite Strict.
  kNeedNever = 1 << 7,        // Removed: no request grants it.
};

class CookieRecord {
 public:
  static CookieRecord* Create(RecordArena* arena, const CookieDraft& draft,
                              uint32_t domain_index, int64_t creation_us, int64_t last_access_us,
                              bool lax_by_default);
  // Whether the draft's pair and path fit in this record's block.
  bool Fits(const CookieDraft& draft) const;
  // Gives the record's block back to `arena`, the one it came from.
  static void Destroy(RecordArena* arena, CookieRecord* record);
  // For a record whose arena is being destroyed with it (its shard's end):
  // frees only what the arena does not hold.
  static void Abandon(CookieRecord* record);

  std::string_view pair() const { return {data(), pair_size_}; }
  // A name never holds '=' and a nameless cookie's pair is its value.
  std::string_view name() const {
    return nameless() ? std::string_view() : pair().substr(0, pair().find('='));
  }
  std::string_view value() const {
    return nameless() ? pair() : pair().substr(pair().find('=') + 1);
  }
  // name() == `name`, without searching for the '='.
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool HasName(std::string_view name) const {
    if (nameless()) return name.empty();
    return pair_size_ > name.size() && data()[name.size()] == '=' &&
           SameBytes(std::string_view(data(), name.size()), name);
  }
  std::string_view path() const { return {data() + pair_size_, path_size_}; }
  uint32_t path_size() const { return path_size_; }

  int64_t expiry_us() const { return expiry_us_; }
  int64_t creation_us() const { return creation_us_; }
  int64_t last_access_us() const { return last_access_us_.load(std::memory_order_relaxed); }
  // Safe for readers under a shared lock: racing readers store similar times.
  void set_last_access_us(int64_t us) const {
    last_access_us_.store(us, std::memory_order_relaxed);
  }

  uint32_t domain_index() const { return domain_index_; }
  uint8_t needs() const { return needs_.load(std::memory_order_relaxed); }
  bool removed() const { return needs() & kNeedNever; }
  bool host_only() const { return flags_ & kHostOnly; }
  bool secure() const { return flags_ & kSecure; }
  bool http_only() const { return flags_ & kHttpOnly; }
  bool source_secure() const { return flags_ & kSourceSecure; }
  bool lax_by_default() const { return flags_ & kLaxByDefault; }
  bool nameless() const { return flags_ & kNameless; }
  CookieSameSite same_site() const { return static_cast<CookieSameSite>(same_site_); }
  CookiePriority priority() const { return static_cast<CookiePriority>(priority_); }
  bool IsPersistent() const { return expiry_us_ != kNeverUs; }
  bool IsExpired(int64_t now_us) const { return expiry_us_ <= now_us; }
  size_t name_value_bytes() const { return pair_size_ - (nameless() ? 0u : 1u); }

 private:
  friend class Bucket;
  enum Flag : uint8_t {
    kHostOnly = 1 << 0,
    kSecure = 1 << 1,
    kHttpOnly = 1 << 2,
    kSourceSecure = 1 << 3,
    kLaxByDefault = 1 << 4,
    kNameless = 1 << 5,  // The pair is just the value.
  };

  CookieRecord() = default;
  // Writes everything but the domain index.
  void Fill(const CookieDraft& draft, int64_t creation_us, int64_t last_access_us,
            bool lax_by_default);
  // Bytes of a record's pair and path for this draft.
  static size_t ContentSize(const CookieDraft& draft);
  // The bytes of this record's block, or a lower bound of them: a block
  // from the heap was at least HeapBytes of the record's size when it was
  // made, and its contents can only have shrunk since (the slack lets a
  // value that grows by a few bytes be overwritten in place).
  size_t BlockBytes() const {
    return size_class_ != RecordArena::kHeapClass
               ? RecordArena::ClassBytes(size_class_)
               : RecordArena::HeapBytes(sizeof(CookieRecord) + pair_size_ + path_size_);
  }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* data() { return reinterpret_cast<char*>(this + 1); }
  void MarkRemoved() { needs_.store(needs() | kNeedNever, std::memory_order_relaxed); }

  int64_t expiry_us_;
  int64_t creation_us_;
  mutable std::atomic<int64_t> last_access_us_;
  uint32_t domain_index_;
  uint32_t path_size_;
  uint32_t pair_size_;
  std::atomic<uint8_t> needs_;
  uint8_t flags_;
  // Four bits each, so that the block's size class has a byte of its own
  // without growing the record.
  uint8_t same_site_ : 4;  // CookieSameSite
  uint8_t priority_ : 4;   // CookiePriority
  // The RecordArena class of the record's block: its contents may have
  // shrunk since it was made, so their size does not tell the block's.
  uint8_t size_class_;
};
static_assert(sizeof(CookieRecord) == 40, "the fixed part of a cookie stays small");

// Cookie pointers in creation order (a path group of a large bucket).
using RecordArray = absl::InlinedVector<CookieRecord*, 3>;

struct DomainEntry {
  DomainEntry(std::string_view domain, bool host_only)
      : domain(domain), host_only(host_only), references(1) {}

  std::string domain;
  bool host_only = false;
  uint32_t references = 0;  // 0: a free slot.
};

// Cookies of one path length in creation order, with removed ones until
// the next compaction (large buckets only).
struct PathGroup {
  uint32_t path_size = 0;
  uint32_t removed = 0;
  RecordArray records;
};

class Bucket {
 public:
  Bucket() : secure_(0), one_path_length_(1) {}
  // A bucket is destroyed empty, or with its shard and so with the arena
  // that holds its records: it frees only what the arena does not hold.
  ~Bucket();
  Bucket(const Bucket&) = delete;
  Bucket& operator=(const Bucket&) = delete;

  // Live cookies.
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Calls `fn(span)` (an absl::Span<CookieRecord* const>) for each array of
  // cookies, in header order; a span may
  // hold removed cookies, which callers skip (their needs() include
  // kNeedNever, which no request grants).
  template <typename Fn>
  void ForEachSpan(Fn&& fn) const {
    if (!grouped()) {
      fn(records_.span());
      return;
    }
    for (const PathGroup& group : extras_->groups) fn(group.records);
  }
  // Calls `fn(record)` for each live cookie in header order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    ForEachSpan([&](absl::Span<CookieRecord* const> span) {
      for (const CookieRecord* record : span) {
        if (!record->removed()) fn(*record);
      }
    });
  }

  absl::Span<const DomainEntry> domains() const { return domains_; }
  const DomainEntry& domain_of(const CookieRecord& record) const {
    return domains_[record.domain_index()];
  }

  // The live cookie with this key, or null.
  CookieRecord* Find(std::string_view name, std::string_view domain, bool host_only,
                     std::string_view path) const;
  // Calls `fn(record)` for each live cookie named `name` until it returns true;
  // returns whether one did.
  template <typename Fn>
  bool AnyNamed(std::string_view name, Fn&& fn) const;
  // No live cookie expires before this instant (it may lag behind removals).
  int64_t earliest_expiry_us() const { return earliest_expiry_us_; }
  // Whether any live cookie is Secure (lets most sets skip a scan).
  bool has_secure() const { return secure_ != 0; }
  // For a large bucket (one that has held more than kIndexAbove cookies), a
  // number no other bucket of the process has had and that changes with
  // any change to the bucket, so that a copy of what a lookup found in it
  // can be kept and known to be current; 0 for a small bucket.
  uint64_t generation() const { return extras_ ? extras_->generation : 0; }

  // Every call that makes or frees a record takes the arena of the bucket's
  // shard, the one that holds the bucket's records.
  // Makes the cookie of `draft`, whose key no live cookie has, and inserts
  // it in header order.
  CookieRecord* Add(RecordArena* arena, const CookieDraft& draft, int64_t creation_us,
                    int64_t last_access_us, bool lax_by_default);
  // Replaces the live cookie `old` by `draft`, which has its name, domain,
  // host-only flag and path, and returns the cookie now stored. An overwrite
  // mostly changes only the value and the times, so the old cookie's block
  // is rewritten when the new one fits in it: no allocation, no change to
  // the domain table or the name index. `latest_creation` says that
  // `creation_us` is at least every creation time the bucket holds (a new
  // one from the jar's clock), so that a cookie of a site whose cookies
  // share one path length goes last without reading any other.
  CookieRecord* Overwrite(RecordArena* arena, CookieRecord* old, const CookieDraft& draft,
                          int64_t creation_us, int64_t last_access_us, bool lax_by_default,
                          bool latest_creation);
  // Removes a live cookie and drops its domain reference.
  void Remove(RecordArena* arena, CookieRecord* record);

  // Removes expired cookies, calling `on_removed(record)` before each goes.
  template <typename Fn>
  void RemoveExpired(RecordArena* arena, int64_t now_us, Fn&& on_removed);

  // Live cookies, in header order.
  std::vector<CookieRecord*> Live() const;

  CanonicalCookie ToCanonical(const CookieRecord& record) const;

  // The partition of a partitioned cookies' bucket, or null.
  const CookiePartitionKey* partition() const;
  void set_partition(const CookiePartitionKey& partition);

 private:
  // Above this many live cookies the bucket keeps its name index.
  static constexpr size_t kIndexAbove = 32;
  // Above this many cookies the bucket keeps one array per path length.
  static constexpr size_t kGroupAbove = 256;
  using NameIndex = absl::flat_hash_map<absl::string_view, absl::InlinedVector<CookieRecord*, 1>>;
  // What few buckets need, kept out of the way of the rest.
  struct Extras {
    std::unique_ptr<NameIndex> by_name;
    std::optional<CookiePartitionKey> partition;
    std::vector<PathGroup> groups;  // Longest path first; empty until grouped.
    uint64_t generation = NextGeneration();
  };
  static uint64_t NextGeneration();
  // Every change to the bucket calls this.
  void Changed() {
    if (extras_) extras_->generation = NextGeneration();
  }

  bool grouped() const { return extras_ && !extras_->groups.empty(); }
  Extras& extras() {
    if (!extras_) extras_ = std::make_unique<Extras>();
    return *extras_;
  }
  NameIndex* by_name() const { return extras_ ? extras_->by_name.get() : nullptr; }
  // The group holding cookies of `path_size`, created if missing.
  RecordArray& GroupFor(uint32_t path_size);
  PathGroup* FindGroup(uint32_t path_size);
  // Splits records_ into path groups.
  void Group();
  // Index of the entry for (domain, host_only), added or referenced once more.
  uint32_t AddDomainReference(std::string_view domain, bool host_only);
  void DropDomainReference(uint32_t index);
  // Takes ownership of `record` (made with a domain index from
  // AddDomainReference; `tag` is its RecordTag) and inserts it in header
  // order.
  void Insert(CookieRecord* record, uint8_t tag);
  // Position in records_ of `record`, which it holds.
  size_t PositionOf(const CookieRecord* record) const;
  void IndexAdd(CookieRecord* record);
  void IndexRemove(CookieRecord* record);
  // Puts `fresh` where `old` is (same path length and creation time), and
  // destroys `old`, dropping its domain reference.
  void ReplaceInPlace(RecordArena* arena, CookieRecord* old, CookieRecord* fresh);

  TaggedRecordArray records_;  // Header order, while not grouped.
  // Almost every bucket has one domain (its site's, or one host's).
  absl::InlinedVector<DomainEntry, 1> domains_;
  std::unique_ptr<Extras> extras_;
  // No cookie of the bucket expires before this instant.
  int64_t earliest_expiry_us_ = kNeverUs;
  uint32_t live_ = 0;
  uint32_t secure_ : 31;  // Live Secure cookies.
  // Whether the cookies of records_ all have one path length (it may stay
  // false after removals, until the array is empty again).
  uint32_t one_path_length_ : 1;
};

template <typename Fn>
bool Bucket::AnyNamed(std::string_view name, Fn&& fn) const {
  if (NameIndex* index = by_name()) {
    auto it = index->find(absl::string_view(name.data(), name.size()));
    if (it == index->end()) return false;
    for (CookieRecord* record : it->second) {
      if (fn(*record)) return true;
    }
    return false;
  }
  bool found = false;
  ForEach([&](const CookieRecord& record) {
    if (!found && record.HasName(name) && fn(record)) found = true;
  });
  return found;
}

template <typename Fn>
void Bucket::RemoveExpired(RecordArena* arena, int64_t now_us, Fn&& on_removed) {
  if (now_us < earliest_expiry_us_) return;
  int64_t earliest = kNeverUs;
  std::vector<CookieRecord*> expired;
  ForEach([&](const CookieRecord& record) {
    if (record.IsExpired(now_us)) {
      expired.push_back(const_cast<CookieRecord*>(&record));
    } else if (record.expiry_us() < earliest) {
      earliest = record.expiry_us();
    }
  });
  for (CookieRecord* record : expired) {
    on_removed(*record);
    Remove(arena, record);
  }
  earliest_expiry_us_ = earliest;
}

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_COOKIE_BUCKET_H_
