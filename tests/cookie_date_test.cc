#include "cookiejar/cookie_date.h"

#include <string>

#include <nlohmann/json.hpp>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

// The corpus writes expectations as IMF-fixdate with a computed weekday.
constexpr char kImfFixdate[] = "%a, %d %b %Y %H:%M:%S GMT";

std::string Format(std::optional<absl::Time> time) {
  return time ? absl::FormatTime(kImfFixdate, *time, absl::UTCTimeZone()) : "null";
}

void RunCorpus(const std::string& file, size_t expected_cases) {
  const nlohmann::json cases = nlohmann::json::parse(testing::ReadTestData(file));
  ASSERT_EQ(cases.size(), expected_cases) << file;
  for (const auto& c : cases) {
    const std::string input = c["test"];
    const std::string expected = c["expected"].is_null() ? "null" : c["expected"];
    EXPECT_EQ(Format(ParseCookieDate(input)), expected) << file << ": " << input;
  }
}

TEST(CookieDateTest, HttpStateExamples) { RunCorpus("http_state/dates/examples.json", 15); }

TEST(CookieDateTest, ChromiumBsdExamples) {
  RunCorpus("http_state/dates/bsd-examples.json", 55);
}

absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

TEST(CookieDateTest, ImfFixdate) {
  EXPECT_EQ(ParseCookieDate("Sun, 06 Nov 1994 08:49:37 GMT"), Utc(1994, 11, 6, 8, 49, 37));
}

TEST(CookieDateTest, Rfc850AndAsctimeForms) {
  EXPECT_EQ(ParseCookieDate("Sunday, 06-Nov-94 08:49:37 GMT"), Utc(1994, 11, 6, 8, 49, 37));
  EXPECT_EQ(ParseCookieDate("Sun Nov  6 08:49:37 1994"), Utc(1994, 11, 6, 8, 49, 37));
}

TEST(CookieDateTest, TwoDigitYears) {
  EXPECT_EQ(ParseCookieDate("01 Jan 70 00:00:00"), Utc(1970, 1, 1));
  EXPECT_EQ(ParseCookieDate("01 Jan 99 00:00:00"), Utc(1999, 1, 1));
  EXPECT_EQ(ParseCookieDate("01 Jan 00 00:00:00"), Utc(2000, 1, 1));
  EXPECT_EQ(ParseCookieDate("01 Jan 69 00:00:00"), Utc(2069, 1, 1));
}

TEST(CookieDateTest, YearsBefore1601AreRejected) {
  EXPECT_EQ(ParseCookieDate("01 Jan 1601 00:00:00"), Utc(1601, 1, 1));
  EXPECT_EQ(ParseCookieDate("31 Dec 1600 23:59:59"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("31 Dec 9999 23:59:59"), Utc(9999, 12, 31, 23, 59, 59));
}

TEST(CookieDateTest, ImpossibleCalendarDatesAreRejected) {
  EXPECT_EQ(ParseCookieDate("29 Feb 2024 00:00:00"), Utc(2024, 2, 29));
  EXPECT_EQ(ParseCookieDate("29 Feb 2023 00:00:00"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("29 Feb 1900 00:00:00"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("29 Feb 2000 00:00:00"), Utc(2000, 2, 29));
  EXPECT_EQ(ParseCookieDate("31 Apr 2020 00:00:00"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("00 Apr 2020 00:00:00"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("32 Jan 2020 00:00:00"), std::nullopt);
}

TEST(CookieDateTest, OutOfRangeTimesAreRejected) {
  EXPECT_EQ(ParseCookieDate("01 Jan 2020 23:59:59"), Utc(2020, 1, 1, 23, 59, 59));
  EXPECT_EQ(ParseCookieDate("01 Jan 2020 24:00:00"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("01 Jan 2020 00:60:00"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("01 Jan 2020 00:00:60"), std::nullopt);
}

TEST(CookieDateTest, MissingFieldsFail) {
  EXPECT_EQ(ParseCookieDate(""), std::nullopt);
  EXPECT_EQ(ParseCookieDate("01 Jan 2020"), std::nullopt);        // No time.
  EXPECT_EQ(ParseCookieDate("Jan 2020 00:00:00"), std::nullopt);   // No day.
  EXPECT_EQ(ParseCookieDate("01 2020 00:00:00"), std::nullopt);    // No month.
  EXPECT_EQ(ParseCookieDate("01 Jan 00:00:00"), std::nullopt);     // No year.
  EXPECT_EQ(ParseCookieDate("01 Jan 12345 00:00:00"), std::nullopt);
}

TEST(CookieDateTest, FieldOrderDoesNotMatterAndMonthIsCaseInsensitive) {
  EXPECT_EQ(ParseCookieDate("2020 12:30:00 DECEMBER 5"), Utc(2020, 12, 5, 12, 30, 0));
}

TEST(CookieDateTest, FixedFormatShortcutAgreesWithTheGeneralAlgorithm) {
  // A month name where the weekday goes is the month for the algorithm.
  EXPECT_EQ(ParseCookieDate("Jan, 06 Nov 1994 08:49:37 GMT"), Utc(1994, 1, 6, 8, 49, 37));
  EXPECT_EQ(ParseCookieDate("sun, 06 NOV 1994 08:49:37 GMT"), Utc(1994, 11, 6, 8, 49, 37));
  EXPECT_EQ(ParseCookieDate("Sun, 06 Nov 0094 08:49:37 GMT"), Utc(1994, 11, 6, 8, 49, 37));
  EXPECT_EQ(ParseCookieDate("Sun, 31 Nov 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("Sun, 06 Nov 1994 24:49:37 GMT"), std::nullopt);
  EXPECT_EQ(ParseCookieDate("Sun, 06 Nov 1500 08:49:37 GMT"), std::nullopt);
}

// Chromium's and Firefox's readings, as recorded in the real browsers
// (tests/data/browsers/*/dates.json; the replay test checks all 1,166).
TEST(CookieDateTest, ChromiumReadsDatesAsChromiumDoes) {
  auto chromium = [](std::string_view text) {
    return ParseCookieDate(text, CookieDateSyntax::kChromium);
  };
  EXPECT_EQ(chromium("Sun, 06 Nov 1994 08:49:37 GMT"), Utc(1994, 11, 6, 8, 49, 37));
  // Leading zeros in the time (dates-00018, -00019).
  EXPECT_EQ(chromium("04 Mar 2026 005:006:07 GMT"), Utc(2026, 3, 4, 5, 6, 7));
  EXPECT_EQ(chromium("04 Mar 2026 05:06:07:08 GMT"), std::nullopt);
  // Years before 1601 are long past, not "no date" (dates-00001, -00007).
  EXPECT_EQ(chromium("Fri, 15 Jan 1600 12:00:00 GMT"), Utc(1600, 1, 15, 12));
  EXPECT_EQ(chromium("Fri, 15 Jan 100 12:00:00 GMT"), Utc(100, 1, 15, 12));
  // Five-digit years are years, six digits are not (dates-00005, -00006).
  EXPECT_EQ(chromium("Fri, 15 Jan 99999 12:00:00 GMT"), Utc(99999, 1, 15, 12));
  EXPECT_EQ(chromium("Fri, 15 Jan 275760 12:00:00 GMT"), std::nullopt);
  // Impossible dates are no date even in the past (dates-00092).
  EXPECT_EQ(chromium("Tue,JUN,31,1577,20:46:52"), std::nullopt);
  // Time zones are ignored.
  EXPECT_EQ(chromium("04 Mar 2026 05:06:07 PST"), Utc(2026, 3, 4, 5, 6, 7));
}

TEST(CookieDateTest, FirefoxReadsDatesWithNspr) {
  auto firefox = [](std::string_view text) {
    return ParseCookieDate(text, CookieDateSyntax::kFirefox);
  };
  EXPECT_EQ(firefox("Sun, 06 Nov 1994 08:49:37 GMT"), Utc(1994, 11, 6, 8, 49, 37));
  // Time zones count; numeric dates and dates without a time parse.
  EXPECT_EQ(firefox("04 Mar 2026 05:06:07 +0100"), Utc(2026, 3, 4, 4, 6, 7));
  EXPECT_EQ(firefox("04 Mar 2026 05:06:07 PST"), Utc(2026, 3, 4, 13, 6, 7));
  EXPECT_EQ(firefox("03/04/2026 05:06:07"), Utc(2026, 3, 4, 5, 6, 7));
  EXPECT_EQ(firefox("Mar 4 2026"), Utc(2026, 3, 4));
  EXPECT_EQ(firefox("garbage"), std::nullopt);
  EXPECT_EQ(firefox(std::string("04 Mar 2026\0 05:06:07", 21)), firefox("04 Mar 2026"));
}

TEST(CookieDateTest, HugeInputIsHandled) {
  std::string text(1 << 20, '9');
  EXPECT_EQ(ParseCookieDate(text), std::nullopt);
  EXPECT_EQ(ParseCookieDate(text, CookieDateSyntax::kChromium), std::nullopt);
  EXPECT_EQ(ParseCookieDate(text, CookieDateSyntax::kFirefox), std::nullopt);
  EXPECT_EQ(ParseCookieDate(std::string(100000, ' ') + "01 Jan 2020 00:00:00"),
            Utc(2020, 1, 1));
}

}  // namespace
}  // namespace cookiejar
