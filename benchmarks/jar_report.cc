// Measurements that are not a loop of one operation: memory per cookie, the
// cost of empty jars, the latency tail of lookups while a writer works, and
// how lookups scale to two threads (alone with `scaling`).
//
//   bazel run --config=opt //benchmarks:jar_report [-- scaling]

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"
#include "cookiejar/jar_registry.h"
#include "cookiejar/url.h"

namespace cookiejar {
namespace {

size_t HeapInUse() { return mallinfo2().uordblks; }

// `jars` jars of `sites` sites with three cookies each. Reports heap bytes
// per cookie and the overhead beyond name, value, domain and path bytes.
void MemoryPerCookie(size_t jars, size_t sites) {
  std::vector<Url> urls;
  for (size_t s = 0; s < sites; ++s) {
    urls.push_back(*Url::Parse(absl::StrCat("https://www.site", s, ".com/")));
  }
  const std::string value(32, 'v');
  CookieJarOptions options;
  options.rules = BrowserRules::Unlimited();
  const size_t before = HeapInUse();
  std::vector<std::unique_ptr<CookieJar>> all;
  size_t payload = 0, cookies = 0;
  for (size_t j = 0; j < jars; ++j) {
    auto jar = std::make_unique<CookieJar>(options);
    for (size_t s = 0; s < sites; ++s) {
      const std::string site = absl::StrCat("site", s, ".com");
      for (const std::string& line :
           {absl::StrCat("session=", value, "; Path=/"),
            absl::StrCat("prefs=", value, "; Domain=", site, "; Path=/"),
            absl::StrCat("cart_items=", value, "; Path=/cart")}) {
        jar->SetCookie(urls[s], line);
      }
      payload += 7 + 32 + 4 + 1;                  // session, value, host, "/"
      payload += 5 + 32 + site.size() + 1;        // prefs
      payload += 10 + 32 + 4 + site.size() + 5;   // cart_items, www.host, /cart
      cookies += 3;
    }
    all.push_back(std::move(jar));
  }
  const size_t used = HeapInUse() - before;
  std::printf("%zu jars x %zu cookies = %zu cookies: %.1f bytes/cookie, %.1f payload, "
              "%.1f overhead\n",
              jars, sites * 3, cookies, double(used) / cookies, double(payload) / cookies,
              double(used - payload) / cookies);
}

void EmptyJars(size_t count) {
  const size_t before = HeapInUse();
  JarRegistry registry;
  for (size_t i = 0; i < count; ++i) registry.Profile(absl::StrCat("profile-", i));
  const size_t used = HeapInUse() - before;
  std::printf("%zu empty profile jars: %.0f bytes each (registry entry included)\n", count,
              double(used) / count);
}

// Latency of lookups on one thread while another thread sets cookies on the
// same sites (or does nothing), in ns: p50, p99, p99.9, max.
void LookupTail(bool with_writer) {
  CookieJar jar;
  std::vector<Url> urls;
  for (int s = 0; s < 1000; ++s) {
    urls.push_back(*Url::Parse(absl::StrCat("https://www.site", s, ".com/page")));
    for (int c = 0; c < 3; ++c) {
      jar.SetCookie(urls.back(), absl::StrCat("c", c, "=", std::string(40, 'v'), "; Path=/"));
    }
  }
  std::atomic<bool> stop{false};
  std::thread writer;
  if (with_writer) {
    writer = std::thread([&] {
      for (size_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        jar.SetCookie(urls[(i * 7919) % urls.size()],
                      absl::StrCat("c", i % 3, "=", i, std::string(30, 'w'), "; Path=/"));
      }
    });
  }
  constexpr size_t kLookups = 2000000;
  std::vector<uint32_t> latencies;
  latencies.reserve(kLookups);
  std::string header;
  for (size_t i = 0; i < kLookups; ++i) {
    const Url& url = urls[(i * 104729) % urls.size()];
    const auto start = std::chrono::steady_clock::now();
    header.clear();
    jar.AppendCookieHeader(url, CookieOptions(), &header);
    const auto end = std::chrono::steady_clock::now();
    latencies.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count()));
  }
  stop = true;
  if (writer.joinable()) writer.join();
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) { return latencies[static_cast<size_t>(q * (latencies.size() - 1))]; };
  std::printf("lookup latency %s: p50 %u ns, p99 %u ns, p99.9 %u ns, max %u ns\n",
              with_writer ? "with a writer on the same sites" : "alone", at(0.5), at(0.99),
              at(0.999), latencies.back());
}

// Lookup throughput of 1 and 2 reader threads (URL strings, 1,000 sites),
// alone and while a writer thread sets a cookie and sleeps 20 us
// (a heavy but plausible rate that leaves most of two cores to the readers);
// the ratio is the scaling a crawler with two request threads gets.
void ReaderScaling() {
  CookieJar jar;
  std::vector<std::string> urls;
  for (int s = 0; s < 1000; ++s) {
    urls.push_back(absl::StrCat("https://www.site", s, ".com/page"));
    for (int c = 0; c < 3; ++c) {
      (void)jar.SetCookie(urls.back(), absl::StrCat("c", c, "=", std::string(40, 'v'), "; Path=/"));
    }
  }
  // The controls separate what the writer costs the readers through the jar
  // (its lock, the cache lines it dirties) from what its thread costs two
  // readers on two cores: kIdle wakes as often but sets nothing; kOtherJar
  // does the same work on a jar of its own.
  CookieJar other_jar;
  for (const std::string& url : urls) {
    for (int c = 0; c < 3; ++c) {
      (void)other_jar.SetCookie(url, absl::StrCat("c", c, "=", std::string(40, 'v'), "; Path=/"));
    }
  }
  enum Writer { kNone, kIdle, kOtherJar, kSetting };
  auto run = [&](int readers, Writer mode) {
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> sets{0};
    std::thread writer([&] {
      for (size_t i = 0; mode != kNone && !stop.load(std::memory_order_relaxed); ++i) {
        if (mode == kSetting || mode == kOtherJar) {
          (void)(mode == kSetting ? jar : other_jar).SetCookie(urls[(i * 7919) % urls.size()],
                              absl::StrCat("c", i % 3, "=", i, std::string(30, 'w'), "; Path=/"));
        }
        sets.fetch_add(1, std::memory_order_relaxed);
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    });
    std::vector<uint64_t> counts(readers, 0);
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r) {
      threads.emplace_back([&, r] {
        std::string header;
        uint64_t n = 0;
        for (size_t i = r * 500; !stop.load(std::memory_order_relaxed); ++i) {
          header.clear();
          (void)jar.AppendCookieHeader(urls[(i * 104729) % urls.size()], CookieOptions(),
                                       &header);
          ++n;
        }
        counts[r] = n;
      });
    }
    constexpr auto kDuration = std::chrono::seconds(2);
    std::this_thread::sleep_for(kDuration);
    stop = true;
    for (std::thread& thread : threads) thread.join();
    writer.join();
    uint64_t total = 0;
    for (uint64_t n : counts) total += n;
    std::printf("  %d reader(s): %.2f M lookups/s, writer %.0f k %s/s\n", readers,
                total / 2e6, sets.load() / 2e3, mode == kIdle ? "wake-ups" : "sets");
    return total / 2.0;
  };
  for (Writer mode : {kNone, kIdle, kOtherJar, kSetting}) {
    std::printf("lookup throughput %s:\n",
                mode == kNone       ? "without a writer"
                : mode == kIdle     ? "with a writer thread that wakes but sets nothing"
                : mode == kOtherJar ? "with a writer on another jar"
                                    : "with a writer on the same sites");
    const double one = run(1, mode);
    const double two = run(2, mode);
    std::printf("  2 readers / 1 reader: %.2fx\n", two / one);
  }
}

// Save and load throughput of the SQLite store and of cookies.txt for
// 100,000 cookies (10,000 sites of 10).
void Persistence(const std::string& dir) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  constexpr int kSites = 10000, kPerSite = 10;
  constexpr double kCookies = kSites * kPerSite;
  CookieJarOptions options;
  options.rules = BrowserRules::Unlimited();
  const std::string db = dir + "/cookiejar-report.db";
  std::remove(db.c_str());
  std::remove((db + "-wal").c_str());
  CookieJar jar(options);
  for (int s = 0; s < kSites; ++s) {
    const Url url = *Url::Parse(absl::StrCat("https://www.site", s, ".com/"));
    for (int c = 0; c < kPerSite; ++c) {
      jar.SetCookie(url, absl::StrCat("cookie", c, "=", std::string(24, 'v'), "; Max-Age=86400"));
    }
  }
  {
    SqliteStoreOptions store_options;
    store_options.flush_batch = 1 << 30;
    auto store = *SqliteCookieStore::Open(db, store_options);
    CookieJar attached(options);
    store->Attach(&attached, "report").IgnoreError();
    for (const CanonicalCookie& c : jar.GetAllCookies()) attached.ImportCookie(c);
    const auto start = Clock::now();
    store->Flush().IgnoreError();
    const double save = seconds(start);
    std::printf("SQLite save of 100,000 cookies: %.0f ms (%.0f cookies/s)\n", save * 1e3,
                kCookies / save);
  }
  {
    auto store = *SqliteCookieStore::Open(db);
    CookieJar loaded(options);
    const auto start = Clock::now();
    const size_t count = *store->Attach(&loaded, "report");
    const double load = seconds(start);
    std::printf("SQLite load of %zu cookies: %.0f ms (%.0f cookies/s)\n", count, load * 1e3,
                count / load);
  }
  const std::string txt = dir + "/cookiejar-report.txt";
  auto start = Clock::now();
  ExportCookiesTxt(jar, txt).IgnoreError();
  const double exported = seconds(start);
  CookieJar imported(options);
  start = Clock::now();
  const size_t count = ImportCookiesTxt(txt, &imported)->imported;
  const double import = seconds(start);
  std::printf("cookies.txt export of 100,000 cookies: %.0f ms; import of %zu: %.0f ms\n",
              exported * 1e3, count, import * 1e3);
  std::remove(db.c_str());
  std::remove((db + "-wal").c_str());
  std::remove((db + "-shm").c_str());
  std::remove((db + ".lock").c_str());
  std::remove(txt.c_str());
}

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && std::string(argv[1]) != "scaling")) {
    std::fprintf(stderr, "usage: %s [scaling]\n", argv[0]);
    return 2;
  }
  if (argc == 2) {
    cookiejar::ReaderScaling();
    return 0;
  }
  cookiejar::MemoryPerCookie(1, 1000);    // 3,000 cookies in one jar.
  cookiejar::MemoryPerCookie(1000, 100);  // 300,000 cookies over 1,000 jars.
  cookiejar::EmptyJars(10000);
  cookiejar::LookupTail(false);
  cookiejar::LookupTail(true);
  cookiejar::ReaderScaling();
  const char* tmp = std::getenv("TMPDIR");
  cookiejar::Persistence(tmp ? tmp : "/tmp");
  return 0;
}
