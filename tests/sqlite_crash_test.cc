// Nothing lost: a writer process is killed with SIGKILL at random moments,
// many times, and after each kill the store opens and holds every cookie of
// every completed flush (and no cookie that was never flushed).

#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"
// The deprecated path (a forwarding header until 2.0) still works.
#include "cookiejar/sqlite/sqlite_cookie_store.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

// Cookie i of a run starting at `first` must exist after "flushed <last>" when
// i <= last and it was not deleted by cookie i + 3 <= last.
bool ShouldExist(long i, long last) { return i <= last && !(i % 7 == 0 && i + 3 <= last); }

TEST(SqliteCrashTest, EveryFlushedCookieSurvivesSigkill) {
  const std::string db = std::string(std::getenv("TEST_TMPDIR")) + "/crash.db";
  const std::string writer =
      std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/tests/sqlite_store_writer";
  std::mt19937 random(20261122);
  struct Run {
    long first, last_flushed;
  };
  std::vector<Run> runs;
  for (int round = 0; round < 40; ++round) {
    const long first = round * 100000L;
    long last_flushed = first - 1;
    {
      testing::BackgroundProcess process({writer, db, std::to_string(first)});
      ASSERT_TRUE(process.started());
      const int flushes = 1 + random() % 6;
      std::string line;
      for (int f = 0; f < flushes; ++f) {
        ASSERT_TRUE(process.ReadLine(&line)) << "writer stopped early, round " << round;
        ASSERT_TRUE(absl::SimpleAtoi(line.substr(line.find(' ') + 1), &last_flushed)) << line;
      }
      // Somewhere in the middle of setting cookies or of the next flush.
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000));
      process.Kill(SIGKILL);
      EXPECT_EQ(process.Wait(), -SIGKILL);
      // Flushes completed before the kill are still in the pipe.
      while (process.ReadLine(&line)) {
        ASSERT_TRUE(absl::SimpleAtoi(line.substr(line.find(' ') + 1), &last_flushed)) << line;
      }
    }
    runs.push_back({first, last_flushed});

    auto store = SqliteCookieStore::Open(db);
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.status();
    CookieJarOptions options;
    options.rules = BrowserRules::Unlimited();
    CookieJar jar(options);
    ASSERT_TRUE((*store)->Attach(&jar, "crash").ok());
    std::set<std::string> names;
    for (const CanonicalCookie& c : jar.GetAllCookies()) names.insert(c.name);
    for (const Run& run : runs) {
      for (long i = run.first; i <= run.last_flushed + 30; ++i) {
        const bool present = names.count(absl::StrCat("c", i)) > 0;
        if (ShouldExist(i, run.last_flushed)) {
          ASSERT_TRUE(present) << "lost c" << i << " (flushed up to " << run.last_flushed
                               << ") after round " << round;
        } else if (i > run.last_flushed + 25) {
          // The unfinished batch may or may not have landed; nothing after it.
          ASSERT_FALSE(present) << "c" << i << " was never flushed";
        }
      }
    }
  }
}

}  // namespace
}  // namespace cookiejar
