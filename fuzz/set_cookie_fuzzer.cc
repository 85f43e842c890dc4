// Set-Cookie parsing and validation: never a crash, and what is accepted is
// well formed.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cookiejar/canonical_cookie.h"
#include "cookiejar/parsed_cookie.h"
#include "cookiejar/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cookiejar;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  ParsedCookie parsed;
  if (!ParsedCookie::Parse(line, &parsed).IsInclude()) return 0;
  if (parsed.name.size() + parsed.value.size() > kMaxNameValueBytes) std::abort();
  if (parsed.name.find(';') != std::string_view::npos ||
      parsed.value.find(';') != std::string_view::npos) {
    std::abort();
  }
  static const Url* const url = new Url(*Url::Parse("https://www.example.co.uk/a/b"));
  CanonicalCookie cookie;
  if (!CanonicalCookie::Create(parsed, *url, absl::FromUnixSeconds(1700000000), {},
                               PublicSuffixList::Builtin(), absl::Hours(400 * 24), &cookie)
           .IsInclude()) {
    return 0;
  }
  // Accepted: the domain matches the host, is not a public suffix, the path
  // starts with '/', and the expiry is within the cap.
  if (!DomainMatches(url->host(), cookie.domain)) std::abort();
  if (!cookie.host_only && PublicSuffixList::Builtin().RegistrableDomain(cookie.domain).empty()) {
    std::abort();
  }
  if (cookie.path.empty() || cookie.path[0] != '/') std::abort();
  if (cookie.IsPersistent() &&
      cookie.expiry > absl::FromUnixSeconds(1700000000) + absl::Hours(400 * 24)) {
    std::abort();
  }
  return 0;
}
