// How costs grow with the size of the input, for the paths that used to be
// quadratic (issue "nothing lost, nothing bypassed", growth section). Each
// benchmark times the whole job for N and lets Google Benchmark fit the
// curve (->Complexity()); docs/benchmarks.md reports the fits.
//
//   bazel run --config=opt //benchmarks:growth_benchmark

#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "cli/har_replay.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"

namespace cookiejar {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

// N cookies over N/3 sites, all used within the last day: the global purge
// may evict none of them (Chromium spares cookies used in 30 days).
std::vector<CanonicalCookie> RecentCookies(int64_t n) {
  std::vector<CanonicalCookie> cookies;
  for (int64_t i = 0; i < n; ++i) {
    CanonicalCookie c;
    c.name = absl::StrCat("c", i % 3);
    c.value = "v";
    c.domain = absl::StrCat("site", i / 3, ".example");
    c.path = "/";
    c.creation = c.last_access = kNow - absl::Seconds(n - i);
    c.expiry = kNow + absl::Hours(24 * 30);
    cookies.push_back(std::move(c));
  }
  return cookies;
}

// Loading a profile: ImportCookie for each stored cookie, as
// SqliteCookieStore::Attach does. Was quadratic: every import re-armed the
// global purge, which then scanned the jar.
void BM_ImportRecentCookies(benchmark::State& state) {
  const std::vector<CanonicalCookie> cookies = RecentCookies(state.range(0));
  FakeClock clock(kNow);
  for (auto _ : state) {
    CookieJarOptions options;
    options.clock = &clock;
    CookieJar jar(options);
    for (const CanonicalCookie& c : cookies) jar.ImportCookie(c);
    benchmark::DoNotOptimize(jar.size());
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_ImportRecentCookies)
    ->RangeMultiplier(2)
    ->Range(4 << 10, 64 << 10)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// The same through a real store file.
void BM_AttachStoreOfRecentCookies(benchmark::State& state) {
  const std::string path = absl::StrCat("/tmp/growth_benchmark_", getpid(), ".db");
  unlink(path.c_str());
  FakeClock clock(kNow);
  CookieJarOptions options;
  options.clock = &clock;
  options.rules = BrowserRules::Unlimited();
  {
    CookieJar jar(options);
    auto store = SqliteCookieStore::Open(path);
    (*store)->Attach(&jar, "p").IgnoreError();
    for (const CanonicalCookie& c : RecentCookies(state.range(0))) jar.ImportCookie(c);
  }
  SqliteStoreOptions read_only;
  read_only.read_only = true;
  for (auto _ : state) {
    CookieJarOptions chromium;
    chromium.clock = &clock;
    CookieJar jar(chromium);
    auto store = SqliteCookieStore::Open(path, read_only);
    benchmark::DoNotOptimize((*store)->Attach(&jar, "p").value_or(0));
  }
  unlink(path.c_str());
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_AttachStoreOfRecentCookies)
    ->RangeMultiplier(2)
    ->Range(4 << 10, 64 << 10)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// N different cookies set on one site under the unlimited profile. Was
// quadratic: every set scanned the site's whole list. `paths` > 1 spreads
// them over path lengths, so new cookies also land before others.
void UnlimitedOneSite(benchmark::State& state, int paths) {
  const int64_t n = state.range(0);
  std::vector<std::string> lines;
  for (int64_t i = 0; i < n; ++i) {
    lines.push_back(absl::StrCat("c", i, "=v; Path=/", std::string(i % paths, 'p')));
  }
  const Url url = *Url::Parse("https://www.big.example/");
  FakeClock clock(kNow);
  for (auto _ : state) {
    CookieJarOptions options;
    options.clock = &clock;
    options.rules = BrowserRules::Unlimited();
    CookieJar jar(options);
    for (const std::string& line : lines) jar.SetCookie(url, line);
    benchmark::DoNotOptimize(jar.size());
  }
  state.SetComplexityN(n);
}
void BM_UnlimitedOneSite(benchmark::State& state) { UnlimitedOneSite(state, 1); }
void BM_UnlimitedOneSiteManyPaths(benchmark::State& state) { UnlimitedOneSite(state, 8); }
BENCHMARK(BM_UnlimitedOneSite)
    ->RangeMultiplier(2)
    ->Range(16 << 10, 256 << 10)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();
BENCHMARK(BM_UnlimitedOneSiteManyPaths)
    ->RangeMultiplier(2)
    ->Range(16 << 10, 256 << 10)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// A HAR of N entries on N/10 sites in which every request differs from what
// the jar sends (the browser sent a cookie set by script). Was quadratic:
// each difference explained every cookie in the jar.
std::string HarWithDifferences(int64_t n) {
  std::string har = "{\"log\":{\"entries\":[";
  for (int64_t i = 0; i < n; ++i) {
    const std::string host = absl::StrCat("s", i / 10, ".example");
    absl::StrAppend(&har, i ? "," : "", "{\"startedDateTime\":\"2026-01-01T00:00:",
                    absl::Dec(i % 60, absl::kZeroPad2), ".000Z\",\"request\":{\"method\":\"GET\","
                    "\"url\":\"https://", host, "/p", i, "\",\"headers\":[{\"name\":\"Cookie\","
                    "\"value\":\"script=1\"}]},\"response\":{\"status\":200,\"headers\":[{\"name\":"
                    "\"Set-Cookie\",\"value\":\"c", i, "=v\"}]}}");
  }
  return har + "]}}";
}

void BM_ReplayHarWithDifferences(benchmark::State& state) {
  const std::string har = HarWithDifferences(state.range(0));
  for (auto _ : state) {
    absl::StatusOr<HarReplayResult> result = ReplayHar(har, CookieJarOptions());
    benchmark::DoNotOptimize(result->differences.size());
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_ReplayHarWithDifferences)
    ->RangeMultiplier(2)
    ->Range(2 << 10, 32 << 10)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

}  // namespace
}  // namespace cookiejar

BENCHMARK_MAIN();
