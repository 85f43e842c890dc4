// The store and retrieval rules of RFC 6265bis §5.7 and §5.8.3 as the jar
// applies them, and the everyday flows a client relies on.

#include "cookiejar/cookie_jar.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cookiejar/jar_registry.h"
#include "cookiejar/url.h"
#include "tests/allocation_counter.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;
using ::testing::ElementsAre;

class CookieJarTest : public ::testing::Test {
 protected:
  CookieJarTest() : clock_(absl::FromUnixSeconds(1700000000)), jar_(Options()) {}

  CookieJarOptions Options() {
    CookieJarOptions options;
    options.clock = &clock_;
    return options;
  }

  CookieInclusionStatus Set(std::string_view url, std::string_view line,
                            CookieOptions options = CookieOptions::Http()) {
    return jar_.SetCookie(url, line, options);
  }

  std::string Get(std::string_view url, CookieOptions options = CookieOptions::Http()) {
    absl::StatusOr<std::string> header = jar_.GetCookieHeader(url, options);
    EXPECT_TRUE(header.ok()) << header.status();
    return header.value_or("<error>");
  }

  FakeClock clock_;
  CookieJar jar_;
};

// --- Storage (§5.7) ---

TEST_F(CookieJarTest, SameNameDomainAndPathOverwrites) {
  EXPECT_TRUE(Set("http://shop.test/", "a=A").IsInclude());
  EXPECT_TRUE(Set("http://shop.test/", "a=AA").IsInclude());
  EXPECT_EQ(Get("http://shop.test/"), "a=AA");
  EXPECT_EQ(jar_.size(), 1u);
}

// A cookie's pair is stored as "name=value" whether or not the Set-Cookie
// line had them side by side, for names, values and paths of every length
// the copies treat apart (under 8, 8 to 15, 16 to 32, longer).
TEST_F(CookieJarTest, PairsAndPathsAreStoredWhateverTheirSpacingAndLength) {
  const std::string long_name(40, 'n');
  const std::string long_value(70, 'v');
  const std::string long_path = "/" + std::string(39, 'p');
  EXPECT_TRUE(Set("http://shop.test/", "a = spaced").IsInclude());
  EXPECT_TRUE(Set("http://shop.test/", "  b=  ").IsInclude());
  EXPECT_TRUE(Set("http://shop.test/", "nameless-value").IsInclude());
  EXPECT_TRUE(Set("http://shop.test/", "eight_ch=value-of-16-byte; Path=/a-path").IsInclude());
  EXPECT_TRUE(Set("http://shop.test/", "sixteen_chars_nm=v; Path=/a-path/of-17-byt").IsInclude());
  EXPECT_TRUE(Set("http://shop.test/", long_name + "=" + long_value + "; Path=" + long_path)
                  .IsInclude());
  EXPECT_EQ(Get("http://shop.test/"), "a=spaced; b=; nameless-value");
  EXPECT_EQ(Get("http://shop.test/a-path/of-17-byt"),
            "sixteen_chars_nm=v; eight_ch=value-of-16-byte; a=spaced; b=; nameless-value");
  EXPECT_EQ(Get("http://shop.test" + long_path),
            long_name + "=" + long_value + "; a=spaced; b=; nameless-value");
  // Overwrites in place and into a larger block keep the same bytes.
  EXPECT_TRUE(Set("http://shop.test/", "a =x").IsInclude());
  EXPECT_TRUE(Set("http://shop.test/", "b = " + long_value).IsInclude());
  EXPECT_EQ(Get("http://shop.test/"), "nameless-value; a=x; b=" + long_value);
  EXPECT_EQ(jar_.size(), 6u);
}

TEST_F(CookieJarTest, DifferentPathOrHostOnlyFlagIsADifferentCookie) {
  Set("http://shop.test/", "a=root; Path=/");
  Set("http://shop.test/", "a=cart; Path=/cart");
  Set("http://shop.test/", "a=domain; Domain=shop.test");
  EXPECT_EQ(jar_.size(), 3u);
  EXPECT_EQ(Get("http://shop.test/cart"), "a=cart; a=root; a=domain");
}

TEST_F(CookieJarTest, OverwriteWithTheSameValueKeepsCreationTimeAndOrder) {
  Set("http://h.test/", "a=1");
  clock_.Advance(absl::Seconds(1));
  Set("http://h.test/", "b=2");
  clock_.Advance(absl::Seconds(1));
  Set("http://h.test/", "a=1; Max-Age=100");
  EXPECT_EQ(Get("http://h.test/"), "a=1; b=2");
  EXPECT_EQ(jar_.GetAllCookies()[0].creation, absl::FromUnixSeconds(1700000000));
}

TEST_F(CookieJarTest, OverwriteWithANewValueIsANewerCookie) {
  // Chromium keeps the creation time only for an unchanged value.
  Set("http://h.test/", "a=1");
  clock_.Advance(absl::Seconds(1));
  Set("http://h.test/", "b=2");
  clock_.Advance(absl::Seconds(1));
  Set("http://h.test/", "a=changed");
  EXPECT_EQ(Get("http://h.test/"), "b=2; a=changed");
}

// An overwrite rewrites the stored cookie's block when the new bytes fit
// and takes a new one when they do not; either way the jar holds exactly
// what was set last, in header order, with its new attributes.
TEST_F(CookieJarTest, OverwritesThatShrinkGrowAndChangeAttributesKeepTheLastState) {
  Set("https://h.test/", "a=first-value-of-some-length");
  Set("https://h.test/", "b=2");
  Set("https://h.test/", "c=3; Path=/deep");
  const std::vector<std::pair<std::string, std::string>> steps = {
      {"a=x", "c=3; b=2; a=x"},
      {"a=xy; Secure; HttpOnly", "c=3; b=2; a=xy"},
      {"a=grown-past-the-first-value-and-its-block", "c=3; b=2; a=grown-past-the-first-value-and-its-block"},
      {"a=q; SameSite=Strict", "c=3; b=2; a=q"},
      {"b=22", "c=3; a=q; b=22"},
  };
  for (const auto& [line, header] : steps) {
    clock_.Advance(absl::Seconds(1));
    EXPECT_TRUE(Set("https://h.test/", line).IsInclude()) << line;
    EXPECT_EQ(Get("https://h.test/deep"), header) << line;
  }
  EXPECT_EQ(jar_.size(), 3u);
  // The last state of `a` (Strict, neither Secure nor HttpOnly) decides.
  const Url other_site = *Url::Parse("https://other.test/");
  CookieOptions cross_site = CookieOptions::Http();
  cross_site.top_level_navigation = true;
  cross_site.initiator = &other_site;
  EXPECT_EQ(Get("http://h.test/", cross_site), "b=22");
  EXPECT_EQ(Get("http://h.test/", CookieOptions::Script()), "a=q; b=22");
}

TEST_F(CookieJarTest, AnOverwriteDropsSecureAndInsecureOriginsMaySetAgain) {
  Set("https://h.test/", "sid=1; Secure");
  EXPECT_TRUE(Set("http://h.test/", "sid=2").HasOnly(Reason::kOverwriteSecure));
  EXPECT_TRUE(Set("https://h.test/", "sid=3").IsInclude());
  EXPECT_TRUE(Set("http://h.test/", "sid=4").IsInclude());
  EXPECT_EQ(Get("http://h.test/"), "sid=4");
}

TEST_F(CookieJarTest, NamelessCookieOverwritesInPlace) {
  Set("http://h.test/", "longer-nameless-value");
  clock_.Advance(absl::Seconds(1));
  Set("http://h.test/", "b=2");
  clock_.Advance(absl::Seconds(1));
  Set("http://h.test/", "short");
  EXPECT_EQ(Get("http://h.test/"), "b=2; short");
  EXPECT_EQ(jar_.size(), 2u);
}

// A site of more than 32 cookies finds a cookie by its name through an
// index keyed by the stored name's bytes: overwrites in place must leave
// every cookie findable and the header in order.
TEST_F(CookieJarTest, OverwritesOnALargeSiteKeepTheNameIndexAndOrder) {
  std::string expected;
  for (int i = 0; i < 40; ++i) {
    clock_.Advance(absl::Seconds(1));
    Set("http://big.test/", "c" + std::to_string(i) + "=v" + std::to_string(i));
  }
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; i += 3) {
      clock_.Advance(absl::Seconds(1));
      Set("http://big.test/", "c" + std::to_string(i) + "=r" + std::to_string(round));
    }
  }
  EXPECT_EQ(jar_.size(), 40u);
  for (int i = 0; i < 40; ++i) {
    if (i % 3 != 0) expected += "c" + std::to_string(i) + "=v" + std::to_string(i) + "; ";
  }
  for (int i = 0; i < 40; i += 3) expected += "c" + std::to_string(i) + "=r2; ";
  expected.resize(expected.size() - 2);
  EXPECT_EQ(Get("http://big.test/"), expected);
  // Deleting by name finds each cookie that was rewritten.
  for (int i = 0; i < 40; i += 3) {
    Set("http://big.test/", "c" + std::to_string(i) + "=; Max-Age=0");
  }
  EXPECT_EQ(jar_.size(), 26u);
}

TEST_F(CookieJarTest, ImportOverAStoredCookieTakesTheImportedCreationTime) {
  Set("http://h.test/", "a=1");
  clock_.Advance(absl::Seconds(1));
  Set("http://h.test/", "b=2");
  CanonicalCookie older = jar_.GetAllCookies()[1];
  ASSERT_EQ(older.name, "b");
  older.value = "3";
  older.creation -= absl::Seconds(10);
  EXPECT_TRUE(jar_.ImportCookie(older).IsInclude());
  EXPECT_EQ(Get("http://h.test/"), "b=3; a=1");
}

TEST_F(CookieJarTest, AnOverwriteThatFitsAllocatesNothing) {
  Set("http://h.test/", "sid=0123456789");
  Set("http://h.test/", "other=1");
  Set("http://h.test/", "sid=abcdefghij");  // Warms the per-thread caches.
  const size_t before = testing::ThreadAllocationCount();
  EXPECT_TRUE(Set("http://h.test/", "sid=9876543210").IsInclude());
  EXPECT_EQ(testing::ThreadAllocationCount() - before, 0u);
  EXPECT_EQ(Get("http://h.test/"), "other=1; sid=9876543210");
}

TEST_F(CookieJarTest, ExpiredSetCookieDeletesAndIsNotStored) {
  Set("http://app.test/", "sessionid=xyz; Path=/");
  // What Django's delete_cookie sends.
  EXPECT_TRUE(Set("http://app.test/logout/",
                  "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
                  .IsInclude());
  EXPECT_EQ(Get("http://app.test/"), "");
  EXPECT_EQ(jar_.size(), 0u);
  EXPECT_TRUE(Set("http://app.test/", "never=stored; Max-Age=0").IsInclude());
  EXPECT_EQ(jar_.size(), 0u);
}

TEST_F(CookieJarTest, DeletionMustNameTheSameDomainAndPath) {
  Set("http://app.test/a/", "x=1; Path=/a");
  Set("http://app.test/", "x=; Max-Age=0; Path=/");
  EXPECT_EQ(Get("http://app.test/a/"), "x=1");
}

TEST_F(CookieJarTest, InsecureOriginCannotOverwriteASecureCookie) {
  ASSERT_TRUE(Set("https://bank.test/", "sid=secret; Secure").IsInclude());
  EXPECT_TRUE(Set("http://bank.test/", "sid=evil").HasOnly(Reason::kOverwriteSecure));
  EXPECT_EQ(Get("https://bank.test/"), "sid=secret");
}

TEST_F(CookieJarTest, InsecureOriginCannotShadowASecureCookieFromAnotherDomainOrDeeperPath) {
  ASSERT_TRUE(Set("https://www.bank.test/", "sid=secret; Secure; Path=/").IsInclude());
  EXPECT_TRUE(Set("http://www.bank.test/", "sid=evil; Domain=bank.test")
                  .HasOnly(Reason::kOverwriteSecure));
  EXPECT_TRUE(Set("http://www.bank.test/", "sid=evil; Path=/deeper")
                  .HasOnly(Reason::kOverwriteSecure));
  EXPECT_EQ(Get("https://www.bank.test/deeper"), "sid=secret");
}

TEST_F(CookieJarTest, InsecureOriginCannotDeleteASecureCookie) {
  Set("https://bank.test/", "sid=secret; Secure");
  EXPECT_TRUE(Set("http://bank.test/", "sid=; Max-Age=0").HasOnly(Reason::kOverwriteSecure));
  EXPECT_EQ(Get("https://bank.test/"), "sid=secret");
}

TEST_F(CookieJarTest, InsecureCookieOnAPathOutsideTheSecureOneIsAllowed) {
  Set("https://bank.test/secure/", "sid=secret; Secure; Path=/secure");
  EXPECT_TRUE(Set("http://bank.test/", "sid=public; Path=/").IsInclude());
  EXPECT_EQ(Get("http://bank.test/"), "sid=public");
}

TEST_F(CookieJarTest, SecureOriginMayOverwriteASecureCookie) {
  Set("https://bank.test/", "sid=old; Secure");
  EXPECT_TRUE(Set("https://bank.test/", "sid=new; Secure").IsInclude());
  EXPECT_EQ(Get("https://bank.test/"), "sid=new");
}

TEST_F(CookieJarTest, ScriptCannotOverwriteOrDeleteAnHttpOnlyCookie) {
  Set("https://app.test/", "sid=server; HttpOnly");
  EXPECT_TRUE(Set("https://app.test/", "sid=script", CookieOptions::Script())
                  .HasOnly(Reason::kOverwriteHttpOnly));
  EXPECT_TRUE(Set("https://app.test/", "sid=; Max-Age=0", CookieOptions::Script())
                  .HasOnly(Reason::kOverwriteHttpOnly));
  EXPECT_EQ(Get("https://app.test/"), "sid=server");
}

TEST_F(CookieJarTest, RefusedCookiesLeaveTheJarUnchanged) {
  Set("http://h.test/", "a=1");
  EXPECT_FALSE(Set("http://h.test/", std::string("a=2\0x", 5)).IsInclude());
  EXPECT_FALSE(Set("http://h.test/", "a=3; Domain=other.test").IsInclude());
  EXPECT_TRUE(Set("not a url", "a=4").HasOnly(Reason::kInvalidUrl));
  EXPECT_EQ(Get("http://h.test/"), "a=1");
}

TEST_F(CookieJarTest, InvalidUrlForGetIsAnError) {
  absl::StatusOr<std::string> header = jar_.GetCookieHeader("ftp://h.test/");
  EXPECT_FALSE(header.ok());
}

// --- Retrieval (§5.8.3) ---

TEST_F(CookieJarTest, HostOnlyCookieGoesOnlyToItsHost) {
  Set("http://example.com/", "a=b");
  EXPECT_EQ(Get("http://example.com/"), "a=b");
  EXPECT_EQ(Get("http://www.example.com/"), "");
}

TEST_F(CookieJarTest, DomainCookieGoesToTheDomainAndItsSubdomains) {
  Set("http://www.example.com/", "a=b; Domain=.example.com");
  EXPECT_EQ(Get("http://example.com/"), "a=b");
  EXPECT_EQ(Get("http://www.example.com/"), "a=b");
  EXPECT_EQ(Get("http://www2.example.com/"), "a=b");
  EXPECT_EQ(Get("http://an.other.sub.domain.example.com/"), "a=b");
  EXPECT_EQ(Get("http://example.org/"), "");
  EXPECT_EQ(Get("http://badexample.com/"), "");
}

// A Domain attribute may name the host or a parent down to the host's
// registrable domain. Above it lies another site, refused as Chromium and
// Firefox refuse it, even where it is no public suffix itself: a host under
// the private suffix s3.amazonaws.com may not set cookies for all of
// amazonaws.com (which the jar used to accept, and then never sent to the
// host that set it).
TEST_F(CookieJarTest, DomainAttributesAtEveryLevelOfTheHost) {
  EXPECT_TRUE(Set("https://a.b.example.co.uk/", "mid=1; Domain=b.example.co.uk").IsInclude());
  EXPECT_TRUE(Set("https://a.b.example.co.uk/", "reg=1; Domain=example.co.uk").IsInclude());
  EXPECT_TRUE(Set("https://a.b.example.co.uk/", "self=1; Domain=a.b.example.co.uk").IsInclude());
  EXPECT_TRUE(Set("https://a.b.example.co.uk/", "suffix=1; Domain=co.uk")
                  .HasOnly(Reason::kDomainIsPublicSuffix));
  EXPECT_EQ(Get("https://a.b.example.co.uk/"), "mid=1; reg=1; self=1");
  EXPECT_EQ(Get("https://c.b.example.co.uk/"), "mid=1; reg=1");
  EXPECT_EQ(Get("https://example.co.uk/"), "reg=1");
  EXPECT_EQ(Get("https://other.co.uk/"), "");

  EXPECT_TRUE(Set("https://q.s3.amazonaws.com/", "bucket=1; Domain=q.s3.amazonaws.com").IsInclude());
  EXPECT_TRUE(Set("https://q.s3.amazonaws.com/", "parent=1; Domain=amazonaws.com")
                  .HasOnly(Reason::kDomainMismatch));
  EXPECT_TRUE(Set("https://q.s3.amazonaws.com/", "psl=1; Domain=s3.amazonaws.com")
                  .HasOnly(Reason::kDomainIsPublicSuffix));
  // The public suffix itself as a host: only its own name, host-only.
  EXPECT_TRUE(Set("https://s3.amazonaws.com/", "up=1; Domain=amazonaws.com")
                  .HasOnly(Reason::kDomainMismatch));
  EXPECT_TRUE(Set("https://s3.amazonaws.com/", "own=1; Domain=s3.amazonaws.com").IsInclude());
  EXPECT_EQ(Get("https://q.s3.amazonaws.com/"), "bucket=1");
  EXPECT_EQ(Get("https://s3.amazonaws.com/"), "own=1");
  EXPECT_EQ(Get("https://www.amazonaws.com/"), "");
}

TEST_F(CookieJarTest, HostsAreComparedCanonically) {
  Set("http://WWW.Example.COM/", "a=b");
  EXPECT_EQ(Get("http://www.example.com./"), "");
  EXPECT_EQ(Get("http://www.EXAMPLE.com/"), "a=b");
}

TEST_F(CookieJarTest, PathMustMatch) {
  Set("http://shop.test/", "site=1; Path=/");
  Set("http://shop.test/", "cart=2; Path=/shop");
  EXPECT_EQ(Get("http://shop.test/"), "site=1");
  EXPECT_EQ(Get("http://shop.test/shop"), "cart=2; site=1");
  EXPECT_EQ(Get("http://shop.test/shop/item/7"), "cart=2; site=1");
  EXPECT_EQ(Get("http://shop.test/shopping"), "site=1");
}

TEST_F(CookieJarTest, SecureCookiesAreNotSentOverHttp) {
  Set("https://h.test/", "s=1; Secure");
  Set("https://h.test/", "p=2");
  EXPECT_EQ(Get("https://h.test/"), "s=1; p=2");
  EXPECT_EQ(Get("http://h.test/"), "p=2");
  EXPECT_EQ(Get("wss://h.test/"), "s=1; p=2");
}

TEST_F(CookieJarTest, SecureCookiesAreSentToLocalhostOverHttp) {
  Set("http://localhost:8000/", "s=1; Secure");
  EXPECT_EQ(Get("http://localhost:9000/"), "s=1");
}

TEST_F(CookieJarTest, PortsDoNotSeparateCookies) {
  Set("http://h.test:8080/", "a=1");
  EXPECT_EQ(Get("http://h.test:9090/"), "a=1");
}

TEST_F(CookieJarTest, HttpOnlyIsHiddenFromTheScriptApi) {
  Set("https://h.test/", "session=1; HttpOnly");
  Set("https://h.test/", "theme=dark");
  EXPECT_EQ(Get("https://h.test/"), "session=1; theme=dark");
  EXPECT_EQ(Get("https://h.test/", CookieOptions::Script()), "theme=dark");
}

TEST_F(CookieJarTest, ScriptCanSetOrdinaryCookies) {
  EXPECT_TRUE(Set("https://h.test/", "js=1", CookieOptions::Script()).IsInclude());
  EXPECT_EQ(Get("https://h.test/"), "js=1");
}

TEST_F(CookieJarTest, LongerPathsComeFirstThenEarlierCreation) {
  Set("http://h.test/", "a=1; Path=/");
  Set("http://h.test/", "b=2; Path=/x/y");
  Set("http://h.test/", "c=3; Path=/x");
  Set("http://h.test/", "d=4; Path=/");
  EXPECT_EQ(Get("http://h.test/x/y/z"), "b=2; c=3; a=1; d=4");
}

TEST_F(CookieJarTest, CookiesSetInTheSameInstantKeepTheirOrder) {
  for (std::string name : {"z", "y", "x", "w"}) Set("http://h.test/", name + "=1");
  EXPECT_EQ(Get("http://h.test/"), "z=1; y=1; x=1; w=1");
}

TEST_F(CookieJarTest, NamelessCookieIsSentAsItsBareValue) {
  Set("http://h.test/", "token");
  Set("http://h.test/", "a=b");
  EXPECT_EQ(Get("http://h.test/"), "token; a=b");
}

TEST_F(CookieJarTest, ExpiredCookiesAreNeverReturned) {
  Set("http://h.test/", "short=1; Max-Age=10");
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(Get("http://h.test/"), "");
  EXPECT_EQ(jar_.size(), 0u);
  EXPECT_TRUE(jar_.GetAllCookies().empty());
}

TEST_F(CookieJarTest, RetrievalUpdatesLastAccess) {
  Set("http://h.test/", "a=1");
  clock_.Advance(absl::Minutes(5));
  Get("http://h.test/");
  EXPECT_EQ(jar_.GetAllCookies()[0].last_access, clock_.Now());
}

TEST_F(CookieJarTest, LargeSitesKeepTheSameRules) {
  // Past the sizes at which a site's storage changes shape (a name index
  // above 32 cookies, an array per path length above 256), with cookies of
  // one name on several paths removed and replaced in every order.
  CookieJarOptions options = Options();
  options.rules = BrowserRules::Unlimited();
  CookieJar jar(options);
  for (int i = 0; i < 400; ++i) {
    jar.SetCookie("https://big.test/", "c" + std::to_string(i) + "=v; Path=/" +
                                           std::string(i % 5, 'p'));
  }
  for (const char* path : {"/", "/a", "/a/b"}) {
    jar.SetCookie("https://big.test/", std::string("same=") + path + "; Path=" + path);
  }
  jar.SetCookie("https://big.test/", "same=; Path=/; Max-Age=0");  // Deletes the first.
  jar.SetCookie("https://big.test/", "same=again; Path=/a");         // Replaces in place.
  jar.SetCookie("https://big.test/", "same=new; Path=/a/b");         // A new creation time.
  EXPECT_THAT(*jar.GetCookieHeader("https://big.test/a/b"),
              ::testing::StartsWith("same=new; same=again; "));
  for (int i = 0; i < 400; i += 2) {
    jar.SetCookie("https://big.test/", "c" + std::to_string(i) + "=; Max-Age=0; Path=/" +
                                           std::string(i % 5, 'p'));
  }
  EXPECT_EQ(jar.size(), 200u + 2u);
  const std::string header = *jar.GetCookieHeader("https://big.test/pppp");
  EXPECT_THAT(header, ::testing::HasSubstr("c399=v"));
  EXPECT_THAT(header, ::testing::Not(::testing::HasSubstr("c398=v")));
  EXPECT_TRUE(jar.SetCookie("https://big.test/", "same=x; Path=/a").IsInclude());
  EXPECT_THAT(*jar.GetCookieHeader("https://big.test/a/b"), ::testing::HasSubstr("same=x"));
}

// A large site's header is kept per thread until the site changes; every
// change, every request difference and the passing of time must show.
TEST_F(CookieJarTest, LargeSiteHeaderIsAlwaysTheCurrentOne) {
  for (int i = 0; i < 40; ++i) {
    std::string line = "c" + std::to_string(i) + "=v";
    if (i % 3 == 0) line += "; Secure";
    if (i % 4 == 0) line += "; HttpOnly";
    if (i % 5 == 0) line += "; Path=/a";
    if (i % 6 == 0) line += "; Domain=big.test";
    if (i % 7 == 0) line += "; Max-Age=100";
    ASSERT_TRUE(Set("https://big.test/", line).IsInclude()) << line;
  }
  // The header as the uncached path (GetCookies) sees it.
  auto expected = [&](std::string_view url, CookieOptions options) {
    std::string header;
    for (const CanonicalCookie& c : jar_.GetCookies(*Url::Parse(url), options)) {
      if (!header.empty()) header += "; ";
      header += c.name.empty() ? c.value : c.name + "=" + c.value;
    }
    return header;
  };
  auto check = [&](const char* step) {
    for (const char* url : {"https://big.test/", "http://big.test/", "https://big.test/a/b",
                            "https://www.big.test/a", "https://big.test/b"}) {
      for (CookieOptions options : {CookieOptions::Http(), CookieOptions::Script()}) {
        const std::string want = expected(url, options);
        EXPECT_EQ(Get(url, options), want) << step << " " << url;
        EXPECT_EQ(Get(url, options), want) << step << " " << url << " (again)";
      }
    }
    // Kept most recently: the next step's first request finds it.
    Get("https://big.test/");
  };
  check("filled");
  Set("https://big.test/", "c1=changed");
  check("overwritten");
  Set("https://big.test/", "new=1; Path=/a");
  check("added");
  Set("https://big.test/", "c2=; Max-Age=0");
  check("deleted");
  clock_.Advance(absl::Seconds(100));
  check("expired");
  jar_.DeleteAll();
  check("emptied");
}

TEST_F(CookieJarTest, LargeSiteHeaderStillUpdatesLastAccess) {
  for (int i = 0; i < 40; ++i) Set("https://big.test/", "c" + std::to_string(i) + "=v");
  EXPECT_THAT(Get("https://big.test/"), ::testing::StartsWith("c0=v; c1=v"));
  Get("https://big.test/");
  clock_.Advance(absl::Hours(1));
  Get("https://big.test/");
  for (const CanonicalCookie& cookie : jar_.GetAllCookies()) {
    EXPECT_EQ(cookie.last_access, clock_.Now()) << cookie.name;
  }
}

TEST_F(CookieJarTest, AppendCookieHeaderReusesTheCallersBuffer) {
  Set("http://h.test/", "a=1");
  Set("http://h.test/", "b=2");
  std::string buffer = "Cookie: ";
  EXPECT_EQ(jar_.AppendCookieHeader(*Url::Parse("http://h.test/"), {}, &buffer), 2u);
  EXPECT_EQ(buffer, "Cookie: a=1; b=2");
}

// A URL string the fast parser takes is looked up in place, and its Url is
// made only when a decision (a cross-site initiator, a top-level page, a
// partition) needs it: the header must be the parsed Url's every time.
TEST_F(CookieJarTest, UrlStringAndParsedUrlGiveTheSameHeader) {
  Set("https://www.site.test/", "plain=1; Domain=site.test");
  Set("https://www.site.test/", "lax=1; SameSite=Lax");
  Set("https://www.site.test/", "strict=1; SameSite=Strict");
  Set("https://www.site.test/", "none=1; SameSite=None; Secure");
  Set("https://www.site.test/a", "deep=1; Path=/a");
  Set("https://www.site.test/", "secure=1; Secure");
  const Url top = *Url::Parse("https://top.test/");
  Set("https://www.site.test/", "part=1; SameSite=None; Secure; Partitioned",
      [&] {
        CookieOptions options = CookieOptions::Http();
        options.top_level_url = &top;
        return options;
      }());
  Set("http://localhost/", "local=1; Secure");

  const Url initiator = *Url::Parse("https://other.test/");
  std::vector<CookieOptions> contexts(4, CookieOptions::Http());
  contexts[1].initiator = &initiator;
  contexts[2].initiator = &initiator;
  contexts[2].top_level_navigation = true;
  contexts[3].top_level_url = &top;
  contexts[3].initiator = &top;
  for (const char* url :
       {"https://www.site.test/", "https://www.site.test", "https://www.site.test/a/b?q=1#f",
        "http://www.site.test/a", "https://www.site.test:8443/a", "HTTPS://WWW.Site.test/a/../a",
        "https://site.test/", "http://localhost/x", "https://other.test/"}) {
    for (size_t c = 0; c < contexts.size(); ++c) {
      std::string from_string = "Cookie: ", from_url = "Cookie: ";
      absl::StatusOr<size_t> count = jar_.AppendCookieHeader(url, contexts[c], &from_string);
      ASSERT_TRUE(count.ok()) << url;
      EXPECT_EQ(*count, jar_.AppendCookieHeader(*Url::Parse(url), contexts[c], &from_url))
          << url << " context " << c;
      EXPECT_EQ(from_string, from_url) << url << " context " << c;
    }
  }
  // The cases above do differ.
  EXPECT_EQ(Get("https://www.site.test/a"), "deep=1; plain=1; lax=1; strict=1; none=1; secure=1");
  CookieOptions partitioned = CookieOptions::Http();
  partitioned.top_level_url = &top;
  EXPECT_THAT(Get("https://www.site.test/", partitioned), ::testing::HasSubstr("part=1"));
  EXPECT_EQ(Get("http://localhost/"), "local=1");
  // Default Lax: only the SameSite=None cookie goes to a cross-site subresource.
  EXPECT_EQ(Get("https://www.site.test/", contexts[1]), "none=1");
}

std::string Describe(const CanonicalCookie& c) {
  return absl::StrCat(c.name, "=", c.value, " d=", c.domain, " p=", c.path,
                      " c=", absl::FormatTime(c.creation), " e=", absl::FormatTime(c.expiry),
                      " a=", absl::FormatTime(c.last_access), " h=", c.host_only, " s=", c.secure,
                      " ho=", c.http_only, " ss=", static_cast<int>(c.same_site),
                      " pr=", static_cast<int>(c.priority),
                      " src=", static_cast<int>(c.source_scheme),
                      " k=", c.partition_key ? c.partition_key->ToString() : "-");
}

// A Set-Cookie from a URL string canonical as written is read where the
// caller wrote it; every other URL is parsed into a Url first. Both must
// store the same cookie, with the same status, for every URL and context.
TEST_F(CookieJarTest, UrlStringAndParsedUrlSetTheSameCookies) {
  const Url top = *Url::Parse("https://top.test/");
  const Url initiator = *Url::Parse("https://other.test/");
  std::vector<CookieOptions> contexts(4, CookieOptions::Http());
  contexts[1].initiator = &initiator;
  contexts[2].top_level_url = &top;
  contexts[3] = CookieOptions::Script();
  const std::vector<std::string> lines = {
      "plain=1", "dom=1; Domain=site.test", "lax=1; SameSite=Lax", "none=1; SameSite=None; Secure",
      "sec=1; Secure", "__Host-h=1; Secure; Path=/", "__Secure-s=1; Secure", "http=1; HttpOnly",
      "part=1; SameSite=None; Secure; Partitioned", "wide=1; Domain=test", "ip=1; Domain=127.0.0.1"};
  for (const char* url :
       {"https://www.site.test/", "https://www.site.test", "https://www.site.test/a/b?q=1#f",
        "http://www.site.test/a/b", "https://www.site.test:8443/dir/page",
        "HTTPS://WWW.Site.test/a/../a/", "http://localhost/x/y", "http://127.0.0.1/p/q",
        "https://other.test/"}) {
    for (size_t c = 0; c < contexts.size(); ++c) {
      FakeClock clock(absl::FromUnixSeconds(1700000000));
      CookieJarOptions options;
      options.clock = &clock;
      CookieJar from_string(options), from_url(options);
      for (const std::string& line : lines) {
        const CookieInclusionStatus a = from_string.SetCookie(url, line, contexts[c]);
        const CookieInclusionStatus b = from_url.SetCookie(*Url::Parse(url), line, contexts[c]);
        EXPECT_EQ(a.ToString(), b.ToString()) << url << " " << line << " context " << c;
      }
      const std::vector<CanonicalCookie> a = from_string.GetAllCookies();
      const std::vector<CanonicalCookie> b = from_url.GetAllCookies();
      ASSERT_EQ(a.size(), b.size()) << url << " context " << c;
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(Describe(a[i]), Describe(b[i])) << url << " context " << c;
      }
    }
  }
  // The cases above do differ: a default path, a secure source, a refusal.
  CookieJar jar;
  jar.SetCookie("http://www.site.test/a/b", "p=1");
  jar.SetCookie("https://www.site.test/", "s=1");
  ASSERT_EQ(jar.GetAllCookies().size(), 2u);
  EXPECT_EQ(jar.GetAllCookies()[0].path, "/a");
  EXPECT_EQ(jar.GetAllCookies()[1].source_scheme, CookieSourceScheme::kSecure);
  EXPECT_EQ(jar.SetCookie("http://www.site.test/", "x=1; Secure").ToString(),
            CookieInclusionStatus(Reason::kSecureOnly).ToString());
}

TEST_F(CookieJarTest, ExplainGivesTheReasonForEveryCookie) {
  Set("https://h.test/", "sent=1");
  Set("https://h.test/", "secure=1; Secure");
  Set("https://h.test/", "deep=1; Path=/deep");
  Set("https://other.test/", "other=1");
  std::vector<CookieJar::Explanation> explanations =
      jar_.Explain(*Url::Parse("http://h.test/"));
  ASSERT_EQ(explanations.size(), 4u);
  EXPECT_EQ(explanations[0].cookie.name, "sent");
  EXPECT_TRUE(explanations[0].status.IsInclude());
  std::map<std::string, std::string> reasons;
  for (const auto& e : explanations) reasons[e.cookie.name] = e.status.ToString();
  EXPECT_EQ(reasons["secure"], "secure_only");
  EXPECT_EQ(reasons["deep"], "not_on_path");
  EXPECT_EQ(reasons["other"], "domain_mismatch");
}

TEST_F(CookieJarTest, DeleteCookieAndDeleteAll) {
  Set("http://h.test/", "a=1");
  Set("http://h.test/", "b=2");
  CanonicalCookie a = jar_.GetAllCookies()[0];
  EXPECT_TRUE(jar_.DeleteCookie(a));
  EXPECT_FALSE(jar_.DeleteCookie(a));
  EXPECT_EQ(Get("http://h.test/"), "b=2");
  EXPECT_EQ(jar_.DeleteAll(), 1u);
  EXPECT_EQ(jar_.size(), 0u);
}

// --- Sessions ---

TEST_F(CookieJarTest, EndSessionDropsSessionCookiesOnly) {
  Set("http://h.test/", "session=1");
  Set("http://h.test/", "persistent=2; Max-Age=3600");
  EXPECT_EQ(jar_.EndSession(), 1u);
  EXPECT_EQ(Get("http://h.test/"), "persistent=2");
}

// --- User flows ---

TEST_F(CookieJarTest, LoginCookieWithMaxAge5LivesFiveSeconds) {
  Set("http://app.test/login/", "is_login=True; Max-Age=5; Path=/");
  clock_.Advance(absl::Seconds(4));
  EXPECT_EQ(Get("http://app.test/index/"), "is_login=True");
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Get("http://app.test/index/"), "");
}

TEST_F(CookieJarTest, BankSessionIsSentForTransferAndRepayment) {
  ASSERT_TRUE(Set("https://bank.test/login",
                  "sessionid=u42; Path=/; Secure; HttpOnly; SameSite=Lax")
                  .IsInclude());
  EXPECT_EQ(Get("https://bank.test/transfer"), "sessionid=u42");
  EXPECT_EQ(Get("https://bank.test/repayment"), "sessionid=u42");
  EXPECT_EQ(Get("http://bank.test/transfer"), "");
}

TEST_F(CookieJarTest, LastVisitTimeIsReplacedOnEveryVisit) {
  Set("http://blog.test/", "last_visit=\"2024-01-01 10:00\"; Max-Age=86400");
  clock_.Advance(absl::Hours(1));
  Set("http://blog.test/", "last_visit=\"2024-01-01 11:00\"; Max-Age=86400");
  EXPECT_EQ(Get("http://blog.test/"), "last_visit=\"2024-01-01 11:00\"");
}

TEST_F(CookieJarTest, RecentlyViewedProducts) {
  Set("http://shop.test/product/1", "viewed=1; Path=/");
  Set("http://shop.test/product/7", "viewed=1-7; Path=/");
  Set("http://shop.test/product/3", "viewed=1-7-3; Path=/");
  EXPECT_EQ(Get("http://shop.test/cart"), "viewed=1-7-3");
}

TEST(JarRegistryTest, ProfilesAreIsolated) {
  JarRegistry browsers;
  std::shared_ptr<CookieJar> chrome = browsers.Profile("chrome");
  std::shared_ptr<CookieJar> firefox = browsers.Profile("firefox");
  chrome->SetCookie("https://site.test/", "user=alice");
  firefox->SetCookie("https://site.test/", "user=bob");
  EXPECT_EQ(*chrome->GetCookieHeader("https://site.test/"), "user=alice");
  EXPECT_EQ(*firefox->GetCookieHeader("https://site.test/"), "user=bob");
  EXPECT_EQ(browsers.Profile("chrome"), chrome);
  EXPECT_THAT(browsers.ProfileNames(), ElementsAre("chrome", "firefox"));
}

// A client calls this for every request: once the thread's scratch URL and
// site cache are warm and the caller reuses its string, the jar allocates
// nothing (the system clock and the built-in list, as most clients run).
TEST(CookieJarHotPathTest, HeaderFromAUrlStringAllocatesNothingOnceWarm) {
  CookieJar jar;
  const std::vector<std::string> urls = {
      "https://www.example.com/account?page=2&q=cookies",
      "https://shop.example.co.uk/basket",
      "http://news.example.org/a/rather/long/path/to/an/article/page.html?id=12345678",
      "https://192.168.1.20:8443/admin",
  };
  for (const std::string& url : urls) {
    ASSERT_TRUE(jar.SetCookie(url, "a=1; Path=/").IsInclude()) << url;
    ASSERT_TRUE(jar.SetCookie(url, "session=" + std::string(40, 's')).IsInclude()) << url;
  }
  std::string header;
  auto all = [&] {
    size_t bytes = 0;
    for (const std::string& url : urls) {
      header.clear();
      absl::StatusOr<size_t> appended =
          jar.AppendCookieHeader(url, CookieOptions::Http(), &header);
      EXPECT_TRUE(appended.ok()) << appended.status();
      bytes += appended.value_or(0);
    }
    return bytes;
  };
  const size_t warm = all();
  const size_t before = testing::ThreadAllocationCount();
  size_t again = 0;
  for (int round = 0; round < 3; ++round) again += all();
  EXPECT_EQ(testing::ThreadAllocationCount() - before, 0u);
  EXPECT_EQ(again, 3 * warm);
  EXPECT_GT(warm, 0u);
}

// Lookups on the system clock read the kernel's coarse time, which lags by
// up to a tick; a cookie must still stop being sent the moment it expires.
TEST(CookieJarHotPathTest, SystemClockLookupHonoursAnExpiryWithinATick) {
  CookieJar jar;
  for (int attempt = 0; attempt < 20; ++attempt) {
    CanonicalCookie cookie;
    cookie.name = "a";
    cookie.value = "1";
    cookie.domain = "tick.test";
    cookie.path = "/";
    cookie.creation = cookie.last_access = absl::Now();
    cookie.expiry = cookie.creation + absl::Milliseconds(30);
    ASSERT_TRUE(jar.ImportCookie(cookie).IsInclude());
    ASSERT_EQ(*jar.GetCookieHeader("https://tick.test/"), "a=1");
    while (absl::Now() <= cookie.expiry) {
    }
    // The exact time is past the expiry now; the coarse one may not be yet.
    EXPECT_EQ(*jar.GetCookieHeader("https://tick.test/"), "") << "attempt " << attempt;
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(JarRegistryTest, EphemeralJarsAreSeparateAndUnlisted) {
  JarRegistry browsers;
  browsers.Profile("main")->SetCookie("https://site.test/", "a=1");
  std::shared_ptr<CookieJar> incognito = browsers.CreateEphemeral();
  EXPECT_EQ(*incognito->GetCookieHeader("https://site.test/"), "");
  EXPECT_THAT(browsers.ProfileNames(), ElementsAre("main"));
}

TEST(JarRegistryTest, RemovedProfileStartsEmptyWhenReopened) {
  JarRegistry browsers;
  browsers.Profile("p")->SetCookie("https://site.test/", "a=1");
  EXPECT_TRUE(browsers.RemoveProfile("p"));
  EXPECT_FALSE(browsers.RemoveProfile("p"));
  EXPECT_EQ(*browsers.Profile("p")->GetCookieHeader("https://site.test/"), "");
}

}  // namespace
}  // namespace cookiejar
