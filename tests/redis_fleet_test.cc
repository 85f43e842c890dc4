// A fleet: four worker processes (tests/redis_fleet_worker.cc) share one
// profile through a real Redis, a single server or a three-master cluster,
// doing random sets, deletes and lookups; then every worker's jar, a jar
// loaded afresh and the data in Redis must be identical, every acknowledged
// change must be there, and every value must be one a worker wrote. The same
// with a worker killed (SIGKILL) mid-run and replaced, with Redis killed and
// restarted mid-run (AOF, appendfsync always), and in the cluster with the
// profile's slot migrated to another node mid-run (ASK, TRYAGAIN, MOVED).
// Each also runs over TLS: the servers listen with TLS only for the
// workers, each worker reaches them through its own stunnel (as it would on
// its own machine) and follows the addresses Redis announces through it.

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
#include "tests/redis_fleet_harness.h"
#include "tests/redis_fleet_ops.h"
#include "tests/redis_server.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using redis_internal::RedisReply;
using fleet::Line;
using fleet::Worker;
using testing::RedisCluster;
using testing::RedisServer;
using testing::TlsFiles;
using testing::TlsTunnel;

constexpr char kProfile[] = "fleet";
constexpr long kOps = 1500;
constexpr unsigned kSeed = 20261129;

enum class Fault { kNone, kKillWorker, kRestartRedis, kMigrateSlot };

// A worker with its own TLS tunnel, if any.
struct TunnelledWorker {
  std::unique_ptr<TlsTunnel> tunnel;
  std::unique_ptr<Worker> worker;
  Worker* operator->() const { return worker.get(); }
};

class FleetTest : public ::testing::TestWithParam<std::tuple<bool, Fault, bool>> {
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
  const bool tls = std::get<2>(GetParam());
  if (fault == Fault::kMigrateSlot && !cluster) GTEST_SKIP() << "a single server has no slots";
  std::string error;
  TlsFiles tls_files;
  if (tls) {
    ASSERT_TRUE(testing::MakeTlsFiles(dir_, &tls_files, &error)) << error;
  }
  RedisServer server;
  RedisCluster nodes;
  std::vector<RedisEndpoint> endpoints;
  if (cluster) {
    ASSERT_TRUE(nodes.Start(&error, 0, tls ? &tls_files : nullptr)) << error;
    endpoints = nodes.endpoints();
  } else {
    testing::RedisServerOptions options;
    options.tls = tls ? &tls_files : nullptr;
    ASSERT_TRUE(server.Start(options, &error)) << error;
    endpoints = {server.client_endpoint()};
  }
  const std::string meta = redis_internal::KeysOf("cookiejar:", kProfile).meta;
  const int owner = cluster ? nodes.OwnerOf(meta) : 0;
  ASSERT_GE(owner, 0);
  RedisServer& home = cluster ? nodes.node(owner) : server;

  // The first seed a worker tries does not serve the profile: it must find
  // the node that does. Over TLS, through its own tunnel to every node.
  auto start_worker = [&](int id) {
    TunnelledWorker w;
    std::vector<std::string> flags;
    std::vector<std::string> ports;
    if (tls) {
      w.tunnel = std::make_unique<TlsTunnel>();
      if (!w.tunnel->Start(endpoints, tls_files, &error)) return w;
      std::vector<std::string> map;
      for (const RedisAddressMapping& m : w.tunnel->address_map()) {
        map.push_back(absl::StrCat(m.announced.port, ":", m.reach_at.port));
      }
      flags.push_back("--map=" + absl::StrJoin(map, ","));
    }
    for (size_t i = 0; i < endpoints.size(); ++i) {
      const RedisEndpoint& e = endpoints[(owner + 1 + i) % endpoints.size()];
      ports.push_back(std::to_string(tls ? w.tunnel->Local(e).port : e.port));
    }
    w.worker = std::make_unique<Worker>(fleet::WorkerBinary(), id, absl::StrJoin(ports, ","),
                                        kProfile, kOps, kSeed, dir_, flags);
    return w;
  };

  std::vector<TunnelledWorker> workers;
  for (int id = 0; id < 4; ++id) {
    workers.push_back(start_worker(id));
    ASSERT_TRUE(workers.back().worker) << error;
  }
  // Mid-run: every worker has flushed a few times.
  for (auto& w : workers) {
    ASSERT_TRUE(w->WaitFor("flushed 200")) << "worker " << w->id() << ": " << w->Diagnosis();
  }

  long killed_acknowledged = -1;
  if (fault == Fault::kKillWorker) {
    workers[1]->Kill();
    killed_acknowledged = workers[1]->Acknowledged();
    ASSERT_GE(killed_acknowledged, 200);
    // Its replacement loads the profile as the others hold it.
    workers.push_back(start_worker(4));
    ASSERT_TRUE(workers.back().worker) << error;
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
        << "worker " << w->id() << " did not finish: " << w->Diagnosis();
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
  TlsTunnel tunnel;
  if (tls) {
    ASSERT_TRUE(tunnel.Start(endpoints, tls_files, &error)) << error;
    options.address_map = tunnel.address_map();
    for (RedisEndpoint& e : options.endpoints) e = tunnel.Local(e);
  }
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

std::string Name(const ::testing::TestParamInfo<std::tuple<bool, Fault, bool>>& info) {
  static const char* const kFaults[] = {"Plain", "KillWorker", "RestartRedis", "MigrateSlot"};
  return absl::StrCat(std::get<0>(info.param) ? "Cluster" : "Single",
                      kFaults[static_cast<int>(std::get<1>(info.param))],
                      std::get<2>(info.param) ? "Tls" : "");
}

INSTANTIATE_TEST_SUITE_P(
    Fleet, FleetTest,
    ::testing::Combine(::testing::Bool(),
                       ::testing::Values(Fault::kNone, Fault::kKillWorker, Fault::kRestartRedis,
                                         Fault::kMigrateSlot),
                       ::testing::Bool()),
    Name);

}  // namespace
}  // namespace cookiejar
