// What the documented input limits cost (issue 25, docs/security.md): the
// peak memory and time of `cookiejar import` / `cookiejar replay` on the
// largest input each format accepts and on the smallest and the most hostile
// ones it refuses. Each run is a fresh process (fork + exec of the CLI) whose
// peak resident set comes from wait4(2), so the numbers are what a user's
// command costs, detection and import included.
//
//   bazel run --config=opt //benchmarks:bounds_benchmark
//
// Counters: peak_rss_MB (of the child), input_MB, rss_per_input (their
// ratio: compare cases within one run), exit_code (0 accepted, 4 refused).
// The hostile 63 MiB JSON cases must stay under 200 MB.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"

namespace cookiejar {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

std::string TempPath(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  return absl::StrCat(tmp ? tmp : "/tmp", "/bounds_benchmark.", getpid(), ".", name);
}

// The CLI: a data dependency (`bazel run` starts in the runfiles tree), or
// $COOKIEJAR_CLI.
std::string Cli() {
  const char* cli = std::getenv("COOKIEJAR_CLI");
  return cli ? cli : "cli/cookiejar";
}

struct ChildRun {
  int exit_code = -1;
  double peak_rss_mb = 0;
};

// Runs the CLI with `args` to completion, its output discarded.
ChildRun RunCli(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Cli()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> pointers;
  for (std::string& arg : argv) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execv(pointers[0], pointers.data());
    _exit(127);
  }
  ChildRun run;
  int status = 0;
  struct rusage usage;
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid) return run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB.
  return run;
}

// `prefix`, then `item(i)` for i = 0, 1, ... joined by `separator` while the
// text stays within `max_bytes` and i < `max_items`, then `suffix`.
std::string Repeat(const std::string& prefix, const std::function<std::string(size_t)>& item,
                   const std::string& separator, const std::string& suffix, size_t max_bytes,
                   size_t max_items) {
  std::string text = prefix;
  text.reserve(max_bytes);
  for (size_t i = 0; i < max_items; ++i) {
    std::string next = (i > 0 ? separator : "") + item(i);
    if (text.size() + next.size() + suffix.size() > max_bytes) break;
    text += next;
  }
  return text + suffix;
}

// A storageState cookie of about 600 bytes (a long value, as session tokens
// are).
std::string JsonCookie(size_t i) {
  return absl::StrCat("{\"name\":\"c", i, "\",\"value\":\"", std::string(480, 'v'),
                      "\",\"domain\":\"site", i / 30, ".example\",\"path\":\"/\",",
                      "\"expires\":4102444800,\"httpOnly\":false,\"secure\":true,",
                      "\"sameSite\":\"Lax\"}");
}

std::string TxtCookie(size_t i) {
  return absl::StrCat("site", i / 30, ".example\tFALSE\t/\tTRUE\t4102444800\tc", i, "\t",
                      std::string(480, 'v'));
}

std::string HarEntry(size_t i) {
  return absl::StrCat(
      "{\"startedDateTime\":\"2026-01-01T00:00:00.000Z\",\"request\":{\"method\":\"GET\","
      "\"url\":\"https://site",
      i % 1000, ".example/p\",\"headers\":[]},\"response\":{\"headers\":[{\"name\":"
      "\"set-cookie\",\"value\":\"c",
      i % 50, "=v; Max-Age=3600\"}]}}");
}

struct Case {
  std::string name;
  std::function<std::string()> make;
  bool har = false;  // `replay` rather than `import`.
};

std::vector<Case> Cases() {
  const size_t k63 = 63 * kMiB, k64 = 64 * kMiB;
  return {
      // Hostile: refused at the first limit met, whatever the size.
      {"json_63MiB_empty_objects_refused",
       [=] { return Repeat("{\"cookies\":[", [](size_t) { return "{}"; }, ",", "]}", k63, ~0u); }},
      {"json_63MiB_empty_arrays_refused",
       [=] { return Repeat("[", [](size_t) { return "[]"; }, ",", "]", k63, ~0u); }},
      {"har_63MiB_empty_entries_refused",
       [=] {
         return Repeat("{\"log\":{\"entries\":[", [](size_t) { return "{}"; }, ",", "]}}", k63,
                       ~0u);
       },
       true},
      // The largest accepted and the smallest refused of each format.
      {"json_100000_cookies_accepted",
       [=] { return Repeat("{\"cookies\":[", JsonCookie, ",", "]}", k64, 100000); }},
      {"json_100001_cookies_refused",
       [=] { return Repeat("{\"cookies\":[", JsonCookie, ",", "]}", k64, 100001); }},
      {"json_64MiB_plus_1_refused",
       [=] { return Repeat("[", [](size_t) { return " "; }, "", "]", k64 + 1, ~0u); }},
      {"txt_100000_lines_accepted",
       [=] { return Repeat("", TxtCookie, "\n", "\n", k64, 100000); }},
      {"txt_100001_lines_refused",
       [=] { return Repeat("", TxtCookie, "\n", "\n", k64, 100001); }},
      {"har_1000000_entries_accepted",
       [=] {
         return Repeat("{\"log\":{\"entries\":[", HarEntry, ",", "]}}", 256 * kMiB, 1000000);
       },
       true},
      {"har_1000001_empty_entries_refused",
       [=] {
         return Repeat("{\"log\":{\"entries\":[", [](size_t) { return "{}"; }, ",", "]}}",
                       256 * kMiB, 1000001);
       },
       true},
  };
}

void BM_Cli(benchmark::State& state, const Case& c) {
  const std::string input = TempPath(c.name + (c.har ? ".har" : c.name.rfind("txt", 0) == 0 ? ".txt" : ".json"));
  const std::string jar = TempPath(c.name + ".db");
  {
    const std::string text = c.make();
    std::ofstream(input, std::ios::binary) << text;
    state.counters["input_MB"] = static_cast<double>(text.size()) / kMiB;
  }
  ChildRun run;
  for (auto _ : state) {
    std::remove(jar.c_str());
    run = c.har ? RunCli({"replay", input}) : RunCli({"--jar", jar, "import", input});
  }
  state.counters["peak_rss_MB"] = run.peak_rss_mb;
  state.counters["exit_code"] = run.exit_code;
  state.counters["rss_per_input"] = run.peak_rss_mb / state.counters["input_MB"];
  std::remove(input.c_str());
  std::remove(jar.c_str());
}

int Register() {
  static const std::vector<Case> cases = Cases();
  for (const Case& c : cases) {
    benchmark::RegisterBenchmark(c.name.c_str(), BM_Cli, c)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}
const int registered = Register();

}  // namespace
}  // namespace cookiejar

BENCHMARK_MAIN();
