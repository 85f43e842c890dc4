#include "cookiejar/canonical_cookie.h"

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "jar/internal/cookie_draft.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;

// Ends in a bracketed IPv6 or a numeric last label (IPv4): such hosts never
// domain-match anything but themselves.
bool IsIpLiteral(std::string_view host) {
  if (!host.empty() && host.back() == ']') return true;
  size_t i = host.size();
  while (i > 0 && host[i - 1] >= '0' && host[i - 1] <= '9') --i;
  return i < host.size() && (i == 0 || host[i - 1] == '.');
}

}  // namespace

bool DomainMatches(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  if (domain.empty() || host.size() <= domain.size() || IsIpLiteral(host)) return false;
  return host.compare(host.size() - domain.size(), domain.size(), domain) == 0 &&
         host[host.size() - domain.size() - 1] == '.';
}

bool PathMatches(std::string_view request_path, std::string_view cookie_path) {
  if (request_path.size() < cookie_path.size() ||
      request_path.compare(0, cookie_path.size(), cookie_path) != 0) {
    return false;
  }
  return request_path.size() == cookie_path.size() || cookie_path.back() == '/' ||
         request_path[cookie_path.size()] == '/';
}

std::string_view DefaultPath(std::string_view request_path) {
  if (request_path.empty() || request_path.front() != '/') return "/";
  size_t last_slash = request_path.rfind('/');
  if (last_slash == 0) return "/";
  return request_path.substr(0, last_slash);
}

CookieInclusionStatus CanonicalCookie::Create(const ParsedCookie& parsed, const Url& url,
                                              absl::Time now, const CookieAccessContext& context,
                                              const PublicSuffixList& public_suffix_list,
                                              absl::Duration max_expiry_age,
                                              CanonicalCookie* out) {
  jar_internal::CookieDraft draft;
  CookieInclusionStatus status = jar_internal::DraftCookie(
      jar_internal::CookieLineOf(parsed), jar_internal::SetterUrl::Of(url),
      micros::ClampFinite(micros::ToMicros(now)), context, public_suffix_list,
      micros::DurationMicros(max_expiry_age), &draft);
  if (!status.IsInclude()) return status;
  CanonicalCookie cookie;
  cookie.name = std::string(draft.name);
  cookie.value = std::string(draft.value);
  cookie.domain = std::string(draft.domain);
  cookie.path = std::string(draft.path);
  cookie.creation = cookie.last_access = now;
  cookie.expiry = micros::FromMicros(draft.expiry_us);
  cookie.host_only = draft.host_only;
  cookie.secure = draft.secure;
  cookie.http_only = draft.http_only;
  cookie.same_site = draft.same_site;
  cookie.priority = draft.priority;
  cookie.source_scheme = draft.source_scheme;
  if (draft.partitioned) cookie.partition_key = *context.partition_key;
  *out = std::move(cookie);
  return status;
}

CookieInclusionStatus CanonicalCookie::IncludeForRequest(
    const Url& url, absl::Time now, const CookieAccessContext& context) const {
  CookieInclusionStatus status;
  if (host_only ? url.host() != domain : !DomainMatches(url.host(), domain)) {
    status.Add(Reason::kDomainMismatch);
  }
  if (!PathMatches(url.path(), path)) status.Add(Reason::kNotOnPath);
  if (secure && !url.IsPotentiallyTrustworthy()) status.Add(Reason::kSecureOnly);
  if (http_only && context.api != CookieApi::kHttp) status.Add(Reason::kHttpOnly);
  if (IsExpired(now)) status.Add(Reason::kExpired);
  if (partition_key &&
      (context.partition_key == nullptr || *partition_key != *context.partition_key)) {
    status.Add(Reason::kPartitionMismatch);
  }
  const SameSitePolicy& policy = context.same_site_policy;
  switch (EffectiveSameSite(policy)) {
    case CookieSameSite::kStrict:
      if (context.same_site != SameSiteContext::kStrict) status.Add(Reason::kSameSiteStrict);
      break;
    case CookieSameSite::kLax:
      if (context.same_site < SameSiteContext::kLax) {
        const bool unspecified = same_site == CookieSameSite::kUnspecified;
        const bool lax_allowing_unsafe =
            unspecified && policy.lax_allowing_unsafe &&
            context.same_site == SameSiteContext::kLaxMethodUnsafe &&
            now - creation <= policy.lax_allowing_unsafe_max_age;
        if (!lax_allowing_unsafe) {
          status.Add(unspecified ? Reason::kSameSiteUnspecifiedTreatedAsLax
                                 : Reason::kSameSiteLax);
        }
      }
      break;
    default:
      break;
  }
  return status;
}

CookieSameSite CanonicalCookie::EffectiveSameSite(const SameSitePolicy& policy) const {
  if (same_site != CookieSameSite::kUnspecified) return same_site;
  return policy.lax_by_default ? CookieSameSite::kLax : CookieSameSite::kNoRestriction;
}

bool CanonicalCookie::HasSameKey(const CanonicalCookie& other) const {
  return name == other.name && domain == other.domain && host_only == other.host_only &&
         path == other.path && partition_key == other.partition_key;
}

std::string CanonicalCookie::DebugString() const {
  std::string text = absl::StrCat(name, "=", value, "; Domain=", host_only ? "" : ".",
                                  domain, "; Path=", path);
  if (IsPersistent()) {
    absl::StrAppend(&text, "; Expires=",
                    absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", expiry, absl::UTCTimeZone()));
  }
  if (secure) text += "; Secure";
  if (http_only) text += "; HttpOnly";
  if (same_site != CookieSameSite::kUnspecified) {
    absl::StrAppend(&text, "; SameSite=", AbslView(SameSiteName(same_site)));
  }
  if (priority != CookiePriority::kMedium) {
    absl::StrAppend(&text, "; Priority=", AbslView(PriorityName(priority)));
  }
  if (partition_key) absl::StrAppend(&text, "; Partitioned=", partition_key->ToString());
  return text;
}

}  // namespace cookiejar
