// A chaos soak of the Redis store: worker processes share one profile on a
// Redis Cluster of three masters with a replica each, for a bounded time,
// while a seeded driver injects faults at random: it SIGKILLs workers (and
// starts replacements), SIGSTOPs Redis nodes for a while, SIGKILLs nodes
// (a master's replica then takes over) and restarts them, and forces
// failovers (CLUSTER FAILOVER on a replica). Only one node is down or
// stopped at a time, and the driver waits for the cluster to be whole
// before the next fault to a node.
//
// The invariant checker keeps every worker's acknowledged operations (its
// "flushed N" lines: Flush() returned OK after operation N-1). At the end
// the workers stop, flush and sync; then it checks that
//   - every live worker's jar and a freshly attached jar hold the same
//     cookies, as Redis does;
//   - no acknowledged change was lost: for every cookie of every worker,
//     killed ones included, the state in the fresh jar is the worker's last
//     acknowledged change of it, or a later change of its own (a newer
//     change is no loss); a live worker's cookies are exactly its writes;
//   - every shared cookie's value was written by some worker.
// It prints the counts (operations and changes acknowledged, faults of
// each kind, losses) and exits 1 when an invariant failed.
//
//   bazel run --config=opt //benchmarks:fleet_soak -- [--seconds=600] [--seed=N]
//       [--workers=4] [--min-replicas=1] [--encrypt]
//
// Default: 10 minutes. tools/test.sh runs a short one (60 s).

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/redis_cookie_store.h"
#include "persistence/internal/redis_layout.h"
#include "tests/redis_fleet_harness.h"
#include "tests/redis_fleet_ops.h"
#include "tests/redis_server.h"

namespace cookiejar {
namespace {

using fleet::Worker;
using redis_internal::RedisReply;
using testing::RedisCluster;
using testing::RedisServer;

constexpr char kProfile[] = "soak";
constexpr long kMaxOps = 1000000000;

struct Flags {
  int seconds = 600;
  unsigned seed = 1;
  int workers = 4;
  int min_replicas = 1;
  bool encrypt = false;
  std::string worker;  // The worker program (default: from the runfiles).
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--seconds=")) {
      if (!absl::SimpleAtoi(arg, &flags->seconds) || flags->seconds <= 0) return false;
    } else if (absl::ConsumePrefix(&arg, "--seed=")) {
      if (!absl::SimpleAtoi(arg, &flags->seed)) return false;
    } else if (absl::ConsumePrefix(&arg, "--workers=")) {
      if (!absl::SimpleAtoi(arg, &flags->workers) || flags->workers < 1 || flags->workers > 16) {
        return false;
      }
    } else if (absl::ConsumePrefix(&arg, "--min-replicas=")) {
      if (!absl::SimpleAtoi(arg, &flags->min_replicas) || flags->min_replicas < 0) return false;
    } else if (arg == "--encrypt") {
      flags->encrypt = true;
    } else if (absl::ConsumePrefix(&arg, "--worker=")) {
      flags->worker = std::string(arg);
    } else {
      return false;
    }
  }
  return true;
}

void Sleep(absl::Duration d) { std::this_thread::sleep_for(absl::ToChronoMilliseconds(d)); }

// Whether every live node says the cluster is ok and every master has a
// live replica in sync.
bool Whole(RedisCluster& cluster) {
  for (int i = 0; i < cluster.size(); ++i) {
    RedisServer& node = cluster.node(i);
    if (!node.running()) return false;
    absl::StatusOr<RedisReply> info = node.Command({"CLUSTER", "INFO"});
    if (!info.ok() || !absl::StrContains(info->str, "cluster_state:ok")) return false;
    absl::StatusOr<RedisReply> replication = node.Command({"INFO", "replication"});
    if (!replication.ok()) return false;
    if (absl::StrContains(replication->str, "role:master")) {
      if (!absl::StrContains(replication->str, "connected_slaves:1")) return false;
    } else if (!absl::StrContains(replication->str, "master_link_status:up")) {
      return false;
    }
  }
  return true;
}

bool WaitWhole(RedisCluster& cluster, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (Whole(cluster)) return true;
    Sleep(absl::Milliseconds(100));
  }
  return false;
}

// The role of a node ("master", "slave", "" when it does not answer).
std::string Role(RedisServer& node) {
  absl::StatusOr<RedisReply> role = node.Command({"ROLE"});
  return role.ok() && !role->elements.empty() ? role->elements[0].str : "";
}

struct Faults {
  int worker_kills = 0;
  int node_stops = 0;
  int node_kills = 0;
  int failovers = 0;
  int master_faults = 0;  // Of stops and kills, those that hit the profile's master.
};

int Run(const Flags& flags, const std::string& dir) {
  std::mt19937 random(flags.seed);
  std::string error;
  RedisCluster cluster;
  if (!cluster.Start(&error, /*replicas=*/1)) {
    std::fprintf(stderr, "fleet_soak: %s\n", error.c_str());
    return 2;
  }
  const std::string meta = redis_internal::KeysOf("cookiejar:", kProfile).meta;
  std::vector<std::string> ports;
  for (int i = 0; i < cluster.size(); ++i) ports.push_back(std::to_string(cluster.node(i).port()));
  const std::string port_list = absl::StrJoin(ports, ",");
  std::vector<std::string> worker_flags = {absl::StrCat("--min-replicas=", flags.min_replicas),
                                           "--until-stopped"};
  if (flags.min_replicas == 0) worker_flags.push_back("--lossy");
  if (flags.encrypt) worker_flags.push_back("--encrypt=k1");

  std::map<int, std::unique_ptr<Worker>> live;
  std::map<int, long> killed_acknowledged;  // Of workers killed, by id.
  int next_id = 0;
  auto start_worker = [&] {
    const int id = next_id++;
    live[id] = std::make_unique<Worker>(flags.worker, id, port_list, kProfile, kMaxOps,
                                        flags.seed, dir, worker_flags);
  };
  for (int i = 0; i < flags.workers; ++i) start_worker();

  Faults faults;
  const absl::Time end = absl::Now() + absl::Seconds(flags.seconds);
  std::printf("fleet_soak: seed %u, %d s, %d workers, 3 masters with a replica each, "
              "min_replicas %d%s\n",
              flags.seed, flags.seconds, flags.workers, flags.min_replicas,
              flags.encrypt ? ", sealed" : "");
  std::fflush(stdout);
  while (absl::Now() < end) {
    Sleep(absl::Milliseconds(1000 + random() % 3000));
    if (absl::Now() >= end) break;
    const int kind = static_cast<int>(random() % 4);
    if (kind == 0) {
      // A worker dies; another takes its place.
      auto it = std::next(live.begin(), static_cast<long>(random() % live.size()));
      it->second->Kill();
      killed_acknowledged[it->first] = it->second->Acknowledged();
      live.erase(it);
      start_worker();
      ++faults.worker_kills;
      continue;
    }
    if (!WaitWhole(cluster, absl::Seconds(60))) {
      std::fprintf(stderr, "fleet_soak: the cluster did not recover within 60 s\n");
      return 2;
    }
    // Half the faults hit the node that serves the profile (the others, a
    // node at random: its replica, or another master).
    const int owner = cluster.OwnerOf(meta);
    const int target = random() % 2 == 0 && owner >= 0 ? owner
                                                        : static_cast<int>(random() % cluster.size());
    RedisServer& node = cluster.node(target);
    const bool master = target == owner;
    if (kind == 1) {
      // A stall: nothing answers for a while (a master's stall longer than
      // the node timeout makes its replica take over).
      node.Pause();
      Sleep(absl::Milliseconds(300 + random() % 2700));
      node.Resume();
      ++faults.node_stops;
      faults.master_faults += master;
    } else if (kind == 2) {
      node.Kill();
      Sleep(absl::Milliseconds(500 + random() % 2500));
      if (!node.Restart(&error)) {
        std::fprintf(stderr, "fleet_soak: %s\n", error.c_str());
        return 2;
      }
      ++faults.node_kills;
      faults.master_faults += master;
    } else {
      // A failover the operator asks for: a replica (of the profile's
      // master when the target is it) takes over from its master, which
      // stays up as a replica.
      int replica = -1;
      if (master) {
        const std::vector<int> replicas = cluster.ReplicasOf(target);
        if (!replicas.empty()) replica = replicas[0];
      }
      for (int i = 0; i < cluster.size() && replica < 0; ++i) {
        const int j = (target + i) % cluster.size();
        if (Role(cluster.node(j)) == "slave") replica = j;
      }
      if (replica >= 0 && cluster.node(replica).Command({"CLUSTER", "FAILOVER"}).ok()) {
        ++faults.failovers;
      }
    }
  }

  // The end: workers stop, flush everything (retrying until Redis takes
  // it), then sync and print their cookies.
  if (!WaitWhole(cluster, absl::Seconds(60))) {
    std::fprintf(stderr, "fleet_soak: the cluster did not recover within 60 s\n");
    return 2;
  }
  std::ofstream(dir + "/stop").put('\n');
  bool ok = true;
  for (auto& [id, worker] : live) {
    if (!worker->WaitFor("done ", absl::Seconds(120))) {
      std::fprintf(stderr, "fleet_soak: worker %d did not finish; see %s/worker%d.err\n", id,
                   dir.c_str(), id);
      return 1;
    }
  }
  std::ofstream(dir + "/dump").put('\n');
  for (auto& [id, worker] : live) {
    if (!worker->WaitFor("end", absl::Seconds(120)) || worker->Wait() != 0) {
      std::fprintf(stderr, "fleet_soak: worker %d failed; see %s/worker%d.err\n", id, dir.c_str(),
                   id);
      ok = false;
    }
  }

  CookieJar fresh;
  RedisStoreOptions options;
  for (int i = 0; i < cluster.size(); ++i) options.endpoints.push_back(cluster.node(i).endpoint());
  if (flags.encrypt) options.encryption = fleet::TestKeyRing("k1");
  auto store = RedisCookieStore::Connect(options);
  if (!store.ok() || !(*store)->Attach(&fresh, kProfile).ok()) {
    std::fprintf(stderr, "fleet_soak: cannot attach a fresh jar\n");
    return 1;
  }
  std::set<std::string> expected;
  std::map<std::string, std::map<std::string, std::string>> by_site;  // domain -> name -> value
  for (const CanonicalCookie& c : fresh.GetAllCookies()) {
    expected.insert(fleet::Line(c));
    by_site[c.domain][c.name] = c.value;
  }
  int disagreeing = 0;
  for (auto& [id, worker] : live) {
    if (worker->Cookies() != expected) ++disagreeing;
  }

  // Acknowledged changes: every set or delete among a worker's acknowledged
  // operations; lost ones: cookies whose acknowledged state is gone.
  long operations = 0, changes = 0;
  int lost = 0, wrong_final = 0;
  auto count_changes = [&](int id, long ops) {
    fleet::OpStream stream(id, flags.seed);
    for (long n = 0; n < ops; ++n) {
      const fleet::Op op = stream.Next();
      changes += op.kind != fleet::OpKind::kLookupOwn && op.kind != fleet::OpKind::kLookupShared;
    }
    operations += ops;
  };
  for (const auto& [id, acknowledged] : killed_acknowledged) {
    count_changes(id, acknowledged);
    lost += fleet::LostAcknowledged(id, flags.seed, acknowledged,
                                    by_site[absl::StrCat("w", id, ".fleet.test")]);
  }
  for (auto& [id, worker] : live) {
    const long done = worker->Done();
    count_changes(id, done);
    const auto& own = by_site[absl::StrCat("w", id, ".fleet.test")];
    lost += fleet::LostAcknowledged(id, flags.seed, done, own);
    wrong_final += own != fleet::OwnStateAfter(id, flags.seed, done);
  }
  int invalid_shared = 0;
  for (const auto& [name, value] : by_site["shared.fleet.test"]) {
    int writer;
    long op;
    std::vector<std::string> parts = absl::StrSplit(value.substr(std::min<size_t>(1, value.size())), 'n');
    if (value.empty() || value[0] != 'w' || parts.size() != 2 ||
        !absl::SimpleAtoi(parts[0], &writer) || !absl::SimpleAtoi(parts[1], &op) || writer < 0 ||
        writer >= next_id) {
      ++invalid_shared;
      continue;
    }
    fleet::OpStream stream(writer, flags.seed);
    fleet::Op made{fleet::OpKind::kLookupOwn, 0};
    for (long n = 0; n <= op; ++n) made = stream.Next();
    invalid_shared += !(made.kind == fleet::OpKind::kSetShared && fleet::SharedName(made.key) == name);
  }

  std::printf("workers: %d started, %zu killed\n", next_id, killed_acknowledged.size());
  std::printf("acknowledged: %ld operations, %ld changes (sets and deletions)\n", operations,
              changes);
  std::printf("faults: %d worker SIGKILLs, %d node SIGSTOPs, %d node SIGKILLs with restart "
              "(%d of these stops and kills hit the profile's master), %d forced failovers\n",
              faults.worker_kills, faults.node_stops, faults.node_kills, faults.master_faults,
              faults.failovers);
  std::printf("lost acknowledged changes: %d\n", lost);
  std::printf("live workers whose cookies differ from a fresh jar's: %d of %zu\n", disagreeing,
              live.size());
  std::printf("live workers whose own cookies are not their writes: %d\n", wrong_final);
  std::printf("shared cookies with a value no worker wrote: %d\n", invalid_shared);
  std::printf("cookies in the profile: %zu\n", expected.size());
  ok = ok && lost == 0 && disagreeing == 0 && wrong_final == 0 && invalid_shared == 0;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) {
  cookiejar::Flags flags;
  if (!cookiejar::ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: fleet_soak [--seconds=600] [--seed=N] [--workers=4] [--min-replicas=1] "
                 "[--encrypt] [--worker=PATH]\n");
    return 2;
  }
  if (flags.worker.empty()) {
    flags.worker = std::string(argv[0]) + ".runfiles/cookiejar/tests/redis_fleet_worker";
  }
  // The servers' and workers' files.
  std::string root = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                     "/fleet_soak-XXXXXX";
  if (mkdtemp(root.data()) == nullptr) return 2;
  setenv("TEST_TMPDIR", root.c_str(), 1);
  const int result = cookiejar::Run(flags, root);
  if (result == 0) {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  } else {
    std::fprintf(stderr, "fleet_soak: files kept in %s\n", root.c_str());
  }
  return result;
}
