#include "persistence/internal/partition_site.h"

#include "cookiejar/public_suffix_list.h"

namespace cookiejar {
namespace persistence_internal {

bool EmbeddedCrossSite(std::string_view cookie_domain, std::string_view top_level_site) {
  std::string_view own = PublicSuffixList::Builtin().RegistrableDomain(cookie_domain);
  if (own.empty()) own = cookie_domain;
  const size_t sep = top_level_site.find("://");
  if (sep != std::string_view::npos) top_level_site.remove_prefix(sep + 3);
  return own != top_level_site;
}

bool AncestorBit(std::string_view cookie_domain, std::string_view top_level_site,
                 std::optional<bool> bit, CookiePartitionKey::Ancestors from,
                 CookiePartitionKey::Ancestors to) {
  if (!bit) {
    bit = false;
    from = CookiePartitionKey::Ancestors::kFramesOnly;
  }
  if (from == to) return *bit;
  const bool cross_site = EmbeddedCrossSite(cookie_domain, top_level_site);
  return to == CookiePartitionKey::Ancestors::kFramesAndRequest ? *bit || cross_site
                                                                : *bit && !cross_site;
}

}  // namespace persistence_internal
}  // namespace cookiejar
