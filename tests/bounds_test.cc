// Issue 25: every input a user brings is bounded. Files that are not files
// (a FIFO) are refused at once by every front-end instead of blocking it;
// hostile JSON of the largest accepted size is refused within a memory bound
// (the command's peak RSS, which the old whole-tree parse was 3 times over); --json gives one JSON document for every run.
//
// Whatever could hang on old code runs under a deadline (timeout(1) for the
// command, a watchdog that opens the FIFO's other end in-process) so that a
// regression fails instead of hanging the suite.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/micros.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookiejar_c.h"
#include "cookiejar/cookies_txt.h"
#include "cookiejar/public_suffix_list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

// Long enough for a loaded machine; a hang on old code still ends.
constexpr int kDeadlineSeconds = 120;

class BoundsTest : public ::testing::Test {
 protected:
  BoundsTest() {
    binary_ = std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/cli/cookiejar";
    static int counter = 0;
    dir_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/case", ++counter);
    fs::create_directories(dir_);
  }

  // The command under timeout(1): a run that blocks is killed (exit 137).
  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), binary_);
    args.insert(args.begin(), {"timeout", "-s", "KILL", std::to_string(kDeadlineSeconds)});
    return testing::RunCommand(args);
  }

  std::string Fifo() {
    const std::string path = dir_ + "/fifo";
    EXPECT_EQ(mkfifo(path.c_str(), 0600), 0);
    return path;
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string binary_, dir_;
};

// Runs `f` (which opens `fifo`) with a deadline. Past it the test fails, and
// the FIFO's writing end is opened and closed so that a blocked open returns
// and the test can end.
template <typename T>
T WithoutWaitingOn(const std::string& fifo, std::function<T()> f) {
  std::future<T> result = std::async(std::launch::async, f);
  if (result.wait_for(std::chrono::seconds(kDeadlineSeconds)) != std::future_status::ready) {
    ADD_FAILURE() << "blocked on the FIFO " << fifo;
    const int writer = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) close(writer);
  }
  return result.get();
}

TEST_F(BoundsTest, CliRefusesAFifoInsteadOfWaitingForIt) {
  const std::string fifo = Fifo();
  const std::string jar = dir_ + "/j.db";
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--jar", jar, "import", fifo},
           {"--jar", jar, "import", "--format", "cookies-txt", fifo},
           {"--jar", jar, "import", "--format", "storage-state", fifo},
           {"--jar", jar, "import", "--format", "firefox", fifo},
           {"replay", fifo},
           {"--jar", fifo, "list"},
       }) {
    SCOPED_TRACE(absl::StrCat(args[args.size() - 2], " ", args.back()));
    testing::CommandResult result = Run(args);
    EXPECT_THAT(result.exit_code, ::testing::AnyOf(2, 4)) << result.error;
    EXPECT_THAT(result.error, HasSubstr("fifo")) << result.error;
  }
  // The jar was never locked for ever: a later run works.
  EXPECT_EQ(Run({"--jar", jar, "list"}).exit_code, 0);
}

TEST_F(BoundsTest, LibraryLoadersRefuseAFifoInsteadOfWaitingForIt) {
  const std::string fifo = Fifo();
  {
    CookieJar jar;
    absl::Status status = WithoutWaitingOn<absl::Status>(
        fifo, [&] { return ImportCookiesTxt(fifo, &jar).status(); });
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr("FIFO"));
  }
  for (bool read_only : {true, false}) {
    CookiesTxtFile::Options options;
    options.read_only = read_only;
    absl::Status status = WithoutWaitingOn<absl::Status>(
        fifo, [&] { return CookiesTxtFile::Open(fifo, options).status(); });
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << read_only << status;
  }
  {
    absl::Status status = WithoutWaitingOn<absl::Status>(
        fifo, [&] { return PublicSuffixList::Load(fifo).status(); });
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  }
  cookiejar_jar* jar = cookiejar_jar_new("chromium");
  size_t imported = 0;
  // The error text is per thread: read where the call ran.
  std::string error = WithoutWaitingOn<std::string>(fifo, [&] {
    return cookiejar_load_cookies_txt(jar, fifo.c_str(), &imported) == COOKIEJAR_FILE_ERROR
               ? std::string(cookiejar_last_error())
               : std::string("not COOKIEJAR_FILE_ERROR");
  });
  EXPECT_THAT(error, HasSubstr("FIFO"));
  cookiejar_jar_free(jar);
}

// 63 MiB of `prefix` + `item` repeated (comma-separated) + `suffix`.
std::string Hostile(const std::string& prefix, const std::string& item,
                    const std::string& suffix) {
  const size_t size = size_t{63} << 20;
  std::string text = prefix;
  text.reserve(size + suffix.size());
  while (text.size() + item.size() + 1 + suffix.size() <= size) {
    if (text.size() > prefix.size()) text += ',';
    text += item;
  }
  return text + suffix;
}

// The whole-tree parse of these took 1.5 to 2.4 GB before refusing them; the
// streaming reader stops at the first limit: about 75 MB
// (benchmarks/bounds_benchmark). The bound here is the command's peak RSS
// (wait4), generous enough for a sanitizer build's overhead.
TEST_F(BoundsTest, HostileJsonIsRefusedWithinAMemoryBound) {
  constexpr long kMaxPeakKb = 800 * 1024;
  struct Case {
    std::string name;
    std::string text;
    std::vector<std::string> command;
    std::string why;
  };
  const std::string jar = dir_ + "/j.db";
  std::vector<Case> cases = {
      {"objects.json", Hostile("{\"cookies\":[", "{}", "]}"), {"--jar", jar, "import"},
       "more than 100000 cookies"},
      {"arrays.json", Hostile("[", "[]", "]"), {"--jar", jar, "import"},
       "more than 100000 cookies"},
      {"entries.har", Hostile("{\"log\":{\"entries\":[", "{}", "]}}"), {"replay"},
       "more than 1000000 entries"},
      {"deep.json", std::string(1000, '[') + std::string(1000, ']'), {"--jar", jar, "import"},
       "deeper than"},
  };
  for (Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = Write(c.name, c.text);
    c.text.clear();
    c.text.shrink_to_fit();
    c.command.push_back(path);
    testing::CommandResult result = Run(c.command);
    EXPECT_EQ(result.exit_code, 4) << result.error;
    EXPECT_GT(result.peak_rss_kb, 0);
    EXPECT_LT(result.peak_rss_kb, kMaxPeakKb);
    EXPECT_THAT(result.error, HasSubstr(c.why));
    fs::remove(path);
  }
}

TEST_F(BoundsTest, JsonHelpIsOneJsonDocument) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--json", "help"},
           {"--json", "help", "get"},
           {"--json", "get", "--help"},
           {"help", "--json", "import"},
       }) {
    SCOPED_TRACE(absl::StrJoin(args, " "));
    testing::CommandResult result = Run(args);
    EXPECT_EQ(result.exit_code, 0) << result.error;
    json document = json::parse(result.output, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(document.is_discarded()) << result.output;
    EXPECT_TRUE(document["usage"].is_string());
    if (args.size() > 2) {
      EXPECT_EQ(document["command"], args[2] == "--help" ? "get" : args.back());
    }
  }
  // Errors of the command line too: the document says what went wrong.
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--json"},
           {"--json", "no-such-command"},
           {"--json", "help", "no-such-command"},
           {"--json", "get"},
       }) {
    SCOPED_TRACE(absl::StrJoin(args, " "));
    testing::CommandResult result = Run(args);
    EXPECT_EQ(result.exit_code, 2) << result.error;
    json document = json::parse(result.output, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(document.is_discarded()) << result.output;
    EXPECT_EQ(document["error"]["exit_code"], 2);
    EXPECT_EQ(document["error"]["kind"], "usage");
    EXPECT_TRUE(document["error"]["message"].is_string());
  }
}

// Seconds from outside (Python, JSON) saturate at the ends of the finite
// range; a plain cast was undefined past about 9.2e12 s and turned 1e17,
// 9.3e12 and 10**14 into instants in the past.
TEST(OutsideNumbers, SecondsSaturateAndNanIsRefused) {
  using micros::kEarliestUs;
  using micros::kLatestUs;
  using micros::SecondsToMicros;
  EXPECT_EQ(SecondsToMicros(1.5), 1500000);
  EXPECT_EQ(SecondsToMicros(-1.5), -1500000);
  EXPECT_EQ(SecondsToMicros(1e17), kLatestUs);
  EXPECT_EQ(SecondsToMicros(9.3e12), kLatestUs);
  EXPECT_EQ(SecondsToMicros(9.2e12), int64_t{9200000000000000000});
  EXPECT_EQ(SecondsToMicros(std::numeric_limits<double>::infinity()), kLatestUs);
  EXPECT_EQ(SecondsToMicros(-std::numeric_limits<double>::infinity()), kEarliestUs);
  EXPECT_EQ(SecondsToMicros(-1e300), kEarliestUs);
  EXPECT_EQ(SecondsToMicros(std::nan("")), std::nullopt);
  EXPECT_EQ(SecondsToMicros(int64_t{100000000000000}), kLatestUs);  // 10**14 s.
  EXPECT_EQ(SecondsToMicros(INT64_MIN), kEarliestUs);
  EXPECT_EQ(SecondsToMicros(int64_t{-3}), -3000000);
  EXPECT_EQ(micros::SatMul(INT64_MAX, -2), INT64_MIN);
  EXPECT_EQ(micros::FiniteFromMicros(INT64_MAX), micros::FromMicros(kLatestUs));
  EXPECT_EQ(micros::FiniteFromMicros(INT64_MIN), micros::FromMicros(micros::kEarliestUs));
}

TEST(OutsideNumbers, FakeClockAdvanceSaturates) {
  const absl::Time start = absl::FromUnixSeconds(1800000000);
  FakeClock clock(start);
  CookieJarOptions options;
  options.clock = &clock;
  CookieJar jar(options);
  ASSERT_TRUE(jar.SetCookie("https://a.example/", "hour=1; Max-Age=3600").IsInclude());
  clock.Advance(absl::Seconds(1e13));  // 1e19 us: wrapped to a negative year.
  EXPECT_GT(clock.Now(), start);
  EXPECT_EQ(*jar.GetCookieHeader("https://a.example/"), "");
  clock.Advance(absl::InfiniteDuration());
  EXPECT_GT(clock.Now(), start);
  EXPECT_LT(clock.Now(), absl::InfiniteFuture());
  clock.Advance(-absl::InfiniteDuration());
  EXPECT_GT(clock.Now(), absl::InfinitePast());
}

// A C caller's clock may return any int64; "now" stays a finite instant
// (it was infinite: cookies created "at infinity", Max-Age cookies expired at
// birth at the start of time).
TEST(OutsideNumbers, CApiClockAtTheEndsOfInt64) {
  for (int64_t now : {INT64_MAX, INT64_MIN}) {
    SCOPED_TRACE(now);
    cookiejar_jar* jar = cookiejar_jar_new_with_clock(
        "chromium", [](void* user) { return *static_cast<int64_t*>(user); }, &now);
    ASSERT_NE(jar, nullptr);
    for (const char* line : {"s=1", "p=1; Max-Age=3600"}) {
      EXPECT_EQ(cookiejar_set_cookie(jar, "https://a.example/", line, nullptr, nullptr),
                COOKIEJAR_OK)
          << cookiejar_last_error();
    }
    cookiejar_cookie_list* list = nullptr;
    ASSERT_EQ(cookiejar_all_cookies(jar, &list), COOKIEJAR_OK);
    // At the latest instant a Max-Age cookie has no time left; at the
    // earliest it is persistent.
    ASSERT_EQ(cookiejar_cookie_list_size(list), now == INT64_MAX ? 1u : 2u);
    for (size_t i = 0; i < cookiejar_cookie_list_size(list); ++i) {
      const cookiejar_cookie* cookie = cookiejar_cookie_list_at(list, i);
      EXPECT_GT(cookie->creation_us, INT64_MIN);
      EXPECT_LT(cookie->creation_us, INT64_MAX);
      EXPECT_EQ(cookie->expiry_us == COOKIEJAR_SESSION, std::string(cookie->name) == "s");
    }
    cookiejar_cookie_list_free(list);
    cookiejar_jar_free(jar);
  }
}

}  // namespace
}  // namespace cookiejar
