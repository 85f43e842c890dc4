#include "cookiejar/parsed_cookie.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <type_traits>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "jar/internal/byte_block.h"
#include "jar/internal/cookie_line.h"

namespace cookiejar {
namespace {

bool IsControl(unsigned char c) { return (c <= 0x1f && c != '\t') || c == 0x7f; }

}  // namespace

// Eight bytes at a time: a word is checked byte by byte only when it has a
// byte below 0x20 or equal to 0x7f (tabs are common enough in broken headers
// to need the recheck, rare enough not to matter).
bool HasCookieControlCharacter(std::string_view line) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, line.data() + i, 8);
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    const uint64_t x = w ^ (kOnes * 0x7f);
    const uint64_t is_del = (x - kOnes) & ~x & kHigh;
    if ((below_space | is_del) != 0) {
      for (size_t k = i; k < i + 8; ++k) {
        if (IsControl(static_cast<unsigned char>(line[k]))) return true;
      }
    }
  }
  for (; i < line.size(); ++i) {
    if (IsControl(static_cast<unsigned char>(line[i]))) return true;
  }
  return false;
}

namespace {

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

// Trimming stops at the first byte that is not blank, so it reads only the
// blanks at the edges, not the token again. A part without a tab has only
// spaces to trim, one compare a byte. Where `end` is a byte of the line that
// is not blank (the part's '=' or ';'), the forward scan needs no bound; the
// backward scan never does, as it stops at the first byte kept at the latest.
template <bool kTabs, bool kEndIsSeparator>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline std::string_view Trim(const char* begin, const char* end) {
  auto blank = [](char c) { return kTabs ? IsSpaceOrTab(c) : c == ' '; };
  while ((kEndIsSeparator || begin != end) && blank(*begin)) ++begin;
  if (begin != end) {
    while (blank(end[-1])) --end;
  }
  return std::string_view(begin, static_cast<size_t>(end - begin));
}

bool HasTab(std::string_view s) { return s.find('\t') != std::string_view::npos; }

// One ';'-separated part of a line, untrimmed.
struct LinePart {
  const char* begin;
  const char* equals;  // Its first '=', or null.
  const char* end;     // Its ';', or the end of the line.
  bool semicolon;      // Whether `end` is a ';' (not the end of the line).
  // Whether it has a tab: only then can its key or value have one inside,
  // or blanks other than spaces at their edges.
  bool tab;
};

// The part's key (the whole part when it has no '=') and value (empty
// without '='), trimmed.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void Split(const LinePart& part, std::string_view* key,
                                               std::string_view* value) {
  if (ABSL_PREDICT_FALSE(part.tab)) {
    *key = Trim<true, false>(part.begin, part.equals != nullptr ? part.equals : part.end);
    *value = part.equals != nullptr ? Trim<true, false>(part.equals + 1, part.end)
                                    : std::string_view();
  } else if (ABSL_PREDICT_TRUE(part.semicolon)) {
    *key = Trim<false, true>(part.begin, part.equals != nullptr ? part.equals : part.end);
    *value = part.equals != nullptr ? Trim<false, true>(part.equals + 1, part.end)
                                    : std::string_view();
  } else if (part.equals != nullptr) {
    *key = Trim<false, true>(part.begin, part.equals);
    *value = Trim<false, false>(part.equals + 1, part.end);
  } else {
    *key = Trim<false, false>(part.begin, part.end);
    *value = std::string_view();
  }
}

// Splits a Set-Cookie line into its parts in one pass. Each block of 16
// bytes is classified once into a mask of the bytes that matter (';', '=',
// controls, tab); the parts come from walking the mask's bits, so no byte
// is searched twice and the bytes between separators are never looked at
// one by one. Trimming is left to the caller, which knows which edges it
// needs.
class LineScanner {
 public:
  explicit LineScanner(std::string_view line)
      : line_(line.data()), size_(static_cast<ptrdiff_t>(line.size())) {}

  // The part that starts at `begin` (the line's start or just after a
  // ';'), up to the next ';' or the end. False at a control character other
  // than tab: the line is refused whatever else it holds.
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool Next(const char* begin, LinePart* part) {
    part->begin = begin;
    part->equals = nullptr;
    part->tab = false;
    for (;;) {
      if (bits_ == 0 && !Advance()) {
        part->end = line_ + size_;
        part->semicolon = false;
        return true;
      }
      const char* const at = line_ + block_ + __builtin_ctz(bits_);
      bits_ &= bits_ - 1;
      const char c = *at;
      if (c == ';') {
        part->end = at;
        part->semicolon = true;
        return true;
      }
      if (c == '=') {
        if (part->equals == nullptr) part->equals = at;
      } else if (c == '\t') {
        part->tab = true;
      } else {
        return false;
      }
    }
  }

 private:
  using ByteBlock = jar_internal::ByteBlock;
  static constexpr ptrdiff_t kSize = ByteBlock::kSize;

  static uint32_t Mask(const ByteBlock& block) {
    return block.AtMostOrEqualsAny<';', '=', '\x7f'>('\x1f');
  }

  // A line shorter than a block is copied out, zero bytes after it: not the
  // line's. Out of line, so that Parse's frame has no buffer (nor the check
  // of the stack protector that a buffer brings).
  ABSL_ATTRIBUTE_NOINLINE static uint32_t ShortLineMask(const char* line, ptrdiff_t size) {
    return Mask(ByteBlock::LoadUpTo(line, line + size, line)) & ((1u << size) - 1);
  }

  // Moves to the next span with a byte of interest; false past the end.
  // A span is two blocks where the line has 32 bytes left (bits_ holds
  // both masks: one test and one loop turn for the two, which pays in long
  // values), one block where it has 16, then the line's last bytes.
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool Advance() {
    for (;;) {
      block_ = next_;
      if (block_ <= size_ - 2 * kSize) {
        next_ = block_ + 2 * kSize;
        bits_ = Mask(ByteBlock::Load(line_ + block_)) |
                Mask(ByteBlock::Load(line_ + block_ + kSize)) << kSize;
        if (bits_ != 0) return true;
      } else if (block_ <= size_ - kSize) {
        next_ = block_ + kSize;
        bits_ = Mask(ByteBlock::Load(line_ + block_));
        if (bits_ != 0) return true;
      } else {
        if (block_ >= size_) return false;
        next_ = size_;
        const ptrdiff_t left = size_ - block_;
        if (size_ >= kSize) {
          // The line's last 16 bytes, less those of the block before.
          bits_ = Mask(ByteBlock::Load(line_ + size_ - kSize)) >> (kSize - left);
        } else {
          bits_ = ShortLineMask(line_, size_);
        }
        return bits_ != 0;
      }
    }
  }

  const char* const line_;
  const ptrdiff_t size_;
  ptrdiff_t block_ = 0;  // Where the span whose mask is bits_ starts.
  ptrdiff_t next_ = 0;   // Where it ends.
  uint32_t bits_ = 0;    // Bytes of interest in it not yet walked.
};

// Attribute names are matched a word at a time: the name's bytes (up to
// eight) in one integer, its letters' case bit set, compared with the
// lowercase name's. Only letters get the case bit, so "max-age" does not
// match "max\rage" and nothing but 'A'-'Z' folds.
struct NameKey {
  uint64_t word;  // The lowercase name, its first byte lowest.
  uint64_t fold;  // 0x20 where the name has a letter.
};

constexpr NameKey Key(std::string_view lower) {
  NameKey key{0, 0};
  for (size_t i = lower.size(); i-- > 0;) {
    const bool letter = lower[i] >= 'a' && lower[i] <= 'z';
    key.word = key.word << 8 | static_cast<unsigned char>(lower[i]);
    key.fold = key.fold << 8 | (letter ? 0x20 : 0);
  }
  return key;
}

constexpr NameKey kPath = Key("path");
constexpr NameKey kDomain = Key("domain");
constexpr NameKey kSecure = Key("secure");
constexpr NameKey kExpires = Key("expires");
constexpr NameKey kMaxAge = Key("max-age");
constexpr NameKey kHttpOnly = Key("httponly");
constexpr NameKey kSameSite = Key("samesite");
constexpr NameKey kPriority = Key("priority");
// Partitioned, in two overlapping words (bytes 0-7 and 3-10).
constexpr NameKey kPartitio = Key("partitio");
constexpr NameKey kTitioned = Key("titioned");
// SameSite and Priority values.
constexpr NameKey kLax = Key("lax");
constexpr NameKey kNone = Key("none");
constexpr NameKey kStrict = Key("strict");
constexpr NameKey kLow = Key("low");
constexpr NameKey kHigh = Key("high");

// The bytes at `p` as an integer, the first lowest.
template <typename T>
T LoadLittle(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  if constexpr (sizeof(T) == 8) value = __builtin_bswap64(value);
  if constexpr (sizeof(T) == 4) value = __builtin_bswap32(value);
  if constexpr (sizeof(T) == 2) value = __builtin_bswap16(value);
#endif
  return value;
}

// The N bytes at `p` as Key lays them out. Two overlapping loads where N
// is not a power of two (their common bytes agree): a copy of N bytes into
// a word would go through memory.
template <size_t N>
uint64_t LoadName(const char* p) {
  static_assert(N >= 2 && N <= 8);
  if constexpr (N == 8) {
    return LoadLittle<uint64_t>(p);
  } else if constexpr (N >= 4) {
    return LoadLittle<uint32_t>(p) | uint64_t{LoadLittle<uint32_t>(p + N - 4)} << (8 * (N - 4));
  } else {
    return LoadLittle<uint16_t>(p) | uint64_t{LoadLittle<uint16_t>(p + N - 2)} << (8 * (N - 2));
  }
}

bool Matches(uint64_t word, NameKey key) { return (word | key.fold) == key.word; }

// What a SameSite or Priority value means: a word compare per value, as for
// attribute names.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline CookieSameSite DecodeSameSite(std::string_view value) {
  const char* const p = value.data();
  switch (value.size()) {
    case 3:
      if (Matches(LoadName<3>(p), kLax)) return CookieSameSite::kLax;
      break;
    case 4:
      if (Matches(LoadName<4>(p), kNone)) return CookieSameSite::kNoRestriction;
      break;
    case 6:
      if (Matches(LoadName<6>(p), kStrict)) return CookieSameSite::kStrict;
      break;
    default:
      break;
  }
  return CookieSameSite::kUnspecified;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline CookiePriority DecodePriority(std::string_view value) {
  const char* const p = value.data();
  switch (value.size()) {
    case 3:
      if (Matches(LoadName<3>(p), kLow)) return CookiePriority::kLow;
      break;
    case 4:
      if (Matches(LoadName<4>(p), kHigh)) return CookiePriority::kHigh;
      break;
    default:
      break;
  }
  return CookiePriority::kMedium;
}

using jar_internal::CookieLine;

// Records a value attribute's last occurrence.
template <jar_internal::LineView CookieLine::*kField, CookieLine::Attribute kBit>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void Keep(std::string_view value, CookieLine* out) {
  out->*kField = value;
  out->attributes |= kBit;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void KeepSameSite(std::string_view value, CookieLine* out) {
  Keep<&CookieLine::same_site, CookieLine::kSameSite>(value, out);
  out->same_site_value = DecodeSameSite(value);
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void KeepPriority(std::string_view value, CookieLine* out) {
  Keep<&CookieLine::priority, CookieLine::kPriority>(value, out);
  out->priority_value = DecodePriority(value);
}

// Records one attribute (RFC 6265bis §5.6.1 to §5.6.7, Partitioned and
// Priority). Unknown attributes are ignored. SameSite and Priority are
// decoded at each occurrence: the last one's meaning stays, and a line
// rarely repeats them.
void SetAttribute(std::string_view attribute, std::string_view value, CookieLine* out) {
  const char* const p = attribute.data();
  switch (attribute.size()) {
    case 4:
      if (Matches(LoadName<4>(p), kPath)) Keep<&CookieLine::path, CookieLine::kPath>(value, out);
      break;
    case 6: {
      const uint64_t word = LoadName<6>(p);
      if (Matches(word, kDomain)) Keep<&CookieLine::domain, CookieLine::kDomain>(value, out);
      if (Matches(word, kSecure)) out->attributes |= CookieLine::kSecure;
      break;
    }
    case 7: {
      const uint64_t word = LoadName<7>(p);
      if (Matches(word, kExpires)) Keep<&CookieLine::expires, CookieLine::kExpires>(value, out);
      if (Matches(word, kMaxAge)) Keep<&CookieLine::max_age, CookieLine::kMaxAge>(value, out);
      break;
    }
    case 8: {
      const uint64_t word = LoadName<8>(p);
      if (Matches(word, kHttpOnly)) out->attributes |= CookieLine::kHttpOnly;
      if (Matches(word, kSameSite)) KeepSameSite(value, out);
      if (Matches(word, kPriority)) KeepPriority(value, out);
      break;
    }
    case 11:
      if (Matches(LoadName<8>(p), kPartitio) && Matches(LoadName<8>(p + 3), kTitioned)) {
        out->attributes |= CookieLine::kPartitioned;
      }
      break;
    default:
      break;
  }
}

// Why the name-value pair is refused, if it is. What CheckNameAndValue would
// look for again is known from the split: the name has no ';' or '=', the
// value no ';', both are trimmed, and the scanner sees every control
// character.
std::optional<CookieExclusionReason> CheckPair(const LinePart& pair, std::string_view name,
                                               std::string_view value,
                                               const CookieSyntaxRules& rules,
                                               size_t max_name_value_bytes) {
  using Reason = CookieExclusionReason;
  if (name.empty() && value.empty()) return Reason::kNoCookieContent;
  if (name.empty() && !rules.allow_empty_name) return Reason::kEmptyName;
  if (name.size() + value.size() > max_name_value_bytes) return Reason::kNameValueTooLong;
  if (name.empty() && value.find('=') != std::string_view::npos) {
    return Reason::kInvalidNameOrValue;
  }
  if (pair.tab && rules.reject_tab && (HasTab(name) || HasTab(value))) {
    return Reason::kControlCharacter;
  }
  return std::nullopt;
}

// Priority as rules that do not read it see it: absent, every cookie medium.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void DropPriorityUnlessRead(const CookieSyntaxRules& rules,
                                                                CookieLine* out) {
  if (!rules.priority) {
    out->attributes &= ~CookieLine::kPriority;
    out->priority_value = CookiePriority::kMedium;
  }
}

// Any line: the path for those with a tab or a control character, and for
// those ParsePlainLine leaves (a pair refused or nameless).
ABSL_ATTRIBUTE_NOINLINE CookieInclusionStatus ParseAnyLine(std::string_view line,
                                                           const CookieSyntaxRules& rules,
                                                           CookieLine* out,
                                                           size_t max_name_value_bytes) {
  using Reason = CookieExclusionReason;
  const char* const end = line.data() + line.size();
  LineScanner scanner(line);
  LinePart part;
  if (!scanner.Next(line.data(), &part)) return CookieInclusionStatus(Reason::kControlCharacter);
  std::string_view key, value;
  Split(part, &key, &value);
  if (part.equals != nullptr) {
    out->name = key;
    out->value = value;
  } else if (rules.bare_token == CookieSyntaxRules::BareToken::kName) {
    out->name = key;
    out->value = std::string_view();
  } else {
    out->name = std::string_view();
    out->value = key;
  }
  if (std::optional<Reason> reason =
          CheckPair(part, out->name, out->value, rules, max_name_value_bytes)) {
    // A control character anywhere refuses the line before anything else
    // is judged, so the rest of the line is still checked for one.
    const char* const rest = part.end == end ? end : part.end + 1;
    return CookieInclusionStatus(
        HasCookieControlCharacter(std::string_view(rest, static_cast<size_t>(end - rest)))
            ? Reason::kControlCharacter
            : *reason);
  }
  out->attributes = 0;
  out->same_site_value = CookieSameSite::kUnspecified;
  out->priority_value = CookiePriority::kMedium;
  while (part.end != end) {
    if (!scanner.Next(part.end + 1, &part)) return CookieInclusionStatus(Reason::kControlCharacter);
    Split(part, &key, &value);
    if (part.tab && rules.reject_tab && (HasTab(key) || HasTab(value))) {
      return CookieInclusionStatus(Reason::kControlCharacter);
    }
    // An empty key falls through SetAttribute's switch.
    if (value.size() <= kMaxAttributeValueBytes) SetAttribute(key, value, out);
  }
  DropPriorityUnlessRead(rules, out);
  return CookieInclusionStatus();
}

// The rest of this namespace is the path of lines without tabs, control
// characters or DEL (nearly all): blanks are spaces only, and a byte ORed
// with 0x20 is a lowercase letter only where it was a letter (only controls
// become '=', ';', '-' or ' ' that way), so a whole word folds at once.

constexpr ptrdiff_t kBlockSize = jar_internal::ByteBlock::kSize;

// Where a block's first hit is.
inline unsigned FirstHit(uint32_t hits) { return static_cast<unsigned>(__builtin_ctz(hits)); }

// The first ';' from `p` on, or `end`; the bytes of [begin, end) are all
// readable. Two blocks a turn where the line has them (one test for both,
// which pays in long values), then one, then the line's last bytes.
// `kShort`: the part is likely to end within a block (an attribute's
// value), which is then tried alone first.
template <bool kShort>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline const char* FindSemicolon(const char* p, const char* begin,
                                                              const char* end) {
  using jar_internal::ByteBlock;
  if (kShort && end - p >= kBlockSize) {
    const uint32_t hits = ByteBlock::Load(p).EqualsAny<';'>();
    if (hits != 0) return p + FirstHit(hits);
    p += kBlockSize;
  }
  if (end - p >= 2 * kBlockSize) {
    // A bound computed once: the loop's test is then one compare.
    const char* const last = end - 2 * kBlockSize;
    do {
      const uint32_t hits = ByteBlock::Load(p).EqualsAny<';'>() |
                            ByteBlock::Load(p + kBlockSize).EqualsAny<';'>() << kBlockSize;
      if (hits != 0) return p + FirstHit(hits);
      p += 2 * kBlockSize;
    } while (p <= last);
  }
  if (end - p >= kBlockSize) {
    const uint32_t hits = ByteBlock::Load(p).EqualsAny<';'>();
    if (hits != 0) return p + FirstHit(hits);
    p += kBlockSize;
  }
  if (p == end) return end;
  const uint32_t hits = ByteBlock::LoadUpTo(p, end, begin).EqualsAny<';'>();
  return hits != 0 ? p + FirstHit(hits) : end;
}

// The first '=' in [p, stop), or `stop`; blocks may overrun `stop` up to
// `end`. Names are short: the first block nearly always decides.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline const char* FindEquals(const char* p, const char* stop,
                                                           const char* begin, const char* end) {
  using jar_internal::ByteBlock;
  for (; p < stop; p += kBlockSize) {
    const uint32_t hits = end - p >= kBlockSize
                              ? ByteBlock::Load(p).EqualsAny<'='>()
                              : ByteBlock::LoadUpTo(p, end, begin).EqualsAny<'='>();
    if (hits != 0) {
      const char* const at = p + FirstHit(hits);
      return at < stop ? at : stop;
    }
  }
  return stop;
}

// [begin, end) without the spaces at its edges. Nearly always there are
// none: one look at each edge says so.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline std::string_view SpaceTrimmed(const char* begin,
                                                                  const char* end) {
  if (ABSL_PREDICT_FALSE(begin != end && (*begin == ' ' || end[-1] == ' '))) {
    while (begin != end && *begin == ' ') ++begin;
    while (begin != end && end[-1] == ' ') --end;
  }
  return std::string_view(begin, static_cast<size_t>(end - begin));
}

// An attribute part in any form, from just after its ';': the same split as
// ParseAnyLine's. Returns where the part ends (its ';' or the line's end).
const char* TakeAnyAttribute(const char* p, const char* begin, const char* end, CookieLine* out) {
  const char* const part_end = FindSemicolon<true>(p, begin, end);
  const char* const equals = FindEquals(p, part_end, begin, end);
  const std::string_view key = SpaceTrimmed(p, equals);
  const std::string_view value =
      equals != part_end ? SpaceTrimmed(equals + 1, part_end) : std::string_view();
  if (value.size() <= kMaxAttributeValueBytes) SetAttribute(key, value, out);
  return part_end;
}

// The value that starts at `p` (just after '='), up to the part's end,
// handed to `keep` unless it is too long to count; returns the part's end.
template <typename KeepFn>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline const char* TakeValue(const char* p, const char* begin,
                                                          const char* end, CookieLine* out,
                                                          KeepFn keep) {
  const char* const part_end = FindSemicolon<true>(p, begin, end);
  const std::string_view value = SpaceTrimmed(p, part_end);
  if (ABSL_PREDICT_TRUE(value.size() <= kMaxAttributeValueBytes)) keep(value, out);
  return part_end;
}

// A flag (Secure, HttpOnly) whose name ends at `name_end`: recorded, and
// the part's end returned, where the part ends there; null otherwise (a
// value or blanks follow: the general way decides).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline const char* TakeFlag(const char* name_end, const char* end,
                                                         CookieLine::Attribute bit,
                                                         CookieLine* out) {
  if (name_end != end && *name_end != ';') return nullptr;
  out->attributes |= bit;
  return name_end;
}

// A name with its '=' as a folded word.
constexpr uint64_t Folded(std::string_view lower) { return Key(lower).word; }

constexpr uint64_t LowBytes(int n) { return n == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1; }

// The words TakeAttribute compares, as constants (a call of Folded in an
// `if` is not evaluated at compile time).
constexpr uint64_t kPathEquals = Folded("path=");
constexpr uint64_t kPriorityWord = Folded("priority");
constexpr uint64_t kMaxAgeEquals = Folded("max-age=");
constexpr uint64_t kSameSiteWord = Folded("samesite");
constexpr uint64_t kSecureWord = Folded("secure");
constexpr uint64_t kDomainEquals = Folded("domain=");
constexpr uint64_t kExpiresEquals = Folded("expires=");
constexpr uint64_t kHttpOnlyWord = Folded("httponly");

// One attribute part, from its ';' on; returns where it ends. The forms
// servers send ("; Path=/", "; Max-Age=60", "; Secure") are known from the
// word at the name's start: its '=' (or the part's end) is where the word
// says, so neither the name nor its end is searched for. Any other form
// takes the general way.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline const char* TakeAttribute(const char* semicolon,
                                                              const char* begin, const char* end,
                                                              CookieLine* out) {
  const char* const p = semicolon + 1;
  const char* k;
  uint64_t word;
  if (ABSL_PREDICT_TRUE(end - semicolon >= 10)) {
    // A space and a word fit before the end: no bound to test.
    k = p + (*p == ' ');
    word = jar_internal::short_bytes::Load64(k);
  } else {
    if (p == end) return end;  // An empty last part: nothing to record.
    k = p + (*p == ' ');
    const ptrdiff_t left = end - k;
    if (left == 0 || end - begin < 8) return TakeAnyAttribute(p, begin, end, out);
    // The line's last bytes, moved down to where a load at `k` has them:
    // the bytes past the end read as spaces once folded, which no name has.
    word = jar_internal::short_bytes::Load64(end - 8) >> (8 * (8 - left));
  }
  word |= 0x2020202020202020ull;
  // Bytes past the end cannot match '=' or a letter, so a match of N bytes
  // also says that the line has them.
  switch (static_cast<unsigned char>(word)) {
    case 'p':
      if ((word & LowBytes(5)) == kPathEquals) {
        return TakeValue(k + 5, begin, end, out, Keep<&CookieLine::path, CookieLine::kPath>);
      }
      if (word == kPriorityWord && k + 8 != end && k[8] == '=') {
        return TakeValue(k + 9, begin, end, out, KeepPriority);
      }
      break;
    case 'm':
      if (word == kMaxAgeEquals) {
        return TakeValue(k + 8, begin, end, out, Keep<&CookieLine::max_age, CookieLine::kMaxAge>);
      }
      break;
    case 's':
      if (word == kSameSiteWord && k + 8 != end && k[8] == '=') {
        return TakeValue(k + 9, begin, end, out, KeepSameSite);
      }
      if ((word & LowBytes(6)) == kSecureWord) {
        if (const char* part_end = TakeFlag(k + 6, end, CookieLine::kSecure, out)) {
          return part_end;
        }
      }
      break;
    case 'd':
      if ((word & LowBytes(7)) == kDomainEquals) {
        return TakeValue(k + 7, begin, end, out, Keep<&CookieLine::domain, CookieLine::kDomain>);
      }
      break;
    case 'e':
      if (word == kExpiresEquals) {
        return TakeValue(k + 8, begin, end, out, Keep<&CookieLine::expires, CookieLine::kExpires>);
      }
      break;
    case 'h':
      if (word == kHttpOnlyWord) {
        if (const char* part_end = TakeFlag(k + 8, end, CookieLine::kHttpOnly, out)) {
          return part_end;
        }
      }
      break;
    default:
      break;
  }
  return TakeAnyAttribute(p, begin, end, out);
}

// What ParseAnyLine would give for a line without a tab, a control
// character or DEL, whose pair is accepted and named; false for any other
// pair (then ParseAnyLine says).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool ParsePlainLine(std::string_view line,
                                                        const CookieSyntaxRules& rules,
                                                        CookieLine* out,
                                                        size_t max_name_value_bytes) {
  const char* const begin = line.data();
  const char* const end = begin + line.size();
  const char* pair_end;
  const char* equals;
  if (ABSL_PREDICT_TRUE(end - begin >= 2 * kBlockSize)) {
    // The name and its '=' are nearly always in the first two blocks: one
    // look at them finds both separators.
    using jar_internal::ByteBlock;
    const ByteBlock low = ByteBlock::Load(begin), high = ByteBlock::Load(begin + kBlockSize);
    const uint32_t semicolons = low.EqualsAny<';'>() | high.EqualsAny<';'>() << kBlockSize;
    const uint32_t equal_signs = low.EqualsAny<'='>() | high.EqualsAny<'='>() << kBlockSize;
    pair_end = semicolons != 0 ? begin + FirstHit(semicolons)
                               : FindSemicolon<false>(begin + 2 * kBlockSize, begin, end);
    if (equal_signs != 0) {
      equals = std::min(begin + FirstHit(equal_signs), pair_end);
    } else {
      equals = FindEquals(begin + 2 * kBlockSize, pair_end, begin, end);
    }
  } else {
    pair_end = FindSemicolon<false>(begin, begin, end);
    equals = FindEquals(begin, pair_end, begin, end);
  }
  const std::string_view key = SpaceTrimmed(begin, equals);
  std::string_view value;
  if (equals != pair_end) {
    value = SpaceTrimmed(equals + 1, pair_end);
  } else if (rules.bare_token != CookieSyntaxRules::BareToken::kName) {
    return false;  // A nameless cookie.
  }
  if (ABSL_PREDICT_FALSE(key.empty() || key.size() + value.size() > max_name_value_bytes)) {
    return false;
  }
  out->name = key;
  out->value = value;
  out->attributes = 0;
  out->same_site_value = CookieSameSite::kUnspecified;
  out->priority_value = CookiePriority::kMedium;
  for (const char* p = pair_end; p != end;) p = TakeAttribute(p, begin, end, out);
  DropPriorityUnlessRead(rules, out);
  return true;
}
}  // namespace

namespace jar_internal {

CookieInclusionStatus ParseCookieLine(std::string_view line, const CookieSyntaxRules& rules,
                                      CookieLine* out, size_t max_name_value_bytes) {
  if (ABSL_PREDICT_TRUE(!jar_internal::ByteBlock::HasControlOrDelete(line.data(), line.size())) &&
      ABSL_PREDICT_TRUE(ParsePlainLine(line, rules, out, max_name_value_bytes))) {
    return CookieInclusionStatus();
  }
  return ParseAnyLine(line, rules, out, max_name_value_bytes);
}

CookieLine CookieLineOf(const ParsedCookie& parsed) {
  CookieLine line;
  line.name = parsed.name;
  line.value = parsed.value;
  line.attributes = 0;
  auto copy = [&line](const std::optional<std::string_view>& from, jar_internal::LineView* to,
                      CookieLine::Attribute bit) {
    if (from) {
      *to = *from;
      line.attributes |= bit;
    }
  };
  copy(parsed.expires, &line.expires, CookieLine::kExpires);
  copy(parsed.max_age, &line.max_age, CookieLine::kMaxAge);
  copy(parsed.domain, &line.domain, CookieLine::kDomain);
  copy(parsed.path, &line.path, CookieLine::kPath);
  copy(parsed.same_site, &line.same_site, CookieLine::kSameSite);
  copy(parsed.priority, &line.priority, CookieLine::kPriority);
  if (parsed.secure) line.attributes |= CookieLine::kSecure;
  if (parsed.http_only) line.attributes |= CookieLine::kHttpOnly;
  if (parsed.partitioned) line.attributes |= CookieLine::kPartitioned;
  line.same_site_value = parsed.SameSite();
  line.priority_value = parsed.Priority();
  return line;
}

}  // namespace jar_internal

CookieInclusionStatus ParsedCookie::Parse(std::string_view line, const CookieSyntaxRules& rules,
                                          ParsedCookie* out, size_t max_name_value_bytes) {
  // A new one in place: `*out = ParsedCookie()` builds one on the stack and
  // copies it, and resetting each optional tests it first.
  static_assert(std::is_trivially_destructible_v<ParsedCookie>);
  out = new (out) ParsedCookie;
  CookieLine parsed;
  CookieInclusionStatus status =
      jar_internal::ParseCookieLine(line, rules, &parsed, max_name_value_bytes);
  if (!status.IsInclude()) return status;
  out->name = parsed.name;
  out->value = parsed.value;
  if (parsed.has(CookieLine::kExpires)) out->expires = parsed.expires;
  if (parsed.has(CookieLine::kMaxAge)) out->max_age = parsed.max_age;
  if (parsed.has(CookieLine::kDomain)) out->domain = parsed.domain;
  if (parsed.has(CookieLine::kPath)) out->path = parsed.path;
  if (parsed.has(CookieLine::kSameSite)) out->same_site = parsed.same_site;
  if (parsed.has(CookieLine::kPriority)) out->priority = parsed.priority;
  out->secure = parsed.has(CookieLine::kSecure);
  out->http_only = parsed.has(CookieLine::kHttpOnly);
  out->partitioned = parsed.has(CookieLine::kPartitioned);
  return status;
}

CookieInclusionStatus CheckNameAndValue(std::string_view name, std::string_view value,
                                        const CookieSyntaxRules& rules,
                                        size_t max_name_value_bytes) {
  using Reason = CookieExclusionReason;
  if (HasCookieControlCharacter(name) || HasCookieControlCharacter(value)) {
    return CookieInclusionStatus(Reason::kControlCharacter);
  }
  if (name.empty() && value.empty()) return CookieInclusionStatus(Reason::kNoCookieContent);
  if (name.empty() && !rules.allow_empty_name) return CookieInclusionStatus(Reason::kEmptyName);
  if (name.size() + value.size() > max_name_value_bytes) {
    return CookieInclusionStatus(Reason::kNameValueTooLong);
  }
  auto untrimmed = [](std::string_view s) {
    return !s.empty() && (IsSpaceOrTab(s.front()) || IsSpaceOrTab(s.back()));
  };
  // A nameless cookie with '=' in its value ("=a=b") would be sent as
  // "a=b", the cookie named "a": Chromium and Firefox both refuse it.
  if (untrimmed(name) || untrimmed(value) || name.find_first_of(";=") != std::string_view::npos ||
      value.find(';') != std::string_view::npos ||
      (name.empty() && value.find('=') != std::string_view::npos)) {
    return CookieInclusionStatus(Reason::kInvalidNameOrValue);
  }
  if (rules.reject_tab && (name.find('\t') != std::string_view::npos ||
                           value.find('\t') != std::string_view::npos)) {
    return CookieInclusionStatus(Reason::kControlCharacter);
  }
  return CookieInclusionStatus();
}

CookieInclusionStatus CheckNameAndValue(std::string_view name, std::string_view value,
                                        size_t max_name_value_bytes) {
  CookieSyntaxRules lenient;
  lenient.reject_tab = false;
  return CheckNameAndValue(name, value, lenient, max_name_value_bytes);
}

CookieSameSite ParsedCookie::SameSite() const {
  return same_site ? DecodeSameSite(*same_site) : CookieSameSite::kUnspecified;
}

CookiePriority ParsedCookie::Priority() const {
  return priority ? DecodePriority(*priority) : CookiePriority::kMedium;
}

}  // namespace cookiejar
