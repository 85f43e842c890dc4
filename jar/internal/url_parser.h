// The two ways Url::ParseInto reads a URL. Almost every URL a client
// requests is canonical as written: "http://" or "https://", a lowercase
// ASCII host, maybe a port, a path and a query with nothing to escape or
// resolve. ParseCommon accepts exactly such URLs, sixteen bytes at a time
// (byte_block.h), and refuses everything else; ParseGeneral is the whole of
// the WHATWG rules (url.h) and reads what ParseCommon refuses. Both give the
// same Url for every URL ParseCommon accepts: //fuzz:url_parser_fuzzer checks
// that on arbitrary input.

#ifndef COOKIEJAR_JAR_INTERNAL_URL_PARSER_H_
#define COOKIEJAR_JAR_INTERNAL_URL_PARSER_H_

#include <string_view>

#include "absl/status/status.h"
#include "cookiejar/url.h"

namespace cookiejar {
namespace jar_internal {

// A URL the fast path took, as views into its text (the path "/" of a URL
// written without one is static): what a lookup reads without copying.
struct CommonUrl {
  std::string_view host;
  std::string_view path;
  std::string_view query;  // "" or "?...".
  int port = 0;
  bool https = false;
};

class UrlParser {
 public:
  // Parses `text` into `*out` when it is a URL the fast path takes; false
  // (with `*out` unspecified) otherwise, whether or not the URL is valid.
  static bool ParseCommon(std::string_view text, Url* out);
  // The same without copying: `*out` points into `text`.
  static bool ParseCommon(std::string_view text, CommonUrl* out);
  // The Url that ParseCommon(text, Url*) gives, from the views of that text.
  // Inline: a call costs each parse into a Url more than its stores.
  static void Assign(const CommonUrl& parts, Url* out) {
    Url& url = *out;
    const std::string_view scheme = parts.https ? "https" : "http";
    if (std::string_view(url.scheme_) != scheme) url.scheme_.assign(scheme.data(), scheme.size());
    url.cryptographic_ = parts.https;
    url.port_ = parts.port;
    // A scratch Url asked about the same host again keeps it.
    if (std::string_view(url.host_) != parts.host) {
      url.host_.assign(parts.host.data(), parts.host.size());
    }
    url.host_kind_ = HostKind::kDomain;
    url.path_.assign(parts.path.data(), parts.path.size());
    if (parts.query.empty()) {
      url.query_.clear();
    } else {
      url.query_.assign(parts.query.data(), parts.query.size());
    }
  }
  // Every URL: Url::ParseInto without the fast path.
  static absl::Status ParseGeneral(std::string_view text, Url* out);
};

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_URL_PARSER_H_
