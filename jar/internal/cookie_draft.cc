#include "jar/internal/cookie_draft.h"

#include <cstdint>
#include <cstring>
#include <limits>

#include "absl/base/attributes.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "cookiejar/canonical_host.h"
#include "cookiejar/cookie_date.h"
#include "jar/internal/cookie_line.h"
#include "jar/internal/site_cache.h"
#include "jar/internal/url_parser.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;
using jar_internal::CookieLine;

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return absl::StartsWithIgnoreCase(AbslView(text), AbslView(prefix));
}

// The value of 4 to 8 ASCII digits, nullopt if any byte is not one. Most
// Max-Age values ("3600", "31536000") have that many, and a word-wide
// conversion costs a fraction of a loop over them: the digits go to the top
// of a word, '0's fill its bottom, and three multiplies add up pairs, then
// fours, then the two halves.
std::optional<uint32_t> ParseFourToEightDigits(std::string_view text) {
  const size_t n = text.size();
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t head, tail;
  std::memcpy(&head, text.data(), 4);
  std::memcpy(&tail, text.data() + n - 4, 4);
  // Two loads that overlap when n < 8 put the same bytes in the same places.
  uint64_t word = head | uint64_t{tail} << (8 * (n - 4));
  constexpr uint64_t kZeros = 0x3030303030303030ull;
  word = word << (8 * (8 - n)) | (kZeros & ~(~uint64_t{0} << (8 * (8 - n))));
  constexpr uint64_t kHighNibbles = 0xf0f0f0f0f0f0f0f0ull;
  // Each byte in '0'..'9' has high nibble 3, and so has it after adding 6.
  if (((word & kHighNibbles) | ((word + 0x0606060606060606ull) & kHighNibbles) >> 4) !=
      0x3333333333333333ull) {
    return std::nullopt;
  }
  word -= kZeros;
  word = word * 10 + (word >> 8);
  word = ((word & 0x000000ff000000ffull) * (100 + (1000000ull << 32)) +
          ((word >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32))) >>
         32;
  return static_cast<uint32_t>(word);
#else
  uint32_t value = 0;
  for (size_t i = 0; i < n; ++i) {
    const unsigned digit = static_cast<unsigned char>(text[i]) - unsigned{'0'};
    if (digit > 9) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
#endif
}

// Max-Age as the browser reads it. Chromium: an optional sign and at least
// one digit, nothing else. Firefox: a leading '-' expires the cookie
// whatever follows; otherwise digits only. Out-of-range values saturate.
std::optional<int64_t> ParseMaxAge(std::string_view text, CookieDateSyntax syntax) {
  if (syntax == CookieDateSyntax::kFirefox) {
    if (!text.empty() && text[0] == '-') return std::numeric_limits<int64_t>::min();
    if (!text.empty() && text[0] == '+') return std::nullopt;
  }
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  if (text.size() >= 4 && text.size() <= 8) {
    std::optional<uint32_t> value = ParseFourToEightDigits(text);
    if (!value) return std::nullopt;
    return negative ? -int64_t{*value} : int64_t{*value};
  }
  int64_t value = 0;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  // Eighteen digits cannot overflow: only longer values need the check.
  constexpr size_t kSafeDigits = 18;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned digit = static_cast<unsigned char>(text[i]) - unsigned{'0'};
    if (digit > 9) return std::nullopt;
    if (i < kSafeDigits) {
      value = value * 10 + digit;
    } else {
      value = value > (kMax - static_cast<int64_t>(digit)) / 10 ? kMax : value * 10 + digit;
    }
  }
  return negative ? -value : value;
}

// A Domain attribute (without its leading dot, not empty) that is not a
// short lowercase name as it stands, as the cookie's domain in `*domain`:
// false where it is refused. Out of line: few attributes come here, and
// DraftCookie keeps its registers for the others.
ABSL_ATTRIBUTE_NOINLINE bool CanonicalizeDomain(std::string_view attribute,
                                                bool allow_unicode_domain,
                                                jar_internal::CookieDraft* draft,
                                                std::string_view* domain) {
  // Chromium refuses escapes rather than guess what they mean in a Domain.
  if (attribute.find('%') != std::string_view::npos) return false;
  if (!allow_unicode_domain) {
    for (char c : attribute) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
  }
  if (IsSimpleCanonicalDomain(attribute)) return true;
  absl::StatusOr<CanonicalHost> canonical = CanonicalizeHost(attribute);
  if (!canonical.ok()) return false;
  *domain = draft->domain_storage.emplace(std::move(canonical->name));
  return true;
}

// Decides the cookie's domain, host-only flag and site key.
CookieInclusionStatus DecideDomain(const CookieLine& parsed, const jar_internal::SetterUrl& url,
                                   const PublicSuffixList& psl, bool allow_unicode_domain,
                                   jar_internal::CookieDraft* draft) {
  const std::string_view host = url.host;
  draft->host_only = true;
  draft->domain = host;
  std::string_view attribute = parsed.domain_or_empty();
  if (attribute.empty()) {
    if (url.host_kind == HostKind::kDomain) {
      const jar_internal::HostSite site = jar_internal::LookupSite(psl, host);
      draft->site = site.key;
      draft->site_hash = site.key_hash;
    } else {
      draft->site = host;
    }
    return {};
  }

  if (attribute.front() == '.') attribute.remove_prefix(1);
  if (attribute.empty()) return CookieInclusionStatus(Reason::kInvalidDomain);
  std::string_view domain = attribute;
  // Most Domain attributes are short lowercase names, which the URL
  // parser's block scan judges in a fraction of the byte loop's cost. Such
  // a name has neither '%' nor a byte outside ASCII: only the others are
  // searched for them (a call to memchr).
  const char* const attribute_end = attribute.data() + attribute.size();
  if (jar_internal::url_parser_internal::CanonicalHostSize(attribute.data(), attribute_end,
                                                          attribute.data()) !=
          attribute.size() &&
      !CanonicalizeDomain(attribute, allow_unicode_domain, draft, &domain)) {
    return CookieInclusionStatus(Reason::kInvalidDomain);
  }

  if (url.host_kind != HostKind::kDomain) {
    // An IP address host: only the address itself as the URL has it (not
    // "127.1", "127.0.0.01" or a trailing dot, which browsers refuse),
    // giving a host-only cookie.
    if (!absl::EqualsIgnoreCase(AbslView(attribute), AbslView(host))) {
      return CookieInclusionStatus(Reason::kDomainMismatch);
    }
    draft->site = host;
    return {};
  }
  if (!DomainMatches(host, domain)) return CookieInclusionStatus(Reason::kDomainMismatch);
  // The attribute may name the host or a parent of it down to the host's
  // registrable domain, as Chromium and Firefox allow: a name above that is
  // another site, even when it is not itself a public suffix (a host under
  // the private suffix s3.amazonaws.com may not set cookies for
  // amazonaws.com). Each name in that range has the host's registrable
  // domain (every suffix rule matching it matches the host, and the one
  // deciding the host's matches it), so the host's cache entry, which the
  // jar started loading before the parse, answers for it.
  const jar_internal::HostSite host_site = jar_internal::LookupSite(psl, host);
  const std::string_view site = host_site.registrable;
  if (site.empty() || domain.size() < site.size()) {
    // A host with no registrable domain (a public suffix, or a name like
    // "localhost") may only name itself, and the cookie stays host-only.
    if (domain == host) {
      draft->site = host;
      return {};
    }
    return CookieInclusionStatus(jar_internal::LookupSite(psl, domain).registrable.empty()
                                     ? Reason::kDomainIsPublicSuffix
                                     : Reason::kDomainMismatch);
  }
  draft->host_only = false;
  draft->domain = domain;
  draft->site = site;
  draft->site_hash = host_site.key_hash;
  return {};
}

bool HasPrefix(std::string_view name, std::string_view prefix) {
  return StartsWithIgnoreCase(name, prefix);
}

// The prefix rules (RFC 6265bis §4.1.3 and the __Http- drafts) for a cookie
// whose Secure flag counts only from a trustworthy origin (`secure_ok`) and
// whose Domain attribute, if any, was acceptable for __Host- (`domain_ok`).
// `host_path` is the path __Host- checks: the Path attribute as given ("" for
// none) where the rules want it explicit, else the cookie's path.
bool PrefixRulesHold(std::string_view name, std::string_view value, bool secure_ok,
                     bool host_only, bool http_only, std::string_view host_path, bool domain_ok,
                     const CookiePrefixRules& rules) {
  // Every prefix starts with "__"; most cookies can stop here.
  const std::string_view checked = name.empty() ? value : name;
  if (checked.size() < 2 || checked[0] != '_' || checked[1] != '_') return true;
  if (name.empty()) {
    // A nameless cookie would serialize as "__Host-x=..." and impersonate one.
    for (std::string_view prefix : {"__Secure-", "__Host-", "__Http-", "__Host-Http-"}) {
      if (HasPrefix(value, prefix)) return false;
    }
    return true;
  }
  if (HasPrefix(name, "__Secure-") && !secure_ok) return false;
  if (HasPrefix(name, "__Host-") &&
      (!secure_ok || !host_only || !domain_ok || host_path != "/")) {
    return false;
  }
  if ((HasPrefix(name, "__Http-") || HasPrefix(name, "__Host-Http-")) &&
      (!secure_ok || !http_only)) {
    return false;
  }
  return true;
}

bool PrefixesHold(const CookieLine& parsed, const jar_internal::CookieDraft& cookie,
                  const jar_internal::SetterUrl& url, const CookiePrefixRules& rules) {
  // Every prefix starts with "__": most cookies are done here, without the
  // call.
  const std::string_view checked = cookie.name.empty() ? cookie.value : cookie.name;
  if (checked.size() < 2 || checked[0] != '_' || checked[1] != '_') return true;
  const std::string_view host_path =
      rules.host_needs_path_attribute ? parsed.path_or_empty() : cookie.path;
  return PrefixRulesHold(cookie.name, cookie.value,
                         cookie.secure && url.trustworthy, cookie.host_only,
                         cookie.http_only, host_path,
                         parsed.domain_or_empty().empty() || url.host_kind != HostKind::kDomain,
                         rules);
}

}  // namespace

namespace jar_internal {

CookieInclusionStatus DraftCookie(const CookieLine& parsed, const SetterUrl& url,
                                  int64_t now_us, const CookieAccessContext& context,
                                  const PublicSuffixList& public_suffix_list,
                                  int64_t max_expiry_us, CookieDraft* out) {
  CookieDraft& cookie = *out;
  const CookieSyntaxRules& syntax = context.syntax;
  CookieInclusionStatus status =
      DecideDomain(parsed, url, public_suffix_list, syntax.allow_unicode_domain, &cookie);
  cookie.name = parsed.name;
  cookie.value = parsed.value;
  if (const std::string_view path = parsed.path_or_empty(); !path.empty() && path.front() == '/') {
    cookie.path = path;
  } else {
    cookie.path = DefaultPath(url.path);
  }

  std::optional<int64_t> max_age;
  if (parsed.has(CookieLine::kMaxAge)) max_age = ParseMaxAge(parsed.max_age, syntax.dates);
  // A far expiry saturates to the latest finite instant: it stays a
  // persistent cookie, whatever the cap (none, with CookieLimits::Unlimited).
  const int64_t latest_us = micros::ClampFinite(micros::SatAdd(now_us, max_expiry_us));
  if (max_age) {
    cookie.expiry_us =
        *max_age <= 0
            ? micros::kAlwaysUs
            : std::min(micros::ClampFinite(micros::SatAdd(now_us, micros::SatMul(*max_age, 1000000))),
                       latest_us);
  } else if (parsed.has(CookieLine::kExpires)) {
    if (std::optional<absl::Time> date = ParseCookieDate(parsed.expires, syntax.dates)) {
      if (!context.server_date.empty()) {
        if (std::optional<absl::Time> server_now = ParseHttpDate(context.server_date)) {
          // absl::Time saturates at its infinities: a date far out stays so.
          *date += micros::FromMicros(now_us) - *server_now;
        }
      }
      cookie.expiry_us = std::min(micros::ToMicros(*date), latest_us);
    }
  }

  cookie.secure = parsed.has(CookieLine::kSecure);
  cookie.http_only = parsed.has(CookieLine::kHttpOnly);
  cookie.same_site = parsed.same_site_value;
  cookie.priority = parsed.priority_value;
  cookie.source_scheme =
      url.cryptographic ? CookieSourceScheme::kSecure : CookieSourceScheme::kNonSecure;

  if (cookie.secure && !url.trustworthy) status.Add(Reason::kSecureOnly);
  if (cookie.http_only && context.api != CookieApi::kHttp) status.Add(Reason::kHttpOnly);
  if (!PrefixesHold(parsed, cookie, url, context.prefixes)) status.Add(Reason::kInvalidPrefix);

  const SameSitePolicy& policy = context.same_site_policy;
  if (cookie.same_site == CookieSameSite::kNoRestriction && !cookie.secure &&
      policy.none_requires_secure) {
    status.Add(Reason::kSameSiteNoneInsecure);
  }
  // RFC 6265bis §5.7 step 17: only same-site requests and top-level
  // navigations may set cookies that are not SameSite=None.
  if (context.same_site == SameSiteContext::kCrossSite) {
    const CookieSameSite effective =
        cookie.same_site != CookieSameSite::kUnspecified ? cookie.same_site
        : policy.lax_by_default                         ? CookieSameSite::kLax
                                                         : CookieSameSite::kNoRestriction;
    switch (effective) {
      case CookieSameSite::kStrict: status.Add(Reason::kSameSiteStrict); break;
      case CookieSameSite::kLax:
        status.Add(cookie.same_site == CookieSameSite::kUnspecified
                       ? Reason::kSameSiteUnspecifiedTreatedAsLax
                       : Reason::kSameSiteLax);
        break;
      default: break;
    }
  }
  // A Partitioned attribute needs Secure, even where every cookie would be
  // partitioned anyway (recorded in Firefox: embedded-00263).
  const bool partitioned = parsed.has(CookieLine::kPartitioned);
  if (partitioned && !cookie.secure) status.Add(Reason::kInvalidPartitioned);
  if (partitioned || context.partition_everything) {
    cookie.partitioned = context.partition_key != nullptr;
  }
  return status;
}

CookieInclusionStatus DraftFromCanonical(const CanonicalCookie& cookie,
                                         const PublicSuffixList& psl,
                                         const CookieSyntaxRules& syntax,
                                         const CookiePrefixRules& prefixes,
                                         size_t max_name_value_bytes, CookieDraft* out) {
  CookieDraft& draft = *out;
  CookieInclusionStatus pair =
      CheckNameAndValue(cookie.name, cookie.value, syntax, max_name_value_bytes);
  if (!pair.IsInclude()) return pair;
  // A path as a Set-Cookie line could give it: an attribute of at most 1024
  // bytes starting with '/' (a default path is a URL's, also without
  // control characters or ';'). An empty path means the root.
  if (!cookie.path.empty() &&
      (cookie.path.front() != '/' || cookie.path.size() > kMaxAttributeValueBytes ||
       HasCookieControlCharacter(cookie.path) || cookie.path.find(';') != std::string::npos)) {
    return CookieInclusionStatus(Reason::kInvalidPath);
  }
  std::string_view domain = cookie.domain;
  if (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
  if (domain.empty() || domain.find('%') != std::string_view::npos) {
    return CookieInclusionStatus(Reason::kInvalidDomain);
  }
  absl::StatusOr<CanonicalHost> host = CanonicalizeHost(domain);
  if (!host.ok()) return CookieInclusionStatus(Reason::kInvalidDomain);
  draft.domain = draft.domain_storage.emplace(std::move(host->name));
  draft.host_only = cookie.host_only;
  if (host->is_ip()) {
    if (!cookie.host_only) return CookieInclusionStatus(Reason::kDomainMismatch);
    draft.site = draft.domain;
  } else {
    std::string_view site = psl.RegistrableDomain(draft.domain);
    if (site.empty()) {
      if (!cookie.host_only) return CookieInclusionStatus(Reason::kDomainIsPublicSuffix);
      site = draft.domain;
    }
    draft.site = site;
  }
  draft.name = cookie.name;
  draft.value = cookie.value;
  draft.path = cookie.path.empty() ? std::string_view("/") : std::string_view(cookie.path);
  draft.expiry_us = micros::ToMicros(cookie.expiry);
  draft.secure = cookie.secure;
  draft.http_only = cookie.http_only;
  draft.same_site = cookie.same_site;
  draft.priority = cookie.priority;
  draft.source_scheme = cookie.source_scheme;
  draft.partitioned = cookie.partition_key.has_value();
  if (!PrefixRulesHold(draft.name, draft.value, draft.secure, draft.host_only, draft.http_only,
                       draft.path, /*domain_ok=*/true, prefixes)) {
    return CookieInclusionStatus(Reason::kInvalidPrefix);
  }
  if (draft.partitioned && !draft.secure) return CookieInclusionStatus(Reason::kInvalidPartitioned);
  return {};
}

}  // namespace jar_internal
}  // namespace cookiejar
