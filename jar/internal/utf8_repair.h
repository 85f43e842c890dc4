// Firefox hands cookie lines to its cookie service as UTF-8 strings, with
// every ill-formed sequence replaced by U+FFFD; a jar with
// CookieSyntaxRules::replace_invalid_utf8 does the same before parsing.

#ifndef COOKIEJAR_JAR_INTERNAL_UTF8_REPAIR_H_
#define COOKIEJAR_JAR_INTERNAL_UTF8_REPAIR_H_

#include <string>
#include <string_view>

namespace cookiejar {
namespace jar_internal {

// When `text` is not well-formed UTF-8, sets `*repaired` to it with each
// maximal ill-formed subpart replaced by U+FFFD (the Unicode and WHATWG
// practice) and returns true; otherwise returns false and leaves `*repaired`
// alone.
bool RepairUtf8(std::string_view text, std::string* repaired);

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_UTF8_REPAIR_H_
