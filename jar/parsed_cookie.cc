#include "cookiejar/parsed_cookie.h"

#include <cstdint>
#include <cstring>

namespace cookiejar {
namespace {

bool IsControl(unsigned char c) { return (c <= 0x1f && c != '\t') || c == 0x7f; }

// The first byte below 0x20 (tab included) or equal to 0x7f, or npos. Eight
// bytes at a time; almost every line has none.
size_t FirstControlOrTab(std::string_view line) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, line.data() + i, 8);
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    const uint64_t x = w ^ (kOnes * 0x7f);
    const uint64_t is_del = (x - kOnes) & ~x & kHigh;
    if ((below_space | is_del) != 0) break;
  }
  for (; i < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c == 0x7f) return i;
  }
  return std::string_view::npos;
}

}  // namespace

// Eight bytes at a time: a word is checked byte by byte only when it has a
// byte below 0x20 or equal to 0x7f (tabs are common enough in broken headers
// to need the recheck, rare enough not to matter).
bool HasCookieControlCharacter(std::string_view line) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, line.data() + i, 8);
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    const uint64_t x = w ^ (kOnes * 0x7f);
    const uint64_t is_del = (x - kOnes) & ~x & kHigh;
    if ((below_space | is_del) != 0) {
      for (size_t k = i; k < i + 8; ++k) {
        if (IsControl(static_cast<unsigned char>(line[k]))) return true;
      }
    }
  }
  for (; i < line.size(); ++i) {
    if (IsControl(static_cast<unsigned char>(line[i]))) return true;
  }
  return false;
}

namespace {

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

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

// The first `c` in [p, end), or end. Eight bytes at a time (the lowest
// flagged byte of the usual zero-byte test is exact).
const char* FindByte(const char* p, const char* end, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t pattern = kOnes * static_cast<unsigned char>(c);
  for (; end - p >= 8; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t x = w ^ pattern;
    const uint64_t found = (x - kOnes) & ~x & kHigh;
    if (found != 0) return p + (__builtin_ctzll(found) >> 3);
  }
  while (p != end && *p != c) ++p;
  return p;
}

// Records one attribute (RFC 6265bis §5.6.1 to §5.6.7, Partitioned and
// Priority). Unknown attributes are ignored.
void SetAttribute(std::string_view attribute, std::string_view value, ParsedCookie* out) {
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

}  // namespace

CookieInclusionStatus ParsedCookie::Parse(std::string_view line, const CookieSyntaxRules& rules,
                                          ParsedCookie* out, size_t max_name_value_bytes) {
  using Reason = CookieExclusionReason;
  *out = ParsedCookie();
  // Control characters are rare: one scan finds the first, and only then
  // is the line looked at byte by byte.
  bool tabs = false;
  if (size_t first = FirstControlOrTab(line); first != std::string_view::npos) {
    for (size_t i = first; i < line.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      if (c == '\t') {
        tabs = true;
      } else if (IsControl(c)) {
        return CookieInclusionStatus(Reason::kControlCharacter);
      }
    }
  }
  const bool refuse_tabs = tabs && rules.reject_tab;
  auto has_tab = [](std::string_view s) { return s.find('\t') != std::string_view::npos; };
  const char* const end = line.data() + line.size();
  const char* semicolon = FindByte(line.data(), end, ';');
  const char* equals = FindByte(line.data(), semicolon, '=');
  if (equals == semicolon) {
    const std::string_view pair = Trim(std::string_view(line.data(), semicolon - line.data()));
    (rules.bare_token == CookieSyntaxRules::BareToken::kName ? out->name : out->value) = pair;
  } else {
    out->name = Trim(std::string_view(line.data(), equals - line.data()));
    out->value = Trim(std::string_view(equals + 1, semicolon - equals - 1));
  }
  CookieInclusionStatus pair =
      CheckNameAndValue(out->name, out->value, rules, max_name_value_bytes);
  if (!pair.IsInclude()) return pair;
  while (semicolon != end) {
    const char* start = semicolon + 1;
    semicolon = FindByte(start, end, ';');
    const char* av_equals = FindByte(start, semicolon, '=');
    const std::string_view attribute = Trim(std::string_view(start, av_equals - start));
    const std::string_view value =
        av_equals == semicolon
            ? std::string_view()
            : Trim(std::string_view(av_equals + 1, semicolon - av_equals - 1));
    if (refuse_tabs && (has_tab(attribute) || has_tab(value))) {
      return CookieInclusionStatus(Reason::kControlCharacter);
    }
    if (!attribute.empty() && value.size() <= kMaxAttributeValueBytes) {
      SetAttribute(attribute, value, out);
    }
  }
  if (!rules.priority) out->priority.reset();
  return CookieInclusionStatus();
}

CookieInclusionStatus CheckNameAndValue(std::string_view name, std::string_view value,
                                        const CookieSyntaxRules& rules,
                                        size_t max_name_value_bytes) {
  using Reason = CookieExclusionReason;
  if (HasCookieControlCharacter(name) || HasCookieControlCharacter(value)) {
    return CookieInclusionStatus(Reason::kControlCharacter);
  }
  if (name.empty() && value.empty()) return CookieInclusionStatus(Reason::kNoCookieContent);
  if (name.empty() && !rules.allow_empty_name) return CookieInclusionStatus(Reason::kEmptyName);
  if (name.size() + value.size() > max_name_value_bytes) {
    return CookieInclusionStatus(Reason::kNameValueTooLong);
  }
  auto untrimmed = [](std::string_view s) {
    return !s.empty() && (IsSpaceOrTab(s.front()) || IsSpaceOrTab(s.back()));
  };
  // A nameless cookie with '=' in its value ("=a=b") would be sent as
  // "a=b", the cookie named "a": Chromium and Firefox both refuse it.
  if (untrimmed(name) || untrimmed(value) || name.find_first_of(";=") != std::string_view::npos ||
      value.find(';') != std::string_view::npos ||
      (name.empty() && value.find('=') != std::string_view::npos)) {
    return CookieInclusionStatus(Reason::kInvalidNameOrValue);
  }
  if (rules.reject_tab && (name.find('\t') != std::string_view::npos ||
                           value.find('\t') != std::string_view::npos)) {
    return CookieInclusionStatus(Reason::kControlCharacter);
  }
  return CookieInclusionStatus();
}

CookieInclusionStatus CheckNameAndValue(std::string_view name, std::string_view value,
                                        size_t max_name_value_bytes) {
  CookieSyntaxRules lenient;
  lenient.reject_tab = false;
  return CheckNameAndValue(name, value, lenient, max_name_value_bytes);
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
