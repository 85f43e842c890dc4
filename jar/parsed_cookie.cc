#include "jar/parsed_cookie.h"

namespace cookiejar {
namespace {

bool IsControl(unsigned char c) { return (c <= 0x1f && c != '\t') || c == 0x7f; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ASCII case-insensitive equality with a lowercase literal.
bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (static_cast<unsigned>(c - 'A') < 26u) c += 32;
    if (c != static_cast<unsigned char>(lower[i])) return false;
  }
  return true;
}

}  // namespace

CookieInclusionStatus ParsedCookie::Parse(std::string_view line, ParsedCookie* out,
                                          size_t max_name_value_bytes) {
  *out = ParsedCookie();
  for (char c : line) {
    if (IsControl(static_cast<unsigned char>(c))) {
      return CookieInclusionStatus(CookieExclusionReason::kControlCharacter);
    }
  }
  size_t semicolon = line.find(';');
  std::string_view pair = line.substr(0, semicolon);
  size_t equals = pair.find('=');
  if (equals == std::string_view::npos) {
    out->value = Trim(pair);
  } else {
    out->name = Trim(pair.substr(0, equals));
    out->value = Trim(pair.substr(equals + 1));
  }
  if (out->name.empty() && out->value.empty()) {
    return CookieInclusionStatus(CookieExclusionReason::kNoCookieContent);
  }
  if (out->name.size() + out->value.size() > max_name_value_bytes) {
    return CookieInclusionStatus(CookieExclusionReason::kNameValueTooLong);
  }

  while (semicolon != std::string_view::npos) {
    size_t start = semicolon + 1;
    semicolon = line.find(';', start);
    std::string_view av = line.substr(
        start, semicolon == std::string_view::npos ? std::string_view::npos : semicolon - start);
    size_t av_equals = av.find('=');
    std::string_view attribute = Trim(av.substr(0, av_equals));
    std::string_view value =
        av_equals == std::string_view::npos ? std::string_view() : Trim(av.substr(av_equals + 1));
    if (attribute.empty() || value.size() > kMaxAttributeValueBytes) continue;
    switch (attribute.size()) {
      case 4:
        if (EqualsLower(attribute, "path")) out->path = value;
        break;
      case 6:
        if (EqualsLower(attribute, "domain")) out->domain = value;
        if (EqualsLower(attribute, "secure")) out->secure = true;
        break;
      case 7:
        if (EqualsLower(attribute, "expires")) out->expires = value;
        if (EqualsLower(attribute, "max-age")) out->max_age = value;
        break;
      case 8:
        if (EqualsLower(attribute, "httponly")) out->http_only = true;
        if (EqualsLower(attribute, "samesite")) out->same_site = value;
        if (EqualsLower(attribute, "priority")) out->priority = value;
        break;
      case 11:
        if (EqualsLower(attribute, "partitioned")) out->partitioned = true;
        break;
      default:
        break;
    }
  }
  return CookieInclusionStatus();
}

CookieSameSite ParsedCookie::SameSite() const {
  if (!same_site) return CookieSameSite::kUnspecified;
  if (EqualsLower(*same_site, "strict")) return CookieSameSite::kStrict;
  if (EqualsLower(*same_site, "lax")) return CookieSameSite::kLax;
  if (EqualsLower(*same_site, "none")) return CookieSameSite::kNoRestriction;
  return CookieSameSite::kUnspecified;
}

CookiePriority ParsedCookie::Priority() const {
  if (!priority) return CookiePriority::kMedium;
  if (EqualsLower(*priority, "low")) return CookiePriority::kLow;
  if (EqualsLower(*priority, "high")) return CookiePriority::kHigh;
  return CookiePriority::kMedium;
}

}  // namespace cookiejar
