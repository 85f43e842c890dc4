// Host canonicalization: the one place that turns a host as written (in a URL
// or a cookie's Domain attribute) into the form every other module compares.
//
// The rules follow the WHATWG URL Standard's host parser, which browsers share:
//   - ASCII letters are lowercased;
//   - internationalized names go through IDNA (UTS #46, non-transitional, with
//     the Bidi and ContextJ checks) to their ASCII "xn--" form, using ICU;
//   - IPv4 addresses in every WHATWG number form ("0x7f.1", "2130706433",
//     "0177.0.0.1") become dotted decimal ("127.0.0.1"), and IPv6 literals
//     become their compressed bracketed form ("[::1]");
//   - one trailing dot is kept ("example.com." is a different host from
//     "example.com", as in browsers), except on IPv4 addresses where it is
//     dropped.
// Unlike the WHATWG parser, it also enforces DNS length limits (at most 253
// bytes without the trailing dot, 1 to 63 bytes a label) and rejects empty
// labels ("a..b", ".a"), because such names cannot carry cookies. Percent
// escapes are not decoded: '%' is rejected.
//
// Example:
//   absl::StatusOr<CanonicalHost> host = CanonicalizeHost("WWW.Bücher.DE");
//   // host->name == "www.xn--bcher-kva.de", host->kind == HostKind::kDomain
//
// Bad input is an InvalidArgument status whose message names the problem.
// Thread-safe.

#ifndef COOKIEJAR_CANONICAL_HOST_H_
#define COOKIEJAR_CANONICAL_HOST_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cookiejar {

enum class HostKind {
  kDomain,  // A DNS name, in ASCII (A-label) form.
  kIPv4,    // Dotted decimal, "192.0.2.1".
  kIPv6,    // Bracketed and compressed, "[2001:db8::1]".
};

struct CanonicalHost {
  std::string name;
  HostKind kind = HostKind::kDomain;

  bool is_ip() const { return kind != HostKind::kDomain; }
};

// Canonicalizes `input` as described above.
absl::StatusOr<CanonicalHost> CanonicalizeHost(std::string_view input);

// True when `host` is already exactly what CanonicalizeHost would return for
// a domain name made only of lowercase ASCII letters, digits, '-', '_' and
// dots (no "xn--" label, no IP address). A cheap check that lets hot paths
// skip the full canonicalization.
bool IsSimpleCanonicalDomain(std::string_view host);

// The Unicode (U-label) form of a canonical host, for display only. Returns
// the input unchanged when it has no "xn--" label or does not convert.
std::string HostToUnicode(std::string_view canonical_host);

// True for "localhost", "*.localhost", 127.0.0.0/8 and [::1]: hosts that the
// Secure Contexts spec calls potentially trustworthy without TLS. Expects a
// canonical host.
bool IsLocalhost(std::string_view canonical_host);

}  // namespace cookiejar

#endif  // COOKIEJAR_CANONICAL_HOST_H_
