// The syntax of one Set-Cookie header value (RFC 6265bis §5.6): what the
// server said, before any judgement about the URL it came from.
//
//   - The line is rejected if it has a control character other than tab
//     (%x00-08, %x0A-1F, %x7F) anywhere.
//   - The name-value pair ends at the first ';'. It splits at the first '=';
//     without '=', the name is empty and the whole pair is the value. Spaces
//     and tabs around name and value are trimmed. Quotes are not special.
//   - The line is rejected if name and value are both empty, or together
//     exceed 4096 bytes.
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
#include "cookiejar/cookie_inclusion_status.h"

namespace cookiejar {

struct ParsedCookie {
  // Parses `line` into `*out`. On failure the status names the reason
  // (control_character, no_cookie_content or name_value_too_long) and `*out`
  // is unspecified. `max_name_value_bytes` is the size limit of name + value.
  static CookieInclusionStatus Parse(std::string_view line, ParsedCookie* out,
                                     size_t max_name_value_bytes = kMaxNameValueBytes);

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

// Whether `name` and `value` are a pair that Parse can produce: no control
// character, not both empty, together at most `max_name_value_bytes`, no
// leading or trailing space or tab (Parse trims them), no ';', and no '=' in
// the name. A nameless cookie (empty name) is sent as its bare value. The one
// definition of a valid pair, for Set-Cookie lines and for cookies that come
// back from files and databases alike.
CookieInclusionStatus CheckNameAndValue(std::string_view name, std::string_view value,
                                        size_t max_name_value_bytes = kMaxNameValueBytes);

}  // namespace cookiejar

#endif  // COOKIEJAR_PARSED_COOKIE_H_
