#include "cookiejar/url.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

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

std::string CanonicalQuery(std::string_view raw) {
  std::string query;
  query.reserve(raw.size());
  for (char c : raw) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (NeedsQueryEscape(byte) && !(c == '?' && query.empty())) {
      constexpr char kHex[] = "0123456789ABCDEF";
      query += '%';
      query += kHex[byte >> 4];
      query += kHex[byte & 15];
    } else {
      query += c;
    }
  }
  return query;
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

absl::StatusOr<Url> Url::Parse(std::string_view text) {
  // WHATWG: strip leading and trailing C0 controls and spaces, and remove
  // tabs and newlines anywhere.
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= 0x20) text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= 0x20) text.remove_suffix(1);
  std::string cleaned;
  if (text.find_first_of("\t\r\n") != std::string_view::npos) {
    for (char c : text) {
      if (c != '\t' && c != '\r' && c != '\n') cleaned += c;
    }
    text = cleaned;
  }

  Url url;
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return InvalidUrl(text, "no scheme");
  url.scheme_ = absl::AsciiStrToLower(AbslView(text.substr(0, colon)));
  if (url.scheme_ != "http" && url.scheme_ != "https" && url.scheme_ != "ws" &&
      url.scheme_ != "wss") {
    return InvalidUrl(text, absl::StrCat("scheme \"", url.scheme_,
                                         "\" does not carry cookies (http, https, ws, wss)"));
  }
  url.cryptographic_ = url.scheme_ == "https" || url.scheme_ == "wss";

  size_t pos = colon + 1;
  while (pos < text.size() && IsSlash(text[pos])) ++pos;
  size_t authority_end = text.find_first_of("/\\?#", pos);
  if (authority_end == std::string_view::npos) authority_end = text.size();
  std::string_view authority = text.substr(pos, authority_end - pos);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);

  std::string_view host = authority, port;
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
  if (host.empty()) return InvalidUrl(text, "no host");

  url.port_ = DefaultPort(url.scheme_);
  if (!port.empty()) {
    int value = 0;
    for (char c : port) {
      if (!absl::ascii_isdigit(c)) return InvalidUrl(text, "invalid port");
      value = value * 10 + (c - '0');
      if (value > 65535) return InvalidUrl(text, "port out of range");
    }
    url.port_ = value;
  }

  absl::StatusOr<CanonicalHost> canonical =
      host.find('%') == std::string_view::npos ? CanonicalizeHost(host)
                                               : CanonicalizeHost(PercentDecode(host));
  if (!canonical.ok()) return InvalidUrl(text, StdView(canonical.status().message()));
  url.host_ = std::move(canonical->name);
  url.host_kind_ = canonical->kind;

  std::string_view rest = text.substr(authority_end);
  rest = rest.substr(0, rest.find('#'));
  const size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    url.query_ = CanonicalQuery(rest.substr(question));
    rest = rest.substr(0, question);
  }
  url.path_ = CanonicalPath(rest);
  return url;
}

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
