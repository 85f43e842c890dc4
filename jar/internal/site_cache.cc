#include "jar/internal/site_cache.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/hash/hash.h"
#include "common/absl_view.h"
#include "jar/internal/short_bytes.h"

namespace cookiejar {
namespace jar_internal {
namespace {

constexpr uint32_t kNoRegistrable = UINT32_MAX;

// One cache line per host, its name inline: a lookup reads the set's tags
// (a table small enough to stay in the L1 or L2 cache) and then the one
// entry whose tag matches, where comparing std::string entries way by way
// read a line (and, for a long name, its heap block) for each way.
struct alignas(64) Entry {
  static constexpr size_t kMaxHost = 47;
  uint8_t host_size = 0;
  char host[kMaxHost];
  uint32_t registrable_offset = kNoRegistrable;
  size_t key_hash = 0;
  std::string_view name() const { return {host, host_size}; }
};
static_assert(sizeof(Entry) == 64, "an entry is one cache line");

// 4,096 hosts a thread, four to a set: a crawler's working set of a
// thousand sites stays in it, where a direct-mapped table of half the size
// lost a host in three to collisions. About 270 KB, allocated by the first
// lookup of each thread that makes one.
constexpr size_t kWays = 4;
constexpr size_t kSets = 1024;
struct Table {
  // Per set, a nonzero tag (bits of the host's hash) for each way in use.
  std::array<std::array<uint32_t, kWays>, kSets> tags{};
  std::array<uint8_t, kSets> next_victim{};
  std::array<std::array<Entry, kWays>, kSets> ways;
};
// Longer names are not kept; they are computed every time (few hosts have
// them, and the Public Suffix List walk is what the cache saves).
constexpr size_t kMaxCachedHost = Entry::kMaxHost;

// The calling thread's table, or null before its first LookupSite.
std::unique_ptr<Table>& ThreadTable() {
  thread_local std::unique_ptr<Table> table;
  return table;
}

HostSite Compute(const PublicSuffixList& psl, std::string_view host) {
  HostSite site;
  site.registrable = psl.RegistrableDomain(host);
  site.key = site.registrable.empty() ? host : site.registrable;
  site.key_hash = SiteHash(site.key);
  return site;
}

}  // namespace

size_t SiteHash(std::string_view site) { return absl::Hash<absl::string_view>{}(AbslView(site)); }

void PrefetchSite(std::string_view host) {
  const Table* table = ThreadTable().get();
  if (table == nullptr || host.size() > kMaxCachedHost) return;
  const size_t set = ShortHash(host) % kSets;
  __builtin_prefetch(&table->tags[set]);
  // The set's four entries: four lines, one of which the lookup reads.
  for (const Entry& entry : table->ways[set]) __builtin_prefetch(&entry);
}

HostSite LookupSite(const PublicSuffixList& psl, std::string_view host) {
  // Read once: a call per lookup costs more than the test.
  static const PublicSuffixList* const builtin = &PublicSuffixList::Builtin();
  if (&psl != builtin || host.size() > kMaxCachedHost) {
    return Compute(psl, host);
  }
  std::unique_ptr<Table>& table = ThreadTable();
  if (table == nullptr) table = std::make_unique<Table>();
  const uint64_t hash = ShortHash(host);
  const size_t set = hash % kSets;
  const uint32_t tag = static_cast<uint32_t>(hash >> 32) | 1;
  std::array<uint32_t, kWays>& tags = table->tags[set];
  const Entry* found = nullptr;
  for (size_t way = 0; way < kWays; ++way) {
    if (tags[way] == tag && SameBytes(table->ways[set][way].name(), host)) {
      found = &table->ways[set][way];
      break;
    }
  }
  if (found == nullptr) {
    const HostSite site = Compute(psl, host);
    const uint8_t way = table->next_victim[set];
    table->next_victim[set] = static_cast<uint8_t>((way + 1) % kWays);
    Entry& entry = table->ways[set][way];
    tags[way] = tag;
    entry.host_size = static_cast<uint8_t>(host.size());
    std::memcpy(entry.host, host.data(), host.size());
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
