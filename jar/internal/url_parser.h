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

class UrlParser {
 public:
  // Parses `text` into `*out` when it is a URL the fast path takes; false
  // (with `*out` unspecified) otherwise, whether or not the URL is valid.
  static bool ParseCommon(std::string_view text, Url* out);
  // Every URL: Url::ParseInto without the fast path.
  static absl::Status ParseGeneral(std::string_view text, Url* out);
};

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_URL_PARSER_H_
