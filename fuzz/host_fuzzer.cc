// Host canonicalization (IDNA, IP literals): never a crash; the result is
// canonical (canonicalizing it again changes nothing) and within DNS limits.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cookiejar/canonical_host.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cookiejar;
  absl::StatusOr<CanonicalHost> host =
      CanonicalizeHost(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!host.ok()) return 0;
  if (host->name.empty() || host->name.size() > 254) std::abort();
  absl::StatusOr<CanonicalHost> again = CanonicalizeHost(host->name);
  if (!again.ok() || again->name != host->name || again->kind != host->kind) std::abort();
  if (IsSimpleCanonicalDomain(host->name) && host->kind != HostKind::kDomain) std::abort();
  HostToUnicode(host->name);
  IsLocalhost(host->name);
  return 0;
}
