#include "cookiejar/url.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "jar/internal/byte_block.h"
#include "jar/internal/url_parser.h"

namespace cookiejar {
namespace {

absl::Status InvalidUrl(std::string_view text, std::string_view why) {
  constexpr size_t kShown = 100;
  std::string shown = absl::CHexEscape(AbslView(text.substr(0, kShown)));
  if (text.size() > kShown) shown += "...";
  return absl::InvalidArgumentError(
      absl::StrCat("invalid URL \"", shown, "\": ", AbslView(why)));
}

int DefaultPort(std::string_view scheme) {
  return (scheme == "https" || scheme == "wss") ? 443 : 80;
}

bool IsSlash(char c) { return c == '/' || c == '\\'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// WHATWG path percent-encode set, for the bytes that can reach a path.
bool NeedsEscape(unsigned char c) {
  return c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' ||
         c == '{' || c == '}';
}

// WHATWG special-query percent-encode set.
bool NeedsQueryEscape(unsigned char c) {
  return c <= 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' || c == '\'';
}

// Appends the canonical form of `raw` to `*out`: a reused Url keeps its buffer.
void AppendCanonicalQuery(std::string_view raw, std::string* out) {
  std::string& query = *out;
  query.reserve(query.size() + raw.size());
  const size_t start = query.size();
  for (char c : raw) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (NeedsQueryEscape(byte) && !(c == '?' && query.size() == start)) {
      constexpr char kHex[] = "0123456789ABCDEF";
      query += '%';
      query += kHex[byte >> 4];
      query += kHex[byte & 15];
    } else {
      query += c;
    }
  }
}

bool IsSingleDot(std::string_view segment) {
  return segment == "." || absl::EqualsIgnoreCase(AbslView(segment), "%2e");
}

bool IsDoubleDot(std::string_view segment) {
  for (std::string_view dots : {"..", ".%2e", "%2e.", "%2e%2e"}) {
    if (absl::EqualsIgnoreCase(AbslView(segment), AbslView(dots))) return true;
  }
  return false;
}

// Canonical path from the raw path text (which starts with a slash or is empty).
std::string CanonicalPath(std::string_view raw) {
  // Most paths are canonical already: no backslash, no byte to escape and no
  // segment starting with '.' or "%2e".
  bool plain = !raw.empty();
  for (size_t i = 0; plain && i < raw.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == '\\' || NeedsEscape(c)) plain = false;
    if (c == '/' && i + 1 < raw.size() && (raw[i + 1] == '.' || raw[i + 1] == '%')) plain = false;
  }
  if (plain) return std::string(raw);
  std::vector<std::string> segments;
  if (!raw.empty()) raw.remove_prefix(1);  // The leading slash.
  for (size_t start = 0;;) {
    size_t end = start;
    while (end < raw.size() && !IsSlash(raw[end])) ++end;
    std::string_view segment = raw.substr(start, end - start);
    const bool last = end >= raw.size();
    if (IsDoubleDot(segment)) {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (IsSingleDot(segment)) {
      if (last) segments.emplace_back();
    } else {
      std::string escaped;
      for (char c : segment) {
        if (NeedsEscape(static_cast<unsigned char>(c))) {
          constexpr char kHex[] = "0123456789ABCDEF";
          const unsigned char byte = static_cast<unsigned char>(c);
          escaped += '%';
          escaped += kHex[byte >> 4];
          escaped += kHex[byte & 15];
        } else {
          escaped += c;
        }
      }
      segments.push_back(std::move(escaped));
    }
    if (last) break;
    start = end + 1;
  }
  std::string path;
  for (const std::string& segment : segments) absl::StrAppend(&path, "/", segment);
  return path.empty() ? "/" : path;
}

}  // namespace

namespace {

// Byte classes for the one pass over a URL's authority and path.
enum : uint8_t {
  kEndsAuthority = 1 << 0,  // '/', '\\', '?', '#'
  kAuthorityOther = 1 << 1, // '@', ':', '[', '%': user info, port, IPv6, escapes
  kNotPlainPath = 1 << 2,   // '\\' or a byte the path escapes
  kEndsPath = 1 << 3,       // '?', '#'
  kControl = 1 << 4,        // C0 controls, space: trimmed at the ends
  kSimpleHost = 1 << 5,     // a-z 0-9 - _ . : a canonical host byte
  kDigit = 1 << 6,          // 0-9
  kDash = 1 << 7,           // '-': a label may start "xn--"
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    uint8_t bits = 0;
    if (c == '/' || c == '\\' || c == '?' || c == '#') bits |= kEndsAuthority;
    if (c == '@' || c == ':' || c == '[' || c == '%') bits |= kAuthorityOther;
    if (c == '\\' || c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' ||
        c == '{' || c == '}') {
      bits |= kNotPlainPath;
    }
    if (c == '?' || c == '#') bits |= kEndsPath;
    if (c <= 0x20) bits |= kControl;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
      bits |= kSimpleHost;
    }
    if (c >= '0' && c <= '9') bits |= kDigit;
    if (c == '-') bits |= kDash;
    classes[c] = bits;
  }
  return classes;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

uint8_t ClassOf(char c) { return kClasses[static_cast<unsigned char>(c)]; }

// Whether `text` has a byte below 0x20, eight bytes at a time.
bool HasByteBelowSpace(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if (((w - kOnes * 0x20) & ~w & kHigh) != 0) return true;
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) < 0x20) return true;
  }
  return false;
}

// "http://" or "https://" exactly (the common case): the scheme's length.
size_t CommonScheme(std::string_view text) {
  if (text.size() >= 8 && std::memcmp(text.data(), "https://", 8) == 0) return 5;
  if (text.size() >= 7 && std::memcmp(text.data(), "http://", 7) == 0) return 4;
  return 0;
}

}  // namespace

absl::StatusOr<Url> Url::Parse(std::string_view text) {
  Url url;
  absl::Status status = ParseInto(text, &url);
  if (!status.ok()) return status;
  return url;
}

absl::Status Url::ParseInto(std::string_view text, Url* out) {
  if (jar_internal::UrlParser::ParseCommon(text, out)) return absl::OkStatus();
  return jar_internal::UrlParser::ParseGeneral(text, out);
}

namespace jar_internal {

absl::Status UrlParser::ParseGeneral(std::string_view text, Url* out) {
  Url& url = *out;
  // WHATWG: strip leading and trailing C0 controls and spaces, and remove
  // tabs and newlines anywhere. Checked on the ends first: URLs almost never
  // carry them.
  std::string cleaned;
  if (!text.empty() && ((ClassOf(text.front()) | ClassOf(text.back())) & kControl)) {
    while (!text.empty() && (ClassOf(text.front()) & kControl)) text.remove_prefix(1);
    while (!text.empty() && (ClassOf(text.back()) & kControl)) text.remove_suffix(1);
  }

  if (HasByteBelowSpace(text) && text.find_first_of("\t\r\n") != std::string_view::npos) {
    for (char c : text) {
      if (c != '\t' && c != '\r' && c != '\n') cleaned += c;
    }
    return ParseGeneral(cleaned, out);
  }

  size_t colon;
  if (const size_t common = CommonScheme(text); common != 0) {
    colon = common;
    // A Url reused after an error may hold any scheme of this length.
    if (std::string_view(url.scheme_) != text.substr(0, common)) {
      url.scheme_.assign(text.data(), common);
    }
    url.cryptographic_ = common == 5;
  } else {
    colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return InvalidUrl(text, "no scheme");
    url.scheme_ = absl::AsciiStrToLower(AbslView(text.substr(0, colon)));
    if (url.scheme_ != "http" && url.scheme_ != "https" && url.scheme_ != "ws" &&
        url.scheme_ != "wss") {
      return InvalidUrl(text, absl::StrCat("scheme \"", url.scheme_,
                                           "\" does not carry cookies (http, https, ws, wss)"));
    }
    url.cryptographic_ = url.scheme_ == "https" || url.scheme_ == "wss";
  }

  // One pass over the authority finds its end and whether it needs the
  // general path: user info, a port, IPv6, escapes.
  size_t pos = colon + 1;
  while (pos < text.size() && IsSlash(text[pos])) ++pos;
  // It also sees whether the host is canonical as written (IsSimpleCanonicalDomain
  // without a second pass): simple bytes, labels of 1 to 63 bytes.
  size_t authority_end = pos;
  uint8_t authority_bits = 0, all_bits = 0xff;
  size_t label_start = pos;
  bool bad_label = false;
  uint8_t label_bits = kDigit;  // kDigit while the current label is all digits
  while (authority_end < text.size()) {
    const char c = text[authority_end];
    const uint8_t bits = ClassOf(c);
    if (bits & kEndsAuthority) break;
    authority_bits |= bits;
    all_bits &= bits;
    label_bits &= bits;
    if (c == '.') {
      const size_t size = authority_end - label_start;
      bad_label |= size == 0 || size > 63;
      label_start = authority_end + 1;
      label_bits = kDigit;
    }
    ++authority_end;
  }
  std::string_view authority = text.substr(pos, authority_end - pos);
  std::string_view host = authority, port;
  if (authority_bits & kAuthorityOther) {
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos) authority.remove_prefix(at + 1);
    host = authority;
    if (!authority.empty() && authority.front() == '[') {
      size_t close = authority.find(']');
      if (close == std::string_view::npos) return InvalidUrl(text, "unclosed IPv6 literal");
      host = authority.substr(0, close + 1);
      std::string_view rest = authority.substr(close + 1);
      if (!rest.empty()) {
        if (rest.front() != ':') return InvalidUrl(text, "junk after IPv6 literal");
        port = rest.substr(1);
      }
    } else if (size_t port_colon = authority.find(':'); port_colon != std::string_view::npos) {
      host = authority.substr(0, port_colon);
      port = authority.substr(port_colon + 1);
    }
  }
  if (host.empty()) return InvalidUrl(text, "no host");

  url.port_ = url.cryptographic_ ? 443 : 80;
  if (!port.empty()) {
    int value = 0;
    for (char c : port) {
      if (!absl::ascii_isdigit(c)) return InvalidUrl(text, "invalid port");
      value = value * 10 + (c - '0');
      if (value > 65535) return InvalidUrl(text, "port out of range");
    }
    url.port_ = value;
  }

  // The common host: simple bytes, good labels, no "xn--" label (only
  // possible with a dash), a last label that is not a number.
  bool simple = !(authority_bits & kAuthorityOther) && (all_bits & kSimpleHost) && !bad_label &&
                host.size() <= 253;
  if (simple) {
    const std::string_view last = text.substr(label_start, authority_end - label_start);
    const bool number = (label_bits & kDigit) != 0;
    simple = !last.empty() && last.size() <= 63 && !number &&
             !(last.size() >= 2 && last[0] == '0' && last[1] == 'x') &&
             (!(authority_bits & kDash) || IsSimpleCanonicalDomain(host));
  }
  if (simple) {
    // A scratch Url asked about the same host again keeps it.
    if (url.host_ != host) url.host_.assign(host.data(), host.size());
    url.host_kind_ = HostKind::kDomain;
  } else if (IsSimpleCanonicalDomain(host)) {
    url.host_.assign(host.data(), host.size());
    url.host_kind_ = HostKind::kDomain;
  } else {
    absl::StatusOr<CanonicalHost> canonical =
        host.find('%') == std::string_view::npos ? CanonicalizeHost(host)
                                                 : CanonicalizeHost(PercentDecode(host));
    if (!canonical.ok()) return InvalidUrl(text, StdView(canonical.status().message()));
    url.host_ = std::move(canonical->name);
    url.host_kind_ = canonical->kind;
  }

  // The path up to '?' or '#', noting whether it is canonical already: no
  // backslash, no byte to escape, no segment starting with '.' or '%'.
  const size_t path_start = authority_end;
  size_t path_end = path_start;
  bool plain = path_start < text.size();
  while (path_end < text.size()) {
    const char c = text[path_end];
    const uint8_t bits = ClassOf(c);
    if (bits & kEndsPath) break;
    if ((bits & kNotPlainPath) ||
        (c == '/' && path_end + 1 < text.size() &&
         (text[path_end + 1] == '.' || text[path_end + 1] == '%'))) {
      plain = false;
    }
    ++path_end;
  }
  const std::string_view path = text.substr(path_start, path_end - path_start);
  if (plain && !path.empty()) {
    url.path_.assign(path.data(), path.size());
  } else {
    url.path_ = CanonicalPath(path);
  }
  url.query_.clear();
  if (path_end < text.size() && text[path_end] == '?') {
    std::string_view query = text.substr(path_end);
    query = query.substr(0, query.find('#'));
    AppendCanonicalQuery(query, &url.query_);
  }
  return absl::OkStatus();
}

bool UrlParser::ParseCommon(std::string_view text, Url* out) {
  CommonUrl parts;
  if (!url_parser_internal::ParseCommonParts(text, &parts)) return false;
  Assign(parts, out);
  return true;
}

}  // namespace jar_internal

absl::StatusOr<Url> Url::Resolve(std::string_view reference) const {
  size_t scheme_end = reference.find_first_of(":/\\?#");
  if (scheme_end != std::string_view::npos && scheme_end > 0 &&
      reference[scheme_end] == ':' && absl::ascii_isalpha(reference[0])) {
    return Parse(reference);
  }
  if (reference.size() >= 2 && IsSlash(reference[0]) && IsSlash(reference[1])) {
    return Parse(absl::StrCat(scheme_, ":", AbslView(reference)));
  }
  const std::string origin = absl::StrCat(
      scheme_, "://", host_, port_ == DefaultPort(scheme_) ? "" : absl::StrCat(":", port_));
  if (!reference.empty() && IsSlash(reference[0])) {
    return Parse(absl::StrCat(origin, AbslView(reference)));
  }
  if (reference.empty() || reference[0] == '#') {
    return Parse(absl::StrCat(origin, path_, query_));
  }
  if (reference[0] == '?') return Parse(absl::StrCat(origin, path_, AbslView(reference)));
  const std::string_view directory = std::string_view(path_).substr(0, path_.rfind('/') + 1);
  return Parse(absl::StrCat(origin, AbslView(directory), AbslView(reference)));
}

bool Url::IsPotentiallyTrustworthy() const {
  return cryptographic_ || IsLocalhost(host_);
}

std::string Url::Spec() const {
  return absl::StrCat(scheme_, "://", host_,
                      port_ == DefaultPort(scheme_) ? "" : absl::StrCat(":", port_), path_);
}

}  // namespace cookiejar
