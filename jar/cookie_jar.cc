#include "cookiejar/cookie_jar.h"

#include <optional>

#include "jar/internal/jar_core.h"
#include "jar/internal/request_decisions.h"
#include "jar/internal/url_parser.h"

namespace cookiejar {

using jar_internal::RequestDecisions;
using jar_internal::UrlParser;

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

absl::StatusOr<ResolvedRequest> CookieJar::Resolve(const CookieRequest& request) const {
  return jar_internal::ResolvedRequestAccess::Resolve(request, core_->site_rules());
}

CookieInclusionStatus CookieJar::SetCookie(std::string_view url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  ScratchUrl scratch;
  // As for a lookup: a URL canonical as written is read where it is.
  jar_internal::CommonUrl parts;
  if (UrlParser::ParseCommon(url, &parts)) {
    RequestDecisions request(core_->site_rules(), parts, scratch.get(), options);
    return core_->SetCookie(request, set_cookie, options.server_date);
  }
  if (!UrlParser::ParseGeneral(url, scratch.get()).ok()) {
    return CookieInclusionStatus(CookieExclusionReason::kInvalidUrl);
  }
  return SetCookie(*scratch.get(), set_cookie, options);
}

CookieInclusionStatus CookieJar::SetCookie(const Url& url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  RequestDecisions request(core_->site_rules(), url, options);
  return core_->SetCookie(request, set_cookie, options.server_date);
}

CookieInclusionStatus CookieJar::SetCookie(const ResolvedRequest& request,
                                           std::string_view set_cookie,
                                           std::string_view server_date) {
  RequestDecisions decisions(core_->site_rules(), request);
  return core_->SetCookie(decisions, set_cookie, server_date);
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
  AppendCookieHeader(url, options, &header);
  return header;
}

std::string CookieJar::GetCookieHeader(const ResolvedRequest& request) {
  std::string header;
  AppendCookieHeader(request, &header);
  return header;
}

size_t CookieJar::AppendCookieHeader(const Url& url, const CookieOptions& options,
                                     std::string* out) {
  RequestDecisions request(core_->site_rules(), url, options);
  return core_->AppendCookieHeader(request, out);
}

size_t CookieJar::AppendCookieHeader(const ResolvedRequest& request, std::string* out) {
  RequestDecisions decisions(core_->site_rules(), request);
  return core_->AppendCookieHeader(decisions, out);
}

absl::StatusOr<size_t> CookieJar::AppendCookieHeader(std::string_view url,
                                                     const CookieOptions& options,
                                                     std::string* out) {
  ScratchUrl scratch;
  // A URL canonical as written is looked up where it is, without copying its
  // host and path into the scratch Url.
  jar_internal::CommonUrl parts;
  if (UrlParser::ParseCommon(url, &parts)) {
    RequestDecisions request(core_->site_rules(), parts, scratch.get(), options);
    return core_->AppendCookieHeader(request, out);
  }
  absl::Status status = UrlParser::ParseGeneral(url, scratch.get());
  if (!status.ok()) return status;
  RequestDecisions request(core_->site_rules(), *scratch.get(), options);
  return core_->AppendCookieHeader(request, out);
}

std::vector<CanonicalCookie> CookieJar::GetCookies(const Url& url, const CookieOptions& options) {
  RequestDecisions request(core_->site_rules(), url, options);
  return core_->GetCookies(request);
}

std::vector<CanonicalCookie> CookieJar::GetCookies(const ResolvedRequest& request) {
  RequestDecisions decisions(core_->site_rules(), request);
  return core_->GetCookies(decisions);
}

std::vector<CookieJar::Explanation> CookieJar::Explain(const Url& url,
                                                       const CookieOptions& options,
                                                       ExplainScope scope) {
  RequestDecisions request(core_->site_rules(), url, options);
  return core_->Explain(request, scope);
}

std::vector<CookieJar::Explanation> CookieJar::Explain(const ResolvedRequest& request,
                                                       ExplainScope scope) {
  RequestDecisions decisions(core_->site_rules(), request);
  return core_->Explain(decisions, scope);
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
