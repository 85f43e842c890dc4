#include "cookiejar/cookie_jar.h"

#include <optional>

#include "jar/internal/jar_core.h"

namespace cookiejar {

std::string_view ChangeCauseName(CookieChangeCause cause) {
  switch (cause) {
    case CookieChangeCause::kInserted: return "inserted";
    case CookieChangeCause::kOverwrite: return "overwrite";
    case CookieChangeCause::kExpiredOverwrite: return "expired_overwrite";
    case CookieChangeCause::kExpired: return "expired";
    case CookieChangeCause::kExplicit: return "explicit";
    case CookieChangeCause::kSessionEnded: return "session_ended";
    case CookieChangeCause::kEvictedSite: return "evicted_site";
    case CookieChangeCause::kEvictedGlobal: return "evicted_global";
    case CookieChangeCause::kEvictedPartition: return "evicted_partition";
  }
  return "unknown";
}

CookieJar::CookieJar(CookieJarOptions options)
    : core_(std::make_unique<jar_internal::JarCore>(std::move(options))) {}

CookieJar::~CookieJar() = default;

namespace {

// A Url per thread for the calls that take a URL string: parsing into it
// reuses its storage, so such a call allocates nothing for the URL once the
// thread is warm. A call made from inside another (a change listener that
// sets a cookie) gets a Url of its own.
class ScratchUrl {
 public:
  ScratchUrl() : held_(!busy_) {
    if (held_) {
      busy_ = true;
      url_ = &Shared();
    } else {
      url_ = &own_.emplace();
    }
  }
  ~ScratchUrl() {
    if (held_) busy_ = false;
  }
  ScratchUrl(const ScratchUrl&) = delete;
  ScratchUrl& operator=(const ScratchUrl&) = delete;

  Url* get() { return url_; }

 private:
  static Url& Shared();
  static thread_local bool busy_;
  std::optional<Url> own_;  // Only for a nested call.
  Url* url_;
  bool held_;
};

}  // namespace

thread_local bool ScratchUrl::busy_ = false;

Url& ScratchUrl::Shared() {
  thread_local Url url;
  return url;
}

CookieInclusionStatus CookieJar::SetCookie(std::string_view url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  ScratchUrl scratch;
  if (!Url::ParseInto(url, scratch.get()).ok()) {
    return CookieInclusionStatus(CookieExclusionReason::kInvalidUrl);
  }
  return core_->SetCookie(*scratch.get(), set_cookie, options);
}

CookieInclusionStatus CookieJar::SetCookie(const Url& url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  return core_->SetCookie(url, set_cookie, options);
}

CookieInclusionStatus CookieJar::ImportCookie(const CanonicalCookie& cookie, ImportTimes times) {
  return core_->ImportCookie(cookie, times == ImportTimes::kNow);
}

absl::StatusOr<std::string> CookieJar::GetCookieHeader(std::string_view url,
                                                       const CookieOptions& options) {
  std::string header;
  absl::StatusOr<size_t> count = AppendCookieHeader(url, options, &header);
  if (!count.ok()) return count.status();
  return header;
}

std::string CookieJar::GetCookieHeader(const Url& url, const CookieOptions& options) {
  std::string header;
  core_->AppendCookieHeader(url, options, &header);
  return header;
}

size_t CookieJar::AppendCookieHeader(const Url& url, const CookieOptions& options,
                                     std::string* out) {
  return core_->AppendCookieHeader(url, options, out);
}

absl::StatusOr<size_t> CookieJar::AppendCookieHeader(std::string_view url,
                                                     const CookieOptions& options,
                                                     std::string* out) {
  ScratchUrl scratch;
  absl::Status status = Url::ParseInto(url, scratch.get());
  if (!status.ok()) return status;
  return core_->AppendCookieHeader(*scratch.get(), options, out);
}

std::vector<CanonicalCookie> CookieJar::GetCookies(const Url& url, const CookieOptions& options) {
  return core_->GetCookies(url, options);
}

std::vector<CookieJar::Explanation> CookieJar::Explain(const Url& url,
                                                       const CookieOptions& options,
                                                       ExplainScope scope) {
  return core_->Explain(url, options, scope);
}

std::vector<CanonicalCookie> CookieJar::GetAllCookies() { return core_->GetAllCookies(); }

bool CookieJar::DeleteCookie(const CanonicalCookie& cookie) { return core_->DeleteCookie(cookie); }

size_t CookieJar::DeleteAll() { return core_->DeleteAll(); }

size_t CookieJar::EndSession() { return core_->EndSession(); }

size_t CookieJar::size() { return core_->size(); }

void CookieJar::SetAccessPolicy(CookieAccessPolicy policy) {
  core_->SetAccessPolicy(std::move(policy));
}

uint64_t CookieJar::AddChangeListener(CookieChangeListener listener) {
  return core_->AddChangeListener(std::move(listener));
}

void CookieJar::RemoveChangeListener(uint64_t id) { core_->RemoveChangeListener(id); }

const CookieLimits& CookieJar::limits() const { return core_->limits(); }

const BrowserRules& CookieJar::rules() const { return core_->rules(); }

}  // namespace cookiejar
