// Writes the three benchmark workloads as trace files (see trace.h):
//   trace_gen [--seed=N] OUTPUT_DIR
// produces OUTPUT_DIR/{crawler,single_site,ingest}.trace.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "benchmarks/trace.h"

int main(int argc, char** argv) {
  uint64_t seed = 20261122;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--seed=", 0) == 0) {
      seed = std::strtoull(arg.c_str() + 7, nullptr, 10);
    } else if (!arg.empty() && arg[0] != '-') {
      dir = arg;
    } else {
      std::cerr << "usage: trace_gen [--seed=N] OUTPUT_DIR\n";
      return 2;
    }
  }
  if (dir.empty()) {
    std::cerr << "usage: trace_gen [--seed=N] OUTPUT_DIR\n";
    return 2;
  }
  using cookiejar::benchmarks::TraceEvent;
  const struct {
    const char* name;
    std::vector<TraceEvent> (*generate)(uint64_t);
  } workloads[] = {{"crawler", cookiejar::benchmarks::CrawlerTrace},
                   {"single_site", cookiejar::benchmarks::SingleSiteTrace},
                   {"ingest", cookiejar::benchmarks::IngestTrace}};
  for (const auto& workload : workloads) {
    const std::string path = dir + "/" + workload.name + ".trace";
    std::ofstream out(path, std::ios::binary);
    out << cookiejar::benchmarks::FormatTrace(workload.generate(seed));
    out.close();
    if (!out) {
      std::cerr << "trace_gen: cannot write " << path << "\n";
      return 1;
    }
    std::cout << path << "\n";
  }
  return 0;
}
