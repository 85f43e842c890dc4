#include "cookiejar/cookie_date.h"

#include <boost/date_time/gregorian/gregorian.hpp>
#include <prtime.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"

namespace cookiejar {
namespace {

// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
bool IsDelimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) ||
         (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads min_digits..max_digits digits at *pos that are not followed by a
// further digit ("1*2DIGIT [ non-digit *OCTET ]" and friends).
bool ReadNumber(std::string_view token, size_t* pos, size_t min_digits,
                size_t max_digits, int* value) {
  size_t start = *pos, i = start;
  *value = 0;
  while (i < token.size() && IsDigit(token[i]) && i - start < max_digits) {
    *value = *value * 10 + (token[i] - '0');
    ++i;
  }
  if (i - start < min_digits) return false;
  if (i < token.size() && IsDigit(token[i])) return false;
  *pos = i;
  return true;
}

// time = hms-time [ non-digit *OCTET ]; hms-time = 1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT
bool ParseTime(std::string_view token, int* hour, int* minute, int* second) {
  size_t pos = 0;
  if (!ReadNumber(token, &pos, 1, 2, hour)) return false;
  if (pos >= token.size() || token[pos++] != ':') return false;
  if (!ReadNumber(token, &pos, 1, 2, minute)) return false;
  if (pos >= token.size() || token[pos++] != ':') return false;
  return ReadNumber(token, &pos, 1, 2, second);
}

// Three bytes with 0x20 set in each, as one number: names of months and
// weekdays compare in one test, ASCII case folded (other bytes get the bit
// too, which the comparisons before this folded the same way).
constexpr uint32_t Fold3(const char* p) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(p[0]) | 0x20)) |
         (static_cast<uint32_t>(static_cast<unsigned char>(p[1]) | 0x20) << 8) |
         (static_cast<uint32_t>(static_cast<unsigned char>(p[2]) | 0x20) << 16);
}

// month = ( "jan" / "feb" / ... / "dec" ) *OCTET, case-insensitive.
bool ParseMonth(std::string_view token, int* month) {
  if (token.size() < 3) return false;
  switch (Fold3(token.data())) {
    case Fold3("jan"): *month = 1; return true;
    case Fold3("feb"): *month = 2; return true;
    case Fold3("mar"): *month = 3; return true;
    case Fold3("apr"): *month = 4; return true;
    case Fold3("may"): *month = 5; return true;
    case Fold3("jun"): *month = 6; return true;
    case Fold3("jul"): *month = 7; return true;
    case Fold3("aug"): *month = 8; return true;
    case Fold3("sep"): *month = 9; return true;
    case Fold3("oct"): *month = 10; return true;
    case Fold3("nov"): *month = 11; return true;
    case Fold3("dec"): *month = 12; return true;
    default: return false;
  }
}

bool IsWeekday(const char* p) {
  switch (Fold3(p)) {
    case Fold3("mon"): case Fold3("tue"): case Fold3("wed"): case Fold3("thu"):
    case Fold3("fri"): case Fold3("sat"): case Fold3("sun"):
      return true;
    default:
      return false;
  }
}

// Builds the instant from fields, or nullopt when they are out of range or
// name an impossible date (RFC 6265bis §5.1.1 steps 3 to 7).
std::optional<absl::Time> FromFields(int year, int month, int day, int hour, int minute,
                                     int second) {
  if (year >= 70 && year <= 99) year += 1900;
  if (year >= 0 && year <= 69) year += 2000;
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  using Calendar = boost::gregorian::gregorian_calendar;
  if (day > Calendar::end_of_month_day(static_cast<unsigned short>(year),
                                       static_cast<unsigned short>(month))) {
    return std::nullopt;
  }
  // Years are at most four digits, inside Boost's 1400-9999 range, and the
  // date was checked above, so this constructor cannot throw.
  const boost::gregorian::date date(static_cast<unsigned short>(year),
                                    static_cast<unsigned short>(month),
                                    static_cast<unsigned short>(day));
  const int64_t days = (date - boost::gregorian::date(1970, 1, 1)).days();
  return absl::FromUnixSeconds(days * 86400 + hour * 3600 + minute * 60 + second);
}

int Digits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// The IMF-fixdate form servers almost always send, "Sun, 06 Nov 1994
// 08:49:37 GMT", read at fixed positions. The general algorithm gives the
// same answer for it; this only saves the tokenizing.
std::optional<std::optional<absl::Time>> ParseImfFixdate(std::string_view t) {
  if (t.size() != 29 || t[3] != ',' || t[4] != ' ' || t[7] != ' ' || t[11] != ' ' ||
      t[16] != ' ' || t[19] != ':' || t[22] != ':' || t[25] != ' ' || t.substr(26) != "GMT") {
    return std::nullopt;
  }
  // A month name in the weekday's place would win in the general algorithm.
  if (!IsWeekday(t.data())) return std::nullopt;
  int month = 0;
  const int day = Digits(t, 5, 2), year = Digits(t, 12, 4), hour = Digits(t, 17, 2),
            minute = Digits(t, 20, 2), second = Digits(t, 23, 2);
  if (day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0 ||
      !ParseMonth(t.substr(8, 3), &month)) {
    return std::nullopt;
  }
  return FromFields(year, month, day, hour, minute, second);
}

// Chromium's delimiters: every printable ASCII character but letters,
// digits and ':' (which keeps "hh:mm:ss" one token), and tab.
bool IsChromiumDelimiter(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) ||
         (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

// The leading digits of `text` as a number, saturating well above any valid
// field.
int LeadingNumber(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (!IsDigit(c)) break;
    value = std::min(value * 10 + (c - '0'), 1000000);
  }
  return value;
}

// "h:m:s", three fields of digits only.
bool ParseChromiumTime(std::string_view token, int* hour, int* minute, int* second) {
  int* fields[3] = {hour, minute, second};
  size_t start = 0;
  for (int f = 0; f < 3; ++f) {
    size_t end = f < 2 ? token.find(':', start) : token.size();
    if (end == std::string_view::npos || end == start) return false;
    const std::string_view field = token.substr(start, end - start);
    for (char c : field) {
      if (!IsDigit(c)) return false;  // Also a fourth field's ':'.
    }
    *fields[f] = LeadingNumber(field);
    start = end + 1;
  }
  return true;
}

std::optional<absl::Time> ParseChromiumCookieDate(std::string_view text) {
  // The usual server date reads the same in Chromium's tokenizer; only a
  // date the fixed form refuses (year before 1601, 31 June) needs the rest.
  if (std::optional<std::optional<absl::Time>> fixdate = ParseImfFixdate(text)) {
    if (*fixdate) return *fixdate;
  }
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && IsChromiumDelimiter(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !IsChromiumDelimiter(static_cast<unsigned char>(text[i]))) ++i;
    if (start == i) break;
    const std::string_view token = text.substr(start, i - start);
    if (!IsDigit(token[0])) {
      if (!found_month) found_month = ParseMonth(token, &month);
    } else if (token.find(':') != std::string_view::npos) {
      if (!found_time) found_time = ParseChromiumTime(token, &hour, &minute, &second);
    } else if (!found_day && token.size() <= 2) {
      day = LeadingNumber(token);
      found_day = true;
    } else if (!found_year && token.size() <= 5) {
      year = LeadingNumber(token);
      found_year = true;
    }
  }
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  if (year >= 70 && year <= 99) year += 1900;
  if (year >= 0 && year <= 69) year += 2000;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  // Years of any size, before 1601 included: such a date is simply long
  // past (Chromium saturates it to its earliest time, with the same effect).
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.day() != day) return std::nullopt;  // 31 June rolled over.
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseFirefoxCookieDate(std::string_view text) {
  // NSPR wants a C string; a NUL inside ends the date there, as it would
  // in Firefox.
  const std::string copy(text.substr(0, text.find('\0')));
  PRTime micros = 0;
  if (PR_ParseTimeString(copy.c_str(), PR_TRUE, &micros) != PR_SUCCESS) return std::nullopt;
  return absl::FromUnixMicros(micros);
}

}  // namespace

std::optional<absl::Time> ParseCookieDate(std::string_view text, CookieDateSyntax syntax) {
  switch (syntax) {
    case CookieDateSyntax::kChromium: return ParseChromiumCookieDate(text);
    case CookieDateSyntax::kFirefox: return ParseFirefoxCookieDate(text);
    case CookieDateSyntax::kRfc6265bis: return ParseCookieDate(text);
  }
  return std::nullopt;
}

std::optional<absl::Time> ParseHttpDate(std::string_view text) {
  // What servers send, read the same by NSPR; everything else goes to NSPR.
  if (std::optional<std::optional<absl::Time>> fixdate = ParseImfFixdate(text)) {
    if (*fixdate) return *fixdate;
  }
  return ParseFirefoxCookieDate(text);
}

std::optional<absl::Time> ParseCookieDate(std::string_view text) {
  if (auto fixdate = ParseImfFixdate(text)) return *fixdate;
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && IsDelimiter(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !IsDelimiter(static_cast<unsigned char>(text[i]))) ++i;
    if (start == i) break;
    std::string_view token = text.substr(start, i - start);
    size_t day_end = 0, year_end = 0;
    if (!found_time && ParseTime(token, &hour, &minute, &second)) {
      found_time = true;
    } else if (!found_day && ReadNumber(token, &day_end, 1, 2, &day)) {
      found_day = true;
    } else if (!found_month && ParseMonth(token, &month)) {
      found_month = true;
    } else if (!found_year && ReadNumber(token, &year_end, 2, 4, &year)) {
      found_year = true;
    }
  }
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  return FromFields(year, month, day, hour, minute, second);
}

}  // namespace cookiejar
