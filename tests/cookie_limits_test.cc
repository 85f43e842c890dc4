// Limit profiles and eviction. Every expected survivor set below is worked
// out from the profile's rules (see the comments), not taken from a run.

#include "cookiejar/cookie_limits.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;

class CookieLimitsTest : public ::testing::Test {
 protected:
  CookieLimitsTest() : clock_(absl::FromUnixSeconds(1700000000)) {}

  void MakeJar(CookieLimits limits) {
    CookieJarOptions options;
    options.clock = &clock_;
    options.rules.limits = limits;
    jar_ = std::make_unique<CookieJar>(options);
  }

  // Sets `name` on site `site` one second after the previous set, so that
  // creation and last-access times order the cookies as they were set. Each
  // cookie has its own path so that it can be read alone.
  CookieInclusionStatus Add(const std::string& site, const std::string& name,
                            const std::string& attributes = "", bool secure = false) {
    clock_.Advance(absl::Seconds(1));
    return jar_->SetCookie(absl::StrCat(secure ? "https://" : "http://", site, "/"),
                           absl::StrCat(name, "=v; Path=/", name, "; Max-Age=31536000",
                                        secure ? "; Secure" : "", attributes));
  }

  // Reads cookie `name` of `site`, which updates its last access.
  void Touch(const std::string& site, const std::string& name) {
    clock_.Advance(absl::Seconds(1));
    jar_->GetCookieHeader(absl::StrCat("https://", site, "/", name));
  }

  std::set<std::string> Names() {
    std::set<std::string> names;
    for (const CanonicalCookie& c : jar_->GetAllCookies()) {
      names.insert(absl::StrCat(c.domain, "/", c.name));
    }
    return names;
  }

  static std::set<std::string> Range(const std::string& site, const std::string& prefix,
                                     int first, int last) {
    std::set<std::string> names;
    for (int i = first; i <= last; ++i) names.insert(absl::StrCat(site, "/", prefix, i));
    return names;
  }

  static std::set<std::string> Union(std::set<std::string> a, const std::set<std::string>& b) {
    a.insert(b.begin(), b.end());
    return a;
  }

  FakeClock clock_;
  std::unique_ptr<CookieJar> jar_;
};

// --- RFC 6265 minimum: 20 per site, 300 in all, 4096 bytes ---

TEST_F(CookieLimitsTest, Rfc6265TwentyPerSiteEvictsTheLeastRecentlyUsed) {
  MakeJar(CookieLimits::Rfc6265Minimum());
  for (int i = 0; i <= 20; ++i) Add("a.test", absl::StrCat("c", i));
  // The 21st cookie pushes out c0, the least recently used.
  EXPECT_EQ(Names(), Range("a.test", "c", 1, 20));
  // Reading c1 makes c2 the least recently used.
  Touch("a.test", "c1");
  Add("a.test", "c21");
  std::set<std::string> expected = Range("a.test", "c", 3, 21);
  expected.insert("a.test/c1");
  EXPECT_EQ(Names(), expected);
}

TEST_F(CookieLimitsTest, Rfc6265ThreeHundredInAllEvictsTheLeastRecentlyUsed) {
  MakeJar(CookieLimits::Rfc6265Minimum());
  std::set<std::string> expected;
  for (int s = 0; s < 15; ++s) {
    for (int i = 0; i < 20; ++i) Add(absl::StrCat("s", s, ".test"), absl::StrCat("c", i));
    expected = Union(expected, Range(absl::StrCat("s", s, ".test"), "c", 0, 19));
  }
  EXPECT_EQ(jar_->size(), 300u);
  // The 301st cookie evicts the jar's least recently used: s0's first.
  Add("s15.test", "c0");
  expected.erase("s0.test/c0");
  expected.insert("s15.test/c0");
  EXPECT_EQ(Names(), expected);
}

TEST_F(CookieLimitsTest, NameAndValueOf4096BytesIsTheLimitInEveryProfile) {
  for (CookieLimits limits : {CookieLimits::Rfc6265Minimum(), CookieLimits::Chromium(),
                              CookieLimits::Firefox()}) {
    MakeJar(limits);
    EXPECT_TRUE(jar_->SetCookie("http://a.test/", "n=" + std::string(4095, 'v')).IsInclude());
    EXPECT_TRUE(jar_->SetCookie("http://a.test/", "n=" + std::string(4096, 'v'))
                    .HasOnly(Reason::kNameValueTooLong));
  }
}

TEST_F(CookieLimitsTest, CustomNameValueLimit) {
  CookieLimits limits;
  limits.max_name_value_bytes = 10;
  MakeJar(limits);
  EXPECT_TRUE(jar_->SetCookie("http://a.test/", "name=123456").IsInclude());
  EXPECT_TRUE(jar_->SetCookie("http://a.test/", "name=1234567").HasOnly(Reason::kNameValueTooLong));
}

// --- Chromium: 180 per site purged to 150 in priority rounds ---

TEST_F(CookieLimitsTest, ChromiumSiteOverLimitIsPurgedTo150OldestFirst) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 180; ++i) Add("a.test", absl::StrCat("c", i));
  EXPECT_EQ(jar_->size(), 180u);
  // The 181st starts a purge of 181 - 150 = 31 cookies, all Medium and
  // non-secure: round 3 removes the 31 least recently used.
  Add("a.test", "c180");
  EXPECT_EQ(Names(), Range("a.test", "c", 31, 180));
}

TEST_F(CookieLimitsTest, ChromiumLowPriorityGoesFirstDownToItsQuota) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 40; ++i) Add("a.test", absl::StrCat("low", i), "; Priority=Low");
  for (int i = 0; i < 141; ++i) Add("a.test", absl::StrCat("med", i));
  // Goal 31. Round 1 (Low, non-secure) may remove 40 - 30 (quota) = 10:
  // low0..low9. Round 2 (Low) has 30 left, within quota. Round 3 (Medium,
  // non-secure) removes the remaining 21 oldest: med0..med20.
  EXPECT_EQ(Names(), Union(Range("a.test", "low", 10, 39), Range("a.test", "med", 21, 140)));
}

TEST_F(CookieLimitsTest, ChromiumEvictsNonSecureBeforeOlderSecureCookies) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 100; ++i) Add("a.test", absl::StrCat("s", i), "", /*secure=*/true);
  for (int i = 0; i < 81; ++i) Add("a.test", absl::StrCat("n", i));
  // Goal 31. Round 3 (Medium, non-secure) may remove 181 - max(100 secure,
  // 50 quota) = 81 non-secure cookies and removes the 31 oldest of them.
  EXPECT_EQ(Names(), Union(Range("a.test", "s", 0, 99), Range("a.test", "n", 31, 80)));
}

TEST_F(CookieLimitsTest, ChromiumKeepsOlderHighPriorityCookies) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 70; ++i) Add("a.test", absl::StrCat("high", i), "; Priority=High");
  for (int i = 0; i < 111; ++i) Add("a.test", absl::StrCat("med", i));
  // Goal 31, met in round 3 (Medium, non-secure: 111 - 50 deletable) before
  // round 4 reaches the older High cookies.
  EXPECT_EQ(Names(), Union(Range("a.test", "high", 0, 69), Range("a.test", "med", 31, 110)));
}

TEST_F(CookieLimitsTest, ChromiumSecureRoundKeepsThePriorityQuota) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 181; ++i) Add("a.test", absl::StrCat("s", i), "", /*secure=*/true);
  // Round 3 finds no non-secure cookie; round 5 (Medium, secure) may remove
  // 181 - 50 and removes the 31 oldest.
  EXPECT_EQ(Names(), Range("a.test", "s", 31, 180));
}

TEST_F(CookieLimitsTest, ChromiumRecentlyReadCookiesSurviveTheSitePurge) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 180; ++i) Add("a.test", absl::StrCat("c", i));
  clock_.Advance(absl::Minutes(2));  // Past the one-minute access granularity.
  Touch("a.test", "c0");
  Add("a.test", "c180");
  // c0 is now the most recently used of the old ones: c1..c31 go instead.
  std::set<std::string> expected = Range("a.test", "c", 32, 180);
  expected.insert("a.test/c0");
  EXPECT_EQ(Names(), expected);
}

TEST_F(CookieLimitsTest, ExpiredCookiesGoBeforeAnyLiveCookie) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 10; ++i) Add("a.test", absl::StrCat("short", i), "; Max-Age=100");
  for (int i = 0; i < 170; ++i) Add("a.test", absl::StrCat("c", i));
  clock_.Advance(absl::Seconds(100));  // The short ones have expired.
  Add("a.test", "c170");
  // 10 expired removed; 171 live cookies are under the limit: none evicted.
  EXPECT_EQ(Names(), Range("a.test", "c", 0, 170));
}

TEST_F(CookieLimitsTest, ChromiumGlobalPurgeSparesRecentCookiesAndEvictsNonSecureFirst) {
  MakeJar(CookieLimits::Chromium());
  // 33 sites x 100 cookies = 3300, the limit: no purge yet. The first 1000
  // (sites 0-9) are secure.
  for (int s = 0; s < 33; ++s) {
    for (int i = 0; i < 100; ++i) {
      Add(absl::StrCat("s", s, ".test"), absl::StrCat("c", i), "", /*secure=*/s < 10);
    }
  }
  EXPECT_EQ(jar_->size(), 3300u);
  // Within 30 days of use nothing may be evicted, even over the limit.
  clock_.Advance(absl::Hours(24));
  Add("new.test", "a");
  EXPECT_EQ(jar_->size(), 3301u);
  // 31 days later: 3302 cookies, purge to 3000 = 302 evictions among cookies
  // unused for 30 days (all but the new one; "a" too, but it is the most
  // recent of them), non-secure first in least-recently-used order: sites
  // 10, 11, 12 and c0, c1 of site 13.
  clock_.Advance(absl::Hours(24 * 31));
  Add("new.test", "b");
  std::set<std::string> expected = {"new.test/a", "new.test/b"};
  for (int s = 0; s < 33; ++s) {
    if (s >= 10 && s <= 12) continue;
    expected = Union(expected, Range(absl::StrCat("s", s, ".test"), "c", s == 13 ? 2 : 0, 99));
  }
  EXPECT_EQ(Names(), expected);
}

TEST_F(CookieLimitsTest, HardLimitEndsTheProtectionOfRecentCookies) {
  CookieLimits limits = CookieLimits::Chromium();
  limits.max_cookies = 10;
  limits.purge_to = 8;
  limits.max_cookies_hard = 20;
  MakeJar(limits);
  // All cookies are recent, so nothing goes while the jar holds 11 to 20.
  for (int i = 0; i < 20; ++i) Add(absl::StrCat("s", i, ".test"), "c");
  EXPECT_EQ(jar_->size(), 20u);
  // The 21st passes the hard limit: the least recently used go down to 8,
  // so s13..s20 stay.
  Add("s20.test", "c");
  std::set<std::string> expected;
  for (int i = 13; i <= 20; ++i) expected.insert(absl::StrCat("s", i, ".test/c"));
  EXPECT_EQ(Names(), expected);
}

TEST_F(CookieLimitsTest, HardLimitHoldsWhenEveryCookieWasJustUsed) {
  CookieLimits limits = CookieLimits::Chromium();
  limits.max_cookies = 10;
  limits.purge_to = 8;
  limits.max_cookies_hard = 20;
  MakeJar(limits);
  // The clock does not move: every cookie is as recent as can be.
  for (int i = 0; i < 25; ++i) {
    jar_->SetCookie(absl::StrCat("https://s", i, ".test/"), "c=1; Max-Age=60");
  }
  // At 21 the purge went down to 8 (the oldest by creation went first), then
  // four more arrived.
  EXPECT_EQ(jar_->size(), 12u);
  EXPECT_EQ(*jar_->GetCookieHeader("https://s24.test/"), "c=1");
  EXPECT_EQ(*jar_->GetCookieHeader("https://s0.test/"), "");
}

// --- Firefox: 180 per site, 31 evicted before adding; secure-aware ---

// Recorded (limits-00005, -00007, -00009): 181 cookies leave 150, 200 leave
// 169, 250 leave 157.
TEST_F(CookieLimitsTest, FirefoxFullSiteEvicts31OldestBeforeAdding) {
  MakeJar(CookieLimits::Firefox());
  for (int i = 0; i < 181; ++i) Add("a.test", absl::StrCat("c", i));
  // Adding c180 to 180 cookies first removes the 31 least recently used.
  EXPECT_EQ(Names(), Range("a.test", "c", 31, 180));
  for (int i = 181; i < 250; ++i) Add("a.test", absl::StrCat("c", i));
  EXPECT_EQ(Names(), Range("a.test", "c", 93, 249));
}

TEST_F(CookieLimitsTest, FirefoxRefusesANonSecureCookieWhenOnlySecureOnesCouldGo) {
  MakeJar(CookieLimits::Firefox());
  for (int i = 0; i < 180; ++i) Add("a.test", absl::StrCat("s", i), "", /*secure=*/true);
  EXPECT_TRUE(Add("a.test", "plain").HasOnly(Reason::kSiteCookieLimit));
  EXPECT_EQ(Names(), Range("a.test", "s", 0, 179));
  // A secure cookie may push out the 31 oldest secure ones.
  EXPECT_TRUE(Add("a.test", "s180", "", /*secure=*/true).IsInclude());
  EXPECT_EQ(Names(), Range("a.test", "s", 31, 180));
}

TEST_F(CookieLimitsTest, FirefoxEvictsOnlyNonSecureWhileThereAreAny) {
  MakeJar(CookieLimits::Firefox());
  for (int i = 0; i < 170; ++i) Add("a.test", absl::StrCat("s", i), "", /*secure=*/true);
  for (int i = 0; i < 10; ++i) Add("a.test", absl::StrCat("n", i));
  // Up to 31 may go, but only the 10 non-secure are candidates.
  Add("a.test", "n10");
  std::set<std::string> expected = Range("a.test", "s", 0, 169);
  expected.insert("a.test/n10");
  EXPECT_EQ(Names(), expected);
}

TEST_F(CookieLimitsTest, FirefoxGlobalPurgeIgnoresSecureness) {
  MakeJar(CookieLimits::Firefox());
  for (int s = 0; s < 33; ++s) {
    for (int i = 0; i < 100; ++i) {
      Add(absl::StrCat("s", s, ".test"), absl::StrCat("c", i), "", /*secure=*/s < 10);
    }
  }
  clock_.Advance(absl::Hours(24 * 31));
  Add("new.test", "a");
  // 3301 cookies: the 301 least recently used go, secure or not: sites 0-2
  // and c0 of site 3.
  std::set<std::string> expected = {"new.test/a"};
  for (int s = 3; s < 33; ++s) {
    expected = Union(expected, Range(absl::StrCat("s", s, ".test"), "c", s == 3 ? 1 : 0, 99));
  }
  EXPECT_EQ(Names(), expected);
}

// --- Unlimited and partition limits ---

TEST_F(CookieLimitsTest, UnlimitedKeepsEverythingAndDoesNotCapExpiry) {
  MakeJar(CookieLimits::Unlimited());
  for (int i = 0; i < 1000; ++i) Add("a.test", absl::StrCat("c", i));
  EXPECT_EQ(jar_->size(), 1000u);
  jar_->SetCookie("http://a.test/", "far=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT");
  bool found = false;
  for (const CanonicalCookie& c : jar_->GetAllCookies()) {
    if (c.name == "far") {
      found = true;
      EXPECT_EQ(c.expiry, absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59),
                                          absl::UTCTimeZone()));
    }
  }
  EXPECT_TRUE(found);
}

// Without a cap, a Max-Age past the end of time is the latest instant, not
// "no expiry": the cookie stays persistent (it was a session cookie while
// the sum overflowed to absl's infinite future).
TEST_F(CookieLimitsTest, HugeMaxAgeWithoutACapStaysPersistent) {
  MakeJar(CookieLimits::Unlimited());
  jar_->SetCookie("http://a.test/", "a=1; Max-Age=99999999999999999999");
  jar_->SetCookie("http://a.test/", "b=1; Max-Age=9223372036854775807");
  jar_->SetCookie("http://a.test/", "c=1; Max-Age=9223372036");
  const std::vector<CanonicalCookie> cookies = jar_->GetAllCookies();
  ASSERT_EQ(cookies.size(), 3u);
  for (const CanonicalCookie& c : cookies) {
    EXPECT_TRUE(c.IsPersistent()) << c.name;
    EXPECT_GT(c.expiry, clock_.Now() + absl::Hours(24 * 365 * 290)) << c.name;
  }
}

TEST_F(CookieLimitsTest, ExpiryCapIsConfigurable) {
  CookieLimits limits;
  limits.max_expiry_age = absl::Hours(1);
  MakeJar(limits);
  jar_->SetCookie("http://a.test/", "a=1; Max-Age=7200");
  EXPECT_EQ(jar_->GetAllCookies()[0].expiry, clock_.Now() + absl::Hours(1));
}

TEST_F(CookieLimitsTest, PartitionKeeps180CookiesPerSite) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 181; ++i) {
    clock_.Advance(absl::Seconds(1));
    jar_->SetCookie("https://w.test/", absl::StrCat("p", i, "=v; Secure; Partitioned"));
  }
  // Partitioned cookies are evicted down to exactly the limit: p0 goes.
  EXPECT_EQ(Names(), Range("w.test", "p", 1, 180));
}

TEST_F(CookieLimitsTest, PartitionKeeps10240BytesPerSite) {
  MakeJar(CookieLimits::Chromium());
  for (int i = 0; i < 11; ++i) {
    clock_.Advance(absl::Seconds(1));
    // Name "p<i>" (2-3 bytes) + 997 bytes: 10 cookies stay under 10240.
    jar_->SetCookie("https://w.test/",
                    absl::StrCat("p", i, "=", std::string(997, 'x'), "; Secure; Partitioned"));
  }
  // The 11th pushes the total over 10240 bytes: the oldest, p0, goes.
  EXPECT_EQ(Names(), Range("w.test", "p", 1, 10));
}

TEST_F(CookieLimitsTest, LastAccessIsRecordedAtMostOnceAMinute) {
  MakeJar(CookieLimits::Chromium());
  jar_->SetCookie("http://a.test/", "a=1");
  const absl::Time set_at = clock_.Now();
  clock_.Advance(absl::Seconds(30));
  jar_->GetCookieHeader("http://a.test/");
  EXPECT_EQ(jar_->GetAllCookies()[0].last_access, set_at);
  clock_.Advance(absl::Seconds(31));
  jar_->GetCookieHeader("http://a.test/");
  EXPECT_EQ(jar_->GetAllCookies()[0].last_access, clock_.Now());
}

}  // namespace
}  // namespace cookiejar
