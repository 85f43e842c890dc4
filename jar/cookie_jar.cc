#include "jar/cookie_jar.h"

#include <algorithm>
#include <utility>

#include "common/absl_view.h"
#include "jar/parsed_cookie.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;

// Cookie header order (RFC 6265bis §5.8.3 step 2).
bool HeaderOrder(const CanonicalCookie& a, const CanonicalCookie& b) {
  if (a.path.size() != b.path.size()) return a.path.size() > b.path.size();
  return a.creation < b.creation;
}

bool SameKey(const CanonicalCookie& a, const CanonicalCookie& b) {
  return a.name == b.name && a.domain == b.domain && a.host_only == b.host_only &&
         a.path == b.path;
}

// Chromium's match for "leave secure cookies alone": same name, either domain
// within the other, and the new cookie's path on the secure cookie's path.
bool ShadowsSecureCookie(const CanonicalCookie& secure_cookie, const CanonicalCookie& cookie) {
  return secure_cookie.secure && secure_cookie.name == cookie.name &&
         (DomainMatches(cookie.domain, secure_cookie.domain) ||
          DomainMatches(secure_cookie.domain, cookie.domain)) &&
         PathMatches(cookie.path, secure_cookie.path);
}

void AppendPair(const CanonicalCookie& cookie, std::string* out) {
  if (!cookie.name.empty()) {
    out->append(cookie.name);
    out->push_back('=');
  }
  out->append(cookie.value);
}

}  // namespace

CookieJar::CookieJar(CookieJarOptions options)
    : psl_(options.public_suffix_list ? options.public_suffix_list
                                      : &PublicSuffixList::Builtin()),
      clock_(options.clock ? options.clock : &Clock::System()),
      max_expiry_age_(options.max_expiry_age) {}

std::string_view CookieJar::SiteKey(std::string_view host) const {
  std::string_view site = psl_->RegistrableDomain(host);
  return site.empty() ? host : site;
}

void CookieJar::PurgeExpired(Bucket* bucket, absl::Time now) {
  auto expired = std::remove_if(bucket->begin(), bucket->end(),
                                [now](const CanonicalCookie& c) { return c.IsExpired(now); });
  count_ -= bucket->end() - expired;
  bucket->erase(expired, bucket->end());
}

void CookieJar::Insert(Bucket* bucket, CanonicalCookie cookie) {
  auto position = std::upper_bound(bucket->begin(), bucket->end(), cookie, HeaderOrder);
  bucket->insert(position, std::move(cookie));
  ++count_;
}

CookieInclusionStatus CookieJar::SetCookie(std::string_view url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  absl::StatusOr<Url> parsed_url = Url::Parse(url);
  if (!parsed_url.ok()) return CookieInclusionStatus(Reason::kInvalidUrl);
  return SetCookie(*parsed_url, set_cookie, options);
}

CookieInclusionStatus CookieJar::SetCookie(const Url& url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  ParsedCookie parsed;
  CookieInclusionStatus status = ParsedCookie::Parse(set_cookie, &parsed);
  if (!status.IsInclude()) return status;
  const absl::Time now = Now();
  CanonicalCookie cookie;
  status = CanonicalCookie::Create(parsed, url, now, options, *psl_, max_expiry_age_, &cookie);
  if (!status.IsInclude()) return status;

  std::lock_guard<std::mutex> lock(mu_);
  auto bucket_it = buckets_.find(AbslView(SiteKey(cookie.domain)));
  Bucket* bucket = bucket_it == buckets_.end() ? nullptr : &bucket_it->second;
  std::optional<absl::Time> inherited_creation;
  if (bucket != nullptr) {
    PurgeExpired(bucket, now);
    if (!url.IsPotentiallyTrustworthy()) {
      for (const CanonicalCookie& existing : *bucket) {
        if (ShadowsSecureCookie(existing, cookie)) {
          return CookieInclusionStatus(Reason::kOverwriteSecure);
        }
      }
    }
    auto same = std::find_if(bucket->begin(), bucket->end(),
                             [&](const CanonicalCookie& c) { return SameKey(c, cookie); });
    if (same != bucket->end()) {
      if (same->http_only && options.api != CookieApi::kHttp) {
        return CookieInclusionStatus(Reason::kOverwriteHttpOnly);
      }
      if (same->value == cookie.value) inherited_creation = same->creation;
      bucket->erase(same);
      --count_;
    }
  }
  if (cookie.IsExpired(now)) {
    if (bucket != nullptr && bucket->empty()) buckets_.erase(bucket_it);
    return status;
  }
  if (inherited_creation) {
    cookie.creation = *inherited_creation;
  } else {
    // Unique, increasing creation times keep the order in which cookies of
    // one response arrived.
    last_creation_ = std::max(now, last_creation_ + absl::Microseconds(1));
    cookie.creation = last_creation_;
  }
  cookie.last_access = now;
  if (bucket == nullptr) bucket = &buckets_[AbslView(SiteKey(cookie.domain))];
  Insert(bucket, std::move(cookie));
  return status;
}

absl::StatusOr<std::string> CookieJar::GetCookieHeader(std::string_view url,
                                                       const CookieOptions& options) {
  absl::StatusOr<Url> parsed_url = Url::Parse(url);
  if (!parsed_url.ok()) return parsed_url.status();
  return GetCookieHeader(*parsed_url, options);
}

std::string CookieJar::GetCookieHeader(const Url& url, const CookieOptions& options) {
  std::string header;
  AppendCookieHeader(url, options, &header);
  return header;
}

size_t CookieJar::AppendCookieHeader(const Url& url, const CookieOptions& options,
                                     std::string* out) {
  const absl::Time now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto bucket = buckets_.find(AbslView(SiteKey(url.host())));
  if (bucket == buckets_.end()) return 0;
  size_t sent = 0;
  for (CanonicalCookie& cookie : bucket->second) {
    if (!cookie.IncludeForRequest(url, now, options).IsInclude()) continue;
    if (sent++ > 0) out->append("; ");
    AppendPair(cookie, out);
    cookie.last_access = now;
  }
  return sent;
}

std::vector<CanonicalCookie> CookieJar::GetCookies(const Url& url, const CookieOptions& options) {
  const absl::Time now = Now();
  std::vector<CanonicalCookie> cookies;
  std::lock_guard<std::mutex> lock(mu_);
  auto bucket = buckets_.find(AbslView(SiteKey(url.host())));
  if (bucket == buckets_.end()) return cookies;
  for (CanonicalCookie& cookie : bucket->second) {
    if (!cookie.IncludeForRequest(url, now, options).IsInclude()) continue;
    cookie.last_access = now;
    cookies.push_back(cookie);
  }
  return cookies;
}

std::vector<CookieJar::Explanation> CookieJar::Explain(const Url& url,
                                                       const CookieOptions& options) {
  const absl::Time now = Now();
  std::vector<Explanation> sent, not_sent;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, bucket] : buckets_) {
    for (const CanonicalCookie& cookie : bucket) {
      if (cookie.IsExpired(now)) continue;
      CookieInclusionStatus status = cookie.IncludeForRequest(url, now, options);
      (status.IsInclude() ? sent : not_sent).push_back({cookie, status});
    }
  }
  const auto order = [](const Explanation& a, const Explanation& b) {
    return HeaderOrder(a.cookie, b.cookie);
  };
  std::sort(sent.begin(), sent.end(), order);
  std::sort(not_sent.begin(), not_sent.end(), [](const Explanation& a, const Explanation& b) {
    return std::tie(a.cookie.domain, a.cookie.path, a.cookie.name) <
           std::tie(b.cookie.domain, b.cookie.path, b.cookie.name);
  });
  sent.insert(sent.end(), std::make_move_iterator(not_sent.begin()),
              std::make_move_iterator(not_sent.end()));
  return sent;
}

std::vector<CanonicalCookie> CookieJar::GetAllCookies() {
  const absl::Time now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string_view> keys;
  for (const auto& entry : buckets_) keys.push_back(StdView(entry.first));
  std::sort(keys.begin(), keys.end());
  std::vector<CanonicalCookie> cookies;
  for (std::string_view key : keys) {
    for (const CanonicalCookie& cookie : buckets_.find(AbslView(key))->second) {
      if (!cookie.IsExpired(now)) cookies.push_back(cookie);
    }
  }
  return cookies;
}

bool CookieJar::DeleteCookie(const CanonicalCookie& cookie) {
  std::lock_guard<std::mutex> lock(mu_);
  auto bucket = buckets_.find(AbslView(SiteKey(cookie.domain)));
  if (bucket == buckets_.end()) return false;
  auto same = std::find_if(bucket->second.begin(), bucket->second.end(),
                           [&](const CanonicalCookie& c) { return SameKey(c, cookie); });
  if (same == bucket->second.end()) return false;
  bucket->second.erase(same);
  --count_;
  if (bucket->second.empty()) buckets_.erase(bucket);
  return true;
}

size_t CookieJar::DeleteAll() {
  std::lock_guard<std::mutex> lock(mu_);
  size_t removed = count_;
  buckets_.clear();
  count_ = 0;
  return removed;
}

size_t CookieJar::EndSession() {
  std::lock_guard<std::mutex> lock(mu_);
  size_t removed = 0;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Bucket& bucket = it->second;
    auto session = std::remove_if(bucket.begin(), bucket.end(),
                                  [](const CanonicalCookie& c) { return !c.IsPersistent(); });
    removed += bucket.end() - session;
    bucket.erase(session, bucket.end());
    if (bucket.empty()) {
      buckets_.erase(it++);
    } else {
      ++it;
    }
  }
  count_ -= removed;
  return removed;
}

size_t CookieJar::size() {
  const absl::Time now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  size_t live = 0;
  for (const auto& entry : buckets_) {
    for (const CanonicalCookie& cookie : entry.second) live += !cookie.IsExpired(now);
  }
  return live;
}

}  // namespace cookiejar
