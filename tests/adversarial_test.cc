// Hostile input: each case has a clear outcome, and inputs are sized so that
// an algorithm worse than linear would not finish within the test's timeout
// (the bound a regression would break, without timing anything here).

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;
using ::testing::HasSubstr;

class AdversarialTest : public ::testing::Test {
 protected:
  AdversarialTest() : clock_(absl::FromUnixSeconds(1700000000)) {
    CookieJarOptions options;
    options.clock = &clock_;
    jar_ = std::make_unique<CookieJar>(options);
  }
  CookieInclusionStatus Set(const std::string& line, const std::string& url = "https://a.example/") {
    return jar_->SetCookie(url, line);
  }
  std::string Get(const std::string& url = "https://a.example/") {
    return jar_->GetCookieHeader(url).value_or("<invalid url>");
  }

  FakeClock clock_;
  std::unique_ptr<CookieJar> jar_;
};

TEST_F(AdversarialTest, OneMebibyteValueIsRefused) {
  EXPECT_TRUE(Set("a=" + std::string(1 << 20, 'x')).HasOnly(Reason::kNameValueTooLong));
  EXPECT_EQ(jar_->size(), 0u);
}

TEST_F(AdversarialTest, OneMebibyteAttributeIsIgnored) {
  EXPECT_TRUE(Set("a=b; Path=/" + std::string(1 << 20, 'p')).IsInclude());
  EXPECT_EQ(jar_->GetAllCookies()[0].path, "/");
}

TEST_F(AdversarialTest, TenThousandAttributesAreReadInOnePass) {
  std::string line = "a=b";
  for (int i = 0; i < 10000; ++i) line += "; Path=/p" + std::to_string(i);
  EXPECT_TRUE(Set(line).IsInclude());
  EXPECT_EQ(jar_->GetAllCookies()[0].path, "/p9999");
}

TEST_F(AdversarialTest, AMillionSemicolons) {
  EXPECT_TRUE(Set("a=b" + std::string(1000000, ';')).IsInclude());
  EXPECT_EQ(Get(), "a=b");
}

TEST_F(AdversarialTest, HundredThousandByteValueWhereTheLimitAllowsIt) {
  CookieJarOptions options;
  options.clock = &clock_;
  options.rules.limits.max_name_value_bytes = 200000;
  CookieJar big(options);
  const std::string value(100000, 'v');
  EXPECT_TRUE(big.SetCookie("https://a.example/", "a=" + value).IsInclude());
  EXPECT_EQ(*big.GetCookieHeader("https://a.example/"), "a=" + value);
}

TEST_F(AdversarialTest, AMillionDomainsStayWithinTheGlobalLimit) {
  CookieJarOptions options;
  options.clock = &clock_;
  options.rules = BrowserRules::Chromium();
  CookieJar jar(options);
  for (int i = 0; i < 1000000; ++i) {
    jar.SetCookie("https://site" + std::to_string(i) + ".example/", "c=1; Max-Age=86400");
    if (i % 100000 == 0) EXPECT_LE(jar.size(), options.rules.limits.max_cookies_hard) << i;
  }
  EXPECT_LE(jar.size(), options.rules.limits.max_cookies_hard);
  // The newest survive: the last site's cookie is there.
  EXPECT_EQ(*jar.GetCookieHeader("https://site999999.example/"), "c=1");
}

TEST_F(AdversarialTest, NulBytesAreRefusedEverywhere) {
  for (const std::string& line :
       {std::string("a\0b=c", 5), std::string("a=b\0c", 5), std::string("a=b; Path=/\0", 12),
        std::string("a=b; Domain=a.example\0.evil", 27)}) {
    EXPECT_TRUE(Set(line).HasOnly(Reason::kControlCharacter)) << line.size();
  }
  EXPECT_TRUE(jar_->SetCookie(std::string("https://a.ex\0ample/", 19), "a=b")
                  .HasOnly(Reason::kInvalidUrl));
  CookiesTxtReport report =
      ImportCookiesTxtText(std::string("a.example\tFALSE\t/\tFALSE\t0\tn\tv\0x\n", 31), jar_.get());
  EXPECT_EQ(report.imported, 0u);
  EXPECT_EQ(jar_->size(), 0u);
}

TEST_F(AdversarialTest, HeaderInjectionIsImpossible) {
  EXPECT_TRUE(Set("a=b\r\nSet-Cookie: evil=1").HasOnly(Reason::kControlCharacter));
  EXPECT_TRUE(Set("a=b\nX-Evil: 1").HasOnly(Reason::kControlCharacter));
  CanonicalCookie injected;
  injected.name = "a";
  injected.value = "b\r\nX-Evil: 1";
  injected.domain = "a.example";
  EXPECT_TRUE(jar_->ImportCookie(injected).HasOnly(Reason::kControlCharacter));
  injected.value = "b; evil=1";  // A ';' would split the header into two cookies.
  EXPECT_FALSE(jar_->ImportCookie(injected).IsInclude());
  EXPECT_EQ(Get(), "");
}

TEST_F(AdversarialTest, InvalidUtf8) {
  // In a value: bytes, kept and sent as they came (as in browsers).
  EXPECT_TRUE(Set("a=\xff\xfe\xc3").IsInclude());
  EXPECT_EQ(Get(), "a=\xff\xfe\xc3");
  // In a Domain or a host: refused.
  EXPECT_TRUE(Set("b=1; Domain=\xff.example").HasOnly(Reason::kInvalidDomain));
  EXPECT_EQ(jar_->SetCookie("https://\xff.example/", "c=1"), CookieInclusionStatus(Reason::kInvalidUrl));
}

TEST_F(AdversarialTest, OverlongLabelsAndHosts) {
  const std::string label64(64, 'a');
  EXPECT_TRUE(Set("a=1; Domain=" + label64 + ".example").HasOnly(Reason::kInvalidDomain));
  // 60 letters and an accent: 61 characters, but "xn--" and the punycode
  // make the ASCII label longer than 63 bytes.
  const std::string idn = std::string(60, 'a') + "\xc3\xa9";
  EXPECT_TRUE(Set("a=1; Domain=" + idn + ".example").HasOnly(Reason::kInvalidDomain));
  EXPECT_EQ(jar_->SetCookie("https://" + std::string(300, 'a') + ".example/", "a=1"),
            CookieInclusionStatus(Reason::kInvalidUrl));
}

TEST_F(AdversarialTest, ExtremeNumbersAndDates) {
  EXPECT_TRUE(Set("max=1; Max-Age=99999999999999999999").IsInclude());
  EXPECT_TRUE(Set("min=1; Max-Age=-99999999999999999999").IsInclude());  // Deletes: expired.
  EXPECT_TRUE(Set("y1601=1; Expires=Mon, 01 Jan 1601 00:00:00 GMT").IsInclude());  // Expired.
  EXPECT_TRUE(Set("y9999=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT").IsInclude());
  EXPECT_TRUE(Set("neg=1; Expires=Wed, 01 Jan -2020 00:00:00 GMT").IsInclude());   // 2020: expired.
  // Five-digit years are years (capped below), six digits are not a date.
  EXPECT_TRUE(Set("huge=1; Expires=Wed, 01 Jan 99999 00:00:00 GMT").IsInclude());
  EXPECT_TRUE(Set("huger=1; Expires=Wed, 01 Jan 999999 00:00:00 GMT").IsInclude());
  std::map<std::string, CanonicalCookie> by_name;
  for (const CanonicalCookie& c : jar_->GetAllCookies()) by_name[c.name] = c;
  EXPECT_EQ(by_name.size(), 4u);
  const absl::Time cap = clock_.Now() + absl::Hours(400 * 24);
  EXPECT_EQ(by_name["max"].expiry, cap);
  EXPECT_EQ(by_name["y9999"].expiry, cap);
  EXPECT_EQ(by_name["huge"].expiry, cap);
  EXPECT_FALSE(by_name["huger"].IsPersistent());
}

TEST_F(AdversarialTest, MapKeyLikeHostsAreOrdinaryHosts) {
  for (const std::string host : {"__proto__", "constructor", "hasownproperty", "prototype"}) {
    EXPECT_TRUE(jar_->SetCookie("https://" + host + "/", "k=" + host).IsInclude()) << host;
  }
  EXPECT_EQ(*jar_->GetCookieHeader("https://__proto__/"), "k=__proto__");
  EXPECT_EQ(*jar_->GetCookieHeader("https://constructor/"), "k=constructor");
  EXPECT_EQ(*jar_->GetCookieHeader("https://a.__proto__/"), "");
  EXPECT_TRUE(Set("d=1; Domain=__proto__", "https://x.__proto__/").HasOnly(
      Reason::kDomainIsPublicSuffix));
}

TEST_F(AdversarialTest, EmptyLabelsDotsAndTrailingDots) {
  for (const std::string url : {"https://../", "https://a..example/", "https://.a.example/",
                                "https://./"}) {
    EXPECT_EQ(jar_->SetCookie(url, "a=1"), CookieInclusionStatus(Reason::kInvalidUrl)) << url;
  }
  EXPECT_TRUE(Set("d=1; Domain=..a.example").HasOnly(Reason::kInvalidDomain));
  EXPECT_TRUE(Set("t=1", "https://a.example./").IsInclude());
  EXPECT_EQ(Get("https://a.example./"), "t=1");
  EXPECT_EQ(Get("https://a.example/"), "");  // A different host.
}

}  // namespace
}  // namespace cookiejar
