// A crawler process of tests/redis_fleet_test.cc: attaches a jar to a shared
// profile in Redis and runs the operations of tests/redis_fleet_ops.h.
//
//   redis_fleet_worker PORTS PROFILE WORKER OPS SEED DIR [FLAG...]
// PORTS: comma-separated loopback ports (a server or cluster nodes, or
// Sentinels). Flags:
//   --sentinel=NAME         PORTS are Sentinels watching master NAME
//   --map=A:B,...           Redis announces port A, reached at port B (a
//                           TLS tunnel beside the worker)
//   --min-replicas=N        RedisStoreOptions::min_replicas
//   --encrypt=KEYS          seal with the test key ring KEYS (fleet_keys.h)
//   --until-stopped         stop early (after a multiple of 25 operations)
//                           once the file DIR/stop exists; "done N" then
//                           says how many it made
//   --lossy                 a failover may lose acknowledged writes: print
//                           "diverged N" when its own cookies differ from
//                           its writes instead of exiting 3
// Flushes
// every 25 operations and prints "flushed N" when it worked (operations
// 0..N-1 are then in Redis) or "unflushed N" (Redis unreachable: they stay
// queued), "done N" at the end, then waits for the file DIR/dump, syncs with
// the fleet and prints its cookies ("cookie KEY=VALUE", sorted) and "end".
// Exits 3 when a lookup of its own cookies does not show its own last
// writes (read-your-own-writes).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/redis/redis_cookie_store.h"
#include "persistence/internal/redis_layout.h"
#include "tests/redis_fleet_ops.h"

namespace cookiejar {
namespace {

// For the failure message: each cookie whose value the jar does not hold as
// written, "name: wrote X, jar has Y" ("-" for absent).
std::string Difference(const std::map<std::string, std::string>& wrote,
                       const std::map<std::string, std::string>& jar) {
  std::set<std::string> names;
  for (const auto& entry : wrote) names.insert(entry.first);
  for (const auto& entry : jar) names.insert(entry.first);
  std::string out;
  for (const std::string& name : names) {
    auto w = wrote.find(name);
    auto j = jar.find(name);
    const std::string a = w == wrote.end() ? "-" : w->second;
    const std::string b = j == jar.end() ? "-" : j->second;
    if (a != b) absl::StrAppend(&out, " ", name, ": wrote ", a, ", jar has ", b, ";");
  }
  return out;
}

std::string StatsText(const RedisProfileStats& stats) {
  return absl::StrCat("written ", stats.written, " superseded ", stats.superseded, " applied ",
                      stats.applied, " reloads ", stats.reloads, " version ", stats.version,
                      " pending ", stats.pending, " dropped ", stats.dropped);
}

int Run(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: redis_fleet_worker PORTS PROFILE WORKER OPS SEED DIR [FLAG...]\n");
    return 2;
  }
  RedisStoreOptions options;
  options.endpoints.clear();
  for (absl::string_view port : absl::StrSplit(argv[1], ',')) {
    RedisEndpoint endpoint;
    if (!absl::SimpleAtoi(port, &endpoint.port)) return 2;
    options.endpoints.push_back(endpoint);
  }
  options.retry_interval = absl::Milliseconds(20);
  options.io_timeout = absl::Seconds(1);
  options.replica_timeout = absl::Milliseconds(200);
  bool lossy = false;
  bool until_stopped = false;
  for (int i = 7; i < argc; ++i) {
    absl::string_view flag = argv[i];
    if (absl::ConsumePrefix(&flag, "--sentinel=")) {
      options.sentinel_master = std::string(flag);
    } else if (absl::ConsumePrefix(&flag, "--map=")) {
      for (absl::string_view pair : absl::StrSplit(flag, ',')) {
        std::vector<absl::string_view> ports = absl::StrSplit(pair, ':');
        RedisAddressMapping m;
        if (ports.size() != 2 || !absl::SimpleAtoi(ports[0], &m.announced.port) ||
            !absl::SimpleAtoi(ports[1], &m.reach_at.port)) {
          return 2;
        }
        options.address_map.push_back(m);
      }
    } else if (absl::ConsumePrefix(&flag, "--min-replicas=")) {
      if (!absl::SimpleAtoi(flag, &options.min_replicas)) return 2;
    } else if (absl::ConsumePrefix(&flag, "--encrypt=")) {
      options.encryption = fleet::TestKeyRing(std::string(flag));
    } else if (flag == "--lossy") {
      lossy = true;
    } else if (flag == "--until-stopped") {
      until_stopped = true;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  const std::string profile = argv[2];
  int worker = 0;
  long ops = 0;
  unsigned seed = 0;
  if (!absl::SimpleAtoi(argv[3], &worker) || !absl::SimpleAtoi(argv[4], &ops) ||
      !absl::SimpleAtoi(argv[5], &seed)) {
    return 2;
  }
  const std::string dir = argv[6];

  CookieJar jar;  // Outlives the store, which changes it from its threads.
  auto store = RedisCookieStore::Connect(options);
  if (!store.ok()) {
    std::fprintf(stderr, "connect: %s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  absl::Status attached;
  for (int attempt = 0; attempt < 500; ++attempt) {
    attached = (*store)->Attach(&jar, profile).status();
    if (attached.ok() || !absl::IsUnavailable(attached)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!attached.ok()) {
    std::fprintf(stderr, "attach: %s\n", std::string(attached.message()).c_str());
    return 1;
  }

  fleet::OpStream stream(worker, seed);
  const std::string own_site = fleet::OwnSite(worker);
  std::map<std::string, std::string> own;  // What this worker's cookies must be.
  const std::string stop = dir + "/stop";
  long n = 0;
  for (; n < ops; ++n) {
    if (until_stopped && n % 25 == 0 && access(stop.c_str(), F_OK) == 0) break;
    const fleet::Op op = stream.Next();
    switch (op.kind) {
      case fleet::OpKind::kSetOwn:
        own[fleet::OwnName(op.key)] = fleet::Value(worker, n);
        jar.SetCookie(own_site, absl::StrCat(fleet::OwnName(op.key), "=", fleet::Value(worker, n),
                                             "; Max-Age=86400"));
        break;
      case fleet::OpKind::kDeleteOwn:
        own.erase(fleet::OwnName(op.key));
        jar.SetCookie(own_site, absl::StrCat(fleet::OwnName(op.key), "=; Max-Age=0"));
        break;
      case fleet::OpKind::kSetShared:
        jar.SetCookie(fleet::kSharedSite, absl::StrCat(fleet::SharedName(op.key), "=",
                                                       fleet::Value(worker, n), "; Max-Age=86400"));
        break;
      case fleet::OpKind::kDeleteShared:
        jar.SetCookie(fleet::kSharedSite, absl::StrCat(fleet::SharedName(op.key), "=; Max-Age=0"));
        break;
      case fleet::OpKind::kLookupOwn: {
        std::map<std::string, std::string> seen;
        for (const CanonicalCookie& c : jar.GetCookies(*Url::Parse(own_site))) seen[c.name] = c.value;
        if (seen != own) {
          if (!lossy) {
            const RedisProfileStats stats = (*store)->stats(&jar);
            std::fprintf(stderr,
                         "worker %d op %ld: own cookies differ from its writes:%s\n"
                         "stats: %s\n",
                         worker, n, Difference(own, seen).c_str(), StatsText(stats).c_str());
            return 3;
          }
          std::printf("diverged %ld\n", n);
          own = seen;  // What the fleet kept; later writes are checked again.
        }
        break;
      }
      case fleet::OpKind::kLookupShared:
        jar.GetCookieHeader(fleet::kSharedSite).IgnoreError();
        break;
    }
    if (n % 25 == 24) {
      // Flush fails while Redis is away; the worker carries on from memory.
      std::printf("%s %ld\n", (*store)->Flush().ok() ? "flushed" : "unflushed", n + 1);
      std::fflush(stdout);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
  absl::Status flushed;
  for (int attempt = 0; attempt < 1500; ++attempt) {
    flushed = (*store)->Flush();
    if (flushed.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!flushed.ok()) {
    std::fprintf(stderr, "final flush: %s\n", std::string(flushed.message()).c_str());
    return 1;
  }
  std::printf("done %ld\n", n);
  std::fflush(stdout);

  const std::string dump = dir + "/dump";
  for (int i = 0; i < 12000 && access(dump.c_str(), F_OK) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  absl::Status synced = (*store)->Sync(&jar, absl::Seconds(30));
  if (!synced.ok()) {
    std::fprintf(stderr, "sync: %s\n", std::string(synced.message()).c_str());
    return 1;
  }
  std::set<std::string> lines;
  for (const CanonicalCookie& c : jar.GetAllCookies()) {
    lines.insert(absl::StrCat(absl::StrReplaceAll(redis_internal::CookieKey(c), {{"\n", "|"}}),
                              "=", c.value));
  }
  for (const std::string& line : lines) std::printf("cookie %s\n", line.c_str());
  std::printf("stats %s\n", StatsText((*store)->stats(&jar)).c_str());
  std::printf("end\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) { return cookiejar::Run(argc, argv); }
