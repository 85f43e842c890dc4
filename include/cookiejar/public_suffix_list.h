// The Public Suffix List (https://publicsuffix.org): which names are public
// suffixes ("com", "co.uk", "github.io"), under which anyone can register a
// name, and so which part of a host is its registrable domain ("eTLD+1"). The
// cookie jar uses it to refuse Domain attributes such as "co.uk" and to group
// cookies by site.
//
// The list is compiled into the library at build time from
// public_suffix/data/public_suffix_list.dat; a newer list can be loaded at run
// time. Lookups allocate nothing and return views into the host passed in.
//
// Example:
//   const PublicSuffixList& psl = PublicSuffixList::Builtin();
//   psl.RegistrableDomain("www.example.co.uk");  // "example.co.uk"
//   psl.PublicSuffix("www.example.co.uk");       // "co.uk"
//   psl.IsPublicSuffix("github.io");             // true
//   psl.IsPublicSuffix("github.io", SuffixRules::kIcannOnly);  // false
//
// Hosts must be canonical (host/canonical_host.h): ASCII, with internationalized
// labels in "xn--" form. ASCII letters may be uppercase. One trailing dot is
// allowed and kept in the result ("example.com." -> "example.com.").
// Algorithm (https://publicsuffix.org/list/): the matching rule with the most
// labels prevails, an exception rule ("!www.ck") prevails over all others and
// makes its parent the suffix, a wildcard ("*.ck") matches any one label, and
// an unlisted TLD is a public suffix by the implicit "*" rule.
//
// Lookups return an empty view for hosts that have no public suffix: the empty
// string, names with empty labels (".com", "a..com"), and IP addresses (a
// last label of digits, or brackets) which must never be matched against the
// list. Instances are immutable and safe to share between threads.

#ifndef COOKIEJAR_PUBLIC_SUFFIX_LIST_H_
#define COOKIEJAR_PUBLIC_SUFFIX_LIST_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cookiejar {

namespace psl_internal {
struct TableView;
struct OwnedTable;
}  // namespace psl_internal

// Which sections of the list apply.
enum class SuffixRules {
  // ICANN and PRIVATE sections, as browsers use for cookies: "github.io" is a
  // public suffix, so "a.github.io" and "b.github.io" are different sites.
  kIcannAndPrivate,
  // ICANN section only: "github.io" is a registrable domain under "io".
  kIcannOnly,
};

// The largest list file Load reads (the real list is about 250 KB).
inline constexpr size_t kMaxPublicSuffixListBytes = size_t{16} << 20;

class PublicSuffixList {
 public:
  // The snapshot compiled into the library. Shared, never destroyed.
  static const PublicSuffixList& Builtin();

  // Parses list text in the public_suffix_list.dat format. Errors name the
  // offending line. Rules before any "===BEGIN ... DOMAINS===" marker are
  // ICANN rules, so a hand-written list without markers works.
  static absl::StatusOr<std::unique_ptr<PublicSuffixList>> Parse(std::string_view text);

  // Reads and parses a list file. A file that is not a regular file (a FIFO
  // is refused, not waited for) or is larger than kMaxPublicSuffixListBytes
  // is an error (FailedPrecondition).
  static absl::StatusOr<std::unique_ptr<PublicSuffixList>> Load(const std::string& path);

  ~PublicSuffixList();
  PublicSuffixList(const PublicSuffixList&) = delete;
  PublicSuffixList& operator=(const PublicSuffixList&) = delete;

  // The public suffix of `host`: "co.uk" for "www.example.co.uk".
  std::string_view PublicSuffix(std::string_view host,
                                SuffixRules rules = SuffixRules::kIcannAndPrivate) const;

  // The registrable domain (public suffix plus one label) of `host`, or empty
  // when `host` is itself a public suffix or has none.
  std::string_view RegistrableDomain(std::string_view host,
                                     SuffixRules rules = SuffixRules::kIcannAndPrivate) const;

  // True when `host` is exactly a public suffix.
  bool IsPublicSuffix(std::string_view host,
                      SuffixRules rules = SuffixRules::kIcannAndPrivate) const;

  // How many rules the list has.
  size_t rule_count() const;

 private:
  explicit PublicSuffixList(const psl_internal::TableView* table);
  explicit PublicSuffixList(psl_internal::OwnedTable owned);

  // Offset in `host` at which its public suffix starts, or npos.
  size_t SuffixStart(std::string_view host, SuffixRules rules) const;

  std::unique_ptr<psl_internal::OwnedTable> owned_;  // Null for the built-in list.
  std::unique_ptr<psl_internal::TableView> owned_view_;
  const psl_internal::TableView* table_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_PUBLIC_SUFFIX_LIST_H_
