#include "jar/internal/utf8_repair.h"

#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace cookiejar {
namespace jar_internal {
namespace {

bool IsAscii(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if ((w & 0x8080808080808080ull) != 0) return false;
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return false;
  }
  return true;
}

}  // namespace

bool RepairUtf8(std::string_view text, std::string* repaired) {
  if (IsAscii(text) || text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max() / 2)) {
    return false;
  }
  const int32_t length = static_cast<int32_t>(text.size());
  // One UTF-16 unit per byte at most, U+FFFD included.
  std::vector<UChar> utf16(text.size());
  int32_t utf16_length = 0, substitutions = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8WithSub(utf16.data(), length, &utf16_length, text.data(), length, 0xFFFD,
                       &substitutions, &status);
  if (U_FAILURE(status) || substitutions == 0) return false;
  // Each UTF-16 unit takes at most three bytes.
  repaired->resize(static_cast<size_t>(utf16_length) * 3);
  int32_t utf8_length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(repaired->data(), static_cast<int32_t>(repaired->size()), &utf8_length,
              utf16.data(), utf16_length, &status);
  if (U_FAILURE(status)) return false;
  repaired->resize(static_cast<size_t>(utf8_length));
  return true;
}

}  // namespace jar_internal
}  // namespace cookiejar
