// Differential fuzz target (built as //fuzz:url_parser_fuzzer; it lives
// here because it reaches the parser's internals): the fast path of
// Url::ParseInto must give exactly what the general WHATWG parser gives for
// every URL it accepts, and a Url reused after any earlier parse, failed or
// not, must come out as a fresh one does.
//
// The first byte picks a prefix, so that most inputs reach past the scheme:
// 0 none, 1 "http://", 2 "https://", 3 "http://a.example", 4 "https://www.example.co.uk".

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cookiejar/url.h"
#include "jar/internal/url_parser.h"

namespace {

using cookiejar::Url;
using cookiejar::jar_internal::UrlParser;

bool Same(const Url& a, const Url& b) {
  return a.scheme() == b.scheme() && a.host() == b.host() && a.host_kind() == b.host_kind() &&
         a.port() == b.port() && a.path() == b.path() && a.query() == b.query() &&
         a.IsCryptographic() == b.IsCryptographic();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kPrefixes[] = {"", "http://", "https://", "http://a.example",
                                          "https://www.example.co.uk"};
  constexpr size_t kPrefixCount = sizeof(kPrefixes) / sizeof(kPrefixes[0]);
  std::string text = kPrefixes[data[0] % kPrefixCount];
  text.append(reinterpret_cast<const char*>(data + 1), size - 1);

  Url general;
  const bool general_ok = UrlParser::ParseGeneral(text, &general).ok();
  Url fast;
  if (UrlParser::ParseCommon(text, &fast)) {
    if (!general_ok || !Same(fast, general)) std::abort();
  }

  // Scratch Urls, as the jar keeps one per thread: whatever the previous
  // input left in them, the result must be a fresh parse's.
  static Url* const scratch = new Url();
  const bool scratch_ok = Url::ParseInto(text, scratch).ok();
  if (scratch_ok != general_ok || (scratch_ok && !Same(*scratch, general))) std::abort();
  static Url* const general_scratch = new Url();
  const bool general_scratch_ok = UrlParser::ParseGeneral(text, general_scratch).ok();
  if (general_scratch_ok != general_ok || (general_ok && !Same(*general_scratch, general))) {
    std::abort();
  }
  return 0;
}
