// The client-neutral integration (http_cookies.h, redirect_follower.h): the
// rules every adapter shares, without a network.

#include "cookiejar/http_cookies.h"

#include "cookiejar/redirect_follower.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cookiejar {
namespace {

using Next = RedirectFollower::Next;

class HttpCookiesTest : public ::testing::Test {
 protected:
  HttpCookiesTest() : clock_(absl::FromUnixSeconds(1700000000)), jar_(Options()), cookies_(&jar_) {}

  // The integration's rules alone: third-party cookies allowed, and a
  // cross-site redirect hop counting (RFC 6265bis; Chromium ignores the
  // chain, see ChromiumIgnoresTheRedirectChain).
  CookieJarOptions Options() {
    CookieJarOptions options;
    options.clock = &clock_;
    options.access_policy = CookieAccessPolicy();
    options.rules.same_site.redirect_chain = true;
    options.rules.same_site.lax_allowing_unsafe = false;
    return options;
  }

  std::string Header(const CookieRequest& request) {
    absl::StatusOr<std::string> header = cookies_.CookieHeader(request);
    EXPECT_TRUE(header.ok()) << header.status();
    return header.value_or("<error>");
  }

  void Store(const CookieRequest& request, std::vector<std::string> lines, int status = 200) {
    ASSERT_TRUE(cookies_.StoreResponse(request, status, lines).ok());
  }

  FakeClock clock_;
  CookieJar jar_;
  HttpCookies cookies_;
};

TEST_F(HttpCookiesTest, AnExchangeStoresThenSends) {
  CookieRequest login("https://shop.example/login?next=%2Fcart");
  EXPECT_EQ(Header(login), "");
  Store(login, {"sid=1; Secure; HttpOnly", "theme=dark"});
  EXPECT_EQ(Header(CookieRequest("https://shop.example/cart?page=2")), "sid=1; theme=dark");
  // Each Set-Cookie value is one cookie, in the order received.
  absl::StatusOr<std::vector<CookieInclusionStatus>> results =
      cookies_.StoreResponse(login, 200, {"ok=1", "bad=1; Domain=other.example"});
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE((*results)[0].IsInclude());
  EXPECT_TRUE((*results)[1].Has(CookieExclusionReason::kDomainMismatch));
}

TEST_F(HttpCookiesTest, InformationalResponsesSetNothing) {
  CookieRequest request("https://a.example/");
  Store(request, {"early=1"}, 103);
  Store(request, {"late=1"}, 404);  // Any final status does.
  EXPECT_EQ(Header(request), "late=1");
}

TEST_F(HttpCookiesTest, BadUrlsAreErrorsNotCrashes) {
  EXPECT_EQ(cookies_.CookieHeader(CookieRequest("not a url")).status().code(),
            absl::StatusCode::kInvalidArgument);
  CookieRequest request("https://a.example/");
  request.context.initiator = "::";
  EXPECT_EQ(cookies_.CookieHeader(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.context.initiator = "";
  request.redirect_chain = {"gopher://x/"};
  EXPECT_FALSE(cookies_.StoreResponse(request, 200, {"a=1"}).ok());
}

TEST_F(HttpCookiesTest, TheContextDecidesSameSite) {
  Store(CookieRequest("https://news.example/"),
        {"strict=1; SameSite=Strict", "lax=1; SameSite=Lax", "none=1; SameSite=None; Secure"});
  CookieRequest pixel("https://news.example/pixel.gif");
  pixel.context.top_level_navigation = false;
  pixel.context.top_level_url = "https://blog.example/post";
  EXPECT_EQ(Header(pixel), "none=1");
  CookieRequest link("https://news.example/story");
  link.context.initiator = "https://blog.example/post";
  EXPECT_EQ(Header(link), "lax=1; none=1");
  link.method = "POST";
  EXPECT_EQ(Header(link), "none=1");
}

TEST_F(HttpCookiesTest, FramesMakeARequestToTheTopSiteCrossSite) {
  Store(CookieRequest("https://news.example/"), {"strict=1; SameSite=Strict", "lax=1"});
  CookieRequest back("https://news.example/pixel.gif");
  back.context.top_level_navigation = false;
  back.context.top_level_url = "https://news.example/";
  EXPECT_EQ(Header(back), "strict=1; lax=1");
  back.context.frame_ancestors = {"https://ads.example/frame"};
  EXPECT_EQ(Header(back), "");
  back.context.frame_ancestors = {"::"};
  EXPECT_EQ(cookies_.CookieHeader(back).status().code(), absl::StatusCode::kInvalidArgument);
}

// Chromium and Firefox move an Expires date by the server's clock skew
// (the response's Date header), so "an hour from the server's now" is an
// hour from ours.
TEST_F(HttpCookiesTest, ExpiresIsCorrectedByTheResponseDate) {
  const CookieRequest request("https://a.example/");
  // Our clock: 2023-11-14T22:13:20Z. The server's: a day behind.
  ASSERT_TRUE(cookies_
                  .StoreResponse(request, 200, {"d=1; Expires=Mon, 13 Nov 2023 23:13:20 GMT"},
                                 "Mon, 13 Nov 2023 22:13:20 GMT")
                  .ok());
  ASSERT_EQ(jar_.GetAllCookies().size(), 1u);
  EXPECT_EQ(jar_.GetAllCookies()[0].expiry, clock_.Now() + absl::Hours(1));
  // Without a Date (or with one that does not parse) the date is taken as is:
  // long past here, so the cookie deletes its match.
  ASSERT_TRUE(
      cookies_.StoreResponse(request, 200, {"d=1; Expires=Mon, 13 Nov 2023 23:13:20 GMT"}, "soon")
          .ok());
  EXPECT_EQ(jar_.size(), 0u);
  // Max-Age needs no correction.
  ASSERT_TRUE(
      cookies_.StoreResponse(request, 200, {"m=1; Max-Age=60"}, "Mon, 13 Nov 2023 22:13:20 GMT")
          .ok());
  EXPECT_EQ(jar_.GetAllCookies()[0].expiry, clock_.Now() + absl::Seconds(60));
}

TEST(RedirectFollowerTest, MethodsAndBodiesAsBrowsersChangeThem) {
  struct Case {
    const char* method;
    int status;
    const char* next_method;
    bool keeps_body;
  };
  for (const Case& c : {Case{"POST", 301, "GET", false}, Case{"POST", 302, "GET", false},
                        Case{"POST", 303, "GET", false}, Case{"POST", 307, "POST", true},
                        Case{"POST", 308, "POST", true}, Case{"PUT", 302, "PUT", true},
                        Case{"PUT", 303, "GET", false}, Case{"DELETE", 303, "GET", false},
                        Case{"HEAD", 303, "HEAD", true}, Case{"head", 302, "HEAD", true},
                        Case{"GET", 301, "GET", true}}) {
    CookieRequest first("https://a.example/form");
    first.method = c.method;
    RedirectFollower follower(first);
    ASSERT_EQ(*follower.OnResponse(c.status, "/done"), Next::kFollow);
    EXPECT_EQ(follower.request().method, c.next_method) << c.method << " " << c.status;
    EXPECT_EQ(follower.keeps_body(), c.keeps_body) << c.method << " " << c.status;
    EXPECT_EQ(follower.request().url, "https://a.example/done");
  }
}

TEST(RedirectFollowerTest, QueriesSurviveAndTheChainIsKept) {
  RedirectFollower follower(CookieRequest("https://a.example/account?page=2&q=cookies"));
  EXPECT_EQ(follower.request().url, "https://a.example/account?page=2&q=cookies");
  ASSERT_EQ(*follower.OnResponse(302, "https://b.example/sso?return=%2Fx#frag"), Next::kFollow);
  EXPECT_EQ(follower.request().url, "https://b.example/sso?return=%2Fx");
  ASSERT_EQ(*follower.OnResponse(302, "?step=2"), Next::kFollow);
  EXPECT_EQ(follower.request().url, "https://b.example/sso?step=2");
  EXPECT_THAT(follower.request().redirect_chain,
              ::testing::ElementsAre("https://a.example/account?page=2&q=cookies",
                                     "https://b.example/sso?return=%2Fx"));
  EXPECT_EQ(*follower.OnResponse(200, ""), Next::kDone);
  EXPECT_EQ(*follower.OnResponse(302, ""), Next::kDone);  // No Location: the end.
  EXPECT_EQ(*follower.OnResponse(304, "/x"), Next::kDone);
  EXPECT_EQ(follower.redirects(), 2);
}

TEST(RedirectFollowerTest, BadRedirectsAreErrors) {
  RedirectFollower follower(CookieRequest("https://a.example/"));
  EXPECT_EQ(follower.OnResponse(302, "ftp://a.example/").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(follower.OnResponse(302, "wss://a.example/").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(follower.OnResponse(302, "http://[::").status().code(),
            absl::StatusCode::kInvalidArgument);
  RedirectFollower loop(CookieRequest("https://a.example/"), /*max_redirects=*/3);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(*loop.OnResponse(302, "/again"), Next::kFollow);
  EXPECT_EQ(loop.OnResponse(302, "/again").status().code(), absl::StatusCode::kResourceExhausted);
}

// A cross-site hop anywhere in the chain withholds Strict cookies (and Lax
// ones on an unsafe method), as Chromium does since it considers the chain.
TEST_F(HttpCookiesTest, ACrossSiteHopMakesTheRestCrossSite) {
  Store(CookieRequest("https://a.example/"),
        {"strict=1; SameSite=Strict", "lax=1; SameSite=Lax", "plain=1"});
  RedirectFollower follower(CookieRequest("https://a.example/start"));
  EXPECT_EQ(Header(follower.request()), "strict=1; lax=1; plain=1");
  ASSERT_EQ(*follower.OnResponse(302, "https://a.example/same-site"), Next::kFollow);
  EXPECT_EQ(Header(follower.request()), "strict=1; lax=1; plain=1");
  ASSERT_EQ(*follower.OnResponse(302, "https://b.example/elsewhere"), Next::kFollow);
  ASSERT_EQ(*follower.OnResponse(302, "https://a.example/back"), Next::kFollow);
  EXPECT_EQ(Header(follower.request()), "lax=1; plain=1");

  CookieRequest post("https://a.example/pay");
  post.method = "POST";
  RedirectFollower unsafe(post);
  ASSERT_EQ(*unsafe.OnResponse(307, "https://b.example/3ds"), Next::kFollow);
  ASSERT_EQ(*unsafe.OnResponse(307, "https://a.example/paid"), Next::kFollow);
  EXPECT_EQ(unsafe.request().method, "POST");
  EXPECT_EQ(Header(unsafe.request()), "");  // Lax by default is not sent on a cross-site POST.
}

// Recorded (tests/data/browsers, redirects family): Chromium 156 sends A's
// Strict cookies on the last hop of A -> B -> A.
TEST_F(HttpCookiesTest, ChromiumIgnoresTheRedirectChain) {
  CookieJarOptions options;
  options.clock = &clock_;
  CookieJar chromium(options);
  HttpCookies cookies(&chromium);
  ASSERT_TRUE(cookies.StoreResponse(CookieRequest("https://a.example/"), 200,
                                    {"strict=1; SameSite=Strict"})
                  .ok());
  RedirectFollower follower(CookieRequest("https://a.example/start"));
  ASSERT_EQ(*follower.OnResponse(302, "https://b.example/elsewhere"), Next::kFollow);
  ASSERT_EQ(*follower.OnResponse(302, "https://a.example/back"), Next::kFollow);
  EXPECT_EQ(*cookies.CookieHeader(follower.request()), "strict=1");
}

TEST_F(HttpCookiesTest, CookiesOfEveryHopAreStoredAgainstThatHop) {
  RedirectFollower follower(CookieRequest("https://a.example/login"));
  Store(follower.request(), {"a_session=1"});
  ASSERT_EQ(*follower.OnResponse(302, "https://sso.example/auth"), Next::kFollow);
  Store(follower.request(), {"sso=1"});
  ASSERT_EQ(*follower.OnResponse(302, "https://a.example/home"), Next::kFollow);
  EXPECT_EQ(Header(follower.request()), "a_session=1");
  EXPECT_EQ(Header(CookieRequest("https://sso.example/")), "sso=1");
}

}  // namespace
}  // namespace cookiejar
