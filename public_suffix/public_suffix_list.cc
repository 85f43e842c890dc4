#include "cookiejar/public_suffix_list.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/user_file.h"
#include "public_suffix/internal/suffix_table.h"

namespace cookiejar {

namespace psl_internal {
// Generated at build time by //public_suffix:compile_psl.
extern const TableView kBuiltinTable;
}  // namespace psl_internal

using psl_internal::Node;

const PublicSuffixList& PublicSuffixList::Builtin() {
  static const PublicSuffixList* const builtin =
      new PublicSuffixList(&psl_internal::kBuiltinTable);
  return *builtin;
}

PublicSuffixList::PublicSuffixList(const psl_internal::TableView* table) : table_(table) {}

PublicSuffixList::PublicSuffixList(psl_internal::OwnedTable owned)
    : owned_(std::make_unique<psl_internal::OwnedTable>(std::move(owned))),
      owned_view_(std::make_unique<psl_internal::TableView>(owned_->view())),
      table_(owned_view_.get()) {}

PublicSuffixList::~PublicSuffixList() = default;

size_t PublicSuffixList::rule_count() const { return table_->rule_count; }

absl::StatusOr<std::unique_ptr<PublicSuffixList>> PublicSuffixList::Parse(
    std::string_view text) {
  absl::StatusOr<psl_internal::OwnedTable> table = psl_internal::BuildTable(text);
  if (!table.ok()) return table.status();
  return std::unique_ptr<PublicSuffixList>(new PublicSuffixList(*std::move(table)));
}

absl::StatusOr<std::unique_ptr<PublicSuffixList>> PublicSuffixList::Load(
    const std::string& path) {
  absl::StatusOr<std::string> text =
      user_file::Read(path, user_file::Limits{kMaxPublicSuffixListBytes});
  if (!text.ok()) return text.status();
  absl::StatusOr<std::unique_ptr<PublicSuffixList>> list = Parse(*text);
  if (!list.ok()) {
    return absl::Status(list.status().code(),
                        absl::StrCat(path, ": ", list.status().message()));
  }
  return list;
}

size_t PublicSuffixList::SuffixStart(std::string_view host, SuffixRules rules) const {
  std::string_view name = host;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.front() == '.') return std::string_view::npos;
  if (name.back() == ']') return std::string_view::npos;  // IPv6.
  // A canonical host whose last label is all digits is an IPv4 address.
  for (size_t i = name.size();; --i) {
    if (i == 0 || name[i - 1] == '.') return std::string_view::npos;
    const unsigned char c = static_cast<unsigned char>(name[i - 1]);
    if (c < '0' || c > '9') break;
  }
  const bool with_private = rules == SuffixRules::kIcannAndPrivate;
  const uint8_t rule_mask =
      psl_internal::kIcannRule | (with_private ? psl_internal::kPrivateRule : 0);
  const uint8_t wildcard_mask =
      psl_internal::kIcannWildcard | (with_private ? psl_internal::kPrivateWildcard : 0);
  const uint8_t exception_mask =
      psl_internal::kIcannException | (with_private ? psl_internal::kPrivateException : 0);

  uint64_t hash = psl_internal::kHashSeed;
  size_t end = name.size();       // One past the current label.
  size_t suffix_start = end;      // Start of the prevailing suffix so far.
  bool parent_wildcard = false;
  bool walking = true;            // Still inside nodes of the table.
  for (;;) {
    size_t start = end;
    while (start > 0 && name[start - 1] != '.') {
      --start;
      if (walking) {
        hash = psl_internal::HashByte(
            hash, psl_internal::AsciiLower(static_cast<unsigned char>(name[start])));
      }
    }
    if (start == end) return std::string_view::npos;  // Empty label.
    if (walking) {
      // The implicit "*" rule makes the last label a suffix; a wildcard on
      // the parent makes this label one.
      if (end == name.size() || parent_wildcard) suffix_start = start;
      const Node* node = psl_internal::FindNode(*table_, name.substr(start), hash);
      if (node == nullptr) {
        walking = false;
      } else if (node->flags & exception_mask) {
        suffix_start = end + 1;
        walking = false;
      } else {
        if (node->flags & rule_mask) suffix_start = start;
        parent_wildcard = (node->flags & wildcard_mask) != 0;
      }
    }
    if (start == 0) return suffix_start;
    // Keep scanning leftwards after the walk ends only to reject empty labels.
    end = start - 1;
    if (walking) hash = psl_internal::HashByte(hash, '.');
  }
}

std::string_view PublicSuffixList::PublicSuffix(std::string_view host,
                                                SuffixRules rules) const {
  size_t start = SuffixStart(host, rules);
  return start == std::string_view::npos ? std::string_view() : host.substr(start);
}

std::string_view PublicSuffixList::RegistrableDomain(std::string_view host,
                                                     SuffixRules rules) const {
  size_t start = SuffixStart(host, rules);
  if (start == std::string_view::npos || start == 0) return {};
  size_t dot = host.rfind('.', start - 2);
  return host.substr(dot == std::string_view::npos ? 0 : dot + 1);
}

bool PublicSuffixList::IsPublicSuffix(std::string_view host, SuffixRules rules) const {
  return SuffixStart(host, rules) == 0;
}

}  // namespace cookiejar
