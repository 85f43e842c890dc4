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

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "cookiejar/url.h"
#include "jar/internal/byte_block.h"

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
  // The same without copying: `*out` points into `text`. Inline (below).
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

namespace url_parser_internal {

inline size_t CountTrailingZeros(uint64_t mask) { return static_cast<size_t>(__builtin_ctzll(mask)); }

// Bits [0, n) of a mask, n at most 63.
inline uint64_t LowBits(size_t n) { return (uint64_t{1} << n) - 1; }

// Whether `host` (1 to 63 simple bytes, with these masks of its dots, dashes
// and digits) is a domain name exactly as CanonicalizeHost would return it:
// no empty label, no "xn--" label (IDNA would check it), a last label that
// is not a number (an IPv4 address; "0x..." is left to the general path
// whatever follows).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool IsCanonicalHost(std::string_view host, uint64_t dots,
                                                         uint64_t dashes, uint64_t digits) {
  const size_t n = host.size();
  if ((dots & 1) || ((dots >> (n - 1)) & 1) || (dots & (dots >> 1))) return false;
  const size_t last = dots == 0 ? 0 : 64 - static_cast<size_t>(__builtin_clzll(dots));
  const uint64_t last_label = LowBits(n) & ~LowBits(last);
  if ((digits & last_label) == last_label) return false;
  if (n - last >= 2 && host[last] == '0' && host[last + 1] == 'x') return false;
  for (uint64_t pairs = dashes & (dashes >> 1); pairs != 0; pairs &= pairs - 1) {
    const size_t i = CountTrailingZeros(pairs);  // "--" at i: "xn--" if a label starts at i - 2.
    if (i >= 2 && host[i - 2] == 'x' && host[i - 1] == 'n' && (i == 2 || host[i - 3] == '.')) {
      return false;
    }
  }
  return true;
}

// The size of the host at `host`: the simple bytes (lowercase letters,
// digits, '-', '_', '.') before the first other byte or `end`, when there
// are 1 to 63 of them and they are a host exactly as CanonicalizeHost would
// return it (IsCanonicalHost). 0 otherwise: the general path decides. Bytes
// from `floor` on are readable.
constexpr size_t kMaxCommonHost = 63;
ABSL_ATTRIBUTE_ALWAYS_INLINE inline size_t CanonicalHostSize(const char* host, const char* end,
                                                             const char* floor) {
  uint64_t dots = 0, dashes = 0, digits = 0;
  size_t host_size = kMaxCommonHost + 1;
  for (size_t offset = 0; offset <= kMaxCommonHost; offset += ByteBlock::kSize) {
    const ByteBlock block = ByteBlock::LoadUpTo(host + offset, end, floor);
    const uint32_t dot = block.EqualsAny<'.'>(), dash = block.EqualsAny<'-'>();
    const uint32_t digit = block.InRange('0', '9');
    const uint32_t simple = block.InRange('a', 'z') | digit | dot | dash | block.EqualsAny<'_'>();
    dots |= uint64_t{dot} << offset;
    dashes |= uint64_t{dash} << offset;
    digits |= uint64_t{digit} << offset;
    if (simple != 0xffff) {
      host_size = offset + CountTrailingZeros(~simple & 0xffff);
      break;
    }
  }
  if (host_size == 0 || host_size > kMaxCommonHost) return 0;
  const uint64_t in_host = LowBits(host_size);
  if (!IsCanonicalHost(std::string_view(host, host_size), dots & in_host, dashes & in_host,
                       digits & in_host)) {
    return 0;
  }
  return host_size;
}

// The first byte of [p, end) that is not plain in a canonical path: one that
// ends the path ('?', '#'), one the path escapes, a backslash, or a '.' or
// '%' right after a slash (a dot segment to resolve, an escape that might
// spell one). `end` when there is none. Bytes from `floor` on are readable.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline const char* PathStop(const char* p, const char* end,
                                                         const char* floor) {
  uint32_t slash_carry = 0;  // A slash ended the previous block.
  for (; p < end; p += ByteBlock::kSize) {
    const ByteBlock block = ByteBlock::LoadUpTo(p, end, floor);
    const uint32_t slashes = block.EqualsAny<'/'>();
    const uint32_t after_slash = ((slashes << 1) | slash_carry) & block.EqualsAny<'.', '%'>();
    slash_carry = (slashes >> 15) & 1;
    // Zero bytes past `end` count as stops: the first of them is `end`.
    const uint32_t stops = block.BelowOrNonAscii(0x21) |
                           block.EqualsAny<'\x7f', '"', '<', '>', '`', '{', '}', '\\', '?', '#'>() |
                           after_slash;
    if (stops != 0) return std::min(end, p + CountTrailingZeros(stops));
  }
  return end;
}

// The first byte of [p, end) that a canonical query cannot hold as it is: a
// control, space or non-ASCII byte, or one the query escapes ('#' ends it).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline const char* QueryStop(const char* p, const char* end,
                                                          const char* floor) {
  for (; p < end; p += ByteBlock::kSize) {
    const ByteBlock block = ByteBlock::LoadUpTo(p, end, floor);
    const uint32_t stops =
        block.BelowOrNonAscii(0x21) | block.EqualsAny<'\x7f', '"', '#', '<', '>', '\''>();
    if (stops != 0) return std::min(end, p + CountTrailingZeros(stops));
  }
  return end;
}

// The fast path, inlined into both forms of UrlParser::ParseCommon (as are
// the helpers above): parsing into a Url then keeps the views in registers,
// where a call between the two forms cost each Set-Cookie about 38
// instructions; and a Cookie-header lookup from a URL string, which inlines
// ParseCommon(text, CommonUrl*), keeps them in registers too.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool ParseCommonParts(std::string_view text,
                                                          CommonUrl* out) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  bool https;
  const char* host;
  if (text.size() >= 8 && std::memcmp(begin, "https://", 8) == 0) {
    https = true;
    host = begin + 8;
  } else if (text.size() >= 7 && std::memcmp(begin, "http://", 7) == 0) {
    https = false;
    host = begin + 7;
  } else {
    return false;
  }

  // The host: lowercase letters, digits, '-', '_' and '.', at most 63 of
  // them, up to a port, a path, a query, a fragment or the end. Anything
  // else in the authority (user info, IPv6, escapes, capitals, IDNA) is the
  // general path's.
  const size_t host_size = CanonicalHostSize(host, end, begin);
  if (host_size == 0) return false;

  const char* p = host + host_size;
  int port = https ? 443 : 80;
  if (p < end && *p == ':') {
    // At most five digits: leading zeros and other oddities are the general
    // path's.
    const char* const digits_begin = ++p;
    int value = 0;
    while (p < end && *p >= '0' && *p <= '9' && p - digits_begin < 5) value = value * 10 + (*p++ - '0');
    if (p == digits_begin || value > 65535) return false;
    port = value;
  }
  if (p < end && *p != '/' && *p != '?' && *p != '#') return false;

  const char* path_end = p;
  if (p < end && *p == '/') {
    path_end = PathStop(p, end, begin);
    if (path_end < end && *path_end != '?' && *path_end != '#') return false;
  }
  const char* query_end = path_end;
  if (path_end < end && *path_end == '?') {
    query_end = QueryStop(path_end + 1, end, begin);
    if (query_end < end && *query_end != '#') return false;
  }

  out->https = https;
  out->port = port;
  out->host = std::string_view(host, host_size);
  out->path = path_end == p ? std::string_view("/")
                             : std::string_view(p, static_cast<size_t>(path_end - p));
  out->query = std::string_view(path_end, static_cast<size_t>(query_end - path_end));
  return true;
}

}  // namespace url_parser_internal

ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool UrlParser::ParseCommon(std::string_view text,
                                                                 CommonUrl* out) {
  return url_parser_internal::ParseCommonParts(text, out);
}

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_URL_PARSER_H_
