// The cookiejar command in pipelines: `ingest` reads the raw response
// headers curl writes (every hop, interim responses, Date), `-` reads
// standard input wherever a value or a file is read, within limits; and the
// curl + cookiejar redirect loop of docs/cli.md, run as written against a
// local server with the real curl.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/local_servers.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;

class CliPipelineTest : public ::testing::Test {
 protected:
  CliPipelineTest() {
    srcdir_ = std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar";
    binary_ = srcdir_ + "/cli/cookiejar";
    dir_ = std::getenv("TEST_TMPDIR");
  }

  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), binary_);
    return testing::RunCommand(args);
  }

  // Runs the command with `input` on its standard input.
  testing::CommandResult RunWithInput(const std::string& input, std::vector<std::string> args) {
    const std::string file = dir_ + "/input-" + std::to_string(inputs_++);
    std::ofstream(file, std::ios::binary) << input;
    args.insert(args.begin(), {"sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", file,
                               binary_});
    return testing::RunCommand(args);
  }

  std::string srcdir_, binary_, dir_;
  int inputs_ = 0;
};

TEST_F(CliPipelineTest, IngestStoresEveryHopWithItsDate) {
  const std::string jar = dir_ + "/hops.db";
  // As curl -L -D - writes them: an interim response, a redirect (relative
  // Location) and the final HTTP/2 response with lowercase names, then a
  // body (curl -i). The server's clock is in 2000: Expires two hours after
  // its Date is two hours from now, not 26 years ago.
  const std::string headers =
      "HTTP/1.1 100 Continue\r\n"
      "Set-Cookie: interim=1\r\n"
      "\r\n"
      "HTTP/1.1 302 Found\r\n"
      "Date: Sat, 01 Jan 2000 00:00:00 GMT\r\n"
      "Set-Cookie: one=1; Path=/; Expires=Sat, 01 Jan 2000 02:00:00 GMT\r\n"
      "Location: /account/home?tab=1\r\n"
      "\r\n"
      "HTTP/1.1 301 Moved Permanently\r\n"
      "location: https://www.other.example/landing\r\n"
      "\r\n"
      "HTTP/2 200\r\n"
      "date: Sat, 01 Jan 2000 00:00:00 GMT\r\n"
      "set-cookie: two=2; Secure; Expires=Sat, 01 Jan 2000 02:00:00 GMT\r\n"
      "set-cookie: bad=1; Domain=shop.example\r\n"
      "set-cookie: folded=a;\r\n"
      "  Path=/landing\r\n"
      "\r\n"
      "<html>HTTP/1.1 200 OK in a body</html>\n";
  testing::CommandResult ingest = RunWithInput(
      headers, {"--jar", jar, "ingest", "https://shop.example/login"});
  EXPECT_EQ(ingest.exit_code, 1) << ingest.error;  // bad=1 was refused.
  EXPECT_THAT(ingest.output, HasSubstr("302 https://shop.example/login\n  stored: one=1"));
  EXPECT_THAT(ingest.output, HasSubstr("200 https://www.other.example/landing\n  stored: two=2"));
  EXPECT_THAT(ingest.output, HasSubstr("refused (domain_mismatch): bad=1"));
  EXPECT_EQ(Run({"--jar", jar, "get", "https://shop.example/account"}).output, "one=1\n");
  EXPECT_EQ(Run({"--jar", jar, "get", "https://www.other.example/landing"}).output,
            "folded=a; two=2\n");  // The longer path first.
  EXPECT_EQ(Run({"--jar", jar, "get", "http://www.other.example/"}).output, "");
}

TEST_F(CliPipelineTest, IngestSkipsTheProxysAnswerToConnect) {
  testing::CommandResult ingest = RunWithInput(
      "HTTP/1.1 200 Connection established\r\nSet-Cookie: proxy=1\r\n\r\n"
      "HTTP/1.1 200 OK\r\nSet-Cookie: site=1\r\n\r\n",
      {"--json", "ingest", "https://a.example/"});
  EXPECT_EQ(ingest.exit_code, 0) << ingest.error;
  EXPECT_THAT(ingest.output, HasSubstr("\"skipped\": \"proxy_connect\""));
  EXPECT_THAT(ingest.output, Not(HasSubstr("proxy=1")));
  EXPECT_THAT(ingest.output, HasSubstr("\"set_cookie\": \"site=1\""));
}

TEST_F(CliPipelineTest, IngestLocationPrintsTheNextHop) {
  const std::string redirect = "HTTP/1.1 303 See Other\nLocation: ../next?q=1#top\n\n";
  testing::CommandResult next =
      RunWithInput(redirect, {"ingest", "https://a.example/x/y", "--location"});
  EXPECT_EQ(next.exit_code, 0);
  EXPECT_EQ(next.output, "https://a.example/next?q=1\n");
  EXPECT_EQ(RunWithInput("HTTP/1.1 200 OK\n\n", {"ingest", "https://a.example/", "--location"})
                .output,
            "");
  testing::CommandResult bad = RunWithInput("HTTP/1.1 302 Found\nLocation: ftp://a.example/\n\n",
                                            {"ingest", "https://a.example/", "--location"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.output, "");
}

TEST_F(CliPipelineTest, IngestRefusesWhatIsNotResponseHeadersAndStoresNothing) {
  const std::string jar = dir_ + "/refused.db";
  ASSERT_EQ(Run({"--jar", jar, "set", "https://a.example/", "kept=1"}).exit_code, 0);
  const std::vector<std::string> inputs = {
      "",
      "Set-Cookie: a=1\n\n",
      "HTTP/1.1 OK\nSet-Cookie: a=1\n\n",
      "HTTP/1.1 200 OK\nSet-Cookie a=1\n\n",
      std::string("HTTP/1.1 200 OK\nSet-Cookie: a=1\nX: \0\n\n", 37),
      // Headers that go on past 1 MiB.
      "HTTP/1.1 200 OK\nSet-Cookie: a=1\nX-Long: " + std::string(1 << 20, 'x') + "\n\n",
  };
  for (const std::string& input : inputs) {
    testing::CommandResult ingest = RunWithInput(input, {"--jar", jar, "ingest", "https://a.example/"});
    EXPECT_EQ(ingest.exit_code, 4) << input.substr(0, 40);
    EXPECT_THAT(ingest.error, HasSubstr("nothing was stored")) << input.substr(0, 40);
  }
  EXPECT_EQ(Run({"--jar", jar, "get", "https://a.example/"}).output, "kept=1\n");
  // A long body after complete headers is not headers: it is not read.
  testing::CommandResult body = RunWithInput(
      "HTTP/1.1 200 OK\nSet-Cookie: a=1\n\n" + std::string(3 << 20, 'x'),
      {"--jar", jar, "ingest", "https://a.example/"});
  EXPECT_EQ(body.exit_code, 0) << body.error;
  EXPECT_EQ(Run({"--jar", jar, "get", "https://a.example/"}).output, "kept=1; a=1\n");
}

TEST_F(CliPipelineTest, DashIsStandardInput) {
  const std::string jar = dir_ + "/dash.db";
  testing::CommandResult set = RunWithInput("Set-Cookie: a=1; Path=/\r\n\r\nb=2\n",
                                            {"--jar", jar, "set", "https://a.example/", "-", "c=3"});
  EXPECT_EQ(set.exit_code, 0) << set.error;
  EXPECT_EQ(Run({"--jar", jar, "get", "https://a.example/"}).output, "a=1; b=2; c=3\n");
  EXPECT_EQ(RunWithInput("", {"set", "https://a.example/", "-", "-"}).exit_code, 2);
  EXPECT_EQ(RunWithInput(std::string((1 << 20) + 1, 'a'), {"set", "https://a.example/", "-"})
                .exit_code,
            4);

  const std::string imported = dir_ + "/imported.db";
  testing::CommandResult import = RunWithInput(
      "# Netscape HTTP Cookie File\nb.example\tFALSE\t/\tFALSE\t0\tfrom\tstdin\n",
      {"--jar", imported, "import", "-"});
  EXPECT_EQ(import.exit_code, 0) << import.error;
  EXPECT_THAT(import.output, HasSubstr("imported 1 cookies from cookies-txt"));
  EXPECT_EQ(Run({"--jar", imported, "get", "http://b.example/"}).output, "from=stdin\n");

  testing::CommandResult psl =
      RunWithInput("// test list\nexample\n", {"psl", "--list", "-", "a.b.example"});
  EXPECT_EQ(psl.exit_code, 0) << psl.error;
  EXPECT_THAT(psl.output, HasSubstr("b.example"));

  testing::CommandResult replay = RunWithInput("{\"log\": {\"entries\": []}}", {"replay", "-"});
  EXPECT_EQ(replay.exit_code, 0) << replay.error;
  EXPECT_THAT(replay.output, HasSubstr("0 entries"));

  EXPECT_EQ(Run({"--jar", "-", "get", "https://a.example/"}).exit_code, 2);
}

// The two lines of docs/cli.md, with curl, against tests/http_test_server.py.
class CurlPipelineTest : public CliPipelineTest {
 protected:
  static void SetUpTestSuite() {
    server_ = new testing::HttpTestServer();
    port_ = server_->port();
  }
  static void TearDownTestSuite() { delete server_; }

  // Three hops over two sites: 127.0.0.1 -> localhost -> 127.0.0.1.
  std::string Chain() {
    const std::string last = Url("127.0.0.1", "/page?set=three%3D3%3B%20Path%3D%2F");
    const std::string second =
        Url("localhost", "/r?status=302&to=" + Escape(last) + "&set=two%3D2%3B%20Path%3D%2F");
    return Url("127.0.0.1", "/r?status=302&to=" + Escape(second) + "&set=one%3D1%3B%20Path%3D%2F");
  }

  static std::string Url(const std::string& host, const std::string& path) {
    return "http://" + host + ":" + port_ + path;
  }

  static std::string Escape(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
      if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out += static_cast<char>(c);
      } else {
        char hex[4];
        snprintf(hex, sizeof(hex), "%%%02X", c);
        out += hex;
      }
    }
    return out;
  }

  // The Cookie header of each request the server received since the last call.
  std::vector<std::string> Sent() {
    testing::CommandResult log = testing::RunCommand(
        {"curl", "-s", Url("127.0.0.1", "/__log")});
    testing::RunCommand({"curl", "-s", Url("127.0.0.1", "/__reset")});
    std::vector<std::string> cookies;
    for (size_t at = 0; (at = log.output.find("\"cookie\": ", at)) != std::string::npos;) {
      at += 10;
      const size_t end = log.output.find_first_of(",}", log.output[at] == '"'
                                                           ? log.output.find('"', at + 1)
                                                           : at);
      cookies.push_back(log.output.substr(at, end - at));
    }
    return cookies;
  }

  testing::CommandResult Shell(const std::string& script) {
    return testing::RunCommand(
        {"timeout", "120", "bash", "-c",
         "set -u; cd \"$1\"; bin=$2; cookiejar() { \"$bin\" \"$@\"; }; " + script, "bash", dir_, binary_});
  }

  static testing::HttpTestServer* server_;
  static std::string port_;
};

testing::HttpTestServer* CurlPipelineTest::server_ = nullptr;
std::string CurlPipelineTest::port_;

TEST_F(CurlPipelineTest, TheRedirectLoopOfTheDocsSendsTheJarsCookiesOnEveryHop) {
  ASSERT_FALSE(port_.empty());
  ASSERT_TRUE(testing::HaveProgram("curl")) << "tools/setup.sh installs curl";
  std::ifstream doc(srcdir_ + "/docs/cli.md");
  std::stringstream text;
  text << doc.rdbuf();
  const std::string marker = "<!-- tests/cli_pipeline_test.cc runs these two lines";
  size_t start = text.str().find(marker);
  ASSERT_NE(start, std::string::npos);
  start = text.str().find("```sh\n", start) + 6;
  const size_t end = text.str().find("```", start);
  std::string lines = text.str().substr(start, end - start);
  ASSERT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;
  const std::string example_url = "https://shop.example/login";
  ASSERT_NE(lines.find(example_url), std::string::npos);
  lines.replace(lines.find(example_url), example_url.size(), "'" + Chain() + "'");
  // A cookie the jar holds already for the first site.
  ASSERT_EQ(Run({"--jar", dir_ + "/shop.db", "set", Url("127.0.0.1", "/"), "before=0"}).exit_code,
            0);
  Sent();

  testing::CommandResult run = Shell(lines);
  ASSERT_EQ(run.exit_code, 0) << run.error;
  // The jar's choice on every hop: the cookies of the hop's own site, set
  // by the earlier hops (none of 127.0.0.1's went to localhost).
  EXPECT_THAT(Sent(), ::testing::ElementsAre("\"before=0\"", "null", "\"before=0; one=1\""))
      << run.error << Run({"--jar", dir_ + "/shop.db", "list"}).output;
  EXPECT_EQ(Run({"--jar", dir_ + "/shop.db", "get", Url("localhost", "/")}).output, "two=2\n");
  EXPECT_EQ(Run({"--jar", dir_ + "/shop.db", "get", Url("127.0.0.1", "/")}).output,
            "before=0; one=1; three=3\n");
  std::ifstream page(dir_ + "/page.html");
  std::string body((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  EXPECT_THAT(body, HasSubstr("GET /page"));
}

TEST_F(CurlPipelineTest, CurlFollowingRedirectsItselfThenIngest) {
  ASSERT_FALSE(port_.empty());
  testing::CommandResult run = Shell(
      "curl -sL -o /dev/null -D - '" + Chain() + "' | cookiejar --jar one.db ingest '" + Chain() +
      "'");
  ASSERT_EQ(run.exit_code, 0) << run.error;
  EXPECT_EQ(Run({"--jar", dir_ + "/one.db", "get", Url("localhost", "/")}).output, "two=2\n");
  EXPECT_EQ(Run({"--jar", dir_ + "/one.db", "get", Url("127.0.0.1", "/")}).output,
            "one=1; three=3\n");
  Sent();
}

TEST_F(CliPipelineTest, IngestOfCurlThroughAProxysTunnelSkipsTheProxysAnswer) {
  // curl -x to an https URL writes the proxy's "200 Connection established"
  // before the server's headers.
  ASSERT_TRUE(testing::HaveProgram("curl")) << "tools/setup.sh installs curl";
  std::string error;
  std::unique_ptr<testing::Tinyproxy> proxy = testing::Tinyproxy::Start(&error);
  ASSERT_NE(proxy, nullptr) << error;
  testing::TestCertificates certificates;
  ASSERT_TRUE(certificates.Create("localhost", &error)) << error;
  testing::HttpTestServer::Options options;
  options.tls_cert = certificates.server_cert();
  options.tls_key = certificates.server_key();
  testing::HttpTestServer server(options);
  ASSERT_FALSE(server.port().empty());
  const std::string url =
      "https://localhost:" + server.port() + "/page?set=s%3D1%3B%20Secure%3B%20HttpOnly";
  const std::string jar = dir_ + "/tunnel.db";
  testing::CommandResult run = testing::RunCommand(
      {"bash", "-c",
       "set -o pipefail; curl -sS -o /dev/null -D - -x \"$1\" --cacert \"$2\" \"$3\" | "
       "\"$4\" --jar \"$5\" --json ingest \"$3\"",
       "bash", proxy->url(), certificates.ca(), url, binary_, jar});
  ASSERT_EQ(run.exit_code, 0) << run.error;
  EXPECT_THAT(run.output, HasSubstr("\"skipped\": \"proxy_connect\""));
  EXPECT_THAT(proxy->Requests(), ::testing::Contains(HasSubstr("CONNECT localhost:")));
  EXPECT_EQ(Run({"--jar", jar, "get", "https://localhost/"}).output, "s=1\n");
}

}  // namespace
}  // namespace cookiejar
