#include "jar/internal/site_cache.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/hash/hash.h"
#include "common/absl_view.h"
#include "jar/internal/short_bytes.h"

namespace cookiejar {
namespace jar_internal {
namespace {

constexpr uint32_t kNoRegistrable = UINT32_MAX;

struct Entry {
  std::string host;
  uint32_t registrable_offset = kNoRegistrable;
  size_t key_hash = 0;
};

// 4,096 hosts a thread, four to a set: a crawler's working set of a
// thousand sites stays in it, where a direct-mapped table of half the size
// lost a host in three to collisions. About 200 KB, allocated by the first
// lookup of each thread that makes one.
constexpr size_t kWays = 4;
constexpr size_t kSets = 1024;
struct Table {
  struct Set {
    std::array<Entry, kWays> ways;
    uint8_t next_victim = 0;
  };
  std::array<Set, kSets> sets;
};
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
  // Read once: a call per lookup costs more than the test.
  static const PublicSuffixList* const builtin = &PublicSuffixList::Builtin();
  if (&psl != builtin || host.size() > kMaxCachedHost) {
    return Compute(psl, host);
  }
  thread_local std::unique_ptr<Table> table;
  if (table == nullptr) table = std::make_unique<Table>();
  Table::Set& set = table->sets[ShortHash(host) % kSets];
  const Entry* found = nullptr;
  for (const Entry& entry : set.ways) {
    if (SameBytes(entry.host, host)) {
      found = &entry;
      break;
    }
  }
  if (found == nullptr) {
    const HostSite site = Compute(psl, host);
    Entry& entry = set.ways[set.next_victim];
    set.next_victim = static_cast<uint8_t>((set.next_victim + 1) % kWays);
    entry.host.assign(host.data(), host.size());
    entry.registrable_offset = site.registrable.empty()
                                   ? kNoRegistrable
                                   : static_cast<uint32_t>(site.registrable.data() - host.data());
    entry.key_hash = site.key_hash;
    return site;
  }
  const Entry& entry = *found;
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
