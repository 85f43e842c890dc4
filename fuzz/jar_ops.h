// An interpreter for random operation sequences on two jars (two browser
// profiles) with the security invariants checked after every step. The jar
// fuzzer feeds it libFuzzer's bytes; tests/jar_security_property_test.cc feeds
// it seeded random bytes.
//
// Invariants:
//   - no cookie of one profile is ever visible from the other;
//   - no cookie is sent to a host outside its domain, nor set on a public
//     suffix; host-only cookies go to their exact host only;
//   - Secure cookies are never sent to, nor overwritten from, an origin that
//     is not secure (localhost and loopback count as secure);
//   - HttpOnly cookies never reach the script API;
//   - prefix rules hold for every stored cookie;
//   - no expired cookie is returned; the header is exactly the sent cookies
//     in order; the jar stays within its limits.

#ifndef COOKIEJAR_FUZZ_JAR_OPS_H_
#define COOKIEJAR_FUZZ_JAR_OPS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace cookiejar {
namespace fuzz {

// Calls `violation` with a description for every broken invariant.
void RunJarOps(const uint8_t* data, size_t size,
               const std::function<void(const std::string&)>& violation);

}  // namespace fuzz
}  // namespace cookiejar

#endif  // COOKIEJAR_FUZZ_JAR_OPS_H_
