// The request object (cookie_request.h): a CookieRequest resolved once by a
// jar, with its URLs parsed and its SameSite context, third-party status and
// partition decided by the jar's rules, and used by every call that takes it.

#include "cookiejar/cookie_request.h"

#include <string>
#include <thread>
#include <vector>

#include "cookiejar/cookie_jar.h"
#include "cookiejar/http_cookies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;

CookieJarOptions Rules(BrowserRules rules) {
  CookieJarOptions options;
  options.rules = std::move(rules);
  return options;
}

CookieRequest Embedded(std::string url, std::string top_level_url) {
  CookieRequest request(std::move(url));
  request.context.top_level_navigation = false;
  request.context.top_level_url = std::move(top_level_url);
  return request;
}

TEST(CookieRequestTest, TheHeadersExampleWorks) {
  CookieJar jar;
  absl::StatusOr<ResolvedRequest> resolved =
      jar.Resolve(Embedded("https://cdn.example/pixel.gif", "https://news.example/"));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->same_site_for_sending(), SameSiteContext::kCrossSite);
  EXPECT_TRUE(resolved->third_party());
  EXPECT_EQ(resolved->partition().ToString(), "https://news.example (cross-site ancestor)");
  EXPECT_TRUE(jar.SetCookie(*resolved, "id=1; Secure; SameSite=None; Partitioned").IsInclude());
  EXPECT_EQ(jar.GetCookieHeader(*resolved), "id=1");
  // Chromium blocks third-party cookies: an unpartitioned one is refused.
  EXPECT_TRUE(jar.SetCookie(*resolved, "plain=1; Secure; SameSite=None")
                  .Has(CookieExclusionReason::kUserPreferences));
}

TEST(CookieRequestTest, KeepsWhatItWasMadeFrom) {
  CookieJar jar;
  CookieRequest request("HTTPS://Shop.EXAMPLE/a/./b?q=1#f");
  request.method = "post";
  request.api = CookieApi::kScript;
  request.context.initiator = "https://shop.example/";
  absl::StatusOr<ResolvedRequest> resolved = jar.Resolve(request);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->request().url, request.url);
  EXPECT_EQ(resolved->url().Spec(), "https://shop.example/a/b");
  EXPECT_EQ(resolved->options().method, "post");
  EXPECT_EQ(resolved->options().api, CookieApi::kScript);
  ASSERT_NE(resolved->options().initiator, nullptr);
  EXPECT_EQ(resolved->options().initiator->host(), "shop.example");
  EXPECT_EQ(resolved->ToString(), "strict, first-party, partition https://shop.example");
}

// Each URL of a request that does not parse is an error that names it; none
// crashes, however odd.
TEST(CookieRequestTest, BadUrlsAreErrorsThatNameTheUrl) {
  CookieJar jar;
  struct Case {
    CookieRequest request;
    std::string names;
  };
  std::vector<Case> cases;
  cases.push_back({CookieRequest(""), "request URL: invalid URL"});
  cases.push_back({CookieRequest("ftp://files.example/"), "request URL: invalid URL"});
  cases.push_back({CookieRequest(std::string("https://a.ex\0mple/", 18)), "request URL"});
  cases.push_back({CookieRequest("https://" + std::string(70000, 'a') + "/"), "request URL"});
  CookieRequest initiator("https://a.example/");
  initiator.context.initiator = "javascript:alert(1)";
  cases.push_back({initiator, "initiator: invalid URL"});
  CookieRequest top = Embedded("https://a.example/", "https://[::1/");
  cases.push_back({top, "top-level URL: invalid URL"});
  CookieRequest frame = Embedded("https://a.example/", "https://a.example/");
  frame.context.frame_ancestors = {"https://ok.example/", "//no-scheme.example/"};
  cases.push_back({frame, "frame ancestor 1: invalid URL"});
  CookieRequest hop("https://a.example/");
  hop.redirect_chain = {"https://b.example:99999/"};
  cases.push_back({hop, "redirect chain URL 0: invalid URL"});
  for (const Case& c : cases) {
    absl::StatusOr<ResolvedRequest> resolved = jar.Resolve(c.request);
    ASSERT_FALSE(resolved.ok()) << c.names;
    EXPECT_EQ(resolved.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(resolved.status().message(), HasSubstr(c.names));
    // HttpCookies reports the same error, and stores nothing.
    HttpCookies cookies(&jar);
    EXPECT_EQ(cookies.CookieHeader(c.request).status(), resolved.status());
    EXPECT_EQ(cookies.StoreResponse(c.request, 200, {"a=1"}).status(), resolved.status());
  }
  EXPECT_EQ(jar.size(), 0u);
}

// The decisions follow the resolving jar's rules: Chromium ignores the
// redirect chain and counts the request itself as a cross-site ancestor;
// Firefox weighs the chain for what the request sends and counts frames only.
TEST(CookieRequestTest, DecisionsFollowTheJarsRules) {
  CookieJar chromium(Rules(BrowserRules::Chromium()));
  CookieJar firefox(Rules(BrowserRules::Firefox()));
  CookieRequest back("https://shop.example/account");
  back.redirect_chain = {"https://shop.example/login", "https://sso.example/auth"};
  absl::StatusOr<ResolvedRequest> by_chromium = chromium.Resolve(back);
  absl::StatusOr<ResolvedRequest> by_firefox = firefox.Resolve(back);
  ASSERT_TRUE(by_chromium.ok() && by_firefox.ok());
  EXPECT_EQ(by_chromium->same_site_for_sending(), SameSiteContext::kStrict);
  EXPECT_EQ(by_firefox->same_site_for_sending(), SameSiteContext::kLax);
  EXPECT_EQ(by_firefox->same_site_for_setting(), SameSiteContext::kStrict);
  EXPECT_EQ(by_firefox->ToString(),
            "lax (strict for the cookies its response sets), first-party, partition "
            "https://shop.example");

  // Each jar decides again a request that another jar resolved by other
  // rules: what it sends is what it would send had it resolved it itself.
  for (CookieJar* jar : {&chromium, &firefox}) {
    ASSERT_TRUE(jar->SetCookie("https://shop.example/", "strict=1; SameSite=Strict").IsInclude());
    ASSERT_TRUE(jar->SetCookie("https://shop.example/", "lax=1; SameSite=Lax").IsInclude());
  }
  EXPECT_EQ(firefox.GetCookieHeader(*by_chromium), "lax=1");
  EXPECT_EQ(firefox.GetCookieHeader(*by_firefox), "lax=1");
  EXPECT_EQ(chromium.GetCookieHeader(*by_firefox), "strict=1; lax=1");
  EXPECT_EQ(chromium.GetCookieHeader(*by_chromium), "strict=1; lax=1");

  CookieRequest framed = Embedded("https://tracker.example/p", "https://news.example/");
  absl::StatusOr<ResolvedRequest> chromium_frame = chromium.Resolve(framed);
  absl::StatusOr<ResolvedRequest> firefox_frame = firefox.Resolve(framed);
  ASSERT_TRUE(chromium_frame.ok() && firefox_frame.ok());
  EXPECT_TRUE(chromium_frame->partition().cross_site_ancestor);
  EXPECT_FALSE(firefox_frame->partition().cross_site_ancestor);
  // Firefox partitions every cookie of a third-party request (Total Cookie
  // Protection), in Firefox's partition even for a request Chromium resolved.
  ASSERT_TRUE(firefox.SetCookie(*chromium_frame, "id=1; Secure; SameSite=None").IsInclude());
  std::vector<CanonicalCookie> stored = firefox.GetCookies(*firefox_frame);
  ASSERT_EQ(stored.size(), 1u);
  ASSERT_TRUE(stored[0].partition_key.has_value());
  EXPECT_EQ(*stored[0].partition_key, firefox_frame->partition());
}

// The same request through a ResolvedRequest and through the hot path's URL
// and CookieOptions: the same cookies, for every context of a small grid.
TEST(CookieRequestTest, ResolvedAndHotPathAgree) {
  const std::vector<std::string> sites = {"https://a.example/", "https://www.a.example/x",
                                          "http://a.example/", "https://b.example/"};
  for (const BrowserRules& rules : {BrowserRules::Chromium(), BrowserRules::Firefox()}) {
    CookieJar jar(Rules(rules));
    CookieAccessPolicy allow_all;
    jar.SetAccessPolicy(allow_all);
    for (const char* line : {"s=1; SameSite=Strict", "l=1; SameSite=Lax", "d=1",
                             "n=1; SameSite=None; Secure", "p=1; SameSite=None; Secure; Partitioned",
                             "h=1; HttpOnly"}) {
      ASSERT_TRUE(jar.SetCookie("https://a.example/", line).IsInclude()) << line;
    }
    for (bool navigation : {true, false}) {
      for (const std::string& top : sites) {
        for (const std::string& initiator : sites) {
          for (const std::string& frame : sites) {
            for (const char* method : {"GET", "POST"}) {
              CookieRequest request("https://a.example/");
              request.method = method;
              request.context.top_level_navigation = navigation;
              request.context.top_level_url = top;
              request.context.initiator = initiator;
              request.context.frame_ancestors = {frame};
              request.redirect_chain = {initiator};
              absl::StatusOr<ResolvedRequest> resolved = jar.Resolve(request);
              ASSERT_TRUE(resolved.ok());
              const std::string header = jar.GetCookieHeader(*resolved);
              EXPECT_EQ(header, jar.GetCookieHeader(resolved->url(), resolved->options()))
                  << rules.name << " " << resolved->ToString();
              std::string appended = "x";
              jar.AppendCookieHeader(*resolved, &appended);
              EXPECT_EQ(appended, "x" + header);
              std::vector<CookieJar::Explanation> explained = jar.Explain(*resolved);
              std::vector<CookieJar::Explanation> by_options =
                  jar.Explain(resolved->url(), resolved->options());
              ASSERT_EQ(explained.size(), by_options.size());
              for (size_t i = 0; i < explained.size(); ++i) {
                EXPECT_EQ(explained[i].cookie.name, by_options[i].cookie.name);
                EXPECT_EQ(explained[i].status.ToString(), by_options[i].status.ToString());
              }
            }
          }
        }
      }
    }
  }
}

// A resolved request is immutable: copies share it, threads read it at once,
// and it outlives the jar that made it.
TEST(CookieRequestTest, CopiesShareAndOutliveTheJar) {
  std::vector<ResolvedRequest> copies;
  {
    CookieJar maker;
    absl::StatusOr<ResolvedRequest> resolved =
        maker.Resolve(Embedded("https://b.example/x", "https://a.example/"));
    ASSERT_TRUE(resolved.ok());
    copies.assign(4, *resolved);
  }
  CookieJar jar;
  CookieAccessPolicy allow_all;
  jar.SetAccessPolicy(allow_all);
  ASSERT_TRUE(jar.SetCookie(copies[0], "n=1; SameSite=None; Secure").IsInclude());
  std::vector<std::thread> threads;
  std::vector<std::string> headers(copies.size());
  for (size_t t = 0; t < copies.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) headers[t] = jar.GetCookieHeader(copies[t]);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& header : headers) EXPECT_EQ(header, "n=1");
  EXPECT_EQ(&copies[0].url(), &copies[3].url());
}

TEST(CookieRequestTest, ServerDateCorrectsExpires) {
  FakeClock clock(absl::FromUnixSeconds(1700000000));
  CookieJarOptions options;
  options.clock = &clock;
  CookieJar jar(options);
  absl::StatusOr<ResolvedRequest> resolved = jar.Resolve(CookieRequest("https://a.example/"));
  ASSERT_TRUE(resolved.ok());
  // The server's clock is a day behind ours: its "in an hour" is in an hour.
  const std::string server_date = "Mon, 13 Nov 2023 22:13:20 GMT";  // 1699913600: a day before.
  ASSERT_TRUE(
      jar.SetCookie(*resolved, "a=1; Expires=Mon, 13 Nov 2023 23:13:20 GMT", server_date)
          .IsInclude());
  std::vector<CanonicalCookie> cookies = jar.GetCookies(*resolved);
  ASSERT_EQ(cookies.size(), 1u);
  EXPECT_EQ(cookies[0].expiry, absl::FromUnixSeconds(1700000000 + 3600));
}

}  // namespace
}  // namespace cookiejar
