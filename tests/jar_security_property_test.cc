// Security properties over random operation sequences on two profiles (the
// same interpreter and invariants as the jar fuzzer, fuzz/jar_ops.h):
// isolation between profiles, no cookie outside its domain or on a public
// suffix, Secure never over http nor overwritten from it, HttpOnly never to
// script, prefix rules, no expired cookie, limits.

#include <random>
#include <vector>

#include "fuzz/jar_ops.h"
#include "gtest/gtest.h"

namespace cookiejar {
namespace {

TEST(JarSecurityPropertyTest, RandomOperationSequencesKeepEveryInvariant) {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    std::mt19937 random(seed);
    std::vector<uint8_t> bytes(600);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(random());
    int violations = 0;
    fuzz::RunJarOps(bytes.data(), bytes.size(), [&](const std::string& violation) {
      if (violations++ < 3) ADD_FAILURE() << "seed " << seed << ": " << violation;
    });
  }
}

}  // namespace
}  // namespace cookiejar
