// Crawl sessions through CurlMultiClient (issue 24: "sessions are not
// isolated below the cookies"), against servers the test starts on
// 127.0.0.1: each jar's session goes through its own proxy (two tinyproxies,
// whose logs say which carried what), from its own source address, with its
// own TLS client certificate; a request may have options of its own that end
// with it; and no two sessions share a connection or resume each other's TLS
// session, unless the client is told to share them.

#include <curl/curl.h>

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
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/local_servers.h"

namespace cookiejar {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;

class CurlSessionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server_ = new testing::HttpTestServer();
  }
  static void TearDownTestSuite() { delete server_; }

  void SetUp() override {
    ASSERT_FALSE(server_->port().empty()) << "the test server did not start";
    Get(Url("/__reset"));
  }

  static std::string Url(const std::string& path, const std::string& port = server_->port()) {
    return "http://127.0.0.1:" + port + path;
  }

  // A plain GET outside the jars under test.
  static std::string Get(const std::string& url, const std::string& ca = "") {
    CookieJar scratch;
    CurlCookieClient client(&scratch);
    curl_easy_setopt(client.easy(), CURLOPT_TIMEOUT, 60L);
    if (!ca.empty()) curl_easy_setopt(client.easy(), CURLOPT_CAINFO, ca.c_str());
    absl::StatusOr<HttpResponse> response = client.Fetch(HttpRequest(url));
    return response.ok() ? response->body : "";
  }

  // The server's log since the last reset: one entry per request.
  static json Log(const std::string& url = Url("/__log"), const std::string& ca = "") {
    const std::string body = Get(url, ca);
    return body.empty() ? json::array() : json::parse(body);
  }

  static std::string Escape(const std::string& text) {
    char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
    std::string result = escaped;
    curl_free(escaped);
    return result;
  }

  // The client's options for every transfer in these tests.
  static void Common(CURL* easy) { curl_easy_setopt(easy, CURLOPT_TIMEOUT, 60L); }

  // Adds `request` to `client` for `jar`, expecting a 200.
  void Expect200(CurlMultiClient& client, CookieJar* jar, HttpRequest request) {
    const std::string url = request.url;
    client.Add(jar, std::move(request), [url](absl::StatusOr<HttpResponse> response) {
      EXPECT_TRUE(response.ok()) << url << ": " << response.status();
      if (response.ok()) EXPECT_EQ(response->status, 200) << url;
    });
  }

  // The peer ports (connections) the server saw for each value of the
  // "session" query parameter.
  static std::map<std::string, std::set<int>> ConnectionsBySession(const json& log) {
    std::map<std::string, std::set<int>> ports;
    for (const json& entry : log) {
      const std::string line = entry["request_line"];
      const size_t at = line.find("session=");
      if (at == std::string::npos) continue;
      const std::string session = line.substr(at + 8, line.find_first_of("& ", at) - at - 8);
      ports[session].insert(entry["peer_port"].get<int>());
    }
    return ports;
  }

  static testing::HttpTestServer* server_;
};

testing::HttpTestServer* CurlSessionsTest::server_ = nullptr;

TEST_F(CurlSessionsTest, EachSessionGoesThroughItsOwnProxy) {
  std::string error;
  std::unique_ptr<testing::Tinyproxy> proxy_a = testing::Tinyproxy::Start(&error);
  ASSERT_NE(proxy_a, nullptr) << error;
  std::unique_ptr<testing::Tinyproxy> proxy_b = testing::Tinyproxy::Start(&error);
  ASSERT_NE(proxy_b, nullptr) << error;

  CookieJar a, b, direct;
  CurlMultiClient client(8, &Common);
  client.SetSessionOptions(&a, [url = proxy_a->url()](CURL* easy) {
    curl_easy_setopt(easy, CURLOPT_PROXY, url.c_str());
  });
  client.SetSessionOptions(&b, [url = proxy_b->url()](CURL* easy) {
    curl_easy_setopt(easy, CURLOPT_PROXY, url.c_str());
  });
  for (int i = 0; i < 6; ++i) {
    for (const char* session : {"a", "b", "direct"}) {
      // Every other request a redirect: its next hop goes the same way.
      const std::string page = absl::StrCat("/page?session=", session, "&n=", i, "&set=c", i, "%3D1");
      const std::string path =
          i % 2 ? absl::StrCat("/r?status=302&session=", session, "&to=", Escape(page)) : page;
      CookieJar* jar = session == std::string("a") ? &a : session == std::string("b") ? &b : &direct;
      Expect200(client, jar, HttpRequest(Url(path)));
    }
  }
  ASSERT_TRUE(client.Run().ok());

  auto only = [](const std::vector<std::string>& lines, const std::string& session) {
    std::vector<std::string> others;
    for (const std::string& line : lines) {
      if (!absl::StrContains(line, "session=" + session)) others.push_back(line);
    }
    return others;
  };
  const std::vector<std::string> through_a = proxy_a->Requests();
  const std::vector<std::string> through_b = proxy_b->Requests();
  // Six requests per session, three of them redirects: nine hops each.
  EXPECT_EQ(through_a.size(), 9u);
  EXPECT_EQ(through_b.size(), 9u);
  EXPECT_THAT(only(through_a, "a"), IsEmpty());
  EXPECT_THAT(only(through_b, "b"), IsEmpty());
  EXPECT_THAT(through_a, Each(HasSubstr("GET http://127.0.0.1:")));
  EXPECT_EQ(Log().size(), 27u);
  // Each jar has the cookies of its own session only.
  EXPECT_EQ(a.GetAllCookies().size(), 6u);
  EXPECT_EQ(b.GetAllCookies().size(), 6u);
  EXPECT_EQ(direct.GetAllCookies().size(), 6u);
}

// A request's own options (here a proxy) end with it: the session's next
// request goes its session's way again, although handles are reused.
TEST_F(CurlSessionsTest, ARequestsOwnOptionsEndWithIt) {
  std::string error;
  std::unique_ptr<testing::Tinyproxy> session_proxy = testing::Tinyproxy::Start(&error);
  ASSERT_NE(session_proxy, nullptr) << error;
  std::unique_ptr<testing::Tinyproxy> request_proxy = testing::Tinyproxy::Start(&error);
  ASSERT_NE(request_proxy, nullptr) << error;

  CookieJar jar;
  CurlMultiClient client(1, &Common);
  client.SetSessionOptions(&jar, [url = session_proxy->url()](CURL* easy) {
    curl_easy_setopt(easy, CURLOPT_PROXY, url.c_str());
  });
  Expect200(client, &jar, HttpRequest(Url("/page?n=1")));
  HttpRequest own(Url("/page?n=2"));
  own.configure = [url = request_proxy->url()](CURL* easy) {
    curl_easy_setopt(easy, CURLOPT_PROXY, url.c_str());
  };
  Expect200(client, &jar, own);
  Expect200(client, &jar, HttpRequest(Url("/page?n=3")));
  ASSERT_TRUE(client.Run().ok());
  EXPECT_THAT(session_proxy->Requests(),
              ElementsAre(HasSubstr("/page?n=1 "), HasSubstr("/page?n=3 ")));
  EXPECT_THAT(request_proxy->Requests(), ElementsAre(HasSubstr("/page?n=2 ")));
}

// Source addresses: every address of 127.0.0.0/8 is the loopback's.
TEST_F(CurlSessionsTest, EachSessionHasItsOwnSourceAddress) {
  CookieJar jars[3];
  CurlMultiClient client(8, &Common);
  for (int s = 0; s < 3; ++s) {
    client.SetSessionOptions(&jars[s], [s](CURL* easy) {
      curl_easy_setopt(easy, CURLOPT_INTERFACE, absl::StrCat("host!127.0.0.", s + 2).c_str());
    });
    for (int i = 0; i < 4; ++i) {
      Expect200(client, &jars[s], HttpRequest(Url(absl::StrCat("/page?session=s", s, "&i=", i))));
    }
  }
  ASSERT_TRUE(client.Run().ok());
  const json log = Log();
  ASSERT_EQ(log.size(), 12u);
  for (const json& entry : log) {
    const std::string line = entry["request_line"];
    const int s = line[line.find("session=s") + 9] - '0';
    EXPECT_EQ(entry["peer_address"], absl::StrCat("127.0.0.", s + 2)) << line;
  }
}

// Issue 24: "one 'isolated' session's connection ... is reused by another".
// One transfer at a time, alternating between two jars: a pool shared by
// every session hands the connection of one to the other.
TEST_F(CurlSessionsTest, TwoSessionsNeverShareAConnection) {
  CookieJar a, b;
  CurlMultiClient client(1, &Common);
  for (int i = 0; i < 5; ++i) {
    Expect200(client, &a, HttpRequest(Url(absl::StrCat("/page?session=a&i=", i))));
    Expect200(client, &b, HttpRequest(Url(absl::StrCat("/page?session=b&i=", i))));
  }
  ASSERT_TRUE(client.Run().ok());
  std::map<std::string, std::set<int>> connections = ConnectionsBySession(Log());
  ASSERT_EQ(connections.size(), 2u);
  // Each session kept its own connection alive for all its requests...
  EXPECT_EQ(connections["a"].size(), 1u);
  EXPECT_EQ(connections["b"].size(), 1u);
  // ...and never used the other's.
  EXPECT_NE(connections["a"], connections["b"]);
}

TEST_F(CurlSessionsTest, ManyConcurrentSessionsNeverShareAConnection) {
  CookieJar jars[6];
  CurlMultiClient client(4, &Common);
  for (int i = 0; i < 60; ++i) {
    Expect200(client, &jars[i % 6],
              HttpRequest(Url(absl::StrCat("/page?session=s", i % 6, "&i=", i))));
  }
  ASSERT_TRUE(client.Run().ok());
  std::map<std::string, std::set<int>> connections = ConnectionsBySession(Log());
  ASSERT_EQ(connections.size(), 6u);
  std::map<int, std::string> owner;
  for (const auto& [session, ports] : connections) {
    for (int port : ports) {
      auto [it, fresh] = owner.emplace(port, session);
      EXPECT_TRUE(fresh) << "connection " << port << " carried " << it->second << " and "
                         << session;
    }
  }
}

// The explicit option: one pool for every session (curl's own default).
TEST_F(CurlSessionsTest, SharingConnectionsIsAnOption) {
  CookieJar a, b;
  CurlMultiClient::Options options;
  options.max_in_flight = 1;
  options.configure = &Common;
  options.share_connections = true;
  CurlMultiClient client(options);
  for (int i = 0; i < 3; ++i) {
    Expect200(client, &a, HttpRequest(Url(absl::StrCat("/page?session=a&i=", i))));
    Expect200(client, &b, HttpRequest(Url(absl::StrCat("/page?session=b&i=", i))));
  }
  ASSERT_TRUE(client.Run().ok());
  std::map<std::string, std::set<int>> connections = ConnectionsBySession(Log());
  EXPECT_EQ(connections["a"], connections["b"]);
  EXPECT_EQ(connections["a"].size(), 1u);
}

// A closed session's connections close; the jar's next transfer opens a new
// session, with the client's options only.
TEST_F(CurlSessionsTest, ClosingASessionClosesItsConnections) {
  CookieJar jar;
  CurlMultiClient client(2, &Common);
  Expect200(client, &jar, HttpRequest(Url("/page?session=first")));
  ASSERT_TRUE(client.Run().ok());
  client.CloseSession(&jar);
  Expect200(client, &jar, HttpRequest(Url("/page?session=second")));
  ASSERT_TRUE(client.Run().ok());
  std::map<std::string, std::set<int>> connections = ConnectionsBySession(Log());
  ASSERT_EQ(connections.size(), 2u);
  EXPECT_NE(connections["first"], connections["second"]);
}

class CurlTlsSessionsTest : public CurlSessionsTest {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(certificates_.Create("tls.test", &error)) << error;
    ASSERT_TRUE(certificates_.AddClient("alice", &error)) << error;
    ASSERT_TRUE(certificates_.AddClient("bob", &error)) << error;
    testing::HttpTestServer::Options options;
    options.tls_cert = certificates_.server_cert();
    options.tls_key = certificates_.server_key();
    options.client_ca = certificates_.ca();
    tls_server_ = std::make_unique<testing::HttpTestServer>(options);
    ASSERT_FALSE(tls_server_->port().empty());
    connect_to_ = curl_slist_append(nullptr, ("tls.test:443:127.0.0.1:" + tls_server_->port()).c_str());
  }
  void TearDown() override { curl_slist_free_all(connect_to_); }

  std::function<void(CURL*)> Tls() {
    return [this](CURL* easy) {
      Common(easy);
      curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to_);
      curl_easy_setopt(easy, CURLOPT_CAINFO, certificates_.ca().c_str());
    };
  }
  json TlsLog() {
    CookieJar scratch;
    CurlCookieClient client(&scratch);
    Tls()(client.easy());
    absl::StatusOr<HttpResponse> log = client.Fetch(HttpRequest("https://tls.test/__log"));
    return log.ok() ? json::parse(log->body) : json::array();
  }

  testing::TestCertificates certificates_;
  std::unique_ptr<testing::HttpTestServer> tls_server_;
  curl_slist* connect_to_ = nullptr;
};

TEST_F(CurlTlsSessionsTest, EachSessionHasItsOwnClientCertificate) {
  CookieJar alice, bob, anonymous;
  CurlMultiClient client(8, Tls());
  for (const char* name : {"alice", "bob"}) {
    client.SetSessionOptions(name == std::string("alice") ? &alice : &bob,
                             [this, name](CURL* easy) {
                               curl_easy_setopt(easy, CURLOPT_SSLCERT,
                                                certificates_.client_cert(name).c_str());
                               curl_easy_setopt(easy, CURLOPT_SSLKEY,
                                                certificates_.client_key(name).c_str());
                             });
  }
  for (int i = 0; i < 3; ++i) {
    Expect200(client, &alice, HttpRequest(absl::StrCat("https://tls.test/page?session=alice&i=", i)));
    Expect200(client, &bob, HttpRequest(absl::StrCat("https://tls.test/page?session=bob&i=", i)));
    Expect200(client, &anonymous,
              HttpRequest(absl::StrCat("https://tls.test/page?session=anonymous&i=", i)));
  }
  ASSERT_TRUE(client.Run().ok());
  const json log = TlsLog();
  ASSERT_EQ(log.size(), 9u);
  for (const json& entry : log) {
    const std::string line = entry["request_line"];
    if (absl::StrContains(line, "session=alice")) {
      EXPECT_EQ(entry["client_cert"], "alice");
    }
    if (absl::StrContains(line, "session=bob")) {
      EXPECT_EQ(entry["client_cert"], "bob");
    }
    if (absl::StrContains(line, "session=anonymous")) {
      EXPECT_TRUE(entry["client_cert"].is_null());
    }
  }
}

// Issue 24: "...and TLS session is reused by another (which links their
// identities at the TLS layer)". Every response closes its connection, so
// each request shakes hands anew: a session resumes its own TLS session,
// never another's.
TEST_F(CurlTlsSessionsTest, NoSessionResumesAnothersTlsSession) {
  CookieJar a, b;
  CurlMultiClient client(1, Tls());
  Expect200(client, &a, HttpRequest("https://tls.test/page?close=1&session=a&i=1"));
  Expect200(client, &a, HttpRequest("https://tls.test/page?close=1&session=a&i=2"));
  Expect200(client, &b, HttpRequest("https://tls.test/page?close=1&session=b&i=1"));
  Expect200(client, &b, HttpRequest("https://tls.test/page?close=1&session=b&i=2"));
  ASSERT_TRUE(client.Run().ok());
  const json log = TlsLog();
  ASSERT_GE(log.size(), 4u);
  std::vector<bool> resumed;
  for (size_t i = 0; i < 4; ++i) resumed.push_back(log[i]["tls_resumed"].get<bool>());
  // a: a full handshake, then its own session resumed (resumption works);
  // b: a full handshake first, although a's session was there to resume.
  EXPECT_THAT(resumed, ElementsAre(false, true, false, true));
}

TEST_F(CurlTlsSessionsTest, SharedConnectionsShareTlsSessions) {
  CookieJar a, b;
  CurlMultiClient::Options options;
  options.max_in_flight = 1;
  options.configure = Tls();
  options.share_connections = true;
  CurlMultiClient client(options);
  Expect200(client, &a, HttpRequest("https://tls.test/page?close=1&session=a"));
  Expect200(client, &b, HttpRequest("https://tls.test/page?close=1&session=b"));
  ASSERT_TRUE(client.Run().ok());
  const json log = TlsLog();
  ASSERT_GE(log.size(), 2u);
  EXPECT_FALSE(log[0]["tls_resumed"].get<bool>());
  EXPECT_TRUE(log[1]["tls_resumed"].get<bool>());
}

}  // namespace
}  // namespace cookiejar
