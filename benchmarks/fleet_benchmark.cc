// The Redis store with a fleet of workers on one profile, against a
// redis-server this program starts on a loopback port (AOF, appendfsync
// everysec): each worker is a jar with its own store (its own connections and
// threads), as a process would have, here threads of one process.
//
//   bazel run --config=opt //benchmarks:fleet_benchmark
//
//   BM_SharedSet/sealed:S/threads:N
//                               N workers set cookies on the shared profile;
//                               every 256 sets a Flush (Redis has applied
//                               them): acknowledged sets per second, while
//                               every worker also applies the others' changes.
//                               sealed:1 with a key ring (every record and
//                               log entry AES-256-GCM, names hashed), 0 in
//                               clear: the ratio is the cost of sealing.
//   BM_Lookup{Attached,Unattached}/threads:N
//                               Cookie headers from attached jars and from
//                               plain jars with the same cookies: the ratio
//                               is the store's cost on lookups (none: they
//                               never leave memory).
//   BM_Propagation/flush:F/sealed:S
//                               a cookie set in one worker until the other's
//                               jar has it: p50/p99 in microseconds, with the
//                               default flush interval (20 ms, flush:0) and
//                               with a Flush right after the set (flush:1).
//   BM_Load100k/sealed:S        attaching a jar to a profile of 100,000
//                               cookies (1,000 sites).
//   BM_Seal, BM_Open            sealing and opening one cookie record.
//
// Two shared cores run Redis, the workers and their threads: read ratios and
// orders of magnitude, not absolute rates.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/redis/redis_cookie_store.h"
#include "persistence/internal/redis_layout.h"
#include "persistence/internal/sealing.h"
#include "tests/redis_fleet_ops.h"
#include "tests/redis_server.h"

namespace cookiejar {
namespace {

testing::RedisServer* server = nullptr;

RedisStoreOptions Options(bool sealed) {
  RedisStoreOptions options;
  options.endpoints = {server->endpoint()};
  if (sealed) options.encryption = fleet::TestKeyRing("bench");
  return options;
}

// The store is destroyed first: it changes its jar from its own threads.
struct Worker {
  std::unique_ptr<CookieJar> jar;
  std::unique_ptr<RedisCookieStore> store;
};

// The workers of the running benchmark (Setup makes them, Teardown ends them).
std::vector<Worker> workers;
int profile_counter = 0;
std::string profile;

void FillSite(CookieJar* jar, const std::string& site) {
  for (int i = 0; i < 20; ++i) {
    jar->SetCookie(site, absl::StrCat("cookie", i, "=value-", i, "; Max-Age=86400"));
  }
}

void StartWorkers(int count, bool attached, bool sealed = false) {
  profile = absl::StrCat("bench", profile_counter++);
  workers.clear();
  for (int i = 0; i < count; ++i) {
    Worker w;
    w.jar = std::make_unique<CookieJar>();
    if (attached) {
      auto store = RedisCookieStore::Connect(Options(sealed));
      if (!store.ok()) std::abort();
      w.store = std::move(*store);
      if (!w.store->Attach(w.jar.get(), profile).ok()) std::abort();
    }
    workers.push_back(std::move(w));
  }
}

void SetupAttached(const benchmark::State& state) {
  StartWorkers(state.threads(), true, state.range(0) != 0);
  FillSite(workers[0].jar.get(), "https://www.shop.example/");
  for (Worker& w : workers) {
    if (!w.store->Sync(w.jar.get()).ok()) std::abort();
  }
}
void SetupUnattached(const benchmark::State& state) {
  StartWorkers(state.threads(), false);
  for (Worker& w : workers) FillSite(w.jar.get(), "https://www.shop.example/");
}
void Teardown(const benchmark::State&) { workers.clear(); }

void BM_SharedSet(benchmark::State& state) {
  Worker& w = workers[state.thread_index()];
  const std::string site = absl::StrCat("https://w", state.thread_index(), ".fleet.example/");
  int64_t n = 0;
  for (auto _ : state) {
    for (int i = 0; i < 256; ++i, ++n) {
      w.jar->SetCookie(site, absl::StrCat("c", n % 150, "=", n, "; Max-Age=86400"));
    }
    if (!w.store->Flush().ok()) state.SkipWithError("flush failed");
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_SharedSet)
    ->Setup(SetupAttached)
    ->Teardown(Teardown)
    ->ArgName("sealed")
    ->Arg(0)
    ->Arg(1)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime();

void Lookup(benchmark::State& state) {
  CookieJar& jar = *workers[state.thread_index()].jar;
  const Url url = *Url::Parse("https://www.shop.example/cart");
  std::string header;
  for (auto _ : state) {
    header.clear();
    benchmark::DoNotOptimize(jar.AppendCookieHeader(url, CookieOptions(), &header));
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_LookupAttached(benchmark::State& state) { Lookup(state); }
void BM_LookupUnattached(benchmark::State& state) { Lookup(state); }
BENCHMARK(BM_LookupUnattached)
    ->Setup(SetupUnattached)
    ->Teardown(Teardown)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4);
BENCHMARK(BM_LookupAttached)
    ->Setup(SetupAttached)
    ->Arg(0)
    ->Teardown(Teardown)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4);

// flush 0: default flush interval; 1: Flush() right after the set.
void BM_Propagation(benchmark::State& state) {
  StartWorkers(2, true, state.range(1) != 0);
  CookieJar& from = *workers[0].jar;
  CookieJar& to = *workers[1].jar;
  std::mutex mu;
  std::condition_variable cv;
  std::string awaited;
  std::chrono::steady_clock::time_point arrived;
  bool seen = false;
  to.AddChangeListener([&](const CookieChange& change) {
    std::lock_guard<std::mutex> lock(mu);
    if (change.cause == CookieChangeCause::kInserted && change.cookie.value == awaited) {
      arrived = std::chrono::steady_clock::now();
      seen = true;
      cv.notify_all();
    }
  });
  std::vector<double> delays;
  int n = 0;
  for (auto _ : state) {
    const std::string value = absl::StrCat("v", n++);
    {
      std::lock_guard<std::mutex> lock(mu);
      awaited = value;
      seen = false;
    }
    const auto start = std::chrono::steady_clock::now();
    from.SetCookie("https://www.shop.example/", absl::StrCat("token=", value));
    if (state.range(0) == 1) workers[0].store->Flush().IgnoreError();
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return seen; })) {
      state.SkipWithError("not propagated within 5 s");
      break;
    }
    delays.push_back(std::chrono::duration<double, std::micro>(arrived - start).count());
  }
  std::sort(delays.begin(), delays.end());
  if (!delays.empty()) {
    state.counters["p50_us"] = delays[delays.size() / 2];
    state.counters["p99_us"] = delays[std::min(delays.size() - 1, delays.size() * 99 / 100)];
  }
  workers.clear();
}
BENCHMARK(BM_Propagation)
    ->ArgNames({"flush", "sealed"})
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Iterations(300)
    ->UseRealTime();

void BM_Load100k(benchmark::State& state) {
  CookieJarOptions unlimited;
  unlimited.rules = BrowserRules::Unlimited();
  const bool sealed = state.range(0) != 0;
  const std::string name = sealed ? "load100k-sealed" : "load100k";
  static bool filled[2] = {false, false};
  if (!filled[sealed]) {
    CookieJar jar(unlimited);
    auto store = RedisCookieStore::Connect(Options(sealed));
    if (!store.ok() || !(*store)->Attach(&jar, name).ok()) std::abort();
    for (int site = 0; site < 1000; ++site) {
      const std::string url = absl::StrCat("https://site", site, ".example/");
      for (int i = 0; i < 100; ++i) {
        jar.SetCookie(url, absl::StrCat("c", i, "=value-of-cookie-", i, "; Max-Age=86400"));
      }
    }
    if (!(*store)->Flush().ok()) std::abort();
    filled[sealed] = true;
  }
  for (auto _ : state) {
    CookieJar jar(unlimited);
    auto store = RedisCookieStore::Connect(Options(sealed));
    absl::StatusOr<size_t> loaded = (*store)->Attach(&jar, name);
    if (!loaded.ok() || *loaded != 100000) state.SkipWithError("load failed");
  }
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_Load100k)
    ->ArgName("sealed")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->UseRealTime();

// One record of a typical cookie, as the store seals and opens it.
CanonicalCookie TypicalCookie() {
  CookieJar jar;
  jar.SetCookie("https://www.shop.example/", "session=0123456789abcdef0123456789abcdef; Secure; "
                                             "HttpOnly; Max-Age=86400");
  return jar.GetAllCookies().front();
}

void BM_Seal(benchmark::State& state) {
  auto sealer = *persistence_internal::Sealer::Create(fleet::TestKeyRing("bench"), true);
  const redis_internal::RecordCodec codec("profile", sealer.get());
  const CanonicalCookie cookie = TypicalCookie();
  for (auto _ : state) {
    const std::string field = codec.Field(cookie);
    benchmark::DoNotOptimize(codec.Body(cookie, field));
  }
}
BENCHMARK(BM_Seal);

void BM_Open(benchmark::State& state) {
  auto sealer = *persistence_internal::Sealer::Create(fleet::TestKeyRing("bench"), true);
  const redis_internal::RecordCodec codec("profile", sealer.get());
  const CanonicalCookie cookie = TypicalCookie();
  const std::string field = codec.Field(cookie);
  const std::string record = "17\n1700000000000000\n" + codec.Body(cookie, field);
  redis_internal::StoredCookie stored;
  for (auto _ : state) {
    if (!codec.Decode(field, record, &stored).ok()) state.SkipWithError("does not open");
  }
}
BENCHMARK(BM_Open);

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  cookiejar::testing::RedisServer redis;
  cookiejar::testing::RedisServerOptions options;
  options.appendfsync = "everysec";
  std::string error;
  if (!redis.Start(options, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  cookiejar::server = &redis;
  benchmark::RunSpecifiedBenchmarks();
  cookiejar::server = nullptr;
  return 0;
}
