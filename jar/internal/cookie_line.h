// A Set-Cookie line as the jar reads it: what ParsedCookie holds, in a form
// that costs less to produce and to read on every Set-Cookie.
//
// ParsedCookie's default member initializers make GCC zero-fill its 184
// bytes with `rep stosq` wherever one is declared, whose fixed start-up cost
// (about 10 ns on the AMD EPYC we measure on) is a few percent of a whole
// Set-Cookie; Parse then writes the fields again. A CookieLine has no
// initializers: ParseCookieLine writes what is always read, and an
// attribute's view is read only where `attributes` has its bit. It also hands
// the draft SameSite and Priority already decoded and the flags as bits, so
// that no attribute word is compared twice.

#ifndef COOKIEJAR_JAR_INTERNAL_COOKIE_LINE_H_
#define COOKIEJAR_JAR_INTERNAL_COOKIE_LINE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "cookiejar/cookie_constants.h"
#include "cookiejar/cookie_inclusion_status.h"
#include "cookiejar/parsed_cookie.h"

namespace cookiejar {
namespace jar_internal {

// A view into the line without std::string_view's default initializer,
// which would make CookieLine's construction zero its views.
struct LineView {
  const char* data;
  size_t size;

  operator std::string_view() const { return std::string_view(data, size); }
  LineView& operator=(std::string_view view) {
    data = view.data();
    size = view.size();
    return *this;
  }
};

struct CookieLine {
  // One bit per attribute that the line has (its last occurrence counts).
  enum Attribute : uint16_t {
    kExpires = 1 << 0,
    kMaxAge = 1 << 1,
    kDomain = 1 << 2,
    kPath = 1 << 3,
    kSameSite = 1 << 4,
    kPriority = 1 << 5,
    kSecure = 1 << 6,
    kHttpOnly = 1 << 7,
    kPartitioned = 1 << 8,
  };

  bool has(Attribute attribute) const { return (attributes & attribute) != 0; }
  // The Domain or Path attribute's value, empty where there is none: the
  // draft treats an absent and an empty one alike.
  std::string_view domain_or_empty() const {
    return has(kDomain) ? std::string_view(domain) : std::string_view();
  }
  std::string_view path_or_empty() const {
    return has(kPath) ? std::string_view(path) : std::string_view();
  }

  LineView name;
  LineView value;
  // Raw values of the last occurrence of each attribute: each is set only
  // where `attributes` has its bit.
  LineView expires;
  LineView max_age;
  LineView domain;
  LineView path;
  LineView same_site;
  LineView priority;
  uint16_t attributes;
  // What `same_site` and `priority` mean; kUnspecified and kMedium where
  // the attribute is absent (or, for Priority, ignored by the rules).
  CookieSameSite same_site_value;
  CookiePriority priority_value;
};
static_assert(std::is_trivially_default_constructible_v<CookieLine>);

// ParsedCookie::Parse into a CookieLine: the same line is accepted or refused
// for the same reason, and an accepted one holds the same views (see
// parsed_cookie.h). On failure `*out` is unspecified.
CookieInclusionStatus ParseCookieLine(std::string_view line, const CookieSyntaxRules& rules,
                                      CookieLine* out,
                                      size_t max_name_value_bytes = kMaxNameValueBytes);

// The CookieLine that `parsed` describes, for a ParsedCookie that did not
// come from ParseCookieLine (CanonicalCookie::Create's callers build their
// own).
CookieLine CookieLineOf(const ParsedCookie& parsed);

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_COOKIE_LINE_H_
