#include "jar/internal/cookie_bucket.h"

#include <algorithm>
#include <cstring>

namespace cookiejar {
namespace jar_internal {

StoredCookie::StoredCookie(const CookieDraft& draft, uint32_t domain_index,
                           int64_t creation_us, int64_t now_us, bool lax_by_default)
    : expiry_us_(ToMicros(draft.expiry)),
      creation_us_(creation_us),
      last_access_us_(now_us),
      domain_index_(domain_index),
      needs_(0),
      flags_(0),
      same_site_(static_cast<uint8_t>(draft.same_site)),
      priority_(static_cast<uint8_t>(draft.priority)) {
  const bool nameless = draft.name.empty();
  pair_size_ = static_cast<uint32_t>(nameless ? draft.value.size()
                                              : draft.name.size() + 1 + draft.value.size());
  name_size_ = nameless ? kNameless : static_cast<uint32_t>(draft.name.size());
  path_size_ = static_cast<uint32_t>(draft.path.size());
  data_.reset(new char[pair_size_ + path_size_]);
  char* out = data_.get();
  if (!nameless) {
    std::memcpy(out, draft.name.data(), draft.name.size());
    out += draft.name.size();
    *out++ = '=';
  }
  std::memcpy(out, draft.value.data(), draft.value.size());
  out += draft.value.size();
  std::memcpy(out, draft.path.data(), draft.path.size());

  if (draft.host_only) flags_ |= kHostOnly;
  if (draft.secure) flags_ |= kSecure, needs_ |= kNeedTrustworthy;
  if (draft.http_only) flags_ |= kHttpOnly, needs_ |= kNeedHttpApi;
  if (draft.source_scheme == CookieSourceScheme::kSecure) flags_ |= kSourceSecure;
  switch (draft.same_site) {
    case CookieSameSite::kStrict: needs_ |= kNeedStrict | kNeedLax; break;
    case CookieSameSite::kLax: needs_ |= kNeedLax; break;
    case CookieSameSite::kNoRestriction: break;
    case CookieSameSite::kUnspecified:
      if (lax_by_default) {
        needs_ |= kNeedLax;
        flags_ |= kLaxByDefault;
      }
      break;
  }
}

StoredCookie::StoredCookie(StoredCookie&& other) noexcept
    : data_(std::move(other.data_)),
      expiry_us_(other.expiry_us_),
      creation_us_(other.creation_us_),
      last_access_us_(other.last_access_us()),
      pair_size_(other.pair_size_),
      name_size_(other.name_size_),
      path_size_(other.path_size_),
      domain_index_(other.domain_index_),
      needs_(other.needs_),
      flags_(other.flags_),
      same_site_(other.same_site_),
      priority_(other.priority_) {}

StoredCookie& StoredCookie::operator=(StoredCookie&& other) noexcept {
  data_ = std::move(other.data_);
  expiry_us_ = other.expiry_us_;
  creation_us_ = other.creation_us_;
  last_access_us_.store(other.last_access_us(), std::memory_order_relaxed);
  pair_size_ = other.pair_size_;
  name_size_ = other.name_size_;
  path_size_ = other.path_size_;
  domain_index_ = other.domain_index_;
  needs_ = other.needs_;
  flags_ = other.flags_;
  same_site_ = other.same_site_;
  priority_ = other.priority_;
  return *this;
}

uint32_t Bucket::AddDomainReference(std::string_view domain, bool host_only) {
  ptrdiff_t free_slot = -1;
  for (size_t i = 0; i < domains.size(); ++i) {
    DomainEntry& entry = domains[i];
    if (entry.references == 0) {
      if (free_slot < 0) free_slot = static_cast<ptrdiff_t>(i);
      continue;
    }
    if (entry.host_only == host_only && entry.domain == domain) {
      ++entry.references;
      return static_cast<uint32_t>(i);
    }
  }
  if (free_slot < 0) {
    free_slot = static_cast<ptrdiff_t>(domains.size());
    if (domains.size() == domains.capacity()) domains.reserve(domains.size() + 1);
    domains.emplace_back();
  }
  DomainEntry& entry = domains[free_slot];
  entry.domain.assign(domain.data(), domain.size());
  entry.host_only = host_only;
  entry.references = 1;
  return static_cast<uint32_t>(free_slot);
}

void Bucket::DropDomainReference(uint32_t index) {
  DomainEntry& entry = domains[index];
  if (--entry.references == 0) {
    entry.domain.clear();
    entry.domain.shrink_to_fit();
  }
  while (!domains.empty() && domains.back().references == 0) domains.pop_back();
}

size_t Bucket::Insert(StoredCookie cookie) {
  auto position = std::upper_bound(
      cookies.begin(), cookies.end(), cookie, [](const StoredCookie& a, const StoredCookie& b) {
        if (a.path().size() != b.path().size()) return a.path().size() > b.path().size();
        return a.creation_us() < b.creation_us();
      });
  const size_t index = position - cookies.begin();
  // Most sites have a handful of cookies: grow by half rather than double,
  // so that a bucket wastes little room.
  if (cookies.size() == cookies.capacity()) {
    std::vector<StoredCookie> grown;
    grown.reserve(cookies.size() + std::max<size_t>(1, cookies.size() / 2));
    for (StoredCookie& c : cookies) grown.push_back(std::move(c));
    cookies.swap(grown);
  }
  cookies.insert(cookies.begin() + index, std::move(cookie));
  return index;
}

void Bucket::Erase(size_t i) {
  DropDomainReference(cookies[i].domain_index());
  cookies.erase(cookies.begin() + i);
}

ptrdiff_t Bucket::Find(std::string_view name, std::string_view domain, bool host_only,
                       std::string_view path) const {
  for (size_t i = 0; i < cookies.size(); ++i) {
    const StoredCookie& c = cookies[i];
    if (c.host_only() == host_only && c.name() == name && c.path() == path &&
        domains[c.domain_index()].domain == domain) {
      return static_cast<ptrdiff_t>(i);
    }
  }
  return -1;
}

CanonicalCookie Bucket::ToCanonical(const StoredCookie& c) const {
  CanonicalCookie cookie;
  cookie.name = std::string(c.name());
  cookie.value = std::string(c.value());
  cookie.domain = domains[c.domain_index()].domain;
  cookie.path = std::string(c.path());
  cookie.creation = FromMicros(c.creation_us());
  cookie.expiry = FromMicros(c.expiry_us());
  cookie.last_access = FromMicros(c.last_access_us());
  cookie.host_only = c.host_only();
  cookie.secure = c.secure();
  cookie.http_only = c.http_only();
  cookie.same_site = c.same_site();
  cookie.priority = c.priority();
  cookie.source_scheme =
      c.source_secure() ? CookieSourceScheme::kSecure : CookieSourceScheme::kNonSecure;
  if (partition) cookie.partition_key = *partition;
  return cookie;
}

}  // namespace jar_internal
}  // namespace cookiejar
