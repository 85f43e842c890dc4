// Comparing, copying and hashing the short strings of a lookup (hosts, site
// keys, domains) and of a cookie without a call: a call to memcmp or to absl's hash costs more
// than the few words such a string is read in.

#ifndef COOKIEJAR_JAR_INTERNAL_SHORT_BYTES_H_
#define COOKIEJAR_JAR_INTERNAL_SHORT_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "absl/base/attributes.h"

namespace cookiejar {
namespace jar_internal {
namespace short_bytes {

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// The first up to 8 bytes of [p, p + n) in one word (overlapping reads, so
// the same bytes give the same word only for the same n).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint64_t LoadUpTo8(const char* p, size_t n) {
  if (n >= 4) return Load32(p) | uint64_t{Load32(p + n - 4)} << 32;
  if (n == 0) return 0;
  return uint64_t{static_cast<unsigned char>(p[0])} |
         uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
         uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
}

}  // namespace short_bytes

// Whether the `n` bytes at `a` and at `b` are the same. Longer strings than
// a few words go to memcmp.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool SameBytes(const char* a, const char* b, size_t n) {
  using short_bytes::Load64;
  if (n < 8) return short_bytes::LoadUpTo8(a, n) == short_bytes::LoadUpTo8(b, n);
  if (n > 32) return std::memcmp(a, b, n) == 0;
  uint64_t diff = Load64(a + n - 8) ^ Load64(b + n - 8);
  for (size_t i = 0; i + 8 < n; i += 8) diff |= Load64(a + i) ^ Load64(b + i);
  return diff == 0;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && SameBytes(a.data(), b.data(), a.size());
}

// Copies n bytes with at most two overlapping moves when n <= 32: cookie
// pairs, names and paths are short, and a call to memcpy costs more than
// copying them.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void CopyBytes(char* dst, const char* src, size_t n) {
  if (n <= 32) {
    if (n >= 16) {
      char a[16], b[16];
      std::memcpy(a, src, 16);
      std::memcpy(b, src + n - 16, 16);
      std::memcpy(dst, a, 16);
      std::memcpy(dst + n - 16, b, 16);
    } else if (n >= 8) {
      uint64_t a, b;
      std::memcpy(&a, src, 8);
      std::memcpy(&b, src + n - 8, 8);
      std::memcpy(dst, &a, 8);
      std::memcpy(dst + n - 8, &b, 8);
    } else {
      for (size_t i = 0; i < n; ++i) dst[i] = src[i];
    }
    return;
  }
  std::memcpy(dst, src, n);
}

// A hash of a short string for a cache's index, not for a table an outside
// party fills (no per-process seed): a 64x64 -> 128-bit multiply per word,
// folded, as absl's hash mixes.
inline uint64_t ShortHash(std::string_view s) {
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ull;
  auto mix = [](uint64_t v) {
    const unsigned __int128 m = static_cast<unsigned __int128>(v) * kMul;
    return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
  };
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t h = n;
  if (n <= 8) return mix(h ^ short_bytes::LoadUpTo8(p, n));
  for (size_t i = 0; i + 8 < n; i += 8) h = mix(h ^ short_bytes::Load64(p + i));
  return mix(h ^ short_bytes::Load64(p + n - 8));
}

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_SHORT_BYTES_H_
