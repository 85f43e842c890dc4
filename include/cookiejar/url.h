// The parts of a request URL that cookies depend on: scheme, canonical host,
// port and path. Parses absolute http, https, ws and wss URLs the way the
// WHATWG URL Standard does for these schemes (browsers agree on it):
//   - scheme and host are lowercased; the host is canonicalized
//     (host/canonical_host.h) after percent-decoding;
//   - the query is kept for the HTTP client (query()), not used by cookies;
//     user info and the fragment are dropped: neither is sent in a request;
//   - backslashes count as slashes; "." and ".." path segments (also written
//     "%2e") are resolved; bytes outside the path character set (spaces,
//     quotes, non-ASCII) are percent-encoded, and existing escapes are kept
//     as they are, so "/f%6Fo" stays different from "/foo".
// Parse once and reuse the Url for every cookie call about that request.
//
// Example:
//   absl::StatusOr<Url> url = Url::Parse("HTTPS://User@WWW.Example.COM:443/a/./b?q#f");
//   // url->scheme() == "https", url->host() == "www.example.com",
//   // url->port() == 443, url->path() == "/a/b", url->query() == "?q",
//   // url->Href() == "https://www.example.com/a/b?q"

#ifndef COOKIEJAR_URL_H_
#define COOKIEJAR_URL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cookiejar/canonical_host.h"

namespace cookiejar {
namespace jar_internal {
class UrlParser;
}  // namespace jar_internal

class Url {
 public:
  // An empty URL (no scheme, no host, path ""), to parse into with
  // ParseInto; no cookie goes to it.
  Url() = default;

  // Parses an absolute URL. Errors name the problem: unsupported scheme,
  // missing or invalid host, invalid port.
  static absl::StatusOr<Url> Parse(std::string_view text);
  // The same into `*out`, reusing its storage: no allocation once its
  // strings have grown. `*out` is unspecified after an error.
  static absl::Status ParseInto(std::string_view text, Url* out);

  // Resolves `reference` (absolute, scheme-relative "//host/p", absolute path
  // "/p", relative path "p", or query "?q") against this URL, as a browser
  // follows a Location header. The result keeps the reference's query.
  absl::StatusOr<Url> Resolve(std::string_view reference) const;

  const std::string& scheme() const { return scheme_; }
  const std::string& host() const { return host_; }
  HostKind host_kind() const { return host_kind_; }
  int port() const { return port_; }
  const std::string& path() const { return path_; }
  // "?..." as in the URL (bytes outside the WHATWG query set escaped), or ""
  // without a query. "?" alone stays "?".
  const std::string& query() const { return query_; }

  // https or wss.
  bool IsCryptographic() const { return cryptographic_; }
  // Cryptographic, or a localhost / loopback host: may set and receive
  // Secure cookies (Chromium's "potentially trustworthy" rule).
  bool IsPotentiallyTrustworthy() const;

  // scheme://host[:port]path, the port only when it is not the default:
  // what cookies see of the URL.
  std::string Spec() const;
  // Spec() and the query: what an HTTP client requests.
  std::string Href() const { return Spec() + query_; }

 private:
  friend class jar_internal::UrlParser;

  std::string scheme_;
  std::string host_;
  HostKind host_kind_ = HostKind::kDomain;
  int port_ = 0;
  std::string path_;
  std::string query_;
  bool cryptographic_ = false;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_URL_H_
