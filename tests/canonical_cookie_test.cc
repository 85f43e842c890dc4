// RFC 6265bis §5.7 (storage model, creation part) as CanonicalCookie::Create
// applies it, plus the matching rules of §5.1.3 and §5.1.4.

#include "cookiejar/canonical_cookie.h"

#include <algorithm>
#include <string>

#include "gtest/gtest.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);
const absl::Duration k400Days = absl::Hours(400 * 24);

struct Result {
  CookieInclusionStatus status;
  CanonicalCookie cookie;
};

CookieAccessContext Http() { return CookieAccessContext(); }
CookieAccessContext Script() {
  CookieAccessContext context;
  context.api = CookieApi::kScript;
  return context;
}

Result Create(std::string_view url_text, std::string_view line,
              CookieAccessContext context = Http()) {
  absl::StatusOr<Url> url = Url::Parse(url_text);
  EXPECT_TRUE(url.ok()) << url.status();
  ParsedCookie parsed;
  Result result;
  result.status = ParsedCookie::Parse(line, &parsed);
  if (!result.status.IsInclude()) return result;
  result.status = CanonicalCookie::Create(parsed, *url, kNow, context,
                                          PublicSuffixList::Builtin(), k400Days, &result.cookie);
  return result;
}

CanonicalCookie Accept(std::string_view url, std::string_view line,
                       CookieAccessContext context = Http()) {
  Result result = Create(url, line, context);
  EXPECT_TRUE(result.status.IsInclude()) << line << ": " << result.status.ToString();
  return result.cookie;
}

// --- Domain (§5.7 steps 8-10) ---

TEST(CanonicalCookieTest, NoDomainAttributeMakesAHostOnlyCookie) {
  CanonicalCookie c = Accept("http://www.example.com/", "a=b");
  EXPECT_TRUE(c.host_only);
  EXPECT_EQ(c.domain, "www.example.com");
}

// Short lowercase Domain attributes are judged sixteen bytes at a time, up
// to 63 bytes; the rest by the byte loop. Each length on both sides of the
// block and size limits, lowercase and with a capital.
TEST(CanonicalCookieTest, DomainAttributeOfEachLength) {
  for (size_t size = 6; size <= 68; ++size) {
    const std::string domain = std::string(size - 5, 'a') + ".test";
    CanonicalCookie c = Accept("http://www." + domain + "/", "a=b; Domain=" + domain);
    EXPECT_FALSE(c.host_only) << domain;
    EXPECT_EQ(c.domain, domain);
    std::string capital = domain;
    capital[(size - 5) / 2] = 'A';  // In the label of a's, at each place in turn.
    c = Accept("http://www." + domain + "/", "a=b; Domain=" + capital);
    EXPECT_FALSE(c.host_only) << capital;
    EXPECT_EQ(c.domain, domain);
  }
}

TEST(CanonicalCookieTest, DomainAttributeLeadingDotIsDroppedAndCaseFolded) {
  CanonicalCookie c = Accept("http://www.example.com/", "a=b; Domain=.EXAMPLE.com");
  EXPECT_FALSE(c.host_only);
  EXPECT_EQ(c.domain, "example.com");
}

TEST(CanonicalCookieTest, DomainAttributeEqualToTheHostIsADomainCookie) {
  CanonicalCookie c = Accept("http://example.com/", "a=b; Domain=example.com");
  EXPECT_FALSE(c.host_only);
  EXPECT_EQ(c.domain, "example.com");
}

TEST(CanonicalCookieTest, InternationalDomainAttributeIsConvertedToPunycode) {
  CanonicalCookie c = Accept("http://www.xn--bcher-kva.de/", "a=b; Domain=Bücher.de");
  EXPECT_EQ(c.domain, "xn--bcher-kva.de");
}

TEST(CanonicalCookieTest, DomainThatDoesNotDomainMatchTheHostIsRefused) {
  EXPECT_TRUE(Create("http://www.example.com/", "a=b; Domain=example.org")
                  .status.HasOnly(Reason::kDomainMismatch));
  EXPECT_TRUE(Create("http://www.example.com/", "a=b; Domain=other.www.example.com")
                  .status.HasOnly(Reason::kDomainMismatch));
  EXPECT_TRUE(Create("http://badexample.com/", "a=b; Domain=example.com")
                  .status.HasOnly(Reason::kDomainMismatch));
}

TEST(CanonicalCookieTest, PublicSuffixDomainIsRefused) {
  EXPECT_TRUE(Create("http://www.example.co.uk/", "a=b; Domain=co.uk")
                  .status.HasOnly(Reason::kDomainIsPublicSuffix));
  EXPECT_TRUE(Create("http://www.example.com/", "a=b; Domain=com")
                  .status.HasOnly(Reason::kDomainIsPublicSuffix));
  EXPECT_TRUE(Create("http://user.github.io/", "a=b; Domain=github.io")
                  .status.HasOnly(Reason::kDomainIsPublicSuffix));
}

TEST(CanonicalCookieTest, PublicSuffixDomainEqualToTheHostBecomesHostOnly) {
  CanonicalCookie c = Accept("http://github.io/", "a=b; Domain=github.io");
  EXPECT_TRUE(c.host_only);
  EXPECT_EQ(c.domain, "github.io");
}

TEST(CanonicalCookieTest, InvalidDomainAttributeIsRefused) {
  EXPECT_TRUE(Create("http://www.example.com/", "a=b; Domain=ex%61mple.com")
                  .status.HasOnly(Reason::kInvalidDomain));
  EXPECT_TRUE(Create("http://www.example.com/", "a=b; Domain=exa mple.com")
                  .status.HasOnly(Reason::kInvalidDomain));
  EXPECT_TRUE(Create("http://www.example.com/", "a=b; Domain=.")
                  .status.HasOnly(Reason::kInvalidDomain));
}

TEST(CanonicalCookieTest, EmptyDomainAttributeMeansHostOnly) {
  CanonicalCookie c = Accept("http://www.example.com/", "a=b; Domain=");
  EXPECT_TRUE(c.host_only);
  EXPECT_EQ(c.domain, "www.example.com");
}

TEST(CanonicalCookieTest, IpAddressHostsOnlyTakeHostOnlyCookies) {
  CanonicalCookie plain = Accept("http://192.168.0.1/", "a=b");
  EXPECT_TRUE(plain.host_only);
  EXPECT_EQ(plain.domain, "192.168.0.1");
  CanonicalCookie same = Accept("http://192.168.0.1/", "a=b; Domain=192.168.0.1");
  EXPECT_TRUE(same.host_only);
  EXPECT_TRUE(Create("http://192.168.0.1/", "a=b; Domain=168.0.1")
                  .status.HasOnly(Reason::kDomainMismatch));
  EXPECT_TRUE(Create("http://[::1]/", "a=b; Domain=1]").status.Has(Reason::kInvalidDomain));
  EXPECT_TRUE(Accept("http://[::1]/", "a=b; Domain=[::1]").host_only);
  EXPECT_TRUE(Accept("http://[::1]/", "a=b; Domain=.[::1]").host_only);
  // The address as the URL writes it, nothing that only means the same
  // (Chromium and Firefox, recorded as parse-02733): no trailing dot, no
  // short or zero-padded forms.
  for (const char* domain : {"192.168.0.1.", ".192.168.0.1.", "192.168.1", "192.168.0.01"}) {
    EXPECT_TRUE(Create("http://192.168.0.1/", std::string("a=b; Domain=") + domain)
                    .status.HasOnly(Reason::kDomainMismatch))
        << domain;
  }
  EXPECT_TRUE(Create("http://[::1]/", "a=b; Domain=[0::1]").status.HasOnly(Reason::kDomainMismatch));
}

// --- Path (§5.7 step 11, default-path §5.1.4) ---

TEST(CanonicalCookieTest, DefaultPathIsTheRequestDirectory) {
  EXPECT_EQ(Accept("http://h.test/a/b/c", "a=b").path, "/a/b");
  EXPECT_EQ(Accept("http://h.test/a/b/", "a=b").path, "/a/b");
  EXPECT_EQ(Accept("http://h.test/a", "a=b").path, "/");
  EXPECT_EQ(Accept("http://h.test/", "a=b").path, "/");
}

TEST(CanonicalCookieTest, PathAttributeNotStartingWithSlashUsesTheDefault) {
  EXPECT_EQ(Accept("http://h.test/a/b", "a=b; Path=x/y").path, "/a");
  EXPECT_EQ(Accept("http://h.test/a/b", "a=b; Path=").path, "/a");
  EXPECT_EQ(Accept("http://h.test/a/b", "a=b; Path=/x/y").path, "/x/y");
}

// --- Expiry (§5.6.1, §5.6.2, §5.7 step 7) ---

TEST(CanonicalCookieTest, NoExpiryMeansASessionCookie) {
  CanonicalCookie c = Accept("http://h.test/", "a=b");
  EXPECT_FALSE(c.IsPersistent());
  EXPECT_EQ(c.expiry, absl::InfiniteFuture());
}

TEST(CanonicalCookieTest, MaxAgeIsRelativeToNow) {
  CanonicalCookie c = Accept("http://h.test/", "a=b; Max-Age=5");
  EXPECT_TRUE(c.IsPersistent());
  EXPECT_EQ(c.expiry, kNow + absl::Seconds(5));
}

TEST(CanonicalCookieTest, MaxAgeWinsOverExpires) {
  CanonicalCookie c =
      Accept("http://h.test/", "a=b; Expires=Wed, 01 Jan 2025 00:00:00 GMT; Max-Age=60");
  EXPECT_EQ(c.expiry, kNow + absl::Seconds(60));
}

TEST(CanonicalCookieTest, ZeroOrNegativeMaxAgeIsAlreadyExpired) {
  EXPECT_TRUE(Accept("http://h.test/", "a=b; Max-Age=0").IsExpired(kNow));
  EXPECT_TRUE(Accept("http://h.test/", "a=b; Max-Age=-1").IsExpired(kNow));
}

TEST(CanonicalCookieTest, InvalidMaxAgeFallsBackToExpires) {
  CanonicalCookie c =
      Accept("http://h.test/", "a=b; Max-Age=5s; Expires=Tue, 14 Nov 2023 22:15:00 GMT");
  EXPECT_EQ(c.expiry, absl::FromUnixSeconds(1700000100));
  EXPECT_FALSE(Accept("http://h.test/", "a=b; Max-Age=").IsPersistent());
  EXPECT_FALSE(Accept("http://h.test/", "a=b; Max-Age=5 5").IsPersistent());
  EXPECT_FALSE(Accept("http://h.test/", "a=b; Max-Age=--5").IsPersistent());
}

TEST(CanonicalCookieTest, PlusSignedMaxAgeIsAcceptedAsInChromium) {
  EXPECT_EQ(Accept("http://h.test/", "a=b; Max-Age=+7").expiry, kNow + absl::Seconds(7));
}

TEST(CanonicalCookieTest, ExpiryIsCappedAt400Days) {
  EXPECT_EQ(Accept("http://h.test/", "a=b; Max-Age=99999999999999999999").expiry,
            kNow + k400Days);
  EXPECT_EQ(Accept("http://h.test/", "a=b; Expires=Fri, 31 Dec 9999 23:59:59 GMT").expiry,
            kNow + k400Days);
  EXPECT_EQ(Accept("http://h.test/", "a=b; Max-Age=86400").expiry, kNow + absl::Hours(24));
  EXPECT_TRUE(Accept("http://h.test/", "a=b; Max-Age=-99999999999999999999").IsExpired(kNow));
}

// Digits are summed unchecked up to 18 of them; longer values, and values
// padded with zeros, must still saturate rather than wrap to a past date.
TEST(CanonicalCookieTest, LongMaxAgeValuesSaturateOrReadAsWritten) {
  EXPECT_EQ(Accept("http://h.test/", "a=b; Max-Age=0000000000000000000000007").expiry,
            kNow + absl::Seconds(7));
  EXPECT_EQ(Accept("http://h.test/", "a=b; Max-Age=999999999999999999").expiry, kNow + k400Days);
  for (const char* max_age : {"9223372036854775807", "9223372036854775808",
                              "18446744073709551616", "92233720368547758070"}) {
    const CanonicalCookie c = Accept("http://h.test/", std::string("a=b; Max-Age=") + max_age);
    EXPECT_EQ(c.expiry, kNow + k400Days) << max_age;
  }
  EXPECT_TRUE(
      Accept("http://h.test/", "a=b; Max-Age=-0000000000000000000000001").IsExpired(kNow));
  EXPECT_FALSE(Accept("http://h.test/", "a=b; Max-Age=12345678901234567890x").IsPersistent());
}

// Values of 4 to 8 digits are converted a word at a time: each length, the
// zeros that pad short values, and a stray byte at each place (bytes with the
// high bit set, next to '0' and '9', and one that carries when 6 is added).
TEST(CanonicalCookieTest, MaxAgeOfEachLengthReadsAsWritten) {
  for (std::string max_age : {"7", "12", "123", "0000", "0001", "1234", "12345", "123456",
                              "1234567", "00000000", "09999999", "19990101", "34559999",
                              "123456789", "1234567890"}) {
    const absl::Duration seconds = absl::Seconds(std::stoll(max_age));
    EXPECT_EQ(Accept("http://h.test/", "a=b; Max-Age=" + max_age).expiry,
              seconds == absl::ZeroDuration() ? absl::InfinitePast()
                                              : kNow + std::min(seconds, k400Days))
        << max_age;
    EXPECT_TRUE(Accept("http://h.test/", "a=b; Max-Age=-" + max_age).IsExpired(kNow)) << max_age;
    for (size_t i = 0; i < max_age.size(); ++i) {
      for (char stray : {'/', ':', 'a', '\x80', '\xb9', '\xfa', '\xff'}) {
        std::string bad = max_age;
        bad[i] = stray;
        EXPECT_FALSE(Accept("http://h.test/", "a=b; Max-Age=" + bad).IsPersistent()) << bad;
      }
    }
  }
}

TEST(CanonicalCookieTest, PastExpiresIsAlreadyExpired) {
  CanonicalCookie c = Accept("http://h.test/", "a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_TRUE(c.IsExpired(kNow));
}

TEST(CanonicalCookieTest, UnparseableExpiresMeansSession) {
  EXPECT_FALSE(Accept("http://h.test/", "a=b; Expires=tomorrow").IsPersistent());
}

// --- Secure and HttpOnly (§5.7 steps 12-15) ---

TEST(CanonicalCookieTest, SecureRequiresASecureOrigin) {
  EXPECT_TRUE(Create("http://h.test/", "a=b; Secure").status.HasOnly(Reason::kSecureOnly));
  EXPECT_TRUE(Accept("https://h.test/", "a=b; Secure").secure);
  EXPECT_TRUE(Accept("wss://h.test/", "a=b; Secure").secure);
}

TEST(CanonicalCookieTest, LocalhostAndLoopbackMaySetSecureCookies) {
  EXPECT_TRUE(Accept("http://localhost:8000/", "a=b; Secure").secure);
  EXPECT_TRUE(Accept("http://127.0.0.1/", "a=b; Secure").secure);
  EXPECT_TRUE(Accept("http://[::1]/", "a=b; Secure").secure);
}

TEST(CanonicalCookieTest, HttpOnlyCannotBeSetFromScript) {
  EXPECT_TRUE(Create("https://h.test/", "a=b; HttpOnly", Script())
                  .status.HasOnly(Reason::kHttpOnly));
  EXPECT_TRUE(Accept("https://h.test/", "a=b; HttpOnly").http_only);
}

TEST(CanonicalCookieTest, SourceSchemeIsRecorded) {
  EXPECT_EQ(Accept("https://h.test/", "a=b").source_scheme, CookieSourceScheme::kSecure);
  EXPECT_EQ(Accept("http://h.test/", "a=b").source_scheme, CookieSourceScheme::kNonSecure);
}

// --- Prefixes (RFC 6265bis §4.1.3, case-insensitive) ---

TEST(CanonicalCookieTest, SecurePrefixRequiresSecure) {
  EXPECT_TRUE(Accept("https://h.test/", "__Secure-a=b; Secure").secure);
  EXPECT_TRUE(Create("https://h.test/", "__Secure-a=b").status.HasOnly(Reason::kInvalidPrefix));
  EXPECT_TRUE(Create("https://h.test/", "__SECURE-a=b").status.HasOnly(Reason::kInvalidPrefix));
  EXPECT_TRUE(Create("http://h.test/", "__Secure-a=b; Secure").status.Has(Reason::kSecureOnly));
}

TEST(CanonicalCookieTest, HostPrefixRequiresSecureHostOnlyAndRootPath) {
  EXPECT_TRUE(Accept("https://h.test/", "__Host-a=b; Secure; Path=/").host_only);
  EXPECT_TRUE(Create("https://h.test/", "__Host-a=b; Path=/").status.HasOnly(Reason::kInvalidPrefix));
  EXPECT_TRUE(Create("https://www.h.test/", "__Host-a=b; Secure; Path=/; Domain=h.test")
                  .status.HasOnly(Reason::kInvalidPrefix));
  EXPECT_TRUE(Create("https://h.test/", "__Host-a=b; Secure; Path=/; Domain=h.test")
                  .status.HasOnly(Reason::kInvalidPrefix));
  EXPECT_TRUE(Create("https://h.test/x/y", "__Host-a=b; Secure")
                  .status.HasOnly(Reason::kInvalidPrefix));
  EXPECT_TRUE(Create("https://h.test/", "__host-a=b; Secure; Path=/x")
                  .status.HasOnly(Reason::kInvalidPrefix));
}

TEST(CanonicalCookieTest, HttpPrefixesRequireHttpOnly) {
  EXPECT_TRUE(Accept("https://h.test/", "__Http-a=b; Secure; HttpOnly").http_only);
  EXPECT_TRUE(Create("https://h.test/", "__Http-a=b; Secure").status.HasOnly(Reason::kInvalidPrefix));
  EXPECT_TRUE(Accept("https://h.test/", "__Host-Http-a=b; Secure; HttpOnly; Path=/").http_only);
  EXPECT_TRUE(Create("https://h.test/", "__Host-Http-a=b; Secure; Path=/")
                  .status.HasOnly(Reason::kInvalidPrefix));
}

TEST(CanonicalCookieTest, NamelessCookieThatLooksPrefixedIsRefused) {
  for (std::string_view line : {"__Host-a=b", "__Secure-a", "=__secure-x", "__Http-x=y",
                                "__Host-Http-x=y"}) {
    // "__Host-a=b" has a name; the others are nameless with a prefixed value.
    if (line == "__Host-a=b") continue;
    EXPECT_TRUE(Create("https://h.test/", std::string(line) + "; Secure; Path=/")
                    .status.HasOnly(Reason::kInvalidPrefix))
        << line;
  }
  EXPECT_EQ(Accept("https://h.test/", "__Securely").value, "__Securely");
}

TEST(CanonicalCookieTest, SeveralReasonsAreReportedTogether) {
  Result r = Create("http://h.test/", "__Host-a=b; Secure; HttpOnly; Domain=h.test",
                    Script());
  EXPECT_TRUE(r.status.Has(Reason::kSecureOnly));
  EXPECT_TRUE(r.status.Has(Reason::kHttpOnly));
  EXPECT_TRUE(r.status.Has(Reason::kInvalidPrefix));
  EXPECT_EQ(r.status.ToString(), "secure_only, http_only, invalid_prefix");
}

// --- Matching (§5.1.3, §5.1.4) ---

TEST(CanonicalCookieTest, DomainMatching) {
  EXPECT_TRUE(DomainMatches("example.com", "example.com"));
  EXPECT_TRUE(DomainMatches("www.example.com", "example.com"));
  EXPECT_TRUE(DomainMatches("an.other.sub.domain.example.com", "example.com"));
  EXPECT_FALSE(DomainMatches("badexample.com", "example.com"));
  EXPECT_FALSE(DomainMatches("example.com", "www.example.com"));
  EXPECT_FALSE(DomainMatches("example.org", "example.com"));
  EXPECT_FALSE(DomainMatches("1.2.3.4", "2.3.4"));
  EXPECT_TRUE(DomainMatches("1.2.3.4", "1.2.3.4"));
}

TEST(CanonicalCookieTest, PathMatching) {
  EXPECT_TRUE(PathMatches("/a", "/a"));
  EXPECT_TRUE(PathMatches("/a/", "/a"));
  EXPECT_TRUE(PathMatches("/a/b", "/a"));
  EXPECT_TRUE(PathMatches("/a/b", "/a/"));
  EXPECT_FALSE(PathMatches("/ab", "/a"));
  EXPECT_FALSE(PathMatches("/", "/a"));
  EXPECT_TRUE(PathMatches("/anything", "/"));
}

}  // namespace
}  // namespace cookiejar
