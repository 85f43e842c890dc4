// The site of a host (its registrable domain under the Public Suffix List),
// remembered per thread: every Set-Cookie and every Cookie header needs it,
// and a client asks about the same hosts over and over.
#ifndef COOKIEJAR_JAR_INTERNAL_SITE_CACHE_H_
#define COOKIEJAR_JAR_INTERNAL_SITE_CACHE_H_

#include <cstddef>
#include <string_view>

#include "cookiejar/public_suffix_list.h"

namespace cookiejar {
namespace jar_internal {

struct HostSite {
  // psl.RegistrableDomain(host): a suffix of host, or empty.
  std::string_view registrable;
  // The jar's key for the host's cookies (the registrable domain, or the
  // host itself when it has none) and that key's SiteHash.
  std::string_view key;
  size_t key_hash;
};

// The hash a site key is looked up with, in its shard's map too.
size_t SiteHash(std::string_view site);

// Only lists that live as long as the process (the built-in one) are cached,
// so an entry can never outlive the list it was computed with.
HostSite LookupSite(const PublicSuffixList& psl, std::string_view host);

// Starts loading what LookupSite(psl, host) will read, for a caller with
// other work to do first: on a crawler's thousand sites the cache's lines
// are rarely in the CPU's cache, and the load costs more than a parse of a
// Set-Cookie line.
void PrefetchSite(std::string_view host);

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_SITE_CACHE_H_
