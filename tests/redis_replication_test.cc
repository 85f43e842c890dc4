// The Redis store with replicas and Redis Sentinel, on real servers:
// min_replicas makes Flush() wait for replicas (WAIT) and say when they do
// not confirm; through Sentinels the store finds the master, and follows it
// when it fails over, whether the old one died or was demoted (READONLY).

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "cookiejar/redis_cookie_store.h"
#include "persistence/internal/redis_layout.h"
#include "tests/redis_server.h"

namespace cookiejar {
namespace {

using redis_internal::RedisReply;
using testing::RedisReplicated;
using testing::RedisServer;

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// Whether `node` holds the cookie `name` of profile "p" (read directly).
bool Holds(RedisServer& node, const std::string& name) {
  absl::StatusOr<RedisReply> all =
      node.Command({"HGETALL", redis_internal::KeysOf("cookiejar:", "p").cookies});
  if (!all.ok()) return false;
  for (size_t i = 0; i + 1 < all->elements.size(); i += 2) {
    redis_internal::StoredCookie stored;
    if (redis_internal::DecodeRecord(all->elements[i + 1].str, &stored).ok() &&
        stored.cookie.name == name) {
      return true;
    }
  }
  return false;
}

RedisStoreOptions Options(std::vector<RedisEndpoint> endpoints) {
  RedisStoreOptions options;
  options.endpoints = std::move(endpoints);
  options.retry_interval = absl::Milliseconds(20);
  options.io_timeout = absl::Milliseconds(500);
  options.flush_interval = absl::Hours(1);  // Only Flush() writes.
  return options;
}

TEST(RedisReplicationTest, FlushWaitsForMinReplicas) {
  RedisReplicated redis;
  std::string error;
  ASSERT_TRUE(redis.Start(/*replicas=*/1, /*sentinels=*/0, nullptr, &error)) << error;
  CookieJar waiting, plain;
  RedisStoreOptions options = Options({redis.node(0).endpoint()});
  options.min_replicas = 1;
  // Long enough for an online replica's acknowledgement on a loaded machine
  // (300 ms was not, under the sanitizers on two busy cores); the stalled
  // flush below waits for it in full.
  options.replica_timeout = absl::Seconds(2);
  options.io_timeout = absl::Seconds(5);
  auto store = RedisCookieStore::Connect(options);
  ASSERT_TRUE(store.ok()) << store.status();
  auto unreplicated = RedisCookieStore::Connect(Options({redis.node(0).endpoint()}));
  ASSERT_TRUE(unreplicated.ok());
  ASSERT_TRUE((*store)->Attach(&waiting, "p").ok());
  ASSERT_TRUE((*unreplicated)->Attach(&plain, "q").ok());

  waiting.SetCookie("https://bank.example/", "a=1");
  absl::Status flushed = (*store)->Flush();
  ASSERT_TRUE(flushed.ok()) << flushed;
  // Acknowledged: the replica holds it (WAIT returned after it did).
  EXPECT_TRUE(Holds(redis.node(1), "a"));

  // The replica stalls: the master applies the change, the replica does
  // not confirm it, Flush() says so and the change stays on the books.
  redis.node(1).Pause();
  waiting.SetCookie("https://bank.example/", "b=2");
  absl::Status stalled = (*store)->Flush();
  EXPECT_TRUE(absl::IsUnavailable(stalled)) << stalled;
  EXPECT_TRUE(absl::StrContains(stalled.message(), "0 of the 1 replicas")) << stalled;
  EXPECT_EQ((*store)->stats(&waiting).pending, 1u);
  // Without the option, the master alone acknowledges.
  plain.SetCookie("https://bank.example/", "c=3");
  EXPECT_TRUE((*unreplicated)->Flush().ok());

  redis.node(1).Resume();
  ASSERT_TRUE(WaitFor([&] { return (*store)->Flush().ok(); }));
  EXPECT_TRUE(Holds(redis.node(1), "b"));
  EXPECT_EQ((*store)->stats(&waiting).pending, 0u);
  // The change was confirmed, not written twice.
  EXPECT_EQ((*store)->stats(&waiting).written, 2u);
}

TEST(RedisReplicationTest, SentinelFindsTheMasterAndFollowsAFailover) {
  RedisReplicated redis;
  std::string error;
  // Two replicas: one is left to confirm writes once the other is master.
  ASSERT_TRUE(redis.Start(/*replicas=*/2, /*sentinels=*/3, nullptr, &error)) << error;
  ASSERT_EQ(redis.Master(), 0);
  CookieJar a, b;
  RedisStoreOptions options = Options(redis.sentinel_endpoints());
  options.sentinel_master = RedisReplicated::kMaster;
  options.min_replicas = 1;
  auto store_a = RedisCookieStore::Connect(options);
  auto store_b = RedisCookieStore::Connect(options);
  ASSERT_TRUE(store_a.ok()) << store_a.status();
  ASSERT_TRUE(store_b.ok()) << store_b.status();
  ASSERT_TRUE((*store_a)->Attach(&a, "p").ok());
  ASSERT_TRUE((*store_b)->Attach(&b, "p").ok());
  a.SetCookie("https://bank.example/", "before=1");
  ASSERT_TRUE((*store_a)->Flush().ok());
  EXPECT_TRUE(Holds(redis.node(0), "before"));

  // The master dies; the Sentinels promote the replica, which has every
  // acknowledged change (min_replicas).
  redis.node(0).Kill();
  const int master = redis.WaitForNewMaster(0, absl::Seconds(30));
  ASSERT_GT(master, 0);
  a.SetCookie("https://bank.example/", "after=2");
  ASSERT_TRUE(WaitFor([&] { return (*store_a)->Flush().ok(); }));
  EXPECT_TRUE(Holds(redis.node(master), "before"));
  EXPECT_TRUE(Holds(redis.node(master), "after"));
  // b follows the new master's log.
  ASSERT_TRUE(WaitFor([&] { return (*store_b)->Sync(&b, absl::Seconds(2)).ok(); }));
  EXPECT_EQ(*b.GetCookieHeader("https://bank.example/"), "before=1; after=2");
}

TEST(RedisReplicationTest, ADemotedMasterSendsWritesToTheNewOne) {
  RedisReplicated redis;
  std::string error;
  ASSERT_TRUE(redis.Start(/*replicas=*/1, /*sentinels=*/3, nullptr, &error)) << error;
  CookieJar a;
  RedisStoreOptions options = Options(redis.sentinel_endpoints());
  options.sentinel_master = RedisReplicated::kMaster;
  auto store = RedisCookieStore::Connect(options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Attach(&a, "p").ok());
  a.SetCookie("https://bank.example/", "before=1");
  ASSERT_TRUE((*store)->Flush().ok());

  // A failover the operator asks for: the old master lives on as a replica
  // and answers writes with READONLY (or its clients are disconnected).
  absl::StatusOr<RedisReply> started = testing::RedisServer::CommandAt(
      redis.sentinel_port(0), {"SENTINEL", "FAILOVER", RedisReplicated::kMaster});
  ASSERT_TRUE(started.ok() && !started->is_error()) << (started.ok() ? started->str : "");
  ASSERT_EQ(redis.WaitForNewMaster(0, absl::Seconds(30)), 1);
  ASSERT_TRUE(WaitFor([&] {
    absl::StatusOr<RedisReply> role = redis.node(0).Command({"ROLE"});
    return role.ok() && !role->elements.empty() && role->elements[0].str == "slave";
  }));
  a.SetCookie("https://bank.example/", "after=2");
  ASSERT_TRUE(WaitFor([&] { return (*store)->Flush().ok(); }));
  EXPECT_TRUE(Holds(redis.node(1), "after"));
  // Replicated back to the demoted node.
  EXPECT_TRUE(WaitFor([&] { return Holds(redis.node(0), "after"); }));
}

TEST(RedisReplicationTest, AMasterDemotedUnderTheStoreAnswersReadonly) {
  // No Sentinel to disconnect the clients: the operator switches roles and
  // the store, connected to the old master, meets READONLY (writes) and
  // UNBLOCKED (its blocked log read), and finds the master among its
  // endpoints.
  RedisReplicated redis;
  std::string error;
  ASSERT_TRUE(redis.Start(/*replicas=*/1, /*sentinels=*/0, nullptr, &error)) << error;
  CookieJar a, b;
  const RedisStoreOptions options = Options({redis.node(0).endpoint(), redis.node(1).endpoint()});
  auto store_a = RedisCookieStore::Connect(options);
  auto store_b = RedisCookieStore::Connect(options);
  ASSERT_TRUE(store_a.ok() && store_b.ok());
  ASSERT_TRUE((*store_a)->Attach(&a, "p").ok());
  ASSERT_TRUE((*store_b)->Attach(&b, "p").ok());
  a.SetCookie("https://bank.example/", "before=1");
  ASSERT_TRUE((*store_a)->Flush().ok());
  ASSERT_TRUE(WaitFor([&] { return Holds(redis.node(1), "before"); }));

  ASSERT_TRUE(redis.node(1).Command({"REPLICAOF", "NO", "ONE"}).ok());
  ASSERT_TRUE(redis.node(0)
                  .Command({"REPLICAOF", "127.0.0.1", std::to_string(redis.node(1).port())})
                  .ok());
  a.SetCookie("https://bank.example/", "after=2");
  ASSERT_TRUE(WaitFor([&] { return (*store_a)->Flush().ok(); })) << (*store_a)->last_error();
  EXPECT_TRUE(Holds(redis.node(1), "after"));
  ASSERT_TRUE(WaitFor([&] { return (*store_b)->Sync(&b, absl::Seconds(2)).ok(); }));
  EXPECT_EQ(*b.GetCookieHeader("https://bank.example/"), "before=1; after=2");
}

}  // namespace
}  // namespace cookiejar
