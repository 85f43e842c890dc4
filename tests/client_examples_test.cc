// The cpp-httplib and Boost.Beast examples (clients/httplib, clients/beast),
// run against tests/http_test_server.py: each keeps its cookies through the
// integration API with nothing but header reads and writes, across a login
// redirect and a later request.

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace cookiejar
