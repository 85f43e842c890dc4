#include "cookiejar/cookie_jar.h"

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

CookieInclusionStatus CookieJar::SetCookie(std::string_view url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  absl::StatusOr<Url> parsed_url = Url::Parse(url);
  if (!parsed_url.ok()) return CookieInclusionStatus(CookieExclusionReason::kInvalidUrl);
  return core_->SetCookie(*parsed_url, set_cookie, options);
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
  absl::StatusOr<Url> parsed_url = Url::Parse(url);
  if (!parsed_url.ok()) return parsed_url.status();
  return GetCookieHeader(*parsed_url, options);
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

const BrowserProfile& CookieJar::profile() const { return core_->profile(); }

}  // namespace cookiejar
