// The compiled form of the Public Suffix List: a hash table of every rule and
// every suffix of a rule ("nodes"), keyed by the suffix text.
//
// A lookup walks the host's labels from the right, extending the suffix one
// label at a time. The hash is computed over the bytes from right to left, so
// each step only hashes the new label. Because every suffix of every rule is a
// node, the walk stops at the first suffix that is not in the table. Keys share
// storage: a key that is a label-suffix of a longer key points into it.
//
// The same layout is emitted as constant data at build time
// (tools/compile_psl.cc) and built in memory for a list loaded at run time.
// Chosen over a DAFSA and a sorted table by measurement: docs/benchmarks.md.

#ifndef COOKIEJAR_PUBLIC_SUFFIX_INTERNAL_SUFFIX_TABLE_H_
#define COOKIEJAR_PUBLIC_SUFFIX_INTERNAL_SUFFIX_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cookiejar {
namespace psl_internal {

// What the list says about one suffix, per section of the list.
enum NodeFlag : uint8_t {
  kIcannRule = 1 << 0,         // "example"
  kPrivateRule = 1 << 1,
  kIcannWildcard = 1 << 2,     // "*.example": every child is a suffix.
  kPrivateWildcard = 1 << 3,
  kIcannException = 1 << 4,    // "!www.example": not a suffix after all.
  kPrivateException = 1 << 5,
};

struct Node {
  uint32_t key_offset;  // Into TableView::keys.
  uint16_t tag;         // More hash bits, to skip most key comparisons.
  uint8_t key_length;   // 0 marks an empty slot.
  uint8_t flags;        // NodeFlag bits.
};
static_assert(sizeof(Node) == 8, "Node is packed into 8 bytes");

struct TableView {
  const char* keys;
  const Node* nodes;
  uint32_t mask;        // Slot count - 1 (a power of two).
  uint32_t rule_count;  // Rules in the source list.
};

// Incremental hash over a suffix read right to left.
constexpr uint64_t kHashSeed = 0xcbf29ce484222325ull;
inline uint64_t HashByte(uint64_t hash, unsigned char lowered) {
  return (hash ^ lowered) * 0x100000001b3ull;
}
inline uint64_t Finish(uint64_t hash) { return hash * 0x9e3779b97f4a7c15ull; }

inline unsigned char AsciiLower(unsigned char c) {
  return static_cast<unsigned char>(c + (static_cast<unsigned>(c - 'A') < 26u ? 32 : 0));
}

// Finds the node whose key equals `suffix` (ASCII case-insensitively), given
// the unfinished hash of `suffix`'s bytes read right to left.
inline const Node* FindNode(const TableView& table, std::string_view suffix,
                            uint64_t hash) {
  if (suffix.size() > 255) return nullptr;
  const uint64_t mixed = Finish(hash);
  const uint16_t tag = static_cast<uint16_t>(mixed >> 16);
  for (uint32_t i = static_cast<uint32_t>(mixed >> 40) & table.mask;;
       i = (i + 1) & table.mask) {
    const Node& node = table.nodes[i];
    if (node.key_length == 0) return nullptr;
    if (node.tag != tag || node.key_length != suffix.size()) continue;
    const char* key = table.keys + node.key_offset;
    size_t k = 0;
    while (k < suffix.size() &&
           AsciiLower(static_cast<unsigned char>(suffix[k])) ==
               static_cast<unsigned char>(key[k])) {
      ++k;
    }
    if (k == suffix.size()) return &node;
  }
}

// A table built in memory; `view()` points into it.
struct OwnedTable {
  std::string keys;
  std::vector<Node> nodes;
  uint32_t rule_count = 0;

  TableView view() const {
    return TableView{keys.data(), nodes.data(),
                     static_cast<uint32_t>(nodes.size() - 1), rule_count};
  }
};

// Parses the text of a list in the public_suffix_list.dat format and builds
// its table. Rules before any "===BEGIN ... DOMAINS===" marker count as ICANN
// rules. Errors (with the line number) for rules that are not valid host
// names, misplaced wildcards, exception rules of one label, or a list without
// rules.
absl::StatusOr<OwnedTable> BuildTable(std::string_view list_text);

}  // namespace psl_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PUBLIC_SUFFIX_INTERNAL_SUFFIX_TABLE_H_
