#include "jar/internal/site_cache.h"

#include <array>
#include <cstdint>
#include <string>

#include "absl/hash/hash.h"
#include "common/absl_view.h"

namespace cookiejar {
namespace jar_internal {
namespace {

constexpr uint32_t kNoRegistrable = UINT32_MAX;

struct Entry {
  std::string host;
  uint32_t registrable_offset = kNoRegistrable;
  size_t key_hash = 0;
};

// A couple of thousand hosts a thread: a crawler's working set of sites,
// about 100 KB.
constexpr size_t kEntries = 2048;
// Longer names are not worth keeping (and no DNS name is longer).
constexpr size_t kMaxCachedHost = 255;

HostSite Compute(const PublicSuffixList& psl, std::string_view host) {
  HostSite site;
  site.registrable = psl.RegistrableDomain(host);
  site.key = site.registrable.empty() ? host : site.registrable;
  site.key_hash = SiteHash(site.key);
  return site;
}

}  // namespace

size_t SiteHash(std::string_view site) { return absl::Hash<absl::string_view>{}(AbslView(site)); }

HostSite LookupSite(const PublicSuffixList& psl, std::string_view host) {
  if (&psl != &PublicSuffixList::Builtin() || host.size() > kMaxCachedHost) {
    return Compute(psl, host);
  }
  thread_local std::array<Entry, kEntries> cache;
  Entry& entry = cache[absl::Hash<absl::string_view>{}(AbslView(host)) % kEntries];
  if (entry.host != host) {
    const HostSite site = Compute(psl, host);
    entry.host.assign(host.data(), host.size());
    entry.registrable_offset = site.registrable.empty()
                                   ? kNoRegistrable
                                   : static_cast<uint32_t>(site.registrable.data() - host.data());
    entry.key_hash = site.key_hash;
    return site;
  }
  HostSite site;
  if (entry.registrable_offset != kNoRegistrable) {
    site.registrable = host.substr(entry.registrable_offset);
  }
  site.key = site.registrable.empty() ? host : site.registrable;
  site.key_hash = entry.key_hash;
  return site;
}

}  // namespace jar_internal
}  // namespace cookiejar
