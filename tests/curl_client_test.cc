// The libcurl adapters (easy and multi) against a real server on 127.0.0.1
// (tests/http_test_server.py) that logs every request line it receives:
// queries survive every hop, every method goes out as itself, HEAD returns
// at once even from an HTTP/1.0 server, redirects change methods as browsers
// do, cookies of every hop are stored before the next, cross-site chains
// withhold SameSite cookies, a crawl of hundreds of concurrent transfers
// ends with the cookies a sequential run gets; every hop keeps its headers,
// bodies stream under a cap, and only the final response's headers (not
// interim 1xx responses, not trailers) set cookies, with its Date.

#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cookiejar/curl/curl_cookie_client.h"
#include "cookiejar/curl/curl_multi_client.h"
#include "cookiejar/curl/curl_transfer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/local_servers.h"

namespace cookiejar {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

using Server = testing::HttpTestServer;

class CurlClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server_ = new Server();
    Server::Options http10;
    http10.http10 = true;
    http10_ = new Server(http10);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete http10_;
  }

  void SetUp() override {
    ASSERT_FALSE(server_->port().empty()) << "the test server did not start";
    // Every host name connects to the test server: sites are names, as in
    // a browser, while nothing leaves the machine.
    connect_to_ = curl_slist_append(nullptr, ("::127.0.0.1:" + server_->port()).c_str());
    Fetch(HttpRequest("http://log.test/__reset")).IgnoreError();
  }
  void TearDown() override { curl_slist_free_all(connect_to_); }

  void Configure(CURL* easy) {
    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to_);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 30L);
  }

  absl::StatusOr<HttpResponse> Fetch(HttpRequest request, CookieJar* jar = nullptr) {
    CurlCookieClient client(jar ? jar : &jar_);
    Configure(client.easy());
    return client.Fetch(request);
  }

  // The server's log: one entry per request since the last reset.
  json Log() {
    CookieJar scratch;
    CurlCookieClient client(&scratch);
    Configure(client.easy());
    absl::StatusOr<HttpResponse> log = client.Fetch(HttpRequest("http://log.test/__log"));
    return log.ok() ? json::parse(log->body) : json::array();
  }

  std::vector<std::string> RequestLines() {
    std::vector<std::string> lines;
    for (const json& entry : Log()) lines.push_back(entry["request_line"]);
    return lines;
  }

  static std::string Redirect(const std::string& to, int status = 302, const std::string& set = "") {
    std::string url = absl::StrCat("/r?status=", status, "&to=", Escape(to));
    if (!set.empty()) url += "&set=" + Escape(set);
    return url;
  }
  static std::string Escape(const std::string& text) {
    char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
    std::string result = escaped;
    curl_free(escaped);
    return result;
  }

  static Server* server_;
  static Server* http10_;
  curl_slist* connect_to_ = nullptr;
  CookieJar jar_;
};

Server* CurlClientTest::server_ = nullptr;
Server* CurlClientTest::http10_ = nullptr;

TEST_F(CurlClientTest, QueryStringsSurviveEveryHop) {
  absl::StatusOr<HttpResponse> response = Fetch(HttpRequest(
      "http://a.test" + Redirect("http://b.test" + Redirect("/account?page=2&q=cookies"),
                                 302)));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  const std::vector<std::string> lines = RequestLines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("GET /r?status=302&to="));
  EXPECT_THAT(lines[1], HasSubstr("GET /r?status=302&to=%2Faccount%3Fpage%3D2%26q%3Dcookies"));
  EXPECT_EQ(lines[2], "GET /account?page=2&q=cookies HTTP/1.1");
  EXPECT_EQ(response->url, "http://b.test/account?page=2&q=cookies");
}

TEST_F(CurlClientTest, EveryMethodGoesOutAsItself) {
  for (const char* method : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    HttpRequest request("http://a.test/page?m=1");
    request.method = method;
    if (std::string(method) != "GET" && std::string(method) != "HEAD") request.body = "x=1";
    absl::StatusOr<HttpResponse> response = Fetch(request);
    ASSERT_TRUE(response.ok()) << method << ": " << response.status();
    EXPECT_EQ(response->status, 200) << method;
  }
  const json log = Log();
  ASSERT_EQ(log.size(), 7u);
  const char* methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(log[i]["request_line"], absl::StrCat(methods[i], " /page?m=1 HTTP/1.1"));
    const bool has_body = i >= 2;
    EXPECT_EQ(log[i]["body"], has_body ? "x=1" : "") << methods[i];
  }
}

TEST_F(CurlClientTest, HeadReturnsAtOnceEvenFromAnHttp10Server) {
  for (Server* server : {server_, http10_}) {
    curl_slist* connect = curl_slist_append(nullptr, ("::127.0.0.1:" + server->port()).c_str());
    CurlCookieClient client(&jar_);
    curl_easy_setopt(client.easy(), CURLOPT_CONNECT_TO, connect);
    curl_easy_setopt(client.easy(), CURLOPT_TIMEOUT, 5L);
    HttpRequest head("http://a.test/page?set=h%3D1");
    head.method = "HEAD";
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<HttpResponse> response = client.Fetch(head);
    const auto took = std::chrono::steady_clock::now() - start;
    curl_slist_free_all(connect);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "");
    // Not the timeout: it returned as soon as the headers were in.
    EXPECT_LT(took, std::chrono::seconds(4));
    EXPECT_EQ(*jar_.GetCookieHeader("http://a.test/"), "h=1");
  }
}

TEST_F(CurlClientTest, RedirectsChangeMethodsAsBrowsersDo) {
  HttpRequest post("http://a.test" + Redirect("/done", 302));
  post.method = "POST";
  post.body = "user=alice";
  post.headers = {"Content-Type: application/x-www-form-urlencoded"};
  ASSERT_TRUE(Fetch(post).ok());
  HttpRequest keep("http://a.test" + Redirect("/done", 307));
  keep.method = "POST";
  keep.body = "user=alice";
  keep.headers = {"Content-Type: application/x-www-form-urlencoded"};
  ASSERT_TRUE(Fetch(keep).ok());
  const json log = Log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_THAT(std::string(log[0]["request_line"]), HasSubstr("POST /r?status=302"));
  EXPECT_EQ(log[0]["body"], "user=alice");
  EXPECT_EQ(log[1]["request_line"], "GET /done HTTP/1.1");
  EXPECT_EQ(log[1]["body"], "");
  EXPECT_TRUE(log[1]["content_type"].is_null());  // The body's headers went with it.
  EXPECT_THAT(std::string(log[2]["request_line"]), HasSubstr("POST /r?status=307"));
  EXPECT_EQ(log[3]["request_line"], "POST /done HTTP/1.1");
  EXPECT_EQ(log[3]["body"], "user=alice");
}

TEST_F(CurlClientTest, CookiesOfIntermediateHopsAreAppliedBeforeTheNextHop) {
  absl::StatusOr<HttpResponse> response = Fetch(HttpRequest(
      "http://a.test" + Redirect("http://sso.test" + Redirect("http://a.test/home", 302,
                                                              "sso=token; Path=/"),
                                 302, "step=1; Path=/")));
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->hops.size(), 3u);
  EXPECT_THAT(response->hops[0].set_cookies, ElementsAre("step=1; Path=/"));
  EXPECT_THAT(response->hops[1].set_cookies, ElementsAre("sso=token; Path=/"));
  const json log = Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_TRUE(log[0]["cookie"].is_null());
  EXPECT_TRUE(log[1]["cookie"].is_null());   // sso.test has none of a.test's.
  EXPECT_EQ(log[2]["cookie"], "step=1");     // Set on hop 1, sent on hop 3.
  EXPECT_EQ(log[2]["host"], "a.test");
}

// RFC 6265bis: a cross-site hop makes the rest of the chain cross-site.
TEST_F(CurlClientTest, CrossSiteChainsWithholdSameSiteCookies) {
  CookieJarOptions options;
  options.rules.same_site.redirect_chain = true;
  options.rules.same_site.lax_allowing_unsafe = false;
  CookieJar jar(options);
  jar.SetCookie("http://a.test/", "strict=1; SameSite=Strict");
  jar.SetCookie("http://a.test/", "lax=1; SameSite=Lax");
  jar.SetCookie("http://a.test/", "plain=1");
  // Same-site chain: everything; A -> B -> A: Lax only (a safe method).
  ASSERT_TRUE(Fetch(HttpRequest("http://a.test" + Redirect("http://a.test/end")), &jar).ok());
  ASSERT_TRUE(Fetch(HttpRequest("http://a.test" +
                                Redirect("http://b.test" + Redirect("http://a.test/end"))),
                    &jar)
                  .ok());
  // A cross-site POST through 307s: none of them.
  HttpRequest post("http://a.test" + Redirect("http://b.test" + Redirect("http://a.test/end", 307),
                                              307));
  post.method = "POST";
  post.body = "x";
  ASSERT_TRUE(Fetch(post, &jar).ok());
  const json log = Log();
  ASSERT_EQ(log.size(), 8u);
  EXPECT_EQ(log[1]["cookie"], "strict=1; lax=1; plain=1");
  EXPECT_EQ(log[4]["request_line"], "GET /end HTTP/1.1");
  EXPECT_EQ(log[4]["cookie"], "lax=1; plain=1");
  EXPECT_EQ(log[7]["request_line"], "POST /end HTTP/1.1");
  EXPECT_TRUE(log[7]["cookie"].is_null());
}

// Chromium 156, as recorded (tests/data/browsers, redirects family): the
// chain does not count, so the last hop of A -> B -> A gets Strict cookies.
TEST_F(CurlClientTest, ChromiumSendsStrictCookiesAfterACrossSiteHop) {
  jar_.SetCookie("http://a.test/", "strict=1; SameSite=Strict");
  ASSERT_TRUE(Fetch(HttpRequest("http://a.test" +
                                Redirect("http://b.test" + Redirect("http://a.test/end"))))
                  .ok());
  const json log = Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2]["cookie"], "strict=1");
}

// 240 transfers over 20 hosts, each a redirect whose both hops set cookies,
// at most 200 in flight at once: the jar ends with exactly what a
// sequential run of the same requests leaves.
TEST_F(CurlClientTest, AMultiCrawlGetsTheCookiesOfASequentialRun) {
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 240; ++i) {
    const std::string host = absl::StrCat("site", i % 20, ".test");
    requests.emplace_back(absl::StrCat(
        "http://", host,
        Redirect(absl::StrCat("/page?n=", i, "&set=", Escape(absl::StrCat("final", i, "=", i))),
                 302, absl::StrCat("hop", i, "=", i))));
  }
  CookieJar sequential;
  for (const HttpRequest& request : requests) {
    ASSERT_TRUE(Fetch(request, &sequential).ok());
  }

  CookieJar concurrent;
  CurlMultiClient client(200, [this](CURL* easy) { Configure(easy); });
  int done = 0, failed = 0;
  for (const HttpRequest& request : requests) {
    client.Add(&concurrent, request, [&](absl::StatusOr<HttpResponse> response) {
      ++done;
      if (!response.ok() || response->status != 200 || response->hops.size() != 2) ++failed;
    });
  }
  ASSERT_TRUE(client.Run().ok());
  EXPECT_EQ(done, 240);
  EXPECT_EQ(failed, 0);
  auto pairs = [](CookieJar& jar) {
    std::set<std::string> all;
    for (const CanonicalCookie& c : jar.GetAllCookies()) all.insert(c.domain + " " + c.name + "=" + c.value);
    return all;
  };
  EXPECT_EQ(pairs(concurrent).size(), 480u);
  EXPECT_EQ(pairs(concurrent), pairs(sequential));
}

TEST_F(CurlClientTest, MultiReportsErrorsPerTransfer) {
  CookieJar jar;
  CurlMultiClient client(4, [this](CURL* easy) { Configure(easy); });
  std::vector<absl::StatusCode> codes;
  client.Add(&jar, HttpRequest("not a url"),
             [&](absl::StatusOr<HttpResponse> r) { codes.push_back(r.status().code()); });
  client.Add(&jar, HttpRequest("http://a.test" + Redirect("ftp://x/")),
             [&](absl::StatusOr<HttpResponse> r) { codes.push_back(r.status().code()); });
  client.Add(&jar, HttpRequest("http://a.test/page"),
             [&](absl::StatusOr<HttpResponse> r) { codes.push_back(r.status().code()); });
  ASSERT_TRUE(client.Run().ok());
  EXPECT_THAT(codes, ::testing::UnorderedElementsAre(absl::StatusCode::kInvalidArgument,
                                                     absl::StatusCode::kInvalidArgument,
                                                     absl::StatusCode::kOk));
}


// Issue 24: only the last hop's headers were kept.
TEST_F(CurlClientTest, EveryHopKeepsItsHeaders) {
  absl::StatusOr<HttpResponse> response =
      Fetch(HttpRequest("http://a.test" + Redirect("/page?set=b%3D2", 302, "a=1")));
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->hops.size(), 2u);
  auto has = [](const HttpHeaders& headers, const std::string& name, const std::string& value) {
    for (const auto& [n, v] : headers) {
      if (absl::EqualsIgnoreCase(n, name) && v == value) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(response->hops[0].headers, "Location", "/page?set=b%3D2"));
  EXPECT_TRUE(has(response->hops[0].headers, "Set-Cookie", "a=1"));
  EXPECT_FALSE(has(response->hops[0].headers, "Set-Cookie", "b=2"));
  EXPECT_TRUE(has(response->hops[1].headers, "Set-Cookie", "b=2"));
  EXPECT_TRUE(has(response->hops[1].headers, "Content-Type", "text/plain"));
  EXPECT_EQ(response->headers, response->hops[1].headers);
}

// Issue 24: the body was always collected whole. Streamed, a redirect's body
// is not part of it; the cap counts only the final body.
TEST_F(CurlClientTest, BodiesStreamUnderACap) {
  std::string streamed;
  int pieces = 0;
  HttpRequest request("http://a.test" +
                      Redirect("/page?bytes=200000", 302, "") + "&bytes=5000");
  request.on_body = [&](std::string_view data) {
    streamed.append(data);
    ++pieces;
    return true;
  };
  request.max_body_bytes = 200000;
  absl::StatusOr<HttpResponse> response = Fetch(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(streamed, std::string(200000, 'x'));
  EXPECT_GT(pieces, 1);  // As it arrived, not at the end.
  EXPECT_EQ(response->body, "");

  request.max_body_bytes = 199999;
  response = Fetch(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted) << response.status();

  HttpRequest collected("http://a.test/page?bytes=3000");
  collected.max_body_bytes = 2999;
  EXPECT_EQ(Fetch(collected).status().code(), absl::StatusCode::kResourceExhausted);
  collected.max_body_bytes = 3000;
  response = Fetch(collected);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body.size(), 3000u);

  HttpRequest stopped("http://a.test/page?bytes=100000");
  stopped.on_body = [](std::string_view) { return false; };
  EXPECT_EQ(Fetch(stopped).status().code(), absl::StatusCode::kCancelled);

  // The multi client streams the same way.
  CurlMultiClient client(4, [this](CURL* easy) { Configure(easy); });
  std::string multi_streamed;
  HttpRequest multi_request("http://a.test/page?bytes=70000");
  multi_request.on_body = [&](std::string_view data) {
    multi_streamed.append(data);
    return true;
  };
  absl::StatusOr<HttpResponse> multi_response;
  client.Add(&jar_, multi_request,
             [&](absl::StatusOr<HttpResponse> r) { multi_response = std::move(r); });
  ASSERT_TRUE(client.Run().ok());
  ASSERT_TRUE(multi_response.ok()) << multi_response.status();
  EXPECT_EQ(multi_streamed.size(), 70000u);
}

// Headers without bound cost memory without bound: curl 8's limit, which
// Debian 12's libcurl does not have.
TEST_F(CurlClientTest, HugeHeadersEndTheTransfer) {
  absl::StatusOr<HttpResponse> response =
      Fetch(HttpRequest("http://a.test/page?header_bytes=250000&set=ok%3D1"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(*jar_.GetCookieHeader("http://a.test/"), "ok=1");
  response = Fetch(HttpRequest("http://a.test/page?header_bytes=400000&set=no%3D1"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted) << response.status();
  EXPECT_EQ(*jar_.GetCookieHeader("http://a.test/"), "ok=1");
}

// A 103 Early Hints response before the final one: browsers apply no cookie
// of an interim response.
TEST_F(CurlClientTest, InterimResponsesSetNoCookies) {
  absl::StatusOr<HttpResponse> response =
      Fetch(HttpRequest("http://a.test/page?early=early%3D1&set=final%3D1"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->hops[0].set_cookies, ElementsAre("final=1"));
  EXPECT_EQ(response->Header("Link"), "");
  EXPECT_EQ(*jar_.GetCookieHeader("http://a.test/"), "final=1");
}

// Chunked trailers arrive after the body: browsers take no cookie from them.
TEST_F(CurlClientTest, TrailersSetNoCookies) {
  absl::StatusOr<HttpResponse> response =
      Fetch(HttpRequest("http://a.test/page?trailer=trailer%3D1&set=header%3D1"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "GET /page?trailer=trailer%3D1&set=header%3D1");
  EXPECT_THAT(response->hops[0].set_cookies, ElementsAre("header=1"));
  EXPECT_EQ(*jar_.GetCookieHeader("http://a.test/"), "header=1");
}

// Expires is read against the response's Date: a server whose clock says
// 2001 sets a cookie for an hour, not one that expired long ago.
TEST_F(CurlClientTest, TheResponseDateCorrectsExpires) {
  absl::StatusOr<HttpResponse> response = Fetch(HttpRequest(
      "http://a.test/page?date=" + Escape("Mon, 01 Jan 2001 00:00:00 GMT") +
      "&set=" + Escape("hour=1; Expires=Mon, 01 Jan 2001 01:00:00 GMT")));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(*jar_.GetCookieHeader("http://a.test/"), "hour=1");
}

// The helper on an easy handle of the test's own, driven by
// curl_easy_perform: the few lines a loop of your own needs.
TEST_F(CurlClientTest, ATransferOnAHandleOfYourOwn) {
  CURL* easy = curl_easy_init();
  Configure(easy);
  CurlTransfer transfer(&jar_, HttpRequest("http://a.test" +
                                           Redirect("http://b.test" + Redirect("http://a.test/end",
                                                                               302, "b=1"),
                                                    302, "a=1")));
  int hops = 0;
  for (;;) {
    ASSERT_TRUE(transfer.Attach(easy).ok());
    absl::StatusOr<CurlTransfer::Next> next = transfer.Finish(easy, curl_easy_perform(easy));
    ASSERT_TRUE(next.ok()) << next.status();
    ++hops;
    if (*next == CurlTransfer::Next::kDone) break;
  }
  curl_easy_cleanup(easy);
  EXPECT_EQ(hops, 3);
  HttpResponse response = transfer.TakeResponse();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.url, "http://a.test/end");
  const json log = Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2]["cookie"], "a=1");
  EXPECT_EQ(*jar_.GetCookieHeader("http://b.test/"), "b=1");
}

}  // namespace
}  // namespace cookiejar
