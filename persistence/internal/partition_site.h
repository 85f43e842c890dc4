// The cross-site-ancestor bit of a partition read from a file. Browsers mean
// different things by it (cookie_partition_key.h): Chromium's
// has_cross_site_ancestor (and the DevTools protocol's hasCrossSiteAncestor)
// is set for any request cross-site to the top level or under a cross-site
// frame (Ancestors::kFramesAndRequest); Firefox's "f" only for a request
// same-site to the top level under a cross-site frame (kFramesOnly). Some
// files name a partition by its top-level site only (a storageState
// partitionKey string, an old Chromium database). A jar compares partitions
// in its profile's convention (BrowserRules::partition_ancestors), so a
// partition read from a file is written in that one.

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_PARTITION_SITE_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_PARTITION_SITE_H_

#include <optional>
#include <string_view>

#include "cookiejar/cookie_partition_key.h"

namespace cookiejar {
namespace persistence_internal {

// The cookie's own site is not the top-level site: its requests are
// cross-site to the top level. `cookie_domain` is canonical;
// `top_level_site` is "https://site.example".
bool EmbeddedCrossSite(std::string_view cookie_domain, std::string_view top_level_site);

// The bit, in the convention `to`, of a partition of a cookie of
// `cookie_domain` under `top_level_site` that a file gives as `bit` in the
// convention `from`, or without a bit (nullopt: no cross-site frame above the
// cookie's requests is assumed). A bit means the same in both conventions
// when the cookie's requests are same-site to the top level; otherwise
// Chromium's is always set and Firefox's never.
bool AncestorBit(std::string_view cookie_domain, std::string_view top_level_site,
                 std::optional<bool> bit, CookiePartitionKey::Ancestors from,
                 CookiePartitionKey::Ancestors to);

}  // namespace persistence_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_PARTITION_SITE_H_
