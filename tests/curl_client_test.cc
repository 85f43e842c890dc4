// The libcurl adapters (easy and multi) against a real server on 127.0.0.1
// (tests/http_test_server.py) that logs every request line it receives:
// queries survive every hop, every method goes out as itself, HEAD returns
// at once even from an HTTP/1.0 server, redirects change methods as browsers
// do, cookies of every hop are stored before the next, cross-site chains
// withhold SameSite cookies, and a crawl of hundreds of concurrent transfers
// ends with the cookies a sequential run gets.

#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cookiejar/curl_cookie_client.h"
#include "cookiejar/curl_multi_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

// A running tests/http_test_server.py.
class Server {
 public:
  explicit Server(bool http10 = false) {
    const std::string python =
        access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    std::vector<std::string> argv = {
        python, std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/tests/http_test_server.py"};
    if (http10) argv.push_back("--http10");
    process_ = std::make_unique<testing::BackgroundProcess>(argv);
    process_->ReadLine(&port_);
  }
  const std::string& port() const { return port_; }

 private:
  std::unique_ptr<testing::BackgroundProcess> process_;
  std::string port_;
};

class CurlClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server_ = new Server();
    http10_ = new Server(/*http10=*/true);
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

}  // namespace
}  // namespace cookiejar
