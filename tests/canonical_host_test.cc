#include "cookiejar/canonical_host.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;

std::string Canon(std::string_view input) {
  absl::StatusOr<CanonicalHost> host = CanonicalizeHost(input);
  return host.ok() ? host->name : "ERROR";
}

HostKind Kind(std::string_view input) { return CanonicalizeHost(input)->kind; }

TEST(CanonicalHostTest, LowercasesAscii) {
  EXPECT_EQ(Canon("WWW.Example.COM"), "www.example.com");
  EXPECT_EQ(Kind("WWW.Example.COM"), HostKind::kDomain);
}

TEST(CanonicalHostTest, InternationalNamesBecomePunycode) {
  EXPECT_EQ(Canon("Bücher.de"), "xn--bcher-kva.de");
  EXPECT_EQ(Canon("例え.テスト"), "xn--r8jz45g.xn--zckzah");
  EXPECT_EQ(Canon("XN--BCHER-KVA.DE"), "xn--bcher-kva.de");
}

TEST(CanonicalHostTest, NonTransitionalKeepsSharpS) {
  // Transitional processing would map "ß" to "ss"; UTS #46 non-transitional
  // (as WHATWG and browsers) keeps it.
  EXPECT_EQ(Canon("faß.de"), "xn--fa-hia.de");
}

TEST(CanonicalHostTest, IdeographicFullStopSeparatesLabels) {
  EXPECT_EQ(Canon("example\xE3\x80\x82" "com"), "example.com");
}

TEST(CanonicalHostTest, InvalidPunycodeIsRejected) {
  EXPECT_EQ(Canon("xn--a.com"), "ERROR");
}

TEST(CanonicalHostTest, ZeroWidthJoinerOutsideContextIsRejected) {
  EXPECT_EQ(Canon("a\xE2\x80\x8D" "b.com"), "ERROR");
}

TEST(CanonicalHostTest, TrailingDotIsKeptForDomains) {
  EXPECT_EQ(Canon("Example.com."), "example.com.");
}

TEST(CanonicalHostTest, IPv4NumberForms) {
  EXPECT_EQ(Canon("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(Kind("127.0.0.1"), HostKind::kIPv4);
  EXPECT_EQ(Canon("0x7f.1"), "127.0.0.1");
  EXPECT_EQ(Canon("2130706433"), "127.0.0.1");
  EXPECT_EQ(Canon("0177.0.0.1"), "127.0.0.1");
  EXPECT_EQ(Canon("0x7F.0.0.0x1"), "127.0.0.1");
  EXPECT_EQ(Canon("1.2.3.4."), "1.2.3.4");
  EXPECT_EQ(Canon("1.0x"), "1.0.0.0");
  EXPECT_EQ(Canon("4294967295"), "255.255.255.255");
}

TEST(CanonicalHostTest, IPv4OutOfRangeOrMalformedIsRejected) {
  EXPECT_EQ(Canon("256.0.0.1"), "ERROR");
  EXPECT_EQ(Canon("1.2.3.4.5"), "ERROR");
  EXPECT_EQ(Canon("4294967296"), "ERROR");
  EXPECT_EQ(Canon("1.2.3.256"), "ERROR");
  EXPECT_EQ(Canon("1.2.65536"), "ERROR");
  EXPECT_EQ(Canon("1.2.3.09"), "ERROR");  // 09 is not octal.
  EXPECT_EQ(Canon("1..2"), "ERROR");
  EXPECT_EQ(Canon("99999999999999999999999"), "ERROR");
}

TEST(CanonicalHostTest, NameEndingInANumberMustBeIPv4) {
  EXPECT_EQ(Canon("foo.09"), "ERROR");
  EXPECT_EQ(Canon("foo.0x1"), "ERROR");
  EXPECT_EQ(Canon("foo.1a"), "foo.1a");
  EXPECT_EQ(Canon("1a.foo"), "1a.foo");
}

TEST(CanonicalHostTest, IPv6IsCompressed) {
  EXPECT_EQ(Canon("[::1]"), "[::1]");
  EXPECT_EQ(Kind("[::1]"), HostKind::kIPv6);
  EXPECT_EQ(Canon("[0:0:0:0:0:0:0:1]"), "[::1]");
  EXPECT_EQ(Canon("[2001:DB8:0:0:1:0:0:1]"), "[2001:db8::1:0:0:1]");
  EXPECT_EQ(Canon("[1:0::]"), "[1::]");
  EXPECT_EQ(Canon("[1:0:1:0:1:0:1:0]"), "[1:0:1:0:1:0:1:0]");
  EXPECT_EQ(Canon("[::ffff:1.2.3.4]"), "[::ffff:102:304]");
  EXPECT_EQ(Canon("[0001:0db8::0001]"), "[1:db8::1]");
}

TEST(CanonicalHostTest, MalformedIPv6IsRejected) {
  EXPECT_EQ(Canon("[::1"), "ERROR");
  EXPECT_EQ(Canon("[zz::1]"), "ERROR");
  EXPECT_EQ(Canon("[1:2:3:4:5:6:7:8:9]"), "ERROR");
  EXPECT_EQ(Canon("[]"), "ERROR");
  EXPECT_EQ(Canon("[::1%eth0]"), "ERROR");
}

TEST(CanonicalHostTest, EmptyAndEmptyLabelsAreRejected) {
  EXPECT_EQ(Canon(""), "ERROR");
  EXPECT_EQ(Canon("."), "ERROR");
  EXPECT_EQ(Canon(".example.com"), "ERROR");
  EXPECT_EQ(Canon("a..example.com"), "ERROR");
  EXPECT_EQ(Canon("example.com.."), "ERROR");
}

TEST(CanonicalHostTest, ForbiddenCharactersAreRejected) {
  for (std::string_view bad :
       {"a b.com", "a/b", "a:b", "a@b", "a%41", "a\\b", "a|b", "a^b", "a#b",
        "a?b", "a<b", "a>b", "a\tb"}) {
    EXPECT_EQ(Canon(bad), "ERROR") << bad;
  }
  EXPECT_EQ(Canon(std::string("a\0b", 3)), "ERROR");
  EXPECT_EQ(Canon("a\x7f" "b"), "ERROR");
}

TEST(CanonicalHostTest, UnderscoreIsAllowedAsInBrowsers) {
  EXPECT_EQ(Canon("_dmarc.Example.com"), "_dmarc.example.com");
}

TEST(CanonicalHostTest, LengthLimits) {
  const std::string label63(63, 'a');
  const std::string label64(64, 'a');
  EXPECT_EQ(Canon(label63 + ".com"), label63 + ".com");
  EXPECT_EQ(Canon(label64 + ".com"), "ERROR");
  // 4 labels of 63 plus 3 dots = 255 bytes; 3 labels of 63, one of 61: 253.
  const std::string host253 = label63 + "." + label63 + "." + label63 + "." +
                              std::string(61, 'b');
  ASSERT_EQ(host253.size(), 253u);
  EXPECT_EQ(Canon(host253), host253);
  EXPECT_EQ(Canon(host253 + "."), host253 + ".");
  EXPECT_EQ(Canon(host253 + "b"), "ERROR");
  EXPECT_EQ(Canon(std::string(1 << 20, 'a')), "ERROR");
}

TEST(CanonicalHostTest, ErrorNamesTheProblem) {
  absl::StatusOr<CanonicalHost> host = CanonicalizeHost("a..b");
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(host.status().message()), HasSubstr("empty label"));
  EXPECT_THAT(std::string(host.status().message()), HasSubstr("a..b"));
}

TEST(CanonicalHostTest, SimpleCanonicalDomain) {
  EXPECT_TRUE(IsSimpleCanonicalDomain("www.example.com"));
  EXPECT_TRUE(IsSimpleCanonicalDomain("example.com."));
  EXPECT_FALSE(IsSimpleCanonicalDomain("WWW.example.com"));
  EXPECT_FALSE(IsSimpleCanonicalDomain("xn--bcher-kva.de"));
  EXPECT_FALSE(IsSimpleCanonicalDomain("1.2.3.4"));
  EXPECT_FALSE(IsSimpleCanonicalDomain("a..b"));
  EXPECT_FALSE(IsSimpleCanonicalDomain(""));
  EXPECT_FALSE(IsSimpleCanonicalDomain("[::1]"));
}

TEST(CanonicalHostTest, HostToUnicodeForDisplay) {
  EXPECT_EQ(HostToUnicode("xn--bcher-kva.de"), "bücher.de");
  EXPECT_EQ(HostToUnicode("example.com"), "example.com");
}

TEST(CanonicalHostTest, Localhost) {
  EXPECT_TRUE(IsLocalhost("localhost"));
  EXPECT_TRUE(IsLocalhost("localhost."));
  EXPECT_TRUE(IsLocalhost("app.localhost"));
  EXPECT_TRUE(IsLocalhost("127.0.0.1"));
  EXPECT_TRUE(IsLocalhost("127.8.9.10"));
  EXPECT_TRUE(IsLocalhost("[::1]"));
  EXPECT_FALSE(IsLocalhost("localhost.example.com"));
  EXPECT_FALSE(IsLocalhost("notlocalhost"));
  EXPECT_FALSE(IsLocalhost("128.0.0.1"));
  EXPECT_FALSE(IsLocalhost("127.example"));
  EXPECT_FALSE(IsLocalhost("[::2]"));
}

}  // namespace
}  // namespace cookiejar
