// Round trip with the real curl: curl stores the cookies a server sets in its
// cookie file (-c), the jar imports that file and exports its own, and curl
// sends from our export (-b) exactly what it sends from its own file, which is
// also what the jar itself would send.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "tests/subprocess.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using testing::BackgroundProcess;
using testing::RunCommand;

std::set<std::string> Pairs(const std::string& header) {
  std::set<std::string> pairs;
  for (absl::string_view pair : absl::StrSplit(header, "; ", absl::SkipEmpty())) {
    pairs.insert(std::string(absl::StripAsciiWhitespace(pair)));
  }
  return pairs;
}

class CurlRoundTripTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveProgram("curl") || !testing::HaveProgram("python3")) {
      GTEST_FAIL() << "curl and python3 are needed (tools/setup.sh installs them)";
    }
    const std::string runfiles = std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/";
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"python3", runfiles + "tests/cookie_server.py"});
    std::string port;
    ASSERT_TRUE(server_->ReadLine(&port)) << "the test server did not start";
    port_ = port;
    host_ = "www.cookies.test:" + port;
    resolve_ = host_ + ":127.0.0.1";
    dir_ = std::getenv("TEST_TMPDIR");
  }

  std::string Curl(std::vector<std::string> args, const std::string& path) {
    std::vector<std::string> argv = {"curl", "-s", "--resolve", resolve_};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("http://" + host_ + path);
    testing::CommandResult result = RunCommand(argv);
    EXPECT_EQ(result.exit_code, 0) << "curl failed";
    return result.output;
  }

  std::unique_ptr<BackgroundProcess> server_;
  std::string port_, host_, resolve_, dir_;
};

TEST_F(CurlRoundTripTest, CurlSendsTheSameCookiesFromOurExport) {
  const std::string curls_file = dir_ + "/curl-cookies.txt";
  const std::string our_file = dir_ + "/our-cookies.txt";
  Curl({"-c", curls_file}, "/set");

  CookieJar jar;
  absl::StatusOr<CookiesTxtReport> report = ImportCookiesTxt(curls_file, &jar);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->errors.empty()) << report->errors[0];
  EXPECT_EQ(report->imported, 5u);  // All but the Max-Age=0 one.
  ASSERT_TRUE(ExportCookiesTxt(jar, our_file).ok());

  for (const std::string& path : {"/echo", "/sub/echo"}) {
    const std::string from_curls_file = Curl({"-b", curls_file}, path);
    const std::string from_our_file = Curl({"-b", our_file}, path);
    const std::string from_jar = *jar.GetCookieHeader("http://" + host_ + path);
    EXPECT_EQ(Pairs(from_our_file), Pairs(from_curls_file)) << path;
    EXPECT_EQ(Pairs(from_jar), Pairs(from_curls_file)) << path;
  }
  const std::set<std::string> expected = {"plain=1", "dom=3", "hidden=4", "quoted=\"a b\""};
  EXPECT_EQ(Pairs(Curl({"-b", our_file}, "/echo")), expected);
  std::set<std::string> with_sub = expected;
  with_sub.insert("sub=2");
  EXPECT_EQ(Pairs(Curl({"-b", our_file}, "/sub/echo")), with_sub);
}

// The files of the dialect corpus (tests/data/cookies_txt/README.md): what
// curl sends from one is what the jar that imported it sends. Not Python's
// files: curl 7.88 skips their session cookies (an empty expiry field),
// which Python's own load() reads; python/tests/test_persistence.py compares
// those with the stdlib instead.
TEST_F(CurlRoundTripTest, CurlAndTheJarSendTheSameFromEveryDialect) {
  for (const char* file : {"curl.txt", "curl_crlf.txt", "wget.txt", "yt_dlp.txt",
                           "browser_extension.txt", "adhoc_exporters.txt"}) {
    const std::string path = testing::TestDataPath(std::string("cookies_txt/") + file);
    CookieJar jar;
    absl::StatusOr<CookiesTxtReport> report = ImportCookiesTxt(path, &jar);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const std::string& url :
         {"http://www.dialects.test/sub/echo", "http://other.dialects.test/echo"}) {
      const testing::CommandResult curl =
          RunCommand({"curl", "-s", "-x", "127.0.0.1:" + port_, "-b", path, url});
      ASSERT_EQ(curl.exit_code, 0) << file;
      EXPECT_EQ(Pairs(*jar.GetCookieHeader(url)), Pairs(curl.output)) << file << " " << url;
      if (url.find("www.") != std::string::npos) {
        EXPECT_FALSE(curl.output.empty()) << file;
      }
    }
  }
}

}  // namespace
}  // namespace cookiejar
