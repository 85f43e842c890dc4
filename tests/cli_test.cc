// The cookiejar command-line tool, run as a program.

#include <fstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/subprocess.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    binary_ = std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/cli/cookiejar";
    dir_ = std::getenv("TEST_TMPDIR");
  }

  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), binary_);
    return testing::RunCommand(args);
  }

  std::string binary_, dir_;
};

TEST_F(CliTest, SetThenGetWithAStore) {
  const std::string jar = dir_ + "/bank.db";
  testing::CommandResult set = Run({"--jar", jar, "set", "https://bank.example/login",
                                    "sessionid=abc; Secure; HttpOnly", "theme=dark; Max-Age=60"});
  EXPECT_EQ(set.exit_code, 0);
  EXPECT_THAT(set.output, HasSubstr("stored: sessionid=abc"));
  EXPECT_EQ(Run({"--jar", jar, "get", "https://bank.example/transfer"}).output,
            "sessionid=abc; theme=dark\n");
  EXPECT_EQ(Run({"--jar", jar, "get", "--script", "https://bank.example/"}).output,
            "theme=dark\n");
  EXPECT_EQ(Run({"--jar", jar, "get", "http://bank.example/"}).output, "theme=dark\n");
}

TEST_F(CliTest, SetThenGetWithACookiesTxt) {
  const std::string jar = dir_ + "/jar.txt";
  EXPECT_EQ(Run({"--jar", jar, "set", "https://a.example/", "a=1; Max-Age=60"}).exit_code, 0);
  EXPECT_EQ(Run({"--jar", jar, "get", "https://a.example/"}).output, "a=1\n");
  std::ifstream file(jar);
  std::string first_line;
  std::getline(file, first_line);
  EXPECT_EQ(first_line, "# Netscape HTTP Cookie File");
}

TEST_F(CliTest, RefusedCookiesAreReportedWithTheirReason) {
  testing::CommandResult set =
      Run({"set", "http://shop.example/", "sid=1; Secure", "ok=1", "x=1; Domain=example",
           "y=1; Domain=other.example"});
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_THAT(set.output, HasSubstr("refused (secure_only): sid=1; Secure"));
  EXPECT_THAT(set.output, HasSubstr("stored: ok=1"));
  EXPECT_THAT(set.output, HasSubstr("refused (domain_is_public_suffix): x=1"));
  EXPECT_THAT(set.output, HasSubstr("refused (domain_mismatch): y=1"));
}

TEST_F(CliTest, ListAndExplain) {
  const std::string jar = dir_ + "/list.db";
  Run({"--jar", jar, "set", "https://www.shop.example/cart/x",
       "cart=1,2,3; Path=/cart; Max-Age=3600; SameSite=Strict",
       "sid=0123456789012345678901234567890123456789; Domain=shop.example; Secure"});
  testing::CommandResult list = Run({"--jar", jar, "list"});
  EXPECT_THAT(list.output, HasSubstr("domain"));
  EXPECT_THAT(list.output, HasSubstr(".shop.example"));
  EXPECT_THAT(list.output, HasSubstr("01234567890123456789012345678901...(40 bytes)"));
  EXPECT_THAT(list.output, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(list.output, HasSubstr("session"));
  testing::CommandResult explain = Run({"--jar", jar, "explain", "http://www.shop.example/"});
  EXPECT_THAT(explain.output, HasSubstr("the cookie is Secure and the origin is not secure"));
  EXPECT_THAT(explain.output, HasSubstr("the URL's path is not on the cookie's path"));
}

// get, set and explain take the request's context; explain and --json say
// what the jar decided about it.
TEST_F(CliTest, TheRequestsContext) {
  const std::string jar = dir_ + "/context.db";
  ASSERT_EQ(Run({"--jar", jar, "set", "https://shop.example/", "strict=1; SameSite=Strict",
                 "lax=1; SameSite=Lax", "none=1; SameSite=None; Secure"})
                .exit_code,
            0);
  EXPECT_EQ(Run({"--jar", jar, "get", "https://shop.example/"}).output,
            "strict=1; lax=1; none=1\n");
  EXPECT_EQ(Run({"--jar", jar, "get", "--initiator", "https://news.example/",
                 "https://shop.example/"})
                .output,
            "lax=1; none=1\n");
  EXPECT_EQ(Run({"--jar", jar, "get", "--initiator", "https://news.example/", "--method", "POST",
                 "https://shop.example/"})
                .output,
            "none=1\n");
  // Chromium's rules block third-party cookies.
  testing::CommandResult embedded = Run(
      {"--jar", jar, "explain", "--top-level", "https://news.example/", "https://shop.example/"});
  EXPECT_THAT(embedded.output,
              HasSubstr("request: cross-site, third-party, partition https://news.example "
                        "(cross-site ancestor)\n"));
  EXPECT_THAT(embedded.output, HasSubstr("the jar's cookie policy blocks this request"));
  testing::CommandResult json = Run({"--json", "--jar", jar, "get", "--top-level",
                                     "https://www.shop.example/", "https://shop.example/"});
  EXPECT_THAT(json.output, HasSubstr("\"header\": \"strict=1; lax=1; none=1\""));
  EXPECT_THAT(json.output, HasSubstr("\"same_site\": \"strict\""));
  EXPECT_THAT(json.output, HasSubstr("\"third_party\": false"));
  EXPECT_THAT(json.output, HasSubstr("\"top_level_site\": \"https://shop.example\""));
  // A response in a cross-site context cannot set a Lax cookie.
  testing::CommandResult set = Run({"--jar", jar, "set", "--top-level", "https://news.example/",
                                    "https://shop.example/", "x=1; SameSite=Lax"});
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_THAT(set.output, HasSubstr("refused (samesite_lax, user_preferences)"));

  testing::CommandResult bad =
      Run({"--jar", jar, "get", "--top-level", "not a url", "https://shop.example/"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.error, HasSubstr("top-level URL: invalid URL"));
  EXPECT_EQ(Run({"get", "--method", "", "https://shop.example/"}).exit_code, 1);
  EXPECT_EQ(Run({"get", "--top-level", "https://a.example/"}).exit_code, 2);  // No URL.
}

TEST_F(CliTest, BrowsersInOneStoreDoNotShare) {
  const std::string jar = dir_ + "/browsers.db";
  Run({"--jar", jar, "--profile", "chrome", "set", "https://a.example/", "user=alice"});
  Run({"--jar", jar, "--profile", "firefox", "set", "https://a.example/", "user=bob"});
  EXPECT_EQ(Run({"--jar", jar, "--profile", "chrome", "get", "https://a.example/"}).output,
            "user=alice\n");
  EXPECT_EQ(Run({"--jar", jar, "--profile", "firefox", "get", "https://a.example/"}).output,
            "user=bob\n");
}

TEST_F(CliTest, ImportExportAndEndSession) {
  const std::string txt = dir_ + "/in.txt";
  std::ofstream(txt) << "a.example\tFALSE\t/\tFALSE\t0\tsession\t1\n"
                        "a.example\tFALSE\t/\tFALSE\t4102444800\tkept\t2\n"
                        "broken line\n";
  const std::string jar = dir_ + "/import.db";
  testing::CommandResult imported = Run({"--jar", jar, "import", txt});
  EXPECT_EQ(imported.exit_code, 1);  // One line was refused.
  EXPECT_THAT(imported.output, HasSubstr("imported 2 cookies from cookies-txt, refused 1"));
  EXPECT_THAT(imported.error, HasSubstr("line 3: expected 7 TAB-separated fields"));
  EXPECT_EQ(Run({"--jar", jar, "end-session"}).output, "removed 1 cookies\n");
  EXPECT_EQ(Run({"--jar", jar, "get", "http://a.example/"}).output, "kept=2\n");
  const std::string out = dir_ + "/out.txt";
  EXPECT_EQ(Run({"--jar", jar, "export", out}).exit_code, 0);
  std::ifstream exported(out);
  std::string text((std::istreambuf_iterator<char>(exported)), std::istreambuf_iterator<char>());
  // The year-2100 expiry comes back capped at 400 days from the import, as
  // the chromium profile caps every expiry.
  const std::string prefix = "a.example\tFALSE\t/\tFALSE\t";
  const size_t at = text.find(prefix);
  ASSERT_NE(at, std::string::npos) << text;
  const int64_t expiry = std::stoll(text.substr(at + prefix.size()));
  const int64_t cap = absl::ToUnixSeconds(absl::Now() + absl::Hours(400 * 24));
  EXPECT_LE(expiry, cap);
  EXPECT_GE(expiry, cap - 600);
  EXPECT_THAT(text.substr(at), HasSubstr("\tkept\t2\n"));
  EXPECT_EQ(Run({"--jar", jar, "clear"}).output, "removed 1 cookies\n");
}

TEST_F(CliTest, ReplayFindsTheOneRealDifference) {
  testing::CommandResult replay = Run({"replay", testing::TestDataPath("har/shop.har")});
  EXPECT_EQ(replay.exit_code, 1);
  // The capture's browser allowed third-party cookies; Chromium, out of the
  // box, blocks the tracker's, and the replay says so.
  EXPECT_THAT(replay.output, HasSubstr("9 requests compared: 6 identical, 1 same cookies in "
                                       "another order, 2 different"));
  EXPECT_THAT(replay.output,
              HasSubstr("browser sent tid=1, jar did not: entry 1 set it, and the jar refused it: "
                        "the jar's cookie policy blocks this request"));
  EXPECT_THAT(replay.output, HasSubstr("browser sent ab_test=B, jar did not: not in the jar"));
}

TEST_F(CliTest, ReplayOfRealChromiumIsIdentical) {
  testing::CommandResult replay = Run({"replay", testing::TestDataPath("har/chromium_django.har")});
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
  EXPECT_THAT(replay.output, HasSubstr("25 requests compared: 25 identical"));
}

TEST_F(CliTest, BadInputGivesAClearMessageAndAnExitStatus) {
  EXPECT_EQ(Run({"get", "not-a-url"}).exit_code, 1);
  EXPECT_EQ(Run({"replay", dir_ + "/missing.har"}).exit_code, 4);
  const std::string garbage = dir_ + "/garbage.har";
  std::ofstream(garbage) << "{ not json";
  EXPECT_EQ(Run({"replay", garbage}).exit_code, 4);
  const std::string not_har = dir_ + "/not.har";
  std::ofstream(not_har) << "{\"log\": {}}";
  EXPECT_EQ(Run({"replay", not_har}).exit_code, 4);
  EXPECT_EQ(Run({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Run({"--rules", "netscape", "list"}).exit_code, 2);
  EXPECT_EQ(Run({"--jar", "/nonexistent-dir/x.db", "set", "https://a.example/", "a=1"}).exit_code,
            4);
  EXPECT_EQ(Run({"set", "https://a.example/"}).exit_code, 2);
  EXPECT_EQ(Run({}).exit_code, 2);
}

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* command : {"get", "set", "list", "explain", "import", "export", "end-session",
                              "clear", "replay", "psl"}) {
    testing::CommandResult help = Run({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_THAT(help.output, HasSubstr("usage: cookiejar")) << command;
  }
  EXPECT_THAT(Run({"--help"}).output, HasSubstr("commands:"));
}

TEST_F(CliTest, PslCommand) {
  testing::CommandResult psl = Run({"psl", "WWW.Example.co.uk", "user.github.io"});
  EXPECT_EQ(psl.exit_code, 0);
  EXPECT_THAT(psl.output, HasSubstr("www.example.co.uk  co.uk"));
  EXPECT_THAT(psl.output, HasSubstr("example.co.uk"));
  EXPECT_THAT(psl.output, HasSubstr("user.github.io"));
  EXPECT_THAT(Run({"psl", "a..b"}).exit_code, 1);
}

}  // namespace
}  // namespace cookiejar
