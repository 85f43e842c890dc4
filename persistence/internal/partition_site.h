// The cross-site-ancestor bit of a partition that a file names only by its
// top-level site (a Firefox partitionKey without "f", a storageState
// partitionKey string, an old Chromium database): set when the cookie's own
// site is not the top-level site, which is the partition the jar computes for
// that cookie's requests (cookie_partition_key.h).

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_PARTITION_SITE_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_PARTITION_SITE_H_

#include <string_view>

namespace cookiejar {
namespace persistence_internal {

// `cookie_domain` is canonical; `top_level_site` is "https://site.example".
bool EmbeddedCrossSite(std::string_view cookie_domain, std::string_view top_level_site);

}  // namespace persistence_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_PARTITION_SITE_H_
