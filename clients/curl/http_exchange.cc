#include "cookiejar/curl/http_exchange.h"

#include "absl/strings/match.h"
#include "common/absl_view.h"

namespace cookiejar {

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, AbslView(name))) return value;
  }
  return "";
}

}  // namespace cookiejar
