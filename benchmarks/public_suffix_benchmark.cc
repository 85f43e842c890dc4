// Registrable-domain lookups on a realistic host mix: this library's compiled
// table against libpsl in the same binary, loaded from the same list file
// (libpsl then uses a sorted rule array) and, where Debian's libpsl has one,
// its built-in DAFSA (the structure Chromium uses).
//
//   bazel run --config=opt //benchmarks:public_suffix_benchmark

#include <libpsl.h>

#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "benchmarks/host_mix.h"
#include "cookiejar/public_suffix_list.h"

namespace cookiejar {
namespace {

// A data dependency of the benchmark; `bazel run` starts in the runfiles tree.
constexpr char kListFile[] = "public_suffix/data/public_suffix_list.dat";

void BM_RegistrableDomain_Cookiejar(benchmark::State& state) {
  const std::vector<std::string> hosts = benchmarks::RealisticHostMix();
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  size_t i = 0;
  for (auto _ : state) {
    std::string_view domain = psl.RegistrableDomain(hosts[i]);
    benchmark::DoNotOptimize(domain);
    if (++i == hosts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RegistrableDomain_Cookiejar)->UseRealTime()->Threads(1)->Threads(2);

void RunLibpsl(benchmark::State& state, const psl_ctx_t* psl) {
  if (psl == nullptr) {
    state.SkipWithError("libpsl context unavailable");
    return;
  }
  const std::vector<std::string> hosts = benchmarks::RealisticHostMix();
  size_t i = 0;
  for (auto _ : state) {
    const char* domain = psl_registrable_domain(psl, hosts[i].c_str());
    benchmark::DoNotOptimize(domain);
    if (++i == hosts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RegistrableDomain_LibpslSameListFile(benchmark::State& state) {
  static psl_ctx_t* const psl = psl_load_file(kListFile);
  RunLibpsl(state, psl);
}
BENCHMARK(BM_RegistrableDomain_LibpslSameListFile);

void BM_RegistrableDomain_LibpslBuiltinDafsa(benchmark::State& state) {
  RunLibpsl(state, psl_builtin());
}
BENCHMARK(BM_RegistrableDomain_LibpslBuiltinDafsa);

}  // namespace
}  // namespace cookiejar

BENCHMARK_MAIN();
