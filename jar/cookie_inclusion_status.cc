#include "cookiejar/cookie_inclusion_status.h"

namespace cookiejar {
namespace {

struct ReasonText {
  std::string_view name;
  std::string_view description;
};

// Indexed by CookieExclusionReason.
constexpr ReasonText kReasons[] = {
    {"invalid_url", "the URL is not an absolute http, https, ws or wss URL"},
    {"control_character", "the Set-Cookie line contains a control character"},
    {"no_cookie_content", "the cookie has neither a name nor a value"},
    {"name_value_too_long", "name and value together exceed 4096 bytes"},
    {"invalid_domain", "the Domain attribute is not a valid host name"},
    {"domain_mismatch", "the host does not match the cookie's domain"},
    {"domain_is_public_suffix", "the Domain attribute is a public suffix"},
    {"secure_only", "the cookie is Secure and the origin is not secure"},
    {"http_only", "the cookie is HttpOnly and the API is not HTTP"},
    {"invalid_prefix", "the cookie breaks the rules of its name prefix"},
    {"overwrite_secure", "an insecure origin may not overwrite a Secure cookie"},
    {"overwrite_http_only", "scripts may not overwrite an HttpOnly cookie"},
    {"not_on_path", "the URL's path is not on the cookie's path"},
    {"expired", "the cookie has expired"},
    {"samesite_none_insecure", "SameSite=None requires Secure"},
    {"samesite_strict", "a SameSite=Strict cookie and the request is not same-site"},
    {"samesite_lax", "a SameSite=Lax cookie and the request is cross-site"},
    {"samesite_unspecified_treated_as_lax",
     "a cookie without SameSite (treated as Lax) and the request is cross-site"},
    {"invalid_partitioned", "a Partitioned cookie must be Secure"},
    {"partition_mismatch", "the cookie belongs to another partition"},
    {"user_preferences", "the jar's cookie policy blocks this request"},
    {"site_cookie_limit", "the site is full and no cookie may make room for this one"},
    {"invalid_name_or_value",
     "the name or value has leading or trailing whitespace, a ';', or an '=' in the name"},
    {"invalid_path",
     "the path does not start with '/', exceeds 1024 bytes, or has a control character or ';'"},
    {"empty_name", "the cookie has no name, which this browser refuses"},
};
static_assert(sizeof(kReasons) / sizeof(kReasons[0]) ==
                  static_cast<size_t>(CookieExclusionReason::kNumReasons),
              "one text per reason");

}  // namespace

std::string_view ExclusionReasonName(CookieExclusionReason reason) {
  return kReasons[static_cast<size_t>(reason)].name;
}

std::string_view ExclusionReasonDescription(CookieExclusionReason reason) {
  return kReasons[static_cast<size_t>(reason)].description;
}

std::string CookieInclusionStatus::ToString() const {
  if (IsInclude()) return "include";
  std::string text;
  for (int i = 0; i < static_cast<int>(CookieExclusionReason::kNumReasons); ++i) {
    const auto reason = static_cast<CookieExclusionReason>(i);
    if (!Has(reason)) continue;
    if (!text.empty()) text += ", ";
    text += ExclusionReasonName(reason);
  }
  return text;
}

}  // namespace cookiejar
