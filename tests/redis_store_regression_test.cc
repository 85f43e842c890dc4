// The Redis store's findings of the fleet issue, each reproduced as it was
// found, on a real redis-server started here:
//  - a stale expiry in one worker process deleted another's fresh login
//    fleet-wide (and its relatives: expired records removed on Attach during
//    a re-set, an eviction on a stale view, two workers expiring one cookie
//    while a set of it waited in a third);
//  - Flush() and the destructor took several times io_timeout with Redis
//    stopped, per profile;
//  - a profile key of a foreign type slipped through Attach.
// The workers are processes (tests/redis_store_worker.cc) driven line by
// line, so that each race happens in the order the issue gives.

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/redis/redis_cookie_store.h"
#include "gtest/gtest.h"
#include "tests/redis_server.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using redis_internal::RedisReply;
using testing::BackgroundProcess;
using testing::RedisServer;
using testing::RedisServerOptions;

// A worker process; Do sends one command and returns its answer.
class Worker {
 public:
  Worker(int port, int flush_interval_ms) {
    const std::string binary =
        std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/tests/redis_store_worker";
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{binary, std::to_string(port), std::to_string(flush_interval_ms)},
        "", /*with_stdin=*/true);
  }
  ~Worker() {
    if (process_->WriteLine("quit")) {
      std::string line;
      process_->ReadLine(&line);
    }
    process_->Wait();
  }

  std::string Do(const std::string& command) {
    std::string line;
    if (!process_->WriteLine(command) || !process_->ReadLine(&line)) return "error worker gone";
    return line;
  }
  // The answer must be "ok...".
  void Must(const std::string& command) {
    const std::string answer = Do(command);
    ASSERT_TRUE(absl::StartsWith(answer, "ok")) << command << ": " << answer;
  }
  std::set<std::string> Cookies() {
    const std::string answer = Do("cookies");
    std::set<std::string> out;
    if (!absl::StartsWith(answer, "ok")) return {"(" + answer + ")"};
    for (absl::string_view pair : absl::StrSplit(answer.substr(2), ' ', absl::SkipEmpty())) {
      out.insert(std::string(pair));
    }
    return out;
  }

 private:
  std::unique_ptr<BackgroundProcess> process_;
};

class RedisRegressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server_.Start(RedisServerOptions(), &error)) << error;
  }

  // The profile as a jar attached afresh sees it.
  std::set<std::string> Fresh(const std::string& profile) {
    CookieJar jar;
    RedisStoreOptions options;
    options.endpoints = {server_.endpoint()};
    auto store = RedisCookieStore::Connect(options);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return {};
    EXPECT_TRUE((*store)->Attach(&jar, profile).ok());
    std::set<std::string> out;
    for (const CanonicalCookie& c : jar.GetAllCookies()) out.insert(c.name + "=" + c.value);
    return out;
  }

  std::vector<std::string> Keys() {
    absl::StatusOr<RedisReply> keys = server_.Command({"KEYS", "*"});
    std::vector<std::string> out;
    if (keys.ok()) {
      for (const RedisReply& key : keys->elements) out.push_back(key.str);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  RedisServer server_;
};

// --- A jar's own bookkeeping never beats a newer set -------------------------------

// The race, with the default options: A and B hold sid=old
// (Max-Age=1). It expires; A logs in again (sid=fresh); 2 ms later B sets
// theme=dark on the same site, which makes B notice its expired copy. Both
// write 20 ms after their change. B's expiry was written as a deletion
// stamped with B's time, later than A's set, and won: every jar lost the
// login.
TEST_F(RedisRegressionTest, AStaleExpiryInAnotherProcessKeepsTheFreshLogin) {
  Worker a(server_.port(), 20);
  Worker b(server_.port(), 20);
  a.Must("attach fleet");
  b.Must("attach fleet");
  a.Must("set https://site.test/ sid=old; Max-Age=1");
  a.Must("flush");
  b.Must("sync");
  ASSERT_EQ(b.Cookies(), (std::set<std::string>{"sid=old"}));
  a.Must("advance 2");
  b.Must("advance 2");
  a.Must("set https://site.test/ sid=fresh; Max-Age=3600");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  b.Must("set https://site.test/ theme=dark; Max-Age=3600");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // Both flush by themselves.
  // B first: on a loaded machine (or under TSan) its own flush may not have
  // run yet, and A's Sync only waits for what Redis holds when it is called.
  b.Must("sync");
  a.Must("sync");
  const std::set<std::string> want = {"sid=fresh", "theme=dark"};
  EXPECT_EQ(a.Cookies(), want);
  EXPECT_EQ(b.Cookies(), want);
  EXPECT_EQ(Fresh("fleet"), want);
}

// The same stamping was used for expired records removed on Attach: C
// attaches while A's re-set waits to be written, finds sid=old expired, and
// must remove only that version.
TEST_F(RedisRegressionTest, AnAttachDuringAReSetKeepsTheReSet) {
  Worker a(server_.port(), 3600 * 1000);  // Only "flush" writes: the order is the test's.
  a.Must("attach fleet");
  a.Must("set https://site.test/ sid=old; Max-Age=1");
  a.Must("flush");
  a.Must("advance 2");
  a.Must("set https://site.test/ sid=fresh; Max-Age=3600");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  Worker c(server_.port(), 3600 * 1000);
  c.Must("advance 2");
  c.Must("attach fleet");  // Loads sid=old, expired: removes it.
  a.Must("flush");
  c.Must("flush");
  c.Must("sync");
  EXPECT_EQ(c.Cookies(), (std::set<std::string>{"sid=fresh"}));
  EXPECT_EQ(Fresh("fleet"), (std::set<std::string>{"sid=fresh"}));
}

// B evicts its stale copy of a cookie A has just set again.
TEST_F(RedisRegressionTest, AnEvictionOnAStaleViewKeepsTheNewerSet) {
  Worker a(server_.port(), 3600 * 1000);
  Worker b(server_.port(), 3600 * 1000);
  a.Must("attach fleet");
  b.Must("attach fleet");
  a.Must("set https://big.test/ login=old; Max-Age=3600");
  a.Must("flush");
  b.Must("sync");
  a.Must("set https://big.test/ login=fresh; Max-Age=3600");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  for (int i = 0; i < 180; ++i) {  // Chromium keeps 180 a site: B evicts login=old.
    b.Must(absl::StrCat("set https://big.test/ b", i, "=1; Max-Age=3600"));
  }
  ASSERT_EQ(b.Cookies().count("login=old"), 0u);
  a.Must("flush");
  b.Must("flush");
  EXPECT_EQ(Fresh("fleet").count("login=fresh"), 1u);
  a.Must("sync");
  EXPECT_EQ(a.Cookies().count("login=fresh"), 1u);
}

// B and C expire the same cookie after A set it again during an outage of
// its own (its set waits, stamped before their expiries): the old version
// is removed once and A's set still wins when it arrives.
TEST_F(RedisRegressionTest, TwoWorkersExpiringOneCookieKeepAnEarlierWaitingSet) {
  Worker a(server_.port(), 3600 * 1000);
  Worker b(server_.port(), 3600 * 1000);
  Worker c(server_.port(), 3600 * 1000);
  for (Worker* w : {&a, &b, &c}) w->Must("attach fleet");
  a.Must("set https://site.test/ sid=old; Max-Age=1");
  a.Must("flush");
  b.Must("sync");
  c.Must("sync");
  for (Worker* w : {&a, &b, &c}) w->Must("advance 2");
  a.Must("set https://site.test/ sid=fresh; Max-Age=3600");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  b.Must("set https://site.test/ b=1; Max-Age=3600");
  c.Must("set https://site.test/ c=1; Max-Age=3600");
  b.Must("flush");
  c.Must("flush");
  a.Must("flush");
  const std::set<std::string> want = {"b=1", "c=1", "sid=fresh"};
  EXPECT_EQ(Fresh("fleet"), want);
  for (Worker* w : {&a, &b, &c}) {
    w->Must("sync");
    EXPECT_EQ(w->Cookies(), want);
  }
}

// --- Bounded shutdown ----------------------------------------------------------------

// With redis-server stopped (SIGSTOP: connections stay open, nothing
// answers), Flush() and the destructor promise io_timeout, all profiles
// together. They took 2x (Flush) and 4x (destructor) io_timeout per
// profile, one profile after another.
TEST_F(RedisRegressionTest, FlushDetachAndShutdownKeepToIoTimeoutInTotal) {
  // Eight profiles: one after another, the old code took 16 s (Flush),
  // 6 s (Detach of one) and 36 s (destructor) here; now each takes
  // io_timeout (2 s) in total.
  std::vector<std::unique_ptr<CookieJar>> jars;  // Outlive the store.
  for (int i = 0; i < 8; ++i) jars.push_back(std::make_unique<CookieJar>());
  RedisStoreOptions options;
  options.endpoints = {server_.endpoint()};
  options.io_timeout = absl::Seconds(2);
  options.retry_interval = absl::Milliseconds(20);
  auto store = RedisCookieStore::Connect(options);
  ASSERT_TRUE(store.ok());
  for (size_t i = 0; i < jars.size(); ++i) {
    ASSERT_TRUE((*store)->Attach(jars[i].get(), absl::StrCat("p", i)).ok());
  }
  server_.Pause();
  for (const auto& jar : jars) jar->SetCookie("https://x.test/", "k=v; Max-Age=600");
  // The promise is io_timeout; 3 s more leave room for a loaded 2-core
  // machine, and stay well below what one profile after another costs.
  const absl::Duration bound = options.io_timeout + absl::Seconds(3);
  // How long each call took goes in the test's XML (test.xml), for the record.
  auto timed = [&](const char* name, const std::function<void()>& call) {
    const absl::Time start = absl::Now();
    call();
    const absl::Duration took = absl::Now() - start;
    RecordProperty(name, absl::FormatDuration(took));
    EXPECT_LT(took, bound) << name;
  };
  timed("flush", [&] { EXPECT_EQ((*store)->Flush().code(), absl::StatusCode::kUnavailable); });
  timed("detach", [&] { EXPECT_FALSE((*store)->Detach(jars.back().get()).ok()); });
  timed("destructor", [&] { store->reset(); });
  server_.Resume();
  // The jars were left alone.
  for (const auto& jar : jars) EXPECT_EQ(jar->size(), 1u);
}

// --- Foreign keys --------------------------------------------------------------------

// The case: the profile's tombs key holds a string. Attach said OK,
// and every Flush failed while changes queued. Every key is checked now;
// nothing is written for a refused profile.
TEST_F(RedisRegressionTest, AttachRefusesAProfileWithAnyForeignKey) {
  CookieJar seeded;
  {
    CookieJar jar;
    RedisStoreOptions options;
    options.endpoints = {server_.endpoint()};
    auto store = RedisCookieStore::Connect(options);
    ASSERT_TRUE(store.ok());
    for (const std::string profile : {"tombs", "log", "cookies"}) {
      ASSERT_TRUE((*store)->Attach(&jar, profile).ok());
      jar.SetCookie("https://x.test/", "k=v; Max-Age=600");
      jar.SetCookie("https://x.test/", "gone=1; Max-Age=600");
      jar.SetCookie("https://x.test/", "gone=; Max-Age=0");
      ASSERT_TRUE((*store)->Detach(&jar).ok());
      jar.DeleteAll();
    }
  }
  ASSERT_TRUE(server_.Command({"DEL", "cookiejar:{tombs}:tombs"}).ok());
  ASSERT_TRUE(server_.Command({"SET", "cookiejar:{tombs}:tombs", "x"}).ok());
  ASSERT_TRUE(server_.Command({"DEL", "cookiejar:{log}:log"}).ok());
  ASSERT_TRUE(server_.Command({"SADD", "cookiejar:{log}:log", "x"}).ok());
  ASSERT_TRUE(server_.Command({"DEL", "cookiejar:{cookies}:cookies"}).ok());
  ASSERT_TRUE(server_.Command({"LPUSH", "cookiejar:{cookies}:cookies", "x"}).ok());
  // A new profile whose only key is foreign.
  ASSERT_TRUE(server_.Command({"ZADD", "cookiejar:{lone}:log", "1", "x"}).ok());

  std::vector<std::string> dumps;
  const std::vector<std::string> before = Keys();
  for (const std::string& key : before) dumps.push_back(server_.Command({"DUMP", key})->str);

  seeded.SetCookie("https://x.test/", "seed=1; Max-Age=600");  // Would be uploaded.
  RedisStoreOptions options;
  options.endpoints = {server_.endpoint()};
  auto store = RedisCookieStore::Connect(options);
  ASSERT_TRUE(store.ok());
  for (const std::string profile : {"tombs", "log", "cookies", "lone"}) {
    absl::StatusOr<size_t> attached = (*store)->Attach(&seeded, profile);
    EXPECT_EQ(attached.status().code(), absl::StatusCode::kFailedPrecondition)
        << profile << ": " << attached.status();
  }
  EXPECT_TRUE((*store)->Flush().ok());
  store->reset();
  // Nothing was written.
  EXPECT_EQ(Keys(), before);
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(server_.Command({"DUMP", before[i]})->str, dumps[i]) << before[i];
  }
  EXPECT_EQ(seeded.size(), 1u);
}

// A key replaced by a foreign one after Attach: every Flush says so, and the
// queue stays within max_pending, reporting what it dropped.
TEST_F(RedisRegressionTest, AKeyTurnedForeignAfterAttachIsReportedAndTheQueueStaysBounded) {
  CookieJar jar;
  RedisStoreOptions options;
  options.endpoints = {server_.endpoint()};
  options.retry_interval = absl::Milliseconds(20);
  options.flush_interval = absl::Hours(1);  // Only Flush() writes: the counts are exact.
  options.max_pending = 10;
  auto store = RedisCookieStore::Connect(options);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Attach(&jar, "p").ok());
  jar.SetCookie("https://x.test/", "a=1; Max-Age=600");
  ASSERT_TRUE((*store)->Flush().ok());
  ASSERT_TRUE(server_.Command({"DEL", "cookiejar:{p}:tombs"}).ok());
  ASSERT_TRUE(server_.Command({"SET", "cookiejar:{p}:tombs", "x"}).ok());
  for (int i = 0; i < 30; ++i) jar.SetCookie("https://x.test/", absl::StrCat("c", i, "=1"));
  absl::Status flushed = (*store)->Flush();
  EXPECT_EQ(flushed.code(), absl::StatusCode::kFailedPrecondition) << flushed;
  EXPECT_NE(flushed.message().find("tombs"), absl::string_view::npos) << flushed;
  EXPECT_EQ((*store)->last_error().code(), absl::StatusCode::kResourceExhausted);
  const RedisProfileStats stats = (*store)->stats(&jar);
  EXPECT_LE(stats.pending, options.max_pending);
  EXPECT_EQ(stats.dropped, 30 - options.max_pending);
}

}  // namespace
}  // namespace cookiejar
