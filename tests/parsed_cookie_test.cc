// RFC 6265bis §5.6: the syntax of a Set-Cookie line.

#include "cookiejar/parsed_cookie.h"

#include <string>

#include "gtest/gtest.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;

ParsedCookie Parse(std::string_view line) {
  ParsedCookie cookie;
  CookieInclusionStatus status = ParsedCookie::Parse(line, &cookie);
  EXPECT_TRUE(status.IsInclude()) << line << ": " << status.ToString();
  return cookie;
}

CookieInclusionStatus Reject(std::string_view line) {
  ParsedCookie cookie;
  return ParsedCookie::Parse(line, &cookie);
}

TEST(ParsedCookieTest, SplitsNameAndValueAtTheFirstEquals) {
  ParsedCookie c = Parse("a=b=c");
  EXPECT_EQ(c.name, "a");
  EXPECT_EQ(c.value, "b=c");
}

TEST(ParsedCookieTest, PairWithoutEqualsIsANamelessCookie) {
  ParsedCookie c = Parse("token");
  EXPECT_EQ(c.name, "");
  EXPECT_EQ(c.value, "token");
}

TEST(ParsedCookieTest, EmptyNameBeforeEqualsIsNameless) {
  ParsedCookie c = Parse("=x");
  EXPECT_EQ(c.name, "");
  EXPECT_EQ(c.value, "x");
}

TEST(ParsedCookieTest, EmptyValueIsKept) {
  ParsedCookie c = Parse("a=");
  EXPECT_EQ(c.name, "a");
  EXPECT_EQ(c.value, "");
}

TEST(ParsedCookieTest, SpacesAndTabsAroundNameAndValueAreTrimmed) {
  ParsedCookie c = Parse(" \t a b \t= \t c d \t; Path=/");
  EXPECT_EQ(c.name, "a b");
  EXPECT_EQ(c.value, "c d");
}

TEST(ParsedCookieTest, QuotesAreNotSpecial) {
  ParsedCookie c = Parse("a=\"b;c\"");
  EXPECT_EQ(c.value, "\"b");
}

TEST(ParsedCookieTest, ControlCharacterAnywhereRejectsTheLine) {
  for (std::string line : {std::string("a=b\0c", 5), std::string("a=b\rc"),
                           std::string("a=b\nc"), std::string("a=b; Path=/\x01"),
                           std::string("a\x7f=b"), std::string("a=b; Domain=\x1f")}) {
    EXPECT_TRUE(Reject(line).HasOnly(Reason::kControlCharacter)) << line;
  }
}

// Recorded (tests/data/browsers, parse-01258..01262): Chromium refuses a tab
// inside a name, value or attribute, Firefox keeps it; both trim tabs around
// them.
TEST(ParsedCookieTest, InnerTabsAreRefusedOrKeptByTheRules) {
  EXPECT_TRUE(Reject("a=b\tc").HasOnly(Reason::kControlCharacter));
  EXPECT_TRUE(Reject("a\tb=c").HasOnly(Reason::kControlCharacter));
  EXPECT_TRUE(Reject("a=b; Path=/x\ty").HasOnly(Reason::kControlCharacter));
  EXPECT_TRUE(Reject("a=b; Fo\to=1").HasOnly(Reason::kControlCharacter));
  EXPECT_EQ(Parse("\ta=b\t;\tPath=/x\t").value, "b");
  EXPECT_EQ(*Parse("\ta=b\t;\tPath=/x\t").path, "/x");

  CookieSyntaxRules firefox;
  firefox.reject_tab = false;
  ParsedCookie cookie;
  ASSERT_TRUE(ParsedCookie::Parse("a\tb=c\td; Path=/x\ty", firefox, &cookie).IsInclude());
  EXPECT_EQ(cookie.name, "a\tb");
  EXPECT_EQ(cookie.value, "c\td");
  EXPECT_EQ(*cookie.path, "/x\ty");
}

// Recorded (parse-01561 and the nameless grammar cases): a pair without '='
// is a nameless cookie's value in Chromium and a name with an empty value in
// Firefox, which refuses empty names altogether.
TEST(ParsedCookieTest, BareTokensAndEmptyNamesFollowTheRules) {
  EXPECT_EQ(Parse("v; Path=/").value, "v");
  EXPECT_EQ(Parse("v; Path=/").name, "");
  EXPECT_EQ(Parse("=v").value, "v");

  CookieSyntaxRules firefox;
  firefox.bare_token = CookieSyntaxRules::BareToken::kName;
  firefox.allow_empty_name = false;
  ParsedCookie cookie;
  ASSERT_TRUE(ParsedCookie::Parse(" v ; Path=/", firefox, &cookie).IsInclude());
  EXPECT_EQ(cookie.name, "v");
  EXPECT_EQ(cookie.value, "");
  EXPECT_TRUE(ParsedCookie::Parse("=v", firefox, &cookie).HasOnly(Reason::kEmptyName));
}

// Both browsers refuse "=a=b": sent as "a=b", it would pass for the cookie
// named "a" (http-state NAME0017, recorded as parse-02425).
TEST(ParsedCookieTest, NamelessValueWithEqualsIsRefused) {
  EXPECT_TRUE(Reject("=a=b").HasOnly(Reason::kInvalidNameOrValue));
  EXPECT_TRUE(Reject("==v").HasOnly(Reason::kInvalidNameOrValue));
}

TEST(ParsedCookieTest, PriorityIsIgnoredWhereTheRulesSaySo) {
  EXPECT_EQ(Parse("a=b; Priority=High").Priority(), CookiePriority::kHigh);
  CookieSyntaxRules firefox;
  firefox.priority = false;
  ParsedCookie cookie;
  ASSERT_TRUE(ParsedCookie::Parse("a=b; Priority=High", firefox, &cookie).IsInclude());
  EXPECT_EQ(cookie.Priority(), CookiePriority::kMedium);
}

TEST(ParsedCookieTest, EmptyNameAndValueIsRejected) {
  EXPECT_TRUE(Reject("").HasOnly(Reason::kNoCookieContent));
  EXPECT_TRUE(Reject("=").HasOnly(Reason::kNoCookieContent));
  EXPECT_TRUE(Reject("  ; Path=/").HasOnly(Reason::kNoCookieContent));
}

TEST(ParsedCookieTest, NameAndValueOver4096BytesIsRejected) {
  const std::string name(2000, 'n');
  EXPECT_EQ(Parse(name + "=" + std::string(2096, 'v')).value.size(), 2096u);
  EXPECT_TRUE(Reject(name + "=" + std::string(2097, 'v')).HasOnly(Reason::kNameValueTooLong));
}

TEST(ParsedCookieTest, AttributeNamesAreCaseInsensitive) {
  ParsedCookie c = Parse("a=b; PATH=/p; dOmAiN=example.com; SECURE; httponly; "
                         "MAX-AGE=5; EXPIRES=x; SameSite=lax; PRIORITY=high; PARTITIONED");
  EXPECT_EQ(c.path, "/p");
  EXPECT_EQ(c.domain, "example.com");
  EXPECT_TRUE(c.secure);
  EXPECT_TRUE(c.http_only);
  EXPECT_EQ(c.max_age, "5");
  EXPECT_EQ(c.expires, "x");
  EXPECT_EQ(c.SameSite(), CookieSameSite::kLax);
  EXPECT_EQ(c.Priority(), CookiePriority::kHigh);
  EXPECT_TRUE(c.partitioned);
}

TEST(ParsedCookieTest, LastAttributeOfAKindWins) {
  ParsedCookie c = Parse("a=b; Path=/one; Path=/two; Domain=x.com; Domain=y.com");
  EXPECT_EQ(c.path, "/two");
  EXPECT_EQ(c.domain, "y.com");
}

TEST(ParsedCookieTest, LastDomainWinsEvenWhenEmpty) {
  // Chromium's behaviour; the empty Domain then means host-only.
  ParsedCookie c = Parse("a=b; Domain=x.com; Domain=");
  EXPECT_EQ(c.domain, "");
}

TEST(ParsedCookieTest, AttributeValueOver1024BytesIsIgnored) {
  // A ParsedCookie points into its line, so the lines outlive the results.
  const std::string long_path = "/" + std::string(1024, 'p');
  const std::string too_long = "a=b; Path=/short; Path=" + long_path;
  EXPECT_EQ(Parse(too_long).path, "/short");
  const std::string at_limit = "a=b; Path=" + long_path.substr(0, 1024);
  EXPECT_EQ(Parse(at_limit).path->size(), 1024u);
}

TEST(ParsedCookieTest, UnknownAttributesAreIgnored) {
  ParsedCookie c = Parse("a=b; Comment=hello; Version=1; Foo; =bar; ;;");
  EXPECT_EQ(c.name, "a");
  EXPECT_FALSE(c.path || c.domain || c.expires || c.max_age || c.secure);
}

TEST(ParsedCookieTest, AttributeWhitespaceIsTrimmed) {
  ParsedCookie c = Parse("a=b;   Path \t=  /p  ;  Secure  ");
  EXPECT_EQ(c.path, "/p");
  EXPECT_TRUE(c.secure);
}

TEST(ParsedCookieTest, FlagAttributesIgnoreTheirValue) {
  ParsedCookie c = Parse("a=b; Secure=no; HttpOnly=false");
  EXPECT_TRUE(c.secure);
  EXPECT_TRUE(c.http_only);
}

TEST(ParsedCookieTest, SameSiteValues) {
  EXPECT_EQ(Parse("a=b; SameSite=Strict").SameSite(), CookieSameSite::kStrict);
  EXPECT_EQ(Parse("a=b; SameSite=LAX").SameSite(), CookieSameSite::kLax);
  EXPECT_EQ(Parse("a=b; SameSite=none").SameSite(), CookieSameSite::kNoRestriction);
  EXPECT_EQ(Parse("a=b; SameSite=bogus").SameSite(), CookieSameSite::kUnspecified);
  EXPECT_EQ(Parse("a=b; SameSite").SameSite(), CookieSameSite::kUnspecified);
  EXPECT_EQ(Parse("a=b").SameSite(), CookieSameSite::kUnspecified);
  // Only letters fold, and only the whole value counts.
  EXPECT_EQ(Parse("a=b; SameSite=sTrIcT").SameSite(), CookieSameSite::kStrict);
  EXPECT_EQ(Parse("a=b; SameSite=la").SameSite(), CookieSameSite::kUnspecified);
  EXPECT_EQ(Parse("a=b; SameSite=laxx").SameSite(), CookieSameSite::kUnspecified);
  EXPECT_EQ(Parse("a=b; SameSite=l\xc1x").SameSite(), CookieSameSite::kUnspecified);
  EXPECT_EQ(Parse("a=b; SameSite=n\xcfne").SameSite(), CookieSameSite::kUnspecified);
  EXPECT_EQ(Parse("a=b; SameSite=\"lax\"").SameSite(), CookieSameSite::kUnspecified);
}

TEST(ParsedCookieTest, PriorityValues) {
  EXPECT_EQ(Parse("a=b; Priority=low").Priority(), CookiePriority::kLow);
  EXPECT_EQ(Parse("a=b; Priority=Medium").Priority(), CookiePriority::kMedium);
  EXPECT_EQ(Parse("a=b; Priority=HIGH").Priority(), CookiePriority::kHigh);
  EXPECT_EQ(Parse("a=b; Priority=LoW").Priority(), CookiePriority::kLow);
  EXPECT_EQ(Parse("a=b; Priority=hig").Priority(), CookiePriority::kMedium);
  EXPECT_EQ(Parse("a=b; Priority=h\xc9gh").Priority(), CookiePriority::kMedium);
  EXPECT_EQ(Parse("a=b; Priority=urgent").Priority(), CookiePriority::kMedium);
  EXPECT_EQ(Parse("a=b").Priority(), CookiePriority::kMedium);
}

TEST(ParsedCookieTest, ManySemicolonsAndAttributesAreHandled) {
  std::string line = "a=b" + std::string(100000, ';');
  EXPECT_EQ(Parse(line).value, "b");
  std::string many = "a=b";
  for (int i = 0; i < 10000; ++i) many += "; x" + std::to_string(i) + "=y";
  many += "; Path=/last";
  EXPECT_EQ(Parse(many).path, "/last");
}

}  // namespace
}  // namespace cookiejar
