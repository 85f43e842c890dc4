#include "cookiejar/canonical_host.h"

#include <arpa/inet.h>
#include <unicode/uidna.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/absl_view.h"

namespace cookiejar {
namespace {

constexpr size_t kMaxHostLength = 253;  // Without the trailing dot.
constexpr size_t kMaxLabelLength = 63;
// Longer input cannot canonicalize to a valid host; IDNA mapping never shrinks
// a name below a quarter of its UTF-8 size, so this bound is generous.
constexpr size_t kMaxInputLength = 4 * (kMaxHostLength + 1);

absl::Status InvalidHost(std::string_view input, std::string_view why) {
  constexpr size_t kShown = 80;
  std::string shown = absl::CHexEscape(AbslView(input.substr(0, kShown)));
  if (input.size() > kShown) absl::StrAppend(&shown, "...");
  return absl::InvalidArgumentError(
      absl::StrCat("invalid host \"", shown, "\": ", AbslView(why)));
}

// WHATWG "forbidden domain code point", restricted to ASCII (IDNA has mapped
// or rejected everything else by the time this is checked).
bool IsForbiddenDomainByte(unsigned char c) {
  if (c <= 0x20 || c == 0x7f) return true;
  switch (c) {
    case '#': case '%': case '/': case ':': case '<': case '>': case '?':
    case '@': case '[': case '\\': case ']': case '^': case '|':
      return true;
    default:
      return false;
  }
}

bool IsSimpleDomainByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// The last label, ignoring one trailing dot.
std::string_view LastLabel(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  size_t dot = host.rfind('.');
  return dot == std::string_view::npos ? host : host.substr(dot + 1);
}

// WHATWG "ends in a number": such hosts must parse as IPv4 or are invalid.
bool EndsInNumber(std::string_view host) {
  std::string_view last = LastLabel(host);
  if (last.empty()) return false;
  bool all_digits = true;
  for (char c : last) all_digits &= absl::ascii_isdigit(c);
  if (all_digits) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    for (char c : last.substr(2)) {
      if (!absl::ascii_isxdigit(c)) return false;
    }
    return true;
  }
  return false;
}

bool HasAceLabel(std::string_view host) {
  for (size_t start = 0; start < host.size();) {
    size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    if (dot - start >= 4 && absl::StartsWithIgnoreCase(AbslView(host.substr(start)), "xn--")) {
      return true;
    }
    start = dot + 1;
  }
  return false;
}

// WHATWG IPv4 number parser. Values above 2^32 saturate: they are rejected by
// the range checks of the caller anyway.
bool ParseIPv4Number(std::string_view part, uint64_t* out) {
  if (part.empty()) return false;
  int radix = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    part.remove_prefix(2);
    radix = 16;
  } else if (part.size() >= 2 && part[0] == '0') {
    part.remove_prefix(1);
    radix = 8;
  }
  uint64_t value = 0;
  for (char c : part) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (radix == 16 && absl::ascii_isxdigit(c)) {
      digit = absl::ascii_tolower(c) - 'a' + 10;
    } else {
      return false;
    }
    if (digit >= radix) return false;
    value = value * radix + digit;
    if (value > (uint64_t{1} << 32)) value = uint64_t{1} << 33;
  }
  *out = value;
  return true;
}

absl::StatusOr<CanonicalHost> ParseIPv4(std::string_view input,
                                        std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  std::array<uint64_t, 4> numbers;
  size_t count = 0;
  for (size_t start = 0;;) {
    size_t dot = host.find('.', start);
    std::string_view part = host.substr(
        start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (count == numbers.size()) {
      return InvalidHost(input, "IPv4 address with more than four parts");
    }
    if (!ParseIPv4Number(part, &numbers[count])) {
      return InvalidHost(input, "ends in a number but is not an IPv4 address");
    }
    ++count;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (size_t i = 0; i + 1 < count; ++i) {
    if (numbers[i] > 255) return InvalidHost(input, "IPv4 part out of range");
  }
  const uint64_t limit = uint64_t{1} << (8 * (5 - count));
  if (numbers[count - 1] >= limit) {
    return InvalidHost(input, "IPv4 address out of range");
  }
  uint64_t address = numbers[count - 1];
  for (size_t i = 0; i + 1 < count; ++i) address += numbers[i] << (8 * (3 - i));
  CanonicalHost result;
  result.kind = HostKind::kIPv4;
  result.name = absl::StrFormat("%d.%d.%d.%d", (address >> 24) & 0xff,
                                (address >> 16) & 0xff, (address >> 8) & 0xff,
                                address & 0xff);
  return result;
}

absl::StatusOr<CanonicalHost> ParseIPv6(std::string_view input) {
  if (input.size() < 3 || input.back() != ']') {
    return InvalidHost(input, "IPv6 literal without closing ']'");
  }
  // inet_pton accepts exactly the RFC 4291 text forms, which are the forms
  // the WHATWG parser accepts (including a trailing dotted-quad part).
  std::string inner(input.substr(1, input.size() - 2));
  if (inner.size() > INET6_ADDRSTRLEN) return InvalidHost(input, "invalid IPv6 address");
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, inner.c_str(), bytes) != 1) {
    return InvalidHost(input, "invalid IPv6 address");
  }
  uint16_t pieces[8];
  for (int i = 0; i < 8; ++i) pieces[i] = (bytes[2 * i] << 8) | bytes[2 * i + 1];
  // WHATWG serialization: the first longest run of two or more zero pieces
  // becomes "::"; pieces are lowercase hex without leading zeros.
  int best_start = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    if (pieces[i] != 0) { ++i; continue; }
    int j = i;
    while (j < 8 && pieces[j] == 0) ++j;
    if (j - i > best_len) { best_start = i; best_len = j - i; }
    i = j;
  }
  CanonicalHost result;
  result.kind = HostKind::kIPv6;
  result.name = "[";
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      result.name += i == 0 ? "::" : ":";
      i += best_len - 1;
      continue;
    }
    absl::StrAppend(&result.name, absl::Hex(pieces[i]));
    if (i != 7) result.name += ':';
  }
  result.name += ']';
  return result;
}

const UIDNA* Uts46() {
  static const UIDNA* const idna = [] {
    UErrorCode status = U_ZERO_ERROR;
    // Non-transitional processing and the checks WHATWG's "domain to ASCII"
    // asks for; CheckHyphens is off there, so hyphen errors are ignored below.
    const UIDNA* created = uidna_openUTS46(
        UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ | UIDNA_NONTRANSITIONAL_TO_ASCII |
            UIDNA_NONTRANSITIONAL_TO_UNICODE,
        &status);
    return U_SUCCESS(status) ? created : nullptr;
  }();
  return idna;
}

// Errors this module checks itself (with clearer messages) or, for the
// hyphen rules, does not check at all, as in WHATWG.
constexpr uint32_t kIgnoredIdnaErrors =
    UIDNA_ERROR_EMPTY_LABEL | UIDNA_ERROR_LABEL_TOO_LONG |
    UIDNA_ERROR_DOMAIN_NAME_TOO_LONG | UIDNA_ERROR_LEADING_HYPHEN |
    UIDNA_ERROR_TRAILING_HYPHEN | UIDNA_ERROR_HYPHEN_3_4;

absl::Status ToAscii(std::string_view input, std::string* out) {
  const UIDNA* idna = Uts46();
  if (idna == nullptr) return absl::InternalError("ICU UTS #46 is unavailable");
  char buffer[kMaxInputLength + 64];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  UErrorCode status = U_ZERO_ERROR;
  int32_t length =
      uidna_nameToASCII_UTF8(idna, input.data(), static_cast<int32_t>(input.size()),
                             buffer, sizeof(buffer), &info, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) return InvalidHost(input, "too long");
  if (U_FAILURE(status)) {
    return InvalidHost(input, absl::StrCat("IDNA failed: ", u_errorName(status)));
  }
  uint32_t errors = info.errors & ~kIgnoredIdnaErrors;
  if (errors != 0) {
    std::string_view why = "not a valid internationalized domain name";
    if (errors & UIDNA_ERROR_DISALLOWED) why = "contains a character IDNA disallows";
    if (errors & (UIDNA_ERROR_PUNYCODE | UIDNA_ERROR_INVALID_ACE_LABEL)) {
      why = "invalid punycode (xn--) label";
    }
    if (errors & UIDNA_ERROR_BIDI) why = "violates the IDNA Bidi rule";
    return InvalidHost(input, why);
  }
  out->assign(buffer, length);
  return absl::OkStatus();
}

absl::Status CheckLabels(std::string_view input, std::string_view host) {
  std::string_view name = host;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return InvalidHost(input, "empty host");
  if (name.size() > kMaxHostLength) {
    return InvalidHost(input, "longer than 253 bytes");
  }
  for (size_t start = 0;;) {
    size_t dot = name.find('.', start);
    size_t end = dot == std::string_view::npos ? name.size() : dot;
    if (end == start) return InvalidHost(input, "empty label");
    if (end - start > kMaxLabelLength) {
      return InvalidHost(input, "label longer than 63 bytes");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CanonicalHost> CanonicalizeHost(std::string_view input) {
  if (input.empty()) return InvalidHost(input, "empty host");
  if (input.size() > kMaxInputLength) return InvalidHost(input, "too long");
  if (input.front() == '[') return ParseIPv6(input);
  if (IsSimpleCanonicalDomain(input)) return CanonicalHost{std::string(input), HostKind::kDomain};

  bool ascii = true;
  for (char c : input) ascii &= static_cast<unsigned char>(c) < 0x80;
  CanonicalHost result;
  if (ascii && !HasAceLabel(input)) {
    result.name = absl::AsciiStrToLower(AbslView(input));
  } else {
    absl::Status status = ToAscii(input, &result.name);
    if (!status.ok()) return status;
  }
  for (char c : result.name) {
    if (IsForbiddenDomainByte(static_cast<unsigned char>(c))) {
      return InvalidHost(input, absl::StrCat("forbidden character '",
                                             absl::CHexEscape(std::string(1, c)), "'"));
    }
  }
  if (EndsInNumber(result.name)) return ParseIPv4(input, result.name);
  absl::Status status = CheckLabels(input, result.name);
  if (!status.ok()) return status;
  return result;
}

// One pass, as it runs for every request URL: simple bytes only, labels of
// 1 to 63 bytes (one trailing dot allowed), no "xn--" label, a last label
// that is not a number (decimal or "0x" hex).
bool IsSimpleCanonicalDomain(std::string_view host) {
  size_t n = host.size();
  if (n > 0 && host[n - 1] == '.') --n;
  if (n == 0 || n > kMaxHostLength) return false;
  const char* const p = host.data();
  size_t label = 0;  // Start of the current label.
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (c == '.') {
      const size_t size = i - label;
      if (size == 0 || size > kMaxLabelLength ||
          (size >= 4 && std::memcmp(p + label, "xn--", 4) == 0)) {
        return false;
      }
      label = i + 1;
    } else if (!IsSimpleDomainByte(c)) {
      return false;
    }
  }
  const std::string_view last(p + label, n - label);
  if (last.empty() || last.size() > kMaxLabelLength ||
      (last.size() >= 4 && std::memcmp(last.data(), "xn--", 4) == 0)) {
    return false;
  }
  return !EndsInNumber(last);
}

std::string HostToUnicode(std::string_view canonical_host) {
  const UIDNA* idna = Uts46();
  if (idna == nullptr || !HasAceLabel(canonical_host)) {
    return std::string(canonical_host);
  }
  char buffer[4 * (kMaxHostLength + 1)];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = uidna_nameToUnicodeUTF8(
      idna, canonical_host.data(), static_cast<int32_t>(canonical_host.size()),
      buffer, sizeof(buffer), &info, &status);
  if (U_FAILURE(status) || (info.errors & ~kIgnoredIdnaErrors) != 0) {
    return std::string(canonical_host);
  }
  return std::string(buffer, length);
}

bool IsLocalhost(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host == "localhost" || absl::EndsWith(AbslView(host), ".localhost")) return true;
  if (host == "[::1]") return true;
  // Canonical hosts that end in a number are IPv4 addresses.
  return host.substr(0, 4) == "127." && EndsInNumber(host);
}

}  // namespace cookiejar
