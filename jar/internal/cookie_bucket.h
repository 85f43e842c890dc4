// The jar's storage for the cookies of one site (or of one site within one
// partition), laid out for the Cookie-header hot path:
//   - cookies are kept in header order (longer path first, then earlier
//     creation), so building a header is one filtered pass;
//   - each cookie is one heap block holding its "name=value" pair (as it
//     appears in the header) and its path, plus a fixed part with times as
//     integer microseconds and its rules folded into a few bits;
//   - domains are interned per bucket: a request matches each distinct
//     domain once, and cookies carry an index into that table.

#ifndef COOKIEJAR_JAR_INTERNAL_COOKIE_BUCKET_H_
#define COOKIEJAR_JAR_INTERNAL_COOKIE_BUCKET_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cookiejar/canonical_cookie.h"
#include "jar/internal/cookie_draft.h"

namespace cookiejar {
namespace jar_internal {

// What a cookie requires of a request; a request grants the same bits.
enum Need : uint8_t {
  kNeedTrustworthy = 1 << 0,  // Secure.
  kNeedHttpApi = 1 << 1,      // HttpOnly.
  kNeedLax = 1 << 2,          // SameSite Lax (or Lax by default) or Strict.
  kNeedStrict = 1 << 3,       // SameSite Strict.
};

inline int64_t ToMicros(absl::Time t) {
  if (t == absl::InfiniteFuture()) return INT64_MAX;
  if (t == absl::InfinitePast()) return INT64_MIN;
  return absl::ToUnixMicros(t);
}
inline absl::Time FromMicros(int64_t us) {
  if (us == INT64_MAX) return absl::InfiniteFuture();
  if (us == INT64_MIN) return absl::InfinitePast();
  return absl::FromUnixMicros(us);
}

class StoredCookie {
 public:
  StoredCookie(const CookieDraft& draft, uint32_t domain_index, int64_t creation_us,
               int64_t now_us, bool lax_by_default);
  StoredCookie(StoredCookie&& other) noexcept;
  StoredCookie& operator=(StoredCookie&& other) noexcept;

  std::string_view pair() const { return {data_.get(), pair_size_}; }
  std::string_view name() const {
    return name_size_ == kNameless ? std::string_view() : std::string_view(data_.get(), name_size_);
  }
  std::string_view value() const {
    return name_size_ == kNameless ? pair() : pair().substr(name_size_ + 1);
  }
  std::string_view path() const { return {data_.get() + pair_size_, path_size_}; }
  bool root_path() const { return path_size_ == 1; }

  int64_t expiry_us() const { return expiry_us_; }
  int64_t creation_us() const { return creation_us_; }
  int64_t last_access_us() const { return last_access_us_.load(std::memory_order_relaxed); }
  // Safe under a shared lock: racing readers store similar times.
  void set_last_access_us(int64_t us) const {
    last_access_us_.store(us, std::memory_order_relaxed);
  }

  uint32_t domain_index() const { return domain_index_; }
  uint8_t needs() const { return needs_; }
  bool host_only() const { return flags_ & kHostOnly; }
  bool secure() const { return flags_ & kSecure; }
  bool http_only() const { return flags_ & kHttpOnly; }
  bool source_secure() const { return flags_ & kSourceSecure; }
  bool lax_by_default() const { return flags_ & kLaxByDefault; }
  CookieSameSite same_site() const { return static_cast<CookieSameSite>(same_site_); }
  CookiePriority priority() const { return static_cast<CookiePriority>(priority_); }
  bool IsPersistent() const { return expiry_us_ != INT64_MAX; }
  bool IsExpired(int64_t now_us) const { return expiry_us_ <= now_us; }
  size_t name_value_bytes() const { return pair_size_ - (name_size_ == kNameless ? 0 : 1); }

 private:
  static constexpr uint32_t kNameless = UINT32_MAX;
  enum Flag : uint8_t {
    kHostOnly = 1 << 0,
    kSecure = 1 << 1,
    kHttpOnly = 1 << 2,
    kSourceSecure = 1 << 3,
    kLaxByDefault = 1 << 4,
  };

  std::unique_ptr<char[]> data_;  // pair, then path.
  int64_t expiry_us_;
  int64_t creation_us_;
  mutable std::atomic<int64_t> last_access_us_;
  uint32_t pair_size_;
  uint32_t name_size_;  // kNameless: the pair is just the value.
  uint32_t path_size_;
  uint32_t domain_index_;
  uint8_t needs_;
  uint8_t flags_;
  uint8_t same_site_;  // CookieSameSite
  uint8_t priority_;   // CookiePriority
};
static_assert(sizeof(StoredCookie) == 56, "StoredCookie stays small: it is most of the memory");

struct DomainEntry {
  std::string domain;
  bool host_only = false;
  uint32_t references = 0;  // 0: a free slot.
};

struct Bucket {
  std::vector<StoredCookie> cookies;  // Header order.
  std::vector<DomainEntry> domains;
  // Set for the bucket of one partition.
  std::unique_ptr<CookiePartitionKey> partition;

  // Index of the entry for (domain, host_only), added or referenced once more.
  uint32_t AddDomainReference(std::string_view domain, bool host_only);
  void DropDomainReference(uint32_t index);

  // Inserts in header order; returns the position.
  size_t Insert(StoredCookie cookie);
  // Removes cookie `i`, dropping its domain reference.
  void Erase(size_t i);

  // The index of the cookie with this name, domain, host-only flag and
  // path, or -1.
  ptrdiff_t Find(std::string_view name, std::string_view domain, bool host_only,
                 std::string_view path) const;

  CanonicalCookie ToCanonical(const StoredCookie& cookie) const;
};

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_COOKIE_BUCKET_H_
