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
