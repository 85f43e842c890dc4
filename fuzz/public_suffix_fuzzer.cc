// Public Suffix List: lookups on any bytes never crash and return nested
// suffixes of the input; parsing any text as a list never crashes.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cookiejar/public_suffix_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cookiejar;
  const std::string_view host(reinterpret_cast<const char*>(data), size);
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  for (SuffixRules rules : {SuffixRules::kIcannAndPrivate, SuffixRules::kIcannOnly}) {
    const std::string_view suffix = psl.PublicSuffix(host, rules);
    const std::string_view registrable = psl.RegistrableDomain(host, rules);
    auto ends_with = [](std::string_view s, std::string_view end) {
      return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
    };
    if (!ends_with(host, suffix) || !ends_with(host, registrable)) std::abort();
    if (!registrable.empty() && (suffix.empty() || !ends_with(registrable, suffix) ||
                                 registrable.size() <= suffix.size())) {
      std::abort();
    }
    if (psl.IsPublicSuffix(host, rules) != (!suffix.empty() && suffix.size() == host.size())) {
      std::abort();
    }
  }
  if (size < 4096) {
    auto list = PublicSuffixList::Parse(host);
    if (list.ok()) (*list)->RegistrableDomain("www.example.com");
  }
  return 0;
}
