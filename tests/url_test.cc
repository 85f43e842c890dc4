#include "cookiejar/url.h"

#include "gtest/gtest.h"

namespace cookiejar {
namespace {

Url MustParse(std::string_view text) {
  absl::StatusOr<Url> url = Url::Parse(text);
  EXPECT_TRUE(url.ok()) << text << ": " << url.status();
  return url.ok() ? *url : *Url::Parse("http://invalid.test/");
}

TEST(UrlTest, PartsAreCanonical) {
  Url url = MustParse("HTTPS://User:Pw@WWW.Example.COM:443/a/./b/../c?q=1#frag");
  EXPECT_EQ(url.scheme(), "https");
  EXPECT_EQ(url.host(), "www.example.com");
  EXPECT_EQ(url.port(), 443);
  EXPECT_EQ(url.path(), "/a/c");
  EXPECT_TRUE(url.IsCryptographic());
  EXPECT_EQ(url.Spec(), "https://www.example.com/a/c");
  EXPECT_EQ(url.query(), "?q=1");
  EXPECT_EQ(url.Href(), "https://www.example.com/a/c?q=1");
}

TEST(UrlTest, TheQueryIsKeptForTheClient) {
  EXPECT_EQ(MustParse("http://h/account?page=2&q=cookies").Href(),
            "http://h/account?page=2&q=cookies");
  EXPECT_EQ(MustParse("http://h/a?").query(), "?");
  EXPECT_EQ(MustParse("http://h/a").query(), "");
  EXPECT_EQ(MustParse("http://h/a?x=1#frag?y").query(), "?x=1");
  EXPECT_EQ(MustParse("http://h?x=/../y").path(), "/");  // A query is not a path.
  // Bytes a browser escapes in a query; '?' after the first stays.
  EXPECT_EQ(MustParse("http://h/?a b\"c<d>e'f?g").query(), "?a%20b%22c%3Cd%3Ee%27f?g");
  EXPECT_EQ(MustParse("http://h/?%41").query(), "?%41");  // Escapes stay as they are.
}

TEST(UrlTest, EmptyPathIsSlash) {
  EXPECT_EQ(MustParse("http://example.com").path(), "/");
  EXPECT_EQ(MustParse("http://example.com?x").path(), "/");
}

TEST(UrlTest, DefaultAndExplicitPorts) {
  EXPECT_EQ(MustParse("http://example.com/").port(), 80);
  EXPECT_EQ(MustParse("wss://example.com/").port(), 443);
  EXPECT_EQ(MustParse("http://example.com:8080/").port(), 8080);
  EXPECT_EQ(MustParse("http://example.com:8080/").Spec(), "http://example.com:8080/");
  EXPECT_FALSE(Url::Parse("http://example.com:65536/").ok());
  EXPECT_FALSE(Url::Parse("http://example.com:8a/").ok());
}

TEST(UrlTest, OnlyCookieSchemesAreAccepted) {
  EXPECT_TRUE(Url::Parse("ws://example.com/").ok());
  absl::StatusOr<Url> ftp = Url::Parse("ftp://example.com/");
  ASSERT_FALSE(ftp.ok());
  EXPECT_NE(ftp.status().message().find("ftp"), absl::string_view::npos);
  EXPECT_FALSE(Url::Parse("file:///etc/passwd").ok());
  EXPECT_FALSE(Url::Parse("example.com/path").ok());
  EXPECT_FALSE(Url::Parse("").ok());
}

TEST(UrlTest, HostIsRequiredAndValidated) {
  EXPECT_FALSE(Url::Parse("http://").ok());
  EXPECT_FALSE(Url::Parse("http://:80/path").ok());
  EXPECT_FALSE(Url::Parse("http://user@/path").ok());
  // As in WHATWG, extra slashes before the host are skipped.
  EXPECT_EQ(MustParse("http:///path").host(), "path");
  EXPECT_FALSE(Url::Parse("http://a..b/").ok());
  EXPECT_FALSE(Url::Parse("http://[::1/").ok());
}

TEST(UrlTest, HostIsPercentDecodedThenCanonicalized) {
  EXPECT_EQ(MustParse("http://ex%41mple.com/").host(), "example.com");
  EXPECT_EQ(MustParse("http://B%C3%BCcher.de/").host(), "xn--bcher-kva.de");
}

TEST(UrlTest, IpHosts) {
  Url v4 = MustParse("http://0x7f.1:8000/");
  EXPECT_EQ(v4.host(), "127.0.0.1");
  EXPECT_EQ(v4.host_kind(), HostKind::kIPv4);
  Url v6 = MustParse("http://[0:0::1]:8000/x");
  EXPECT_EQ(v6.host(), "[::1]");
  EXPECT_EQ(v6.port(), 8000);
  EXPECT_EQ(v6.path(), "/x");
}

TEST(UrlTest, PathEscapesAreKeptNotDecoded) {
  EXPECT_EQ(MustParse("http://h/f%6Fo/bar").path(), "/f%6Fo/bar");
}

TEST(UrlTest, PathBytesOutsideTheSetArePercentEncoded) {
  EXPECT_EQ(MustParse("http://h/a b/\"c\"/é").path(), "/a%20b/%22c%22/%C3%A9");
}

TEST(UrlTest, BackslashesAreSlashes) {
  EXPECT_EQ(MustParse("http:\\\\h\\a\\b").path(), "/a/b");
}

TEST(UrlTest, DotSegments) {
  EXPECT_EQ(MustParse("http://h/a/b/..").path(), "/a/");
  EXPECT_EQ(MustParse("http://h/a/b/.").path(), "/a/b/");
  EXPECT_EQ(MustParse("http://h/../../a").path(), "/a");
  EXPECT_EQ(MustParse("http://h/a/%2E%2e/b").path(), "/b");
  EXPECT_EQ(MustParse("http://h/a//b").path(), "/a//b");
}

TEST(UrlTest, TabsAndNewlinesAreRemovedAndEdgesTrimmed) {
  EXPECT_EQ(MustParse("  http://ex\tam\nple.com/p\r  ").Spec(), "http://example.com/p");
}

TEST(UrlTest, PotentiallyTrustworthy) {
  EXPECT_TRUE(MustParse("https://example.com/").IsPotentiallyTrustworthy());
  EXPECT_TRUE(MustParse("http://localhost:3000/").IsPotentiallyTrustworthy());
  EXPECT_TRUE(MustParse("http://app.localhost/").IsPotentiallyTrustworthy());
  EXPECT_TRUE(MustParse("http://127.0.0.1/").IsPotentiallyTrustworthy());
  EXPECT_TRUE(MustParse("http://[::1]/").IsPotentiallyTrustworthy());
  EXPECT_FALSE(MustParse("http://example.com/").IsPotentiallyTrustworthy());
  EXPECT_FALSE(MustParse("http://localhost").IsCryptographic());
}

// The jar parses URL strings into one Url per thread, whatever the last URL
// left in it.
TEST(UrlTest, AReusedUrlKeepsNothingOfTheLastParse) {
  Url url;
  // An unsupported scheme of the same length as "http" once stayed behind.
  EXPECT_FALSE(Url::ParseInto("abcd://example.com/", &url).ok());
  ASSERT_TRUE(Url::ParseInto("http://example.com/", &url).ok());
  EXPECT_EQ(url.scheme(), "http");
  EXPECT_FALSE(Url::ParseInto("abcde://example.com/", &url).ok());
  ASSERT_TRUE(Url::ParseInto("https://example.com/", &url).ok());
  EXPECT_EQ(url.scheme(), "https");
  ASSERT_TRUE(Url::ParseInto("https://a.example:8443/x/y?q=1", &url).ok());
  ASSERT_TRUE(Url::ParseInto("http://b.example", &url).ok());
  EXPECT_EQ(url.Href(), "http://b.example/");
  EXPECT_EQ(url.port(), 80);
  ASSERT_TRUE(Url::ParseInto("http://[::1]:81/%7e", &url).ok());
  EXPECT_EQ(url.host_kind(), HostKind::kIPv6);
  ASSERT_TRUE(Url::ParseInto("http://c.example/z", &url).ok());
  EXPECT_EQ(url.host_kind(), HostKind::kDomain);
  EXPECT_EQ(url.Href(), "http://c.example/z");
}

// What the common-URL fast path hands to the general parser, at its edges:
// the answers are the WHATWG ones either way.
TEST(UrlTest, EdgesOfTheCommonCase) {
  const std::string long_label(63, 'a');
  EXPECT_EQ(MustParse("https://" + long_label + ".com/").host(), long_label + ".com");
  EXPECT_EQ(MustParse("https://" + long_label + ".b.com/x").path(), "/x");  // A host of 69.
  EXPECT_FALSE(Url::Parse("https://" + long_label + "a/").ok());  // A label of 64 bytes.
  EXPECT_EQ(MustParse("http://a.example:00080/").port(), 80);
  EXPECT_EQ(MustParse("http://a.example:/").port(), 80);
  EXPECT_EQ(MustParse("http://a.example./").host(), "a.example.");
  EXPECT_FALSE(Url::Parse("http://a..example/").ok());
  EXPECT_EQ(MustParse("http://1.2.3.4/").host_kind(), HostKind::kIPv4);
  EXPECT_EQ(MustParse("http://0x7f.1/").host(), "127.0.0.1");
  EXPECT_FALSE(Url::Parse("http://a.0x1/").ok());
  EXPECT_EQ(MustParse("http://xn--bcher-kva.de/").host(), "xn--bcher-kva.de");
  EXPECT_FALSE(Url::Parse("http://xn--a.de/").ok());  // Not valid punycode.
  EXPECT_EQ(MustParse("http://a.example/a/./b").path(), "/a/b");
  EXPECT_EQ(MustParse("http://a.example/a/%2e%2E/b").path(), "/b");
  EXPECT_EQ(MustParse("http://a.example/a.b/c%2F").path(), "/a.b/c%2F");
  EXPECT_EQ(MustParse("http://a.example/0123456789abcde/.x").path(), "/0123456789abcde/.x");
  EXPECT_EQ(MustParse("http://a.example/\\p").path(), "//p");
  EXPECT_EQ(MustParse("http://a.example/?x'y").query(), "?x%27y");
  EXPECT_EQ(MustParse("http://a.example/#x y").Href(), "http://a.example/");
}

TEST(UrlTest, ResolveReferences) {
  Url base = MustParse("http://home.example.org:8888/cookie-parser?x");
  EXPECT_EQ(base.Resolve("/cookie-parser-result?y")->Spec(),
            "http://home.example.org:8888/cookie-parser-result");
  EXPECT_EQ(base.Resolve("https://other.test/p")->Spec(), "https://other.test/p");
  EXPECT_EQ(base.Resolve("//other.test/p")->Spec(), "http://other.test/p");
  EXPECT_EQ(MustParse("http://h/a/b").Resolve("c/d")->path(), "/a/c/d");
  EXPECT_EQ(MustParse("http://h/a/b").Resolve("../c")->path(), "/c");
  EXPECT_EQ(MustParse("http://h/a/b").Resolve("?q")->path(), "/a/b");
  EXPECT_EQ(MustParse("http://h/a/b?old").Resolve("?q")->Href(), "http://h/a/b?q");
  EXPECT_EQ(MustParse("http://h/a/b?old").Resolve("#f")->Href(), "http://h/a/b?old");
  EXPECT_EQ(MustParse("http://h/a/b").Resolve("/c?page=2")->Href(), "http://h/c?page=2");
  EXPECT_EQ(MustParse("http://h/a/b").Resolve("d?x=1")->Href(), "http://h/a/d?x=1");
  EXPECT_FALSE(base.Resolve("ftp://x/").ok());
}

}  // namespace
}  // namespace cookiejar
