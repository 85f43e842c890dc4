// Cookies that come back from files and databases pass the same checks as
// Set-Cookie lines, and their times cannot break the jar (issue: "nothing
// lost, nothing bypassed").

#include <cstdint>
#include <limits>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "cookiejar/parsed_cookie.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;

class ImportTest : public ::testing::Test {
 protected:
  ImportTest() : clock_(absl::FromUnixSeconds(1700000000)) {
    CookieJarOptions options;
    options.clock = &clock_;
    jar_ = std::make_unique<CookieJar>(options);
  }

  static CanonicalCookie Cookie(std::string name, std::string value,
                                std::string domain = "a.example") {
    CanonicalCookie c;
    c.name = std::move(name);
    c.value = std::move(value);
    c.domain = std::move(domain);
    c.path = "/";
    c.creation = c.last_access = absl::FromUnixSeconds(1699999000);
    return c;
  }

  std::string Header(const std::string& url) { return *jar_->GetCookieHeader(url); }

  FakeClock clock_;
  std::unique_ptr<CookieJar> jar_;
};

// The parser trims spaces and tabs around the name and value, so a name with
// a leading space can only come from a file: a server trims it again and
// sees a __Host- cookie that never met the prefix rules.
TEST_F(ImportTest, PrefixBypassWithWhitespaceIsRefused) {
  for (const char* name : {" __Host-x", "\t__Host-x", "__Host-x ", " __Secure-x"}) {
    EXPECT_TRUE(jar_->ImportCookie(Cookie(name, "evil")).HasOnly(Reason::kInvalidNameOrValue))
        << name;
  }
  for (const char* value : {" __Host-x=evil", "\t__Host-x=evil", "__Host-x=evil"}) {
    EXPECT_FALSE(jar_->ImportCookie(Cookie("", value)).IsInclude()) << value;
  }
  EXPECT_EQ(Header("http://sub.a.example/"), "");
}

TEST_F(ImportTest, TheSameCheckRefusesTheSameLines) {
  // What the parser would have produced is accepted; what it never produces
  // is refused, with one reason per rule.
  EXPECT_TRUE(CheckNameAndValue("a", "b").IsInclude());
  EXPECT_TRUE(CheckNameAndValue("", "v").IsInclude());
  EXPECT_TRUE(CheckNameAndValue("a", "x y").IsInclude());  // Inner spaces stay.
  EXPECT_TRUE(CheckNameAndValue("a b", "v").IsInclude());
  EXPECT_TRUE(CheckNameAndValue(" a", "b").HasOnly(Reason::kInvalidNameOrValue));
  EXPECT_TRUE(CheckNameAndValue("a", "b ").HasOnly(Reason::kInvalidNameOrValue));
  EXPECT_TRUE(CheckNameAndValue("a=", "b").HasOnly(Reason::kInvalidNameOrValue));
  EXPECT_TRUE(CheckNameAndValue("a", "b;c").HasOnly(Reason::kInvalidNameOrValue));
  EXPECT_TRUE(CheckNameAndValue("a", "b\x01").HasOnly(Reason::kControlCharacter));
  EXPECT_TRUE(CheckNameAndValue("", "").HasOnly(Reason::kNoCookieContent));
  EXPECT_TRUE(CheckNameAndValue("a", std::string(4096, 'v')).HasOnly(Reason::kNameValueTooLong));
  // And the parser agrees on what it trims.
  ParsedCookie parsed;
  ASSERT_TRUE(ParsedCookie::Parse(" \t__Host-x = evil ", &parsed).IsInclude());
  EXPECT_TRUE(CheckNameAndValue(parsed.name, parsed.value).IsInclude());
}

TEST_F(ImportTest, PrefixBypassThroughCookiesTxtIsRefused) {
  CookiesTxtReport report = ImportCookiesTxtText(
      "a.example\tFALSE\t/\tFALSE\t0\t __Host-x\tevil\n"
      "a.example\tFALSE\t/\tFALSE\t0\t\t __Host-y=evil\n"
      "a.example\tFALSE\t/\tFALSE\t0\tok\t1\n",
      jar_.get());
  EXPECT_EQ(report.imported, 1u);
  ASSERT_EQ(report.errors.size(), 2u);
  EXPECT_THAT(report.errors[0], ::testing::HasSubstr("line 1"));
  EXPECT_EQ(Header("https://a.example/"), "ok=1");
}

TEST_F(ImportTest, ImportedPathsAreBoundedAndClean) {
  CanonicalCookie c = Cookie("a", "1");
  c.path = "/" + std::string(1024, 'p');
  EXPECT_TRUE(jar_->ImportCookie(c).HasOnly(Reason::kInvalidPath));
  c.path = "/" + std::string(1023, 'p');
  EXPECT_TRUE(jar_->ImportCookie(c).IsInclude());
  for (const char* path : {"/a\x1b[31m", "/a;b", "relative"}) {
    c.path = path;
    EXPECT_TRUE(jar_->ImportCookie(c).HasOnly(Reason::kInvalidPath)) << path;
  }
  c.path = "";  // The root.
  EXPECT_TRUE(jar_->ImportCookie(c).IsInclude());
  EXPECT_EQ(Header("https://a.example/"), "a=1");
}

TEST_F(ImportTest, ControlBytesInTheDomainAreRefused) {
  EXPECT_FALSE(jar_->ImportCookie(Cookie("a", "1", "a.example\x1b[2J")).IsInclude());
  EXPECT_FALSE(jar_->ImportCookie(Cookie("a", "1", std::string(300, 'a') + ".example")).IsInclude());
}

// A far-future expiry stays a persistent cookie (it used to saturate into
// the session marker and vanish at the end of the session), capped at the
// profile's maximum age from creation.
TEST_F(ImportTest, FarFutureExpiryIsPersistentAndCapped) {
  for (int64_t seconds : {int64_t{100000000000000000}, std::numeric_limits<int64_t>::max()}) {
    CanonicalCookie c = Cookie("far", "1");
    c.expiry = absl::FromUnixSeconds(seconds);
    ASSERT_TRUE(jar_->ImportCookie(c).IsInclude()) << seconds;
    const std::vector<CanonicalCookie> all = jar_->GetAllCookies();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_TRUE(all[0].IsPersistent());
    EXPECT_EQ(all[0].expiry, c.creation + absl::Hours(400 * 24));
    EXPECT_EQ(jar_->EndSession(), 0u);
    jar_->DeleteAll();
  }
  CookiesTxtReport report = ImportCookiesTxtText(
      "a.example\tFALSE\t/\tFALSE\t9223372036854775807\tfar\t1\n", jar_.get());
  EXPECT_EQ(report.imported, 1u);
  EXPECT_EQ(jar_->EndSession(), 0u);
  EXPECT_EQ(Header("https://a.example/"), "far=1");
}

// Times from a file can be anything; none may overflow the jar's arithmetic
// or push new cookies' creation times into the far future.
TEST_F(ImportTest, ExtremeTimesAreClampedOrRefused) {
  CanonicalCookie future = Cookie("future", "1");
  future.creation = future.last_access = absl::InfiniteFuture();
  future.expiry = absl::FromUnixSeconds(1700000100);
  ASSERT_TRUE(jar_->ImportCookie(future).IsInclude());
  jar_->SetCookie("https://a.example/", "later=1");
  // The new cookie was created after the import, not after the year 292277.
  const std::vector<CanonicalCookie> all = jar_->GetAllCookies();
  ASSERT_EQ(all.size(), 2u);
  for (const CanonicalCookie& c : all) {
    EXPECT_LE(c.creation, clock_.Now() + absl::Minutes(1) + absl::Milliseconds(1)) << c.name;
  }
  EXPECT_EQ(Header("https://a.example/"), "future=1; later=1");

  CanonicalCookie past = Cookie("past", "1");
  past.creation = past.last_access = absl::InfinitePast();
  past.expiry = absl::InfiniteFuture();
  EXPECT_TRUE(jar_->ImportCookie(past).IsInclude());  // A session cookie: no cap applies.
  past.expiry = absl::FromUnixSeconds(1700000100);
  // Created "before time" with an expiry: its 400 days ran out long ago.
  EXPECT_TRUE(jar_->ImportCookie(past).HasOnly(Reason::kExpired));
}

// A caller's clock may say anything; lookups and sets must not overflow.
TEST_F(ImportTest, ExtremeClocksDoNotOverflow) {
  CookieJarOptions options;
  options.clock = &clock_;
  options.rules.same_site.lax_allowing_unsafe = true;
  CookieJar jar(options);
  for (absl::Time now : {absl::InfinitePast(), absl::FromUnixSeconds(-9300000000000),
                         absl::FromUnixSeconds(9300000000000), absl::InfiniteFuture(),
                         absl::FromUnixSeconds(1700000000)}) {
    clock_.Set(now);
    jar.SetCookie("https://a.example/", "a=1; Max-Age=60");
    jar.SetCookie("https://a.example/", "b=1");
    CookieOptions post;
    post.top_level_navigation = true;
    post.method = "POST";
    const Url other = *Url::Parse("https://b.example/");
    post.initiator = &other;
    jar.GetCookieHeader(*Url::Parse("https://a.example/"), post);
    jar.size();
  }
  EXPECT_THAT(*jar.GetCookieHeader("https://a.example/"),
              ::testing::AnyOf("a=1; b=1", "b=1; a=1"));
}

}  // namespace
}  // namespace cookiejar
