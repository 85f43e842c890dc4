// libcurl's cookie engine on the cookie traces (trace.h), per event, through
// CurlCookieEngine: a whole transfer for each S (the response sets the
// cookie) and each G (the request carries the Cookie header), URL strings in,
// so curl parses each URL in the timing. Each benchmark runs every event twice,
// alternately: on an easy handle with the cookie engine on, and on one with
// it off (the same exchange, no CURLOPT_COOKIEFILE), each timed on its own.
// Interleaving them event by event lets the machine's noise fall on both
// alike, so their difference, the cookie engine's share, is read in one run.
// Each side is timed in this thread's CPU time (the peer runs on this thread
// too, and the machine is shared: time spent descheduled is not the
// transfer's) and in wall time:
//
//   on_cpu, off_cpu    per transfer with the cookie engine, without it
//   diff_cpu           on_cpu - off_cpu: the cookie engine's share
//   on_wall, off_wall, diff_wall   the same in wall time
//
// The same events through this library's jar (Url::Parse of the URL string,
// then SetCookie or AppendCookieHeader) run as <trace>/<phase>/cookiejar,
// for the ratio in the same run (its CPU time is compared).
//
//   bazel run -c opt --config=opt //benchmarks:trace_gen -- /tmp/traces
//   bazel run -c opt --config=opt //benchmarks:curl_cookie_engine_benchmark --
//       /tmp/traces/*.trace --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)
//
// --fresh_connections runs the transfers on a new connection each (a TLS
// handshake each, for https) instead of a warm one per origin.
//
// Before timing, each handle makes one transfer to every origin of the
// trace, so no handshake falls in the timing (new_connections counts any
// that does). An S benchmark replays the trace's S events in order from an
// empty jar, emptying it (untimed) when it wraps around; a G benchmark
// replays the G events against the jar all S events made.

#include <algorithm>
#include <time.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "benchmarks/curl_cookie_engine.h"
#include "benchmarks/trace.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/url.h"

namespace cookiejar {
namespace benchmarks {
namespace {

using Clock = std::chrono::steady_clock;

bool fresh_connections = false;

struct LoadedTrace {
  std::string name;
  std::vector<const TraceEvent*> sets, gets;
  std::vector<TraceEvent> events;
  // libcurl's handles, shared by the trace's benchmarks (a warm connection
  // per origin each: two handles per trace keep the descriptors in bounds).
  std::unique_ptr<CurlCookieEngine> on, off;
  // What the cookie engine's jar holds: the S events before set_position, or
  // (filled) all of them.
  bool filled = false;
  size_t set_position = 0;
  size_t get_position = 0;
};

bool Replay(CurlCookieEngine* engine, const TraceEvent& event, std::string* header) {
  return event.is_set ? engine->Set(event.url, event.set_cookie) : engine->Get(event.url, header);
}

// One transfer to every origin the trace names, on both handles.
bool Warm(LoadedTrace* trace, std::string* error) {
  absl::flat_hash_set<std::string> origins;
  std::string header;
  for (const TraceEvent& event : trace->events) {
    std::string origin = event.url.substr(0, event.url.find('/', event.url.find("://") + 3));
    if (!origins.insert(origin).second) continue;
    for (CurlCookieEngine* engine : {trace->on.get(), trace->off.get()}) {
      if (!engine->Get(event.url, &header)) {
        *error = engine->last_error();
        return false;
      }
    }
  }
  return true;
}

double Nanoseconds(Clock::duration d) {
  return std::chrono::duration<double, std::nano>(d).count();
}

double ThreadCpuNanoseconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e9 + now.tv_nsec;
}

// One event per iteration on each handle, cookie engine on then off.
void BM_Curl(benchmark::State& state, LoadedTrace* trace, bool set_phase) {
  CurlCookieEngine* on = trace->on.get();
  CurlCookieEngine* off = trace->off.get();
  const std::vector<const TraceEvent*>& events = set_phase ? trace->sets : trace->gets;
  if (events.empty()) {
    state.SkipWithError("no events of this kind");
    return;
  }
  // Put the jar in the state this phase replays from.
  if (set_phase && trace->filled) {
    on->ClearCookies();
    trace->filled = false;
    trace->set_position = 0;
  }
  if (!set_phase && !trace->filled) {
    on->ClearCookies();
    for (const TraceEvent* event : trace->sets) {
      if (!on->Set(event->url, event->set_cookie)) {
        state.SkipWithError(on->last_error().c_str());
        return;
      }
    }
    trace->filled = true;
  }
  size_t& position = set_phase ? trace->set_position : trace->get_position;
  const size_t connections_before = on->connections_accepted() + off->connections_accepted();
  double on_ns = 0, off_ns = 0, on_cpu = 0, off_cpu = 0;
  std::string header;
  size_t header_bytes = 0;
  for (auto _ : state) {
    if (position == events.size()) {
      position = 0;
      if (set_phase) on->ClearCookies();
    }
    const TraceEvent& event = *events[position++];
    const double cpu_start = ThreadCpuNanoseconds();
    const Clock::time_point start = Clock::now();
    const bool on_ok = Replay(on, event, &header);
    const Clock::time_point middle = Clock::now();
    const double cpu_middle = ThreadCpuNanoseconds();
    const bool off_ok = Replay(off, event, &header);
    const Clock::time_point end = Clock::now();
    const double cpu_end = ThreadCpuNanoseconds();
    if (!on_ok || !off_ok) {
      state.SkipWithError((on_ok ? off : on)->last_error().c_str());
      return;
    }
    on_ns += Nanoseconds(middle - start);
    off_ns += Nanoseconds(end - middle);
    on_cpu += cpu_middle - cpu_start;
    off_cpu += cpu_end - cpu_middle;
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    header_bytes += header.size();
  }
  const auto per_event = benchmark::Counter::kAvgIterations;
  // In seconds, which the console shows with SI prefixes (u, m).
  state.counters["on_cpu"] = benchmark::Counter(on_cpu * 1e-9, per_event);
  state.counters["off_cpu"] = benchmark::Counter(off_cpu * 1e-9, per_event);
  state.counters["diff_cpu"] = benchmark::Counter((on_cpu - off_cpu) * 1e-9, per_event);
  state.counters["on_wall"] = benchmark::Counter(on_ns * 1e-9, per_event);
  state.counters["off_wall"] = benchmark::Counter(off_ns * 1e-9, per_event);
  state.counters["diff_wall"] = benchmark::Counter((on_ns - off_ns) * 1e-9, per_event);
  state.counters["new_connections"] = benchmark::Counter(static_cast<double>(
      on->connections_accepted() + off->connections_accepted() - connections_before));
  benchmark::DoNotOptimize(header_bytes);
}

// This library's jar on the same events, URL strings in.
void BM_Cookiejar(benchmark::State& state, const LoadedTrace* trace, bool set_phase) {
  auto jar = std::make_unique<CookieJar>();
  if (!set_phase) {
    for (const TraceEvent* event : trace->sets) jar->SetCookie(event->url, event->set_cookie);
  }
  const std::vector<const TraceEvent*>& events = set_phase ? trace->sets : trace->gets;
  size_t position = 0, header_bytes = 0;
  std::string header;
  for (auto _ : state) {
    if (position == events.size()) {
      position = 0;
      if (set_phase) {
        state.PauseTiming();
        jar = std::make_unique<CookieJar>();
        state.ResumeTiming();
      }
    }
    const TraceEvent& event = *events[position++];
    auto url = Url::Parse(event.url);
    if (set_phase) {
      jar->SetCookie(*url, event.set_cookie);
    } else {
      header.clear();
      jar->AppendCookieHeader(*url, CookieOptions(), &header);
      header_bytes += header.size();
    }
  }
  benchmark::DoNotOptimize(header_bytes);
}

// The usual table, then per trace and phase: transfer with cookies, without,
// the difference, this library's jar, and difference / jar.
class EngineReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median" &&
          run.aggregate_name != "stddev") {
        continue;
      }
      std::string name = run.run_name.str();
      // name: <trace>/<phase>/<impl>[/manual_time]
      std::vector<std::string> parts;
      std::stringstream stream(name);
      for (std::string part; std::getline(stream, part, '/');) parts.push_back(part);
      if (parts.size() < 3) continue;
      Row& row = rows_[parts[0] + " " + parts[1]];
      const bool stddev = run.run_type == Run::RT_Aggregate && run.aggregate_name == "stddev";
      if (run.run_type == Run::RT_Aggregate) row.aggregated = true;
      if (run.run_type == Run::RT_Iteration && row.aggregated) continue;
      auto counter = [&](const char* key) {
        auto found = run.counters.find(key);
        return found == run.counters.end() ? 0.0 : found->second.value * 1e9;
      };
      if (parts[2] == "libcurl") {
        Values& values = stddev ? row.curl_stddev : row.curl;
        values = {counter("on_cpu"), counter("off_cpu"), counter("diff_cpu"),
                  counter("diff_wall")};
      } else if (parts[2] == "cookiejar" && !stddev) {
        row.cookiejar = run.GetAdjustedCPUTime();
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::cout << "\nCPU ns per event (median ±stddev when repeated), one run:\n"
              << absl::StrFormat("  %-18s %16s %16s %16s %17s %10s %9s\n", "",
                                 "cookies on", "cookies off", "difference", "(wall difference)",
                                 "cookiejar", "diff/jar");
    for (const auto& [name, row] : rows_) {
      auto cell = [&](double value, double spread) {
        return row.aggregated ? absl::StrFormat("%.0f ±%.0f", value, spread)
                              : absl::StrFormat("%.0f", value);
      };
      std::cout << absl::StrFormat(
          "  %-18s %16s %16s %16s %17s %10.1f %8.0fx\n", name,
          cell(row.curl.on, row.curl_stddev.on), cell(row.curl.off, row.curl_stddev.off),
          cell(row.curl.difference, row.curl_stddev.difference),
          cell(row.curl.wall_difference, row.curl_stddev.wall_difference), row.cookiejar,
          row.cookiejar > 0 ? row.curl.difference / row.cookiejar : 0.0);
    }
  }

 private:
  struct Values {
    double on = 0, off = 0, difference = 0, wall_difference = 0;
  };
  struct Row {
    bool aggregated = false;
    Values curl, curl_stddev;
    double cookiejar = 0;
  };
  std::map<std::string, Row> rows_;
};

}  // namespace
}  // namespace benchmarks
}  // namespace cookiejar

int main(int argc, char** argv) {
  using namespace cookiejar::benchmarks;
  benchmark::Initialize(&argc, argv);
  std::vector<std::string> paths;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--fresh_connections") {
      fresh_connections = true;
    } else if (!arg.empty() && arg[0] != '-') {
      paths.push_back(arg);
    } else {
      std::cerr << "curl_cookie_engine_benchmark: unknown flag " << arg << "\n";
      return 2;
    }
  }
  if (paths.empty()) {
    std::cerr << "usage: curl_cookie_engine_benchmark [benchmark flags] [--fresh_connections] "
                 "TRACE_FILE...\n";
    return 2;
  }
  std::vector<std::unique_ptr<LoadedTrace>> traces;
  for (const std::string& path : paths) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      std::cerr << "curl_cookie_engine_benchmark: cannot open " << path << "\n";
      return 1;
    }
    std::stringstream text;
    text << file.rdbuf();
    auto events = ParseTrace(text.str());
    if (!events.ok()) {
      std::cerr << "curl_cookie_engine_benchmark: " << path << ": " << events.status().message()
                << "\n";
      return 1;
    }
    auto trace = std::make_unique<LoadedTrace>();
    trace->name = TraceName(path);
    trace->events = *std::move(events);
    for (const TraceEvent& event : trace->events) {
      if (!cookiejar::Url::Parse(event.url).ok()) {
        std::cerr << "curl_cookie_engine_benchmark: " << path << ": bad URL " << event.url << "\n";
        return 1;
      }
      (event.is_set ? trace->sets : trace->gets).push_back(&event);
    }
    CurlCookieEngine::Options on, off;
    on.fresh_connections = off.fresh_connections = fresh_connections;
    off.cookie_engine = false;
    auto on_engine = CurlCookieEngine::Create(on);
    auto off_engine = CurlCookieEngine::Create(off);
    if (!on_engine.ok() || !off_engine.ok()) {
      std::cerr << "curl_cookie_engine_benchmark: "
                << (on_engine.ok() ? off_engine.status() : on_engine.status()).message() << "\n";
      return 1;
    }
    trace->on = *std::move(on_engine);
    trace->off = *std::move(off_engine);
    std::string error;
    if (!fresh_connections && !Warm(trace.get(), &error)) {
      std::cerr << "curl_cookie_engine_benchmark: " << path << ": " << error << "\n";
      return 1;
    }
    std::cout << absl::StrFormat("%s: %d events (%d S, %d G), %d connections per handle\n",
                                 trace->name, trace->events.size(), trace->sets.size(),
                                 trace->gets.size(), trace->on->connections_accepted());
    LoadedTrace* t = trace.get();
    for (const bool set_phase : {true, false}) {
      const std::string prefix = t->name + (set_phase ? "/set/" : "/get/");
      benchmark::RegisterBenchmark((prefix + "libcurl").c_str(), BM_Curl, t, set_phase)
          ->UseManualTime();
      benchmark::RegisterBenchmark((prefix + "cookiejar").c_str(), BM_Cookiejar,
                                   static_cast<const LoadedTrace*>(t), set_phase);
    }
    traces.push_back(std::move(trace));
  }
  EngineReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
