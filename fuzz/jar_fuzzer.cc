// The whole jar: a byte stream decoded into sets, gets, clock moves and
// session ends on two profiles, with the security invariants checked after
// every step (fuzz/jar_ops.h).

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz/jar_ops.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cookiejar::fuzz::RunJarOps(data, size, [](const std::string& violation) {
    std::fprintf(stderr, "invariant broken: %s\n", violation.c_str());
    std::abort();
  });
  return 0;
}
