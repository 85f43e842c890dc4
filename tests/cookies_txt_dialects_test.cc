// The cookies.txt files real tools write (tests/data/cookies_txt/, recorded by
// tools/cookies_txt/record.py; README.md there says how each was made) are
// read whole: every cookie each tool saved, with the flags the tool wrote,
// and a line that is truly invalid is refused alone, with its number.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

// Shortly after the recording (tests/data/cookies_txt/provenance.json): the
// persistent cookies expire a year after it.
constexpr int64_t kRecorded = 1796625900;
constexpr int64_t kExpiry = 1828161824;

struct Expected {
  bool host_only;
  bool session;
  std::string path;
  std::string value;
};

// What the server set (tools/cookies_txt/record.py, SET_COOKIES).
const std::map<std::string, Expected>& ServerCookies() {
  static const auto* cookies = new std::map<std::string, Expected>{
      {"session", {true, true, "/", "s1"}},
      {"persistent", {true, false, "/", "p2"}},
      {"domain_session", {false, true, "/", "d3"}},
      {"domain_persistent", {false, false, "/", "d4"}},
      {"httponly_session", {true, true, "/", "h5"}},
      {"httponly_persistent", {true, false, "/", "h6"}},
      {"sub_path", {true, false, "/sub", "s7"}},
      {"empty_value", {true, false, "/", ""}},
      {"quoted", {true, false, "/", "\"a b\""}},
  };
  return *cookies;
}

std::set<std::string> Pairs(const std::string& header) {
  std::set<std::string> pairs;
  for (absl::string_view pair : absl::StrSplit(header, "; ", absl::SkipEmpty())) {
    pairs.insert(std::string(pair));
  }
  return pairs;
}

struct Dialect {
  std::string file;
  bool writes_http_only;  // The "#HttpOnly_" prefix.
  bool has_sub_path;      // wget keeps no cookie whose path is not above the URL's.
};

class DialectTest : public ::testing::TestWithParam<Dialect> {
 protected:
  DialectTest() : clock_(absl::FromUnixSeconds(kRecorded)) {
    CookieJarOptions options;
    options.clock = &clock_;
    jar_ = std::make_unique<CookieJar>(options);
  }
  FakeClock clock_;
  std::unique_ptr<CookieJar> jar_;
};

TEST_P(DialectTest, EveryCookieTheToolSavedIsRead) {
  const Dialect& dialect = GetParam();
  const std::string text = testing::ReadTestData("cookies_txt/" + dialect.file);
  ASSERT_FALSE(text.empty()) << dialect.file;
  EXPECT_TRUE(LooksLikeCookiesTxt(text));
  CookiesTxtReport report = ImportCookiesTxtText(text, jar_.get());
  EXPECT_THAT(report.errors, IsEmpty());
  const size_t expected = ServerCookies().size() - (dialect.has_sub_path ? 0 : 1);
  EXPECT_EQ(report.imported, expected);

  std::set<std::string> names;
  for (const CanonicalCookie& c : jar_->GetAllCookies()) {
    names.insert(c.name);
    auto it = ServerCookies().find(c.name);
    ASSERT_NE(it, ServerCookies().end()) << c.name;
    const Expected& want = it->second;
    EXPECT_EQ(c.domain, want.host_only ? "www.dialects.test" : "dialects.test") << c.name;
    EXPECT_EQ(c.host_only, want.host_only) << c.name;
    EXPECT_EQ(c.IsPersistent(), !want.session) << c.name;
    if (!want.session) {
      // Each tool wrote its own expiry, a second or so apart.
      EXPECT_LE(absl::AbsDuration(c.expiry - absl::FromUnixSeconds(kExpiry)), absl::Seconds(30))
          << c.name;
    }
    EXPECT_EQ(c.path, want.path) << c.name;
    EXPECT_EQ(c.value, want.value) << c.name;
    EXPECT_FALSE(c.secure) << c.name;
    EXPECT_EQ(c.http_only, dialect.writes_http_only && c.name.rfind("httponly_", 0) == 0)
        << c.name;
  }
  EXPECT_EQ(names.size(), expected);

  std::set<std::string> sent = {"session=s1",         "persistent=p2",         "domain_session=d3",
                                "domain_persistent=d4", "httponly_session=h5", "httponly_persistent=h6",
                                "empty_value=",       "quoted=\"a b\""};
  if (dialect.has_sub_path) sent.insert("sub_path=s7");
  EXPECT_EQ(Pairs(*jar_->GetCookieHeader("http://www.dialects.test/sub/page")), sent);
  EXPECT_EQ(Pairs(*jar_->GetCookieHeader("http://other.dialects.test/")),
            (std::set<std::string>{"domain_session=d3", "domain_persistent=d4"}));
  // The browser closes: the session cookies go, whatever the dialect wrote
  // for them (0 or nothing).
  EXPECT_EQ(jar_->EndSession(), 3u);
}

INSTANTIATE_TEST_SUITE_P(
    Recorded, DialectTest,
    ::testing::Values(Dialect{"curl.txt", true, true}, Dialect{"curl_crlf.txt", true, true},
                      Dialect{"wget.txt", false, false}, Dialect{"python_mozilla.txt", false, true},
                      Dialect{"python_mozilla_bom_crlf.txt", false, true},
                      Dialect{"yt_dlp.txt", false, true},
                      Dialect{"browser_extension.txt", false, true}),
    [](const ::testing::TestParamInfo<Dialect>& info) {
      std::string name = info.param.file.substr(0, info.param.file.find('.'));
      return name;
    });

class CookiesTxtLinesTest : public DialectTest {};

// Python's MozillaCookieJar.save(ignore_discard=True) writes nothing in the
// expiry field of a session cookie; its own load() reads such a line as a
// session cookie, and so must we (the issue: 6 of 7 cookies were dropped).
TEST_F(CookiesTxtLinesTest, AnEmptyExpiryIsASessionCookie) {
  CookiesTxtReport report =
      ImportCookiesTxtText("www.dialects.test\tFALSE\t/\tFALSE\t\tsid\t1\n", jar_.get());
  EXPECT_THAT(report.errors, IsEmpty());
  ASSERT_EQ(report.imported, 1u);
  EXPECT_FALSE(jar_->GetAllCookies()[0].IsPersistent());
}

TEST_F(CookiesTxtLinesTest, WhatHandRolledExportersWriteIsRead) {
  CookiesTxtReport report =
      ImportCookiesTxtText(testing::ReadTestData("cookies_txt/adhoc_exporters.txt"), jar_.get());
  // "-1" is an instant before 1970, as curl and Python read it: expired.
  EXPECT_EQ(report.imported, 3u);
  EXPECT_EQ(report.expired, 1u);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_THAT(report.errors[0], HasSubstr("line 8: "));
  std::map<std::string, CanonicalCookie> by_name;
  for (const CanonicalCookie& c : jar_->GetAllCookies()) by_name[c.name] = c;
  ASSERT_EQ(by_name.size(), 3u);
  // A fraction of a second is dropped; a leading dot makes a domain cookie.
  EXPECT_EQ(by_name["dotted_host"].expiry, absl::FromUnixSeconds(kExpiry));
  EXPECT_FALSE(by_name["dotted_host"].host_only);
  EXPECT_EQ(by_name["dotted_host"].domain, "www.dialects.test");
  // Lowercase "true" is curl's TRUE.
  EXPECT_FALSE(by_name["flag_only_domain"].host_only);
  EXPECT_TRUE(by_name["mixed_case_secure"].secure);
}

TEST_F(CookiesTxtLinesTest, OnlyTheInvalidLinesAreRefusedEachWithItsNumber) {
  CookiesTxtReport report =
      ImportCookiesTxtText(testing::ReadTestData("cookies_txt/invalid_lines.txt"), jar_.get());
  EXPECT_EQ(report.imported, 2u);
  std::set<std::string> names;
  for (const CanonicalCookie& c : jar_->GetAllCookies()) names.insert(c.name);
  EXPECT_EQ(names, (std::set<std::string>{"good_first", "good_last"}));
  ASSERT_EQ(report.errors.size(), 7u);
  EXPECT_THAT(report.errors[0], HasSubstr("line 3: expected 7 TAB-separated fields, found 3"));
  EXPECT_THAT(report.errors[1], HasSubstr("line 4: expected 7 TAB-separated fields, found 1 "
                                          "(the fields are separated by spaces, not TABs)"));
  EXPECT_THAT(report.errors[2], HasSubstr("line 5: secure must be TRUE or FALSE, not \"maybe\""));
  EXPECT_THAT(report.errors[3], HasSubstr("line 6: expiry must be Unix seconds"));
  EXPECT_THAT(report.errors[4], HasSubstr("line 7: empty domain"));
  EXPECT_THAT(report.errors[5], HasSubstr("line 8: "));  // __Host- without Secure.
  EXPECT_THAT(report.errors[6], HasSubstr("line 9: "));  // A control byte in the value.
  // A rewrite keeps every refused line as it was.
  EXPECT_EQ(report.kept_lines.size(), 7u);
}

TEST_F(CookiesTxtLinesTest, TheFlagsAreReadWithoutRegardToCase) {
  CookiesTxtReport report = ImportCookiesTxtText(
      "a.test\ttrue\t/\tTrue\t0\tx\t1\n"
      "b.test\tFalse\t/\tfalse\t0\ty\t2\n",
      jar_.get());
  EXPECT_THAT(report.errors, IsEmpty());
  EXPECT_EQ(report.imported, 2u);
}

TEST_F(CookiesTxtLinesTest, AnExpiryThatIsNotANumberIsRefused) {
  for (const char* expiry : {"1.", ".5", "1.5.5", "1e9", "0x10", "1.-5", "soon"}) {
    CookiesTxtReport report = ImportCookiesTxtText(
        absl::StrCat("a.test\tFALSE\t/\tFALSE\t", expiry, "\tx\t1\n"), jar_.get());
    EXPECT_EQ(report.imported, 0u) << expiry;
    ASSERT_EQ(report.errors.size(), 1u) << expiry;
    EXPECT_THAT(report.errors[0], HasSubstr("expiry must be Unix seconds")) << expiry;
  }
}

}  // namespace
}  // namespace cookiejar
