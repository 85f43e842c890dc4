#include "public_suffix/internal/suffix_table.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/absl_view.h"
#include "cookiejar/canonical_host.h"

namespace cookiejar {
namespace psl_internal {
namespace {

enum class Section { kIcann, kPrivate };

absl::Status LineError(size_t line_number, absl::string_view rule,
                       absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "public suffix list line ", line_number, ": rule \"", rule, "\": ", why));
}

uint64_t HashSuffix(absl::string_view suffix) {
  uint64_t hash = kHashSeed;
  for (size_t i = suffix.size(); i-- > 0;) {
    hash = HashByte(hash, static_cast<unsigned char>(suffix[i]));
  }
  return hash;
}

// Every label-suffix of `name`, longest first: "a.b.c", "b.c", "c".
std::vector<absl::string_view> LabelSuffixes(absl::string_view name) {
  std::vector<absl::string_view> suffixes;
  for (size_t start = 0;;) {
    suffixes.push_back(name.substr(start));
    size_t dot = name.find('.', start);
    if (dot == absl::string_view::npos) return suffixes;
    start = dot + 1;
  }
}

}  // namespace

absl::StatusOr<OwnedTable> BuildTable(std::string_view list_text) {
  // Ordered, so that the generated table does not depend on hash-map order.
  std::map<std::string, uint8_t> flags_by_suffix;
  Section section = Section::kIcann;
  uint32_t rule_count = 0;
  size_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(AbslView(list_text), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (absl::StartsWith(line, "//")) {
      if (absl::StrContains(line, "===BEGIN ICANN DOMAINS===")) section = Section::kIcann;
      if (absl::StrContains(line, "===BEGIN PRIVATE DOMAINS===")) section = Section::kPrivate;
      continue;
    }
    // A rule ends at the first whitespace; the rest of the line is ignored.
    absl::string_view rule = line.substr(0, line.find_first_of(" \t"));
    absl::string_view name = rule;
    const bool exception = absl::ConsumePrefix(&name, "!");
    const bool wildcard = absl::ConsumePrefix(&name, "*.");
    if (exception && wildcard) return LineError(line_number, rule, "exception and wildcard at once");
    if (absl::StrContains(name, '*')) {
      return LineError(line_number, rule, "'*' is only allowed as the whole leftmost label");
    }
    if (name.empty() || name.back() == '.' || name.front() == '.') {
      return LineError(line_number, rule, "not a domain name");
    }
    absl::StatusOr<CanonicalHost> host = CanonicalizeHost(StdView(name));
    if (!host.ok()) return LineError(line_number, rule, host.status().message());
    if (host->is_ip()) return LineError(line_number, rule, "an IP address");
    if (exception && !absl::StrContains(host->name, '.')) {
      return LineError(line_number, rule, "an exception rule needs at least two labels");
    }
    const bool icann = section == Section::kIcann;
    uint8_t flag = exception ? (icann ? kIcannException : kPrivateException)
                 : wildcard  ? (icann ? kIcannWildcard : kPrivateWildcard)
                             : (icann ? kIcannRule : kPrivateRule);
    for (absl::string_view suffix : LabelSuffixes(host->name)) {
      flags_by_suffix.emplace(std::string(suffix), 0);
    }
    flags_by_suffix[host->name] |= flag;
    ++rule_count;
  }
  if (rule_count == 0) {
    return absl::InvalidArgumentError("public suffix list has no rules");
  }

  OwnedTable table;
  table.rule_count = rule_count;
  // At most half full: a miss then probes about 1.5 slots on average.
  size_t slots = 16;
  while (slots < 2 * flags_by_suffix.size()) slots *= 2;
  table.nodes.assign(slots, Node{0, 0, 0, 0});

  // Longest keys first, so that shorter ones can point into them.
  std::vector<absl::string_view> keys;
  keys.reserve(flags_by_suffix.size());
  for (const auto& entry : flags_by_suffix) keys.push_back(entry.first);
  std::stable_sort(keys.begin(), keys.end(), [](absl::string_view a, absl::string_view b) {
    return a.size() > b.size();
  });
  absl::flat_hash_map<absl::string_view, uint32_t> offsets;
  for (absl::string_view key : keys) {
    auto found = offsets.find(key);
    uint32_t offset;
    if (found != offsets.end()) {
      offset = found->second;
    } else {
      offset = static_cast<uint32_t>(table.keys.size());
      table.keys.append(key.data(), key.size());
      for (absl::string_view suffix : LabelSuffixes(key)) {
        offsets.emplace(suffix, offset + static_cast<uint32_t>(key.size() - suffix.size()));
      }
    }
    const uint64_t mixed = Finish(HashSuffix(key));
    const uint32_t mask = static_cast<uint32_t>(slots - 1);
    uint32_t i = static_cast<uint32_t>(mixed >> 40) & mask;
    while (table.nodes[i].key_length != 0) i = (i + 1) & mask;
    table.nodes[i] = Node{offset, static_cast<uint16_t>(mixed >> 16),
                          static_cast<uint8_t>(key.size()),
                          flags_by_suffix.find(std::string(key))->second};
  }
  return table;
}

}  // namespace psl_internal
}  // namespace cookiejar
