#include "cookiejar/cookie_partition_key.h"

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "cookiejar/same_site.h"

namespace cookiejar {

CookiePartitionKey CookiePartitionKey::ForRequest(const Url& url, const CookieOptions& options,
                                                  const PublicSuffixList& psl,
                                                  Ancestors ancestors, bool schemeful) {
  const bool embedded = !options.top_level_navigation && options.top_level_url != nullptr;
  const Url& top = embedded ? *options.top_level_url : url;
  CookiePartitionKey key;
  key.top_level_site = absl::StrCat(top.IsCryptographic() ? "https://" : "http://",
                                    AbslView(RegistrableDomainOrHost(top, psl)));
  if (!embedded) return key;
  const bool cross_site_frame = HasCrossSiteFrame(top, options, psl, schemeful);
  const bool same_site_request = IsSameSite(top, url, psl, schemeful);
  key.cross_site_ancestor = ancestors == Ancestors::kFramesAndRequest
                                ? cross_site_frame || !same_site_request
                                : cross_site_frame && same_site_request;
  return key;
}

std::string CookiePartitionKey::ToString() const {
  return cross_site_ancestor ? top_level_site + " (cross-site ancestor)" : top_level_site;
}

}  // namespace cookiejar
