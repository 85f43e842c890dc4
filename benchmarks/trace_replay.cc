// Replays cookie traces (trace.h) through this library's jar and through
// libsoup 3's SoupCookieJar, side by side in one run, and reports for each:
// events, ns per Set-Cookie (S), ns per Cookie header (G), total header bytes
// and the FNV-1a checksum of all headers joined with '\n'. The G phase is also
// compared with copying the right headers (memcpy), the floor for any jar.
//
//   bazel run --config=opt //benchmarks:trace_gen -- /tmp/traces
//   bazel run --config=opt //benchmarks:trace_replay -- /tmp/traces/*.trace
//       --benchmark_repetitions=5 --benchmark_out=/tmp/replay.json
//   (one command line)
//
// Each jar is timed from the URL string (parsed inside the timed call: Url
// for this library, GUri for libsoup), and again from URLs parsed when the
// trace was loaded.

#include <libsoup/soup.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "benchmarks/trace.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/url.h"

namespace cookiejar {
namespace benchmarks {
namespace {

struct LoadedTrace {
  std::string name;
  std::vector<TraceEvent> events;
  std::vector<Url> urls;       // Parallel to events.
  std::vector<GUri*> guris;    // Parallel to events.
  size_t sets = 0, gets = 0;
  // The indices of the S and of the G events, in trace order: the timed
  // loops visit only the events they time. (Skipping the other kind inside
  // the timing cost the single-site Set-Cookie phase, whose 150 S events sit
  // among 10,000 G events, about 40 ns an event, as much as some jars'
  // whole call.)
  std::vector<size_t> set_events, get_events;
  std::vector<std::string> headers;  // From this library, for the memcpy floor.
  // Each event's URL and Set-Cookie line, laid out one after the other in
  // trace order in one buffer, each followed by a NUL (libsoup reads C
  // strings). A client passes the bytes of a response it has just read; the
  // events' own strings, scattered over the heap, made every jar's first
  // read of its input a cache miss or two.
  std::string packed;
  std::vector<std::string_view> url_bytes, line_bytes;  // Parallel to events.
};

// --- The implementations, behind one shape ---
//
// Each jar is timed twice: from the URL string, parsing it inside the call as
// a client's call really costs (the primary figure), and from a URL parsed
// when the trace was loaded (secondary).

class CookiejarJar {
 public:
  static constexpr const char* kName = "cookiejar";
  void Set(const LoadedTrace& trace, size_t i) {
    jar_.SetCookie(trace.url_bytes[i], trace.line_bytes[i]);
  }
  // Appends the header to *out (cleared first).
  void Get(const LoadedTrace& trace, size_t i, std::string* out) {
    out->clear();
    jar_.AppendCookieHeader(trace.url_bytes[i], CookieOptions(), out).IgnoreError();
  }

 private:
  CookieJar jar_;
};

class CookiejarParsedJar {
 public:
  static constexpr const char* kName = "cookiejar-parsed";
  void Set(const LoadedTrace& trace, size_t i) {
    jar_.SetCookie(trace.urls[i], trace.line_bytes[i]);
  }
  void Get(const LoadedTrace& trace, size_t i, std::string* out) {
    out->clear();
    jar_.AppendCookieHeader(trace.urls[i], CookieOptions(), out);
  }

 private:
  CookieJar jar_;
};

class SoupJar {
 public:
  static constexpr const char* kName = "libsoup";
  SoupJar() : jar_(soup_cookie_jar_new()) {}
  ~SoupJar() { g_object_unref(jar_); }
  void Set(const LoadedTrace& trace, size_t i) {
    GUri* uri = g_uri_parse(trace.url_bytes[i].data(), G_URI_FLAGS_NONE, nullptr);
    soup_cookie_jar_set_cookie(jar_, uri, trace.line_bytes[i].data());
    g_uri_unref(uri);
  }
  void Get(const LoadedTrace& trace, size_t i, std::string* out) {
    GUri* uri = g_uri_parse(trace.url_bytes[i].data(), G_URI_FLAGS_NONE, nullptr);
    Header(soup_cookie_jar_get_cookies(jar_, uri, TRUE), out);
    g_uri_unref(uri);
  }

 protected:
  static void Header(char* header, std::string* out) {
    if (header != nullptr) {
      out->assign(header);
      g_free(header);
    } else {
      out->clear();
    }
  }
  SoupCookieJar* jar_;
};

class SoupParsedJar : public SoupJar {
 public:
  static constexpr const char* kName = "libsoup-parsed";
  void Set(const LoadedTrace& trace, size_t i) {
    soup_cookie_jar_set_cookie(jar_, trace.guris[i], trace.line_bytes[i].data());
  }
  void Get(const LoadedTrace& trace, size_t i, std::string* out) {
    Header(soup_cookie_jar_get_cookies(jar_, trace.guris[i], TRUE), out);
  }
};

template <typename Jar>
void ReplaySets(const LoadedTrace& trace, Jar* jar) {
  for (size_t i : trace.set_events) jar->Set(trace, i);
}

struct Summary {
  size_t header_bytes = 0;
  uint64_t checksum = 0;
  std::vector<std::string> headers;
};

template <typename Jar>
Summary Verify(const LoadedTrace& trace) {
  Jar jar;
  ReplaySets(trace, &jar);
  Summary summary;
  std::string joined, header;
  bool first = true;
  for (size_t i : trace.get_events) {
    jar.Get(trace, i, &header);
    summary.header_bytes += header.size();
    if (!first) joined += '\n';
    first = false;
    joined += header;
    summary.headers.push_back(header);
  }
  summary.checksum = Fnv1a(joined);
  return summary;
}

template <typename Jar>
void BM_Set(benchmark::State& state, const LoadedTrace* trace) {
  // Each iteration fills fresh jars, made and destroyed outside the timing.
  // Pausing the timer reads the process's CPU time (a system call, about a
  // microsecond here), so a short trace fills several jars an iteration:
  // at least 3,000 Set-Cookie events between two pauses.
  const size_t jars_per_iteration = std::max<size_t>(1, 3000 / std::max<size_t>(1, trace->sets));
  std::vector<std::unique_ptr<Jar>> jars(jars_per_iteration);
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& jar : jars) jar = std::make_unique<Jar>();
    state.ResumeTiming();
    for (auto& jar : jars) ReplaySets(*trace, jar.get());
    state.PauseTiming();
    for (auto& jar : jars) jar.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * jars_per_iteration * trace->sets);
}

template <typename Jar>
void BM_Get(benchmark::State& state, const LoadedTrace* trace) {
  // One jar shared by all threads of the benchmark.
  static std::map<const LoadedTrace*, std::unique_ptr<Jar>>* jars =
      new std::map<const LoadedTrace*, std::unique_ptr<Jar>>();
  if (state.thread_index() == 0) {
    auto& jar = (*jars)[trace];
    jar = std::make_unique<Jar>();
    ReplaySets(*trace, jar.get());
  }
  // Google Benchmark synchronizes threads at the start of the loop. Each
  // thread starts at its own point of the trace, as concurrent clients
  // request different pages, and visits every event.
  std::string header;
  size_t bytes = 0;
  const size_t n = trace->get_events.size();
  const size_t offset = n * state.thread_index() / state.threads();
  for (auto _ : state) {
    Jar* jar = (*jars)[trace].get();
    for (size_t k = 0; k < n; ++k) {
      const size_t i = trace->get_events[(k + offset) % n];
      jar->Get(*trace, i, &header);
      bytes += header.size();
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations() * trace->gets);
}

void BM_GetMemcpy(benchmark::State& state, const LoadedTrace* trace) {
  std::string buffer;
  buffer.reserve(1 << 16);
  size_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& header : trace->headers) {
      buffer.resize(header.size());
      std::memcpy(buffer.data(), header.data(), header.size());
      benchmark::DoNotOptimize(buffer.data());
      bytes += buffer.size();
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations() * trace->gets);
}

// Prints the usual table, then ns per event and the ratios to libsoup.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      auto items = run.counters.find("items_per_second");
      if (items == run.counters.end() || items->second.value <= 0) continue;
      std::string name = run.benchmark_name();
      // Keep repetitions and medians apart; prefer medians.
      if (run.run_type == Run::RT_Iteration && medians_seen_.count(name)) continue;
      if (run.run_type == Run::RT_Aggregate) {
        name = run.run_name.str();
        medians_seen_.insert(name);
      }
      ns_per_event_[name] = 1e9 / items->second.value;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::cout << "\nns per event (median when repeated) and ratios in this run:\n";
    std::map<std::string, std::map<std::string, double>> table;  // workload/phase -> impl -> ns
    for (const auto& [name, ns] : ns_per_event_) {
      // name: <trace>/<phase>/<impl>[/threads:N][/real_time]
      std::vector<std::string> parts;
      std::stringstream stream(name);
      for (std::string part; std::getline(stream, part, '/');) parts.push_back(part);
      if (parts.size() < 3) continue;
      std::string row = parts[0] + " " + parts[1];
      std::string impl = parts[2];
      for (size_t i = 3; i < parts.size(); ++i) {
        if (parts[i].rfind("threads:", 0) == 0 && parts[i] != "threads:1") {
          impl += " x" + parts[i].substr(8);
        }
      }
      table[row][impl] = ns;
    }
    for (const auto& [row, impls] : table) {
      std::cout << absl::StrFormat("  %-18s", row);
      for (const auto& [impl, ns] : impls) std::cout << absl::StrFormat("  %s %.1f", impl, ns);
      auto ours = impls.find("cookiejar"), soup = impls.find("libsoup"),
           floor = impls.find("memcpy");
      if (ours != impls.end() && soup != impls.end()) {
        std::cout << absl::StrFormat("  | libsoup/cookiejar %.1fx", soup->second / ours->second);
      }
      if (ours != impls.end() && floor != impls.end()) {
        std::cout << absl::StrFormat("  | cookiejar/memcpy %.2fx", ours->second / floor->second);
      }
      // Threads beyond the machine's cores are oversubscribed: they show
      // that nothing collapses, not scaling.
      for (int threads : {2, 4, 8}) {
        auto many = impls.find(absl::StrCat("cookiejar x", threads));
        if (ours != impls.end() && many != impls.end()) {
          std::cout << absl::StrFormat("  | %d-thread throughput %.2fx", threads,
                                       ours->second / many->second);
        }
      }
      std::cout << "\n";
    }
  }

 private:
  std::map<std::string, double> ns_per_event_;
  std::set<std::string> medians_seen_;
};

}  // namespace
}  // namespace benchmarks
}  // namespace cookiejar

int main(int argc, char** argv) {
  using namespace cookiejar::benchmarks;
  benchmark::Initialize(&argc, argv);
  if (argc < 2) {
    std::cerr << "usage: trace_replay [benchmark flags] TRACE_FILE...\n";
    return 2;
  }
  std::vector<std::unique_ptr<LoadedTrace>> traces;
  for (int a = 1; a < argc; ++a) {
    std::ifstream file(argv[a], std::ios::binary);
    if (!file) {
      std::cerr << "trace_replay: cannot open " << argv[a] << "\n";
      return 1;
    }
    std::stringstream text;
    text << file.rdbuf();
    auto events = ParseTrace(text.str());
    if (!events.ok()) {
      std::cerr << "trace_replay: " << argv[a] << ": " << events.status().message() << "\n";
      return 1;
    }
    auto trace = std::make_unique<LoadedTrace>();
    trace->name = TraceName(argv[a]);
    trace->events = *std::move(events);
    size_t packed_size = 0;
    for (const TraceEvent& event : trace->events) {
      packed_size += event.url.size() + event.set_cookie.size() + 2;
    }
    trace->packed.reserve(packed_size);  // The views below stay valid.
    for (const TraceEvent& event : trace->events) {
      for (const std::string* bytes : {&event.url, &event.set_cookie}) {
        const size_t at = trace->packed.size();
        trace->packed.append(*bytes).push_back('\0');
        (bytes == &event.url ? trace->url_bytes : trace->line_bytes)
            .push_back(std::string_view(trace->packed.data() + at, bytes->size()));
      }
    }
    for (const TraceEvent& event : trace->events) {
      auto url = cookiejar::Url::Parse(event.url);
      GUri* guri = g_uri_parse(event.url.c_str(), G_URI_FLAGS_NONE, nullptr);
      if (!url.ok() || guri == nullptr) {
        std::cerr << "trace_replay: " << argv[a] << ": bad URL " << event.url << "\n";
        return 1;
      }
      trace->urls.push_back(*url);
      trace->guris.push_back(guri);
      (event.is_set ? trace->sets : trace->gets)++;
      (event.is_set ? trace->set_events : trace->get_events).push_back(trace->urls.size() - 1);
    }
    Summary ours = Verify<CookiejarJar>(*trace);
    Summary soup = Verify<SoupJar>(*trace);
    trace->headers = ours.headers;
    std::cout << absl::StrFormat(
        "%s: %d events (%d S, %d G)\n"
        "  cookiejar: header bytes %d, checksum %016x\n"
        "  libsoup:   header bytes %d, checksum %016x\n",
        trace->name, trace->events.size(), trace->sets, trace->gets, ours.header_bytes,
        ours.checksum, soup.header_bytes, soup.checksum);
    const LoadedTrace* t = trace.get();
    benchmark::RegisterBenchmark((t->name + "/set/cookiejar").c_str(), BM_Set<CookiejarJar>, t);
    benchmark::RegisterBenchmark((t->name + "/set/cookiejar-parsed").c_str(),
                                 BM_Set<CookiejarParsedJar>, t);
    benchmark::RegisterBenchmark((t->name + "/set/libsoup").c_str(), BM_Set<SoupJar>, t);
    benchmark::RegisterBenchmark((t->name + "/set/libsoup-parsed").c_str(),
                                 BM_Set<SoupParsedJar>, t);
    benchmark::RegisterBenchmark((t->name + "/get/cookiejar").c_str(), BM_Get<CookiejarJar>, t)
        ->UseRealTime()
        ->Threads(1)
        ->Threads(2)
        ->Threads(4)
        ->Threads(8);
    benchmark::RegisterBenchmark((t->name + "/get/cookiejar-parsed").c_str(),
                                 BM_Get<CookiejarParsedJar>, t)
        ->UseRealTime();
    benchmark::RegisterBenchmark((t->name + "/get/libsoup").c_str(), BM_Get<SoupJar>, t)
        ->UseRealTime();
    benchmark::RegisterBenchmark((t->name + "/get/libsoup-parsed").c_str(),
                                 BM_Get<SoupParsedJar>, t)
        ->UseRealTime();
    benchmark::RegisterBenchmark((t->name + "/get/memcpy").c_str(), BM_GetMemcpy, t)
        ->UseRealTime();
    traces.push_back(std::move(trace));
  }
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
