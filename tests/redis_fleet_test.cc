// A fleet: four worker processes (tests/redis_fleet_worker.cc) share one
// profile through a real Redis, a single server or a three-master cluster,
// doing random sets, deletes and lookups; then every worker's jar, a jar
// loaded afresh and the data in Redis must be identical, every acknowledged
// change must be there, and every value must be one a worker wrote. The same
// with a worker killed (SIGKILL) mid-run and replaced, with Redis killed and
// restarted mid-run (AOF, appendfsync always), and in the cluster with the
// profile's slot migrated to another node mid-run (ASK, TRYAGAIN, MOVED).

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/redis/redis_cookie_store.h"
#include "persistence/internal/redis_client.h"
#include "persistence/internal/redis_layout.h"
#include "tests/redis_fleet_ops.h"
#include "tests/redis_server.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using redis_internal::RedisReply;
using testing::BackgroundProcess;
using testing::RedisCluster;
using testing::RedisServer;

constexpr char kProfile[] = "fleet";
constexpr long kOps = 1500;
constexpr unsigned kSeed = 20261129;

// A worker process and the lines it printed (read by a thread of its own).
class Worker {
 public:
  Worker(int id, const std::string& ports, const std::string& dir) : id_(id) {
    const std::string binary =
        std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/tests/redis_fleet_worker";
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{binary, ports, kProfile, std::to_string(id), std::to_string(kOps),
                                 std::to_string(kSeed), dir},
        absl::StrCat(dir, "/worker", id, ".err"));
    reader_ = std::thread([this] {
      std::string line;
      while (process_->ReadLine(&line)) {
        std::lock_guard<std::mutex> lock(mu_);
        lines_.push_back(line);
        cv_.notify_all();
      }
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      cv_.notify_all();
    });
  }
  ~Worker() {
    process_->Kill(SIGKILL);
    if (reader_.joinable()) reader_.join();
  }

  int id() const { return id_; }
  // Waits for a line starting with `prefix`; false at the end of output or
  // after `timeout`.
  bool WaitFor(const std::string& prefix, absl::Duration timeout = absl::Seconds(90)) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                 [&] { return closed_ || HasLine(prefix); });
    return HasLine(prefix);
  }
  // The operations Redis acknowledged (the last "flushed N").
  long Acknowledged() {
    std::lock_guard<std::mutex> lock(mu_);
    long last = 0;
    for (const std::string& l : lines_) {
      long n;
      if (absl::StartsWith(l, "flushed ") && absl::SimpleAtoi(l.substr(8), &n)) last = n;
    }
    return last;
  }
  bool Printed(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    return HasLine(prefix);
  }
  std::set<std::string> Cookies() {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string> out;
    for (const std::string& l : lines_) {
      if (absl::StartsWith(l, "cookie ")) out.insert(l.substr(7));
    }
    return out;
  }
  void Kill() {
    process_->Kill(SIGKILL);
    process_->Wait();
    if (reader_.joinable()) reader_.join();  // Lines printed before the kill.
  }
  int Wait() { return process_->Wait(); }

 private:
  bool HasLine(const std::string& prefix) {
    return std::any_of(lines_.begin(), lines_.end(),
                       [&](const std::string& l) { return absl::StartsWith(l, prefix); });
  }

  const int id_;
  std::unique_ptr<BackgroundProcess> process_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool closed_ = false;
};

std::string Line(const CanonicalCookie& c) {
  return absl::StrCat(absl::StrReplaceAll(redis_internal::CookieKey(c), {{"\n", "|"}}), "=",
                      c.value);
}

enum class Fault { kNone, kKillWorker, kRestartRedis, kMigrateSlot };

class FleetTest : public ::testing::TestWithParam<std::tuple<bool, Fault>> {
 protected:
  void SetUp() override {
    static int runs = 0;
    dir_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/fleet-", runs++);
    ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  }

  std::string dir_;
};

TEST_P(FleetTest, EveryWorkerFreshJarAndRedisAgree) {
  const bool cluster = std::get<0>(GetParam());
  const Fault fault = std::get<1>(GetParam());
  std::string error;
  RedisServer server;
  RedisCluster nodes;
  std::vector<RedisEndpoint> endpoints;
  if (cluster) {
    ASSERT_TRUE(nodes.Start(&error)) << error;
    endpoints = nodes.endpoints();
  } else {
    ASSERT_TRUE(server.Start({}, &error)) << error;
    endpoints = {server.endpoint()};
  }
  const std::string meta = redis_internal::KeysOf("cookiejar:", kProfile).meta;
  const int owner = cluster ? nodes.OwnerOf(meta) : 0;
  ASSERT_GE(owner, 0);
  RedisServer& home = cluster ? nodes.node(owner) : server;
  // The first seed a worker tries does not serve the profile: it must find
  // the node that does.
  std::vector<std::string> ports;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    ports.push_back(std::to_string(endpoints[(owner + 1 + i) % endpoints.size()].port));
  }
  const std::string port_list = absl::StrJoin(ports, ",");

  std::vector<std::unique_ptr<Worker>> workers;
  for (int id = 0; id < 4; ++id) workers.push_back(std::make_unique<Worker>(id, port_list, dir_));
  // Mid-run: every worker has flushed a few times.
  for (auto& w : workers) ASSERT_TRUE(w->WaitFor("flushed 200")) << "worker " << w->id();

  long killed_acknowledged = -1;
  if (fault == Fault::kKillWorker) {
    workers[1]->Kill();
    killed_acknowledged = workers[1]->Acknowledged();
    ASSERT_GE(killed_acknowledged, 200);
    // Its replacement loads the profile as the others hold it.
    workers.push_back(std::make_unique<Worker>(4, port_list, dir_));
  } else if (fault == Fault::kRestartRedis) {
    home.Kill();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(home.Restart(&error)) << error;
  } else if (fault == Fault::kMigrateSlot) {
    ASSERT_TRUE(cluster);
    ASSERT_TRUE(nodes.MigrateSlot(redis_internal::KeySlot(meta), owner, (owner + 1) % 3, &error))
        << error;
    ASSERT_EQ(nodes.OwnerOf(meta), (owner + 1) % 3);
  }

  for (auto& w : workers) {
    if (w->id() == 1 && fault == Fault::kKillWorker) continue;
    ASSERT_TRUE(w->WaitFor("done ", absl::Seconds(120)))
        << "worker " << w->id() << " did not finish; see " << dir_;
  }
  if (fault == Fault::kRestartRedis) {
    // The outage happened while the workers ran: some Flush failed, and the
    // worker went on from memory.
    EXPECT_TRUE(std::any_of(workers.begin(), workers.end(),
                            [](const auto& w) { return w->Printed("unflushed "); }));
  }
  std::ofstream(dir_ + "/dump").put('\n');
  for (auto& w : workers) {
    if (w->id() == 1 && fault == Fault::kKillWorker) continue;
    ASSERT_TRUE(w->WaitFor("end", absl::Seconds(60))) << "worker " << w->id();
    EXPECT_EQ(w->Wait(), 0) << "worker " << w->id();
  }

  // A jar loaded afresh (declared first: the store must go before it).
  CookieJar fresh;
  RedisStoreOptions options;
  options.endpoints = endpoints;
  auto store = RedisCookieStore::Connect(options);
  ASSERT_TRUE(store.ok()) << store.status();
  AttachReport report;
  ASSERT_TRUE((*store)->Attach(&fresh, kProfile, &report).ok());
  EXPECT_TRUE(report.refused.empty());
  std::set<std::string> expected;
  for (const CanonicalCookie& c : fresh.GetAllCookies()) expected.insert(Line(c));

  // The data in Redis, read directly from the node that serves the profile.
  RedisServer& now_home = cluster ? nodes.node(nodes.OwnerOf(meta)) : server;
  absl::StatusOr<RedisReply> all = now_home.Command(
      {"HGETALL", redis_internal::KeysOf("cookiejar:", kProfile).cookies});
  ASSERT_TRUE(all.ok()) << all.status();
  std::set<std::string> in_redis;
  for (size_t i = 0; i + 1 < all->elements.size(); i += 2) {
    redis_internal::StoredCookie stored;
    ASSERT_TRUE(redis_internal::DecodeRecord(all->elements[i + 1].str, &stored).ok());
    in_redis.insert(Line(stored.cookie));
  }
  EXPECT_EQ(in_redis, expected);
  ASSERT_GT(expected.size(), 5u);

  for (auto& w : workers) {
    if (w->id() == 1 && fault == Fault::kKillWorker) continue;
    EXPECT_EQ(w->Cookies(), expected) << "worker " << w->id();
  }

  // Each worker's own cookies: exactly its last writes; for the killed one,
  // its state after some operation count at or past what was acknowledged.
  auto own_state = [&](int id) {
    std::map<std::string, std::string> state;
    const std::string domain = absl::StrCat("w", id, ".fleet.test");
    for (const CanonicalCookie& c : fresh.GetAllCookies()) {
      if (c.domain == domain) state[c.name] = c.value;
    }
    return state;
  };
  for (auto& w : workers) {
    const std::map<std::string, std::string> actual = own_state(w->id());
    if (w->id() == 1 && fault == Fault::kKillWorker) {
      bool matches = false;
      for (long n = killed_acknowledged; n <= kOps && !matches; ++n) {
        matches = fleet::OwnStateAfter(w->id(), kSeed, n) == actual;
      }
      EXPECT_TRUE(matches) << "the killed worker's cookies are not its state after any count of "
                              "operations from the acknowledged "
                           << killed_acknowledged;
    } else {
      EXPECT_EQ(actual, fleet::OwnStateAfter(w->id(), kSeed, kOps)) << "worker " << w->id();
    }
  }
  // Shared cookies: each value is one some worker wrote with a set of that
  // very cookie.
  for (const CanonicalCookie& c : fresh.GetAllCookies()) {
    if (c.domain != "shared.fleet.test") continue;
    int writer;
    long op;
    std::vector<std::string> parts = absl::StrSplit(c.value.substr(1), 'n');
    ASSERT_EQ(parts.size(), 2u) << c.value;
    ASSERT_TRUE(absl::SimpleAtoi(parts[0], &writer) && absl::SimpleAtoi(parts[1], &op));
    fleet::OpStream stream(writer, kSeed);
    fleet::Op made{fleet::OpKind::kLookupOwn, 0};
    for (long n = 0; n <= op; ++n) made = stream.Next();
    EXPECT_TRUE(made.kind == fleet::OpKind::kSetShared && fleet::SharedName(made.key) == c.name)
        << c.name << "=" << c.value << " was never written";
  }
}

std::string Name(const ::testing::TestParamInfo<std::tuple<bool, Fault>>& info) {
  static const char* const kFaults[] = {"Plain", "KillWorker", "RestartRedis", "MigrateSlot"};
  return absl::StrCat(std::get<0>(info.param) ? "Cluster" : "Single",
                      kFaults[static_cast<int>(std::get<1>(info.param))]);
}

INSTANTIATE_TEST_SUITE_P(
    Fleet, FleetTest,
    ::testing::Values(std::make_tuple(false, Fault::kNone),
                      std::make_tuple(false, Fault::kKillWorker),
                      std::make_tuple(false, Fault::kRestartRedis),
                      std::make_tuple(true, Fault::kNone),
                      std::make_tuple(true, Fault::kKillWorker),
                      std::make_tuple(true, Fault::kRestartRedis),
                      std::make_tuple(true, Fault::kMigrateSlot)),
    Name);

}  // namespace
}  // namespace cookiejar
