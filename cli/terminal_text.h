// Text from cookies and files shown on a terminal: control bytes and invalid
// UTF-8 are escaped (a cookie value must not move the cursor or recolour the
// screen), and long values are cut so that a 100 MB field is not echoed whole.

#ifndef COOKIEJAR_CLI_TERMINAL_TEXT_H_
#define COOKIEJAR_CLI_TERMINAL_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace cookiejar {

// `text` with control bytes, DEL and bytes that are not valid UTF-8 written
// as \xNN (and '\' as "\\"), cut after `max_chars` characters with
// "...(N bytes)" appended. max_chars = 0: no cut.
std::string Printable(std::string_view text, size_t max_chars = 0);

// Terminal columns of printable UTF-8 text (one per code point).
size_t DisplayWidth(std::string_view text);

// Whether `text` is valid UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(std::string_view text);

// `text` with each byte that is not part of valid UTF-8 replaced by U+FFFD,
// for JSON output (which carries the exact bytes beside it, in base64).
std::string ValidUtf8(std::string_view text);

}  // namespace cookiejar

#endif  // COOKIEJAR_CLI_TERMINAL_TEXT_H_
