// The cpp-httplib and Boost.Beast examples (clients/httplib, clients/beast),
// run against tests/http_test_server.py: each keeps its cookies through the
// integration API with nothing but header reads and writes, across a login
// redirect and a later request. And the libcurl crawler example of
// docs/http-clients.md (clients/curl/crawler_example.cc), with two sessions
// behind two tinyproxies.

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/local_servers.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;

class ClientExamplesTest : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    const std::string python =
        access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    server_ = new testing::BackgroundProcess(
        {python, std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/tests/http_test_server.py"});
    server_->ReadLine(&port_);
  }
  static void TearDownTestSuite() { delete server_; }

  std::string Url(const std::string& path) { return "http://127.0.0.1:" + port_ + path; }

  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/" + GetParam());
    return testing::RunCommand(args);
  }

  static testing::BackgroundProcess* server_;
  static std::string port_;
};

testing::BackgroundProcess* ClientExamplesTest::server_ = nullptr;
std::string ClientExamplesTest::port_;

TEST_P(ClientExamplesTest, ALoginRedirectThenALaterRequest) {
  ASSERT_FALSE(port_.empty());
  testing::CommandResult run =
      Run({"--method", "POST", "--body", "user=alice",
           Url("/r?status=302&to=%2Fhome%3Ftab%3D1&set=sid%3Dabc%3B%20HttpOnly"),
           Url("/account?page=2")});
  ASSERT_EQ(run.exit_code, 0) << run.error;
  const std::vector<std::string> expected = {
      "POST " + Url("/r?status=302&to=%2Fhome%3Ftab%3D1&set=sid%3Dabc%3B%20HttpOnly") + " -> 302",
      "  Set-Cookie: sid=abc; HttpOnly",
      "GET " + Url("/home?tab=1") + " -> 200",
      "  sent Cookie: sid=abc",
      "POST " + Url("/account?page=2") + " -> 200",
      "  sent Cookie: sid=abc",
  };
  std::vector<std::string> lines;
  std::string line;
  for (char c : run.output) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  EXPECT_EQ(lines, expected);
}

TEST_P(ClientExamplesTest, HeadReturnsAtOnce) {
  testing::CommandResult run = Run({"--method", "HEAD", Url("/page?set=h%3D1")});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_THAT(run.output, HasSubstr("HEAD " + Url("/page?set=h%3D1") + " -> 200"));
}

INSTANTIATE_TEST_SUITE_P(Clients, ClientExamplesTest,
                         ::testing::Values("clients/httplib/httplib_example",
                                           "clients/beast/beast_example"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param).find("httplib") != std::string::npos
                                      ? "CppHttplib"
                                      : "BoostBeast";
                         });

std::string ReadRunfile(const std::string& path) {
  std::ifstream file(std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/" + path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// The example docs/http-clients.md shows is the program's own code, under 30
// lines.
TEST(CrawlerExampleTest, TheDocsShowTheProgramsCode) {
  const std::string program = ReadRunfile("clients/curl/crawler_example.cc");
  const std::string docs = ReadRunfile("docs/http-clients.md");
  const std::string mark = "    // [crawler]\n";
  const size_t start = program.find(mark);
  const size_t end = program.find(mark, start + 1);
  ASSERT_NE(start, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::string shown;  // As the docs indent it.
  int lines = 0;
  for (absl::string_view line :
       absl::StrSplit(program.substr(start + mark.size(), end - start - mark.size()), '\n')) {
    if (line.empty()) continue;
    ASSERT_TRUE(absl::StartsWith(line, "    ")) << line;
    shown += std::string(line.substr(4)) + "\n";
    ++lines;
  }
  EXPECT_LT(lines, 30);
  EXPECT_NE(docs.find("```cpp\n" + shown + "```"), std::string::npos)
      << "docs/http-clients.md should show, in a cpp block:\n" << shown;
}

TEST(CrawlerExampleTest, EachSessionCrawlsThroughItsOwnProxy) {
  testing::HttpTestServer server;
  ASSERT_FALSE(server.port().empty());
  std::string error;
  std::unique_ptr<testing::Tinyproxy> first = testing::Tinyproxy::Start(&error);
  ASSERT_NE(first, nullptr) << error;
  std::unique_ptr<testing::Tinyproxy> second = testing::Tinyproxy::Start(&error);
  ASSERT_NE(second, nullptr) << error;
  const std::string base = "http://127.0.0.1:" + server.port();
  const std::string login = base + "/r?status=302&to=%2Fhome&set=sid%3Dabc";
  const std::string page = base + "/page?set=seen%3D1";
  testing::CommandResult run = testing::RunCommand(
      {std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/clients/curl/crawler_example",
       first->url(), second->url(), "--", login, page});
  ASSERT_EQ(run.exit_code, 0) << run.error;
  std::vector<std::string> lines = absl::StrSplit(run.output, '\n', absl::SkipEmpty());
  std::sort(lines.begin(), lines.end());
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         "session 0 cookies: 2", "session 0: " + base + "/home",
                         "session 0: " + page, "session 1 cookies: 2",
                         "session 1: " + base + "/home", "session 1: " + page));
  // Each proxy carried one session's three hops; had both sessions used one
  // proxy, it would show six and the other none.
  for (testing::Tinyproxy* proxy : {first.get(), second.get()}) {
    EXPECT_THAT(proxy->Requests(), ::testing::UnorderedElementsAre("GET " + base + "/home HTTP/1.1",
                                                 "GET " + login + " HTTP/1.1",
                                                 "GET " + page + " HTTP/1.1"));
  }
}

}  // namespace
}  // namespace cookiejar
