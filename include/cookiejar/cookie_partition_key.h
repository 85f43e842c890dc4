// The partition of a Partitioned cookie (CHIPS): the schemeful site of the
// top-level document ("https://example.com") and whether the request sits
// under a cross-site ancestor. A partitioned cookie is stored and sent only
// within its partition, so an embedded service gets a separate cookie per
// embedding site.

#ifndef COOKIEJAR_COOKIE_PARTITION_KEY_H_
#define COOKIEJAR_COOKIE_PARTITION_KEY_H_

#include <string>

#include "cookiejar/cookie_options.h"
#include "cookiejar/url.h"
#include "cookiejar/public_suffix_list.h"

namespace cookiejar {

struct CookiePartitionKey {
  // "https://example.com": scheme (https for secure schemes, else http) and
  // registrable domain (or host) of the top-level document.
  std::string top_level_site;
  // The request is embedded under a cross-site ancestor (see Ancestors).
  bool cross_site_ancestor = false;

  // What counts as a cross-site ancestor. Chromium: a frame of the chain
  // (CookieOptions::frame_ancestors) cross-site to the top level, or the
  // request itself cross-site to it (so a B frame directly under A has the
  // bit). Firefox: a request same-site to the top level that is third-party
  // only because a frame of the chain is not (A -> B -> A has the bit; a B
  // frame under A does not).
  enum class Ancestors { kFramesAndRequest, kFramesOnly };

  // The partition of a request to `url` made in the context of `options`;
  // sites compare schemefully or not.
  static CookiePartitionKey ForRequest(const Url& url, const CookieOptions& options,
                                       const PublicSuffixList& psl,
                                       Ancestors ancestors = Ancestors::kFramesAndRequest,
                                       bool schemeful = true);

  // "https://example.com" or "https://example.com (cross-site ancestor)".
  std::string ToString() const;

  bool operator==(const CookiePartitionKey& other) const {
    return top_level_site == other.top_level_site &&
           cross_site_ancestor == other.cross_site_ancestor;
  }
  bool operator!=(const CookiePartitionKey& other) const { return !(*this == other); }
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_PARTITION_KEY_H_
