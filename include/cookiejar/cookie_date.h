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
// Browsers read Expires their own way, and a jar reads it as its browser
// does (CookieSyntaxRules::dates):
//
//   kChromium    Chromium's tokenizer: the same delimiters, the first
//                token that starts with a month name, a time "h:m:s" of
//                three all-digit fields (leading zeros allowed), a day of at
//                most two digits and a year of at most five (one to three
//                digits are read as such: "15 Jan 100" is the year 100,
//                long past); years before 1601 give a date in the past (the
//                cookie expires at once), impossible dates (31 June) and
//                times out of range give no date.
//   kFirefox     NSPR's PR_ParseTimeString (libnspr4, the function Firefox
//                calls): numeric dates, time zones, missing seconds and
//                out-of-range fields rolled over are all accepted.
//   kRfc6265bis  The algorithm above, as the draft writes it.
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

enum class CookieDateSyntax { kChromium, kFirefox, kRfc6265bis };

// The instant `text` denotes by RFC 6265bis, or nullopt when it is not a
// cookie date.
std::optional<absl::Time> ParseCookieDate(std::string_view text);

// The instant `text` denotes as `syntax` reads it, or nullopt when it is not
// a date that browser accepts (the cookie is then a session cookie). The
// result may be far in the past or future: the caller caps it.
std::optional<absl::Time> ParseCookieDate(std::string_view text, CookieDateSyntax syntax);

// An HTTP Date header as both browsers read it (NSPR's PR_ParseTimeString,
// which Chromium also carries a copy of; a zone-less date is GMT), or
// nullopt.
std::optional<absl::Time> ParseHttpDate(std::string_view text);

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_DATE_H_
