// The syntax of one Set-Cookie header value (RFC 6265bis §5.6): what the
// server said, before any judgement about the URL it came from.
//
//   - The cookie is refused if the line has a control character other than
//     tab (%x00-08, %x0A-1F, %x7F) anywhere (a CR or LF included: how a bare
//     CR or LF splits header lines is the HTTP parser's business, before the
//     jar), and, by the rules, a tab anywhere but around a name, value,
//     attribute name or attribute value.
//   - The name-value pair ends at the first ';'. It splits at the first '=';
//     without '=', the pair is a nameless cookie's value or, by the rules, a
//     name with an empty value. Spaces and tabs around name and value are
//     trimmed. Quotes are not special.
//   - The cookie is refused if name and value are both empty, or together
//     exceed 4096 bytes, or (by the rules) the name is empty.
//   - Attribute names are case-insensitive; unknown attributes are ignored;
//     an attribute whose value exceeds 1024 bytes is ignored; otherwise the
//     last occurrence of an attribute wins, even when its value is empty or
//     unusable (as in Chromium: "Domain=a.com; Domain=" is host-only).
//
// A ParsedCookie holds views into the line it was parsed from: the line must
// outlive it.
//
// Example:
//   ParsedCookie cookie;
//   CookieInclusionStatus status = ParsedCookie::Parse("id=42; Path=/; Secure", &cookie);
//   // status.IsInclude(), cookie.name == "id", cookie.value == "42",
//   // *cookie.path == "/", cookie.secure

#ifndef COOKIEJAR_PARSED_COOKIE_H_
#define COOKIEJAR_PARSED_COOKIE_H_

#include <optional>
#include <string_view>

#include "cookiejar/cookie_constants.h"
#include "cookiejar/cookie_date.h"
#include "cookiejar/cookie_inclusion_status.h"

namespace cookiejar {

// How a browser reads a Set-Cookie line, where browsers differ. The defaults
// are Chromium's; browser_rules.h names the other browsers' choices.
struct CookieSyntaxRules {
  // A pair without '=' ("Set-Cookie: v"). RFC 6265bis and Chromium: a
  // nameless cookie, value "v", sent as "v". Firefox: name "v", empty value,
  // sent as "v=".
  enum class BareToken { kValue, kName };
  BareToken bare_token = BareToken::kValue;
  // An empty name before '=' ("=v", "=a=b"). Chromium: a nameless cookie
  // (value "v", "a=b"). Firefox: refused.
  bool allow_empty_name = true;
  // A tab inside a name, a value, an attribute name or an attribute value
  // (tabs around them are trimmed in every browser). Chromium: the cookie is
  // refused. Firefox and RFC 6265bis: kept.
  bool reject_tab = true;
  // Bytes that are not UTF-8 in a value. Chromium: kept as they are.
  // Firefox: each invalid sequence becomes U+FFFD (names keep their bytes).
  // The jar applies this after parsing, into storage of its own.
  bool replace_invalid_utf8 = false;
  // A Domain attribute with characters outside ASCII. Chromium: converted
  // with IDNA like a host. Firefox: the cookie is refused (only the "xn--"
  // form works).
  bool allow_unicode_domain = true;
  // The Priority attribute (Chromium's). Firefox ignores it: every cookie
  // has medium priority.
  bool priority = true;
  // How Expires is read (cookie_date.h), and Max-Age with it: Chromium and
  // RFC 6265bis take "[+-]digits"; Firefox expires a cookie whose Max-Age
  // starts with '-' whatever follows, and otherwise takes digits only.
  CookieDateSyntax dates = CookieDateSyntax::kChromium;
};

struct ParsedCookie {
  // Parses `line` into `*out` by `rules`. On failure the status names the
  // reason (control_character, no_cookie_content, empty_name or
  // name_value_too_long) and `*out` is unspecified. `max_name_value_bytes`
  // is the size limit of name + value.
  static CookieInclusionStatus Parse(std::string_view line, const CookieSyntaxRules& rules,
                                     ParsedCookie* out,
                                     size_t max_name_value_bytes = kMaxNameValueBytes);
  // With Chromium's rules.
  static CookieInclusionStatus Parse(std::string_view line, ParsedCookie* out,
                                     size_t max_name_value_bytes = kMaxNameValueBytes) {
    return Parse(line, CookieSyntaxRules(), out, max_name_value_bytes);
  }

  std::string_view name;
  std::string_view value;

  // Raw values of the last occurrence of each attribute, when present.
  std::optional<std::string_view> expires;
  std::optional<std::string_view> max_age;
  std::optional<std::string_view> domain;
  std::optional<std::string_view> path;
  std::optional<std::string_view> same_site;
  std::optional<std::string_view> priority;

  bool secure = false;
  bool http_only = false;
  bool partitioned = false;

  // The SameSite attribute's meaning ("strict", "lax", "none", any case).
  CookieSameSite SameSite() const;
  // The Priority attribute's meaning ("low", "medium", "high", any case).
  CookiePriority Priority() const;
};

// Whether `text` has a control character other than tab (%x00-08, %x0A-1F,
// %x7F), which RFC 6265bis §5.6 does not allow anywhere in a cookie.
bool HasCookieControlCharacter(std::string_view text);

// Whether `name` and `value` are a pair that Parse can produce with `rules`:
// no control character (nor an inner tab, where the rules refuse it), not
// both empty (nor an empty name, where the rules refuse it), together at
// most `max_name_value_bytes`, no leading or trailing space or tab (Parse
// trims them), no ';', and no '=' in the name. A nameless cookie (empty
// name) is sent as its bare value. The one definition of a valid pair, for
// Set-Cookie lines and for cookies that come back from files and databases
// alike.
CookieInclusionStatus CheckNameAndValue(std::string_view name, std::string_view value,
                                        const CookieSyntaxRules& rules,
                                        size_t max_name_value_bytes = kMaxNameValueBytes);
// With the most lenient rules a browser has: tabs allowed, empty names
// allowed.
CookieInclusionStatus CheckNameAndValue(std::string_view name, std::string_view value,
                                        size_t max_name_value_bytes = kMaxNameValueBytes);

}  // namespace cookiejar

#endif  // COOKIEJAR_PARSED_COOKIE_H_
