// Cookie dates (RFC 6265bis §5.1.1): the lenient algorithm browsers use for
// the Expires attribute, which accepts "Wed, 09 Jun 2021 10:18:14 GMT" as
// well as "Wednesday, 09-Jun-21 10:18:14 GMT" and many broken variants.
//
// The date is split into tokens at delimiters; the first token that looks
// like a time (hh:mm:ss), a day of month, a month name and a year fills that
// field, in this order of preference. Two-digit years 70-99 mean 19xx and 0-69
// mean 20xx. Years before 1601, impossible dates (30 February) and times out
// of range fail. The result is UTC; time zone names are ignored.
//
// Example:
//   std::optional<absl::Time> t = ParseCookieDate("Thu, 01 Jan 1970 00:00:01 GMT");
//   // *t == absl::FromUnixSeconds(1)

#ifndef COOKIEJAR_COOKIE_DATE_H_
#define COOKIEJAR_COOKIE_DATE_H_

#include <optional>
#include <string_view>

#include "absl/time/time.h"

namespace cookiejar {

// The instant `text` denotes, or nullopt when it is not a cookie date.
std::optional<absl::Time> ParseCookieDate(std::string_view text);

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_DATE_H_
