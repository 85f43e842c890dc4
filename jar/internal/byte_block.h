// Sixteen bytes of text classified at once, for the parsers on the hot path
// (the URL's authority and path, the Set-Cookie line): each test gives a bit
// mask, bit i for byte i, so that a parser finds the first byte of interest
// with one count of trailing zeros instead of a test per byte.
//
// SSE2, which every x86-64 processor has: nothing here needs -march. Other
// processors get the same masks from a plain loop.

#ifndef COOKIEJAR_JAR_INTERNAL_BYTE_BLOCK_H_
#define COOKIEJAR_JAR_INTERNAL_BYTE_BLOCK_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/base/attributes.h"
#include "jar/internal/short_bytes.h"

namespace cookiejar {
namespace jar_internal {

class ByteBlock {
 public:
  static constexpr size_t kSize = 16;

  // The 16 bytes at `p`, all readable.
  static ByteBlock Load(const char* p) {
    ByteBlock block;
#if defined(__SSE2__)
    block.v_ = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
#else
    std::memcpy(block.b_, p, kSize);
#endif
    return block;
  }
  // The bytes of [p, end), up to 16; where fewer remain, the block reads as
  // if zero bytes followed them. Bytes from `floor` (at or before p) on are
  // readable: a short block is read as the 16 bytes that end at `end` when
  // there are that many, and copied out only otherwise.
  static ByteBlock LoadUpTo(const char* p, const char* end, const char* floor) {
    const size_t left = static_cast<size_t>(end - p);
    if (left >= kSize) return Load(p);
    if (static_cast<size_t>(end - floor) >= kSize) {
      ByteBlock block = Load(end - kSize);
      block.shift_ = static_cast<uint32_t>(kSize - left);
      block.pad_ = 0xffffu & ~((1u << left) - 1);
      return block;
    }
#if defined(__SSE2__)
    // Built in registers: bytes copied to a stack buffer and loaded as one
    // block make the load wait for their stores (a failed store-to-load
    // forwarding), which was a sixth of DraftCookie's time on the short
    // Domain attributes it checks.
    // Little-endian word loads (SSE2 implies x86).
    uint64_t low = 0, high = 0;
    if (left >= 8) {
      low = short_bytes::Load64(p);
      if (left > 8) high = short_bytes::Load64(p + left - 8) >> (8 * (kSize - left));
    } else if (left >= 4) {
      low = short_bytes::Load32(p) |
            uint64_t{short_bytes::Load32(p + left - 4)} << (8 * (left - 4));
    } else if (left != 0) {
      low = uint64_t{static_cast<unsigned char>(p[0])} |
            uint64_t{static_cast<unsigned char>(p[left / 2])} << (8 * (left / 2)) |
            uint64_t{static_cast<unsigned char>(p[left - 1])} << (8 * (left - 1));
    }
    ByteBlock block;
    block.v_ = _mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low));
    return block;
#else
    char bytes[kSize] = {};
    if (left != 0) std::memcpy(bytes, p, left);
    return Load(bytes);
#endif
  }

  // Whether any of the `n` bytes at `p` is a control character (below
  // 0x20, tab included) or DEL. A parser that leaves lines with such bytes
  // to a slower path asks once per line: the blocks are folded into their
  // least and greatest bytes, two instructions a block and one test at the
  // end. A greatest byte from 0x7f up is DEL or a byte outside ASCII, which
  // only then are told apart.
  ABSL_ATTRIBUTE_ALWAYS_INLINE static bool HasControlOrDelete(const char* p, size_t n) {
    if (n < kSize) {
      return (LoadUpTo(p, p + n, p).AtMostOrEqualsAny<'\x7f'>('\x1f') & ((1u << n) - 1)) != 0;
    }
#if defined(__SSE2__)
    auto load = [p](size_t at) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    };
    // The last 16 bytes first (overlapping those the loop reads last).
    __m128i least = load(n - kSize), most = least;
    for (size_t i = 0; i + 2 * kSize <= n; i += 2 * kSize) {
      const __m128i a = load(i), b = load(i + kSize);
      least = _mm_min_epu8(least, _mm_min_epu8(a, b));
      most = _mm_max_epu8(most, _mm_max_epu8(a, b));
    }
    if (n % (2 * kSize) >= kSize) {
      const __m128i a = load(n / (2 * kSize) * (2 * kSize));
      least = _mm_min_epu8(least, a);
      most = _mm_max_epu8(most, a);
    }
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(least, _mm_set1_epi8(0x1f)), least);
    if (_mm_movemask_epi8(control) != 0) return true;
    const __m128i high = _mm_cmpeq_epi8(_mm_max_epu8(most, _mm_set1_epi8(0x7f)), most);
    return _mm_movemask_epi8(high) != 0 && HasDelete(p, n);
#else
    for (size_t i = 0; i < n; ++i) {
      const unsigned char c = static_cast<unsigned char>(p[i]);
      if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
#endif
  }

  // Bytes equal to any of `C...`.
  template <char... C>
  uint32_t EqualsAny() const {
#if defined(__SSE2__)
    __m128i hits = _mm_setzero_si128();
    ((hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v_, _mm_set1_epi8(C)))), ...);
    return Finish(static_cast<uint32_t>(_mm_movemask_epi8(hits)), ((C == 0) || ...));
#else
    uint32_t mask = 0;
    for (size_t i = 0; i < kSize; ++i) {
      if (((b_[i] == C) || ...)) mask |= 1u << i;
    }
    return Finish(mask, ((C == 0) || ...));
#endif
  }

  // Bytes in [lo, hi], both ASCII (below 0x80).
  uint32_t InRange(char lo, char hi) const {
#if defined(__SSE2__)
    // Signed compares: bytes from 0x80 up are negative, never in range.
    const __m128i above = _mm_cmpgt_epi8(v_, _mm_set1_epi8(static_cast<char>(lo - 1)));
    const __m128i below = _mm_cmplt_epi8(v_, _mm_set1_epi8(static_cast<char>(hi + 1)));
    return Finish(static_cast<uint32_t>(_mm_movemask_epi8(_mm_and_si128(above, below))), lo == 0);
#else
    uint32_t mask = 0;
    for (size_t i = 0; i < kSize; ++i) {
      const unsigned char c = static_cast<unsigned char>(b_[i]);
      if (c >= static_cast<unsigned char>(lo) && c <= static_cast<unsigned char>(hi)) {
        mask |= 1u << i;
      }
    }
    return Finish(mask, lo == 0);
#endif
  }

  // Bytes from 0 to `hi`, unsigned (the controls with 0x1f, non-ASCII bytes
  // never), or equal to any of `C...`. One mask for both, and the range in
  // two instructions (InRange from 0 takes five): the Set-Cookie tokenizer
  // classifies every block of the line with it.
  template <char... C>
  uint32_t AtMostOrEqualsAny(char hi) const {
#if defined(__SSE2__)
    __m128i hits = _mm_cmpeq_epi8(_mm_min_epu8(v_, _mm_set1_epi8(hi)), v_);
    ((hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v_, _mm_set1_epi8(C)))), ...);
    return Finish(static_cast<uint32_t>(_mm_movemask_epi8(hits)), true);
#else
    uint32_t mask = 0;
    for (size_t i = 0; i < kSize; ++i) {
      if (static_cast<unsigned char>(b_[i]) <= static_cast<unsigned char>(hi) ||
          ((b_[i] == C) || ...)) {
        mask |= 1u << i;
      }
    }
    return Finish(mask, true);
#endif
  }

  // Bytes below `bound` (ASCII) or from 0x80 up: controls and space with
  // bound 0x21, controls alone with 0x20, together with every non-ASCII byte.
  uint32_t BelowOrNonAscii(char bound) const {
#if defined(__SSE2__)
    return Finish(static_cast<uint32_t>(
                      _mm_movemask_epi8(_mm_cmplt_epi8(v_, _mm_set1_epi8(bound)))),
                  bound > 0);
#else
    uint32_t mask = 0;
    for (size_t i = 0; i < kSize; ++i) {
      const unsigned char c = static_cast<unsigned char>(b_[i]);
      if (c < static_cast<unsigned char>(bound) || c >= 0x80) mask |= 1u << i;
    }
    return Finish(mask, bound > 0);
#endif
  }

  // Bytes from 0x80 up.
  uint32_t NonAscii() const {
#if defined(__SSE2__)
    return Finish(static_cast<uint32_t>(_mm_movemask_epi8(v_)), false);
#else
    uint32_t mask = 0;
    for (size_t i = 0; i < kSize; ++i) {
      if (static_cast<unsigned char>(b_[i]) >= 0x80) mask |= 1u << i;
    }
    return Finish(mask, false);
#endif
  }

 private:
  // Whether any of the `n` bytes at `p`, at least 16, is DEL.
  ABSL_ATTRIBUTE_NOINLINE static bool HasDelete(const char* p, size_t n) {
    uint32_t hits = Load(p + n - kSize).EqualsAny<'\x7f'>();
    for (size_t i = 0; i + kSize <= n; i += kSize) hits |= Load(p + i).EqualsAny<'\x7f'>();
    return hits != 0;
  }

  // A block read from before its start (LoadUpTo) drops the bytes before it
  // and answers for the positions past the end as for a zero byte.
  uint32_t Finish(uint32_t mask, bool zero_matches) const {
    return (mask >> shift_) | (zero_matches ? pad_ : 0);
  }

  uint32_t shift_ = 0;
  uint32_t pad_ = 0;
#if defined(__SSE2__)
  __m128i v_;
#else
  char b_[kSize];
#endif
};

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_BYTE_BLOCK_H_
