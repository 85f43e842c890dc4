#include "cookiejar/parsed_cookie.h"

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

// Records one attribute (RFC 6265bis §5.6.1 to §5.6.7, Partitioned and
// Priority). Unknown attributes are ignored. SameSite and Priority are
// decoded at each occurrence: the last one's meaning stays, and a line
// rarely repeats them.
void SetAttribute(std::string_view attribute, std::string_view value, CookieLine* out) {
  const char* const p = attribute.data();
  switch (attribute.size()) {
    case 4:
      if (Matches(LoadName<4>(p), kPath)) {
        out->path = value;
        out->attributes |= CookieLine::kPath;
      }
      break;
    case 6: {
      const uint64_t word = LoadName<6>(p);
      if (Matches(word, kDomain)) {
        out->domain = value;
        out->attributes |= CookieLine::kDomain;
      }
      if (Matches(word, kSecure)) out->attributes |= CookieLine::kSecure;
      break;
    }
    case 7: {
      const uint64_t word = LoadName<7>(p);
      if (Matches(word, kExpires)) {
        out->expires = value;
        out->attributes |= CookieLine::kExpires;
      }
      if (Matches(word, kMaxAge)) {
        out->max_age = value;
        out->attributes |= CookieLine::kMaxAge;
      }
      break;
    }
    case 8: {
      const uint64_t word = LoadName<8>(p);
      if (Matches(word, kHttpOnly)) out->attributes |= CookieLine::kHttpOnly;
      if (Matches(word, kSameSite)) {
        out->same_site = value;
        out->same_site_value = DecodeSameSite(value);
        out->attributes |= CookieLine::kSameSite;
      }
      if (Matches(word, kPriority)) {
        out->priority = value;
        out->priority_value = DecodePriority(value);
        out->attributes |= CookieLine::kPriority;
      }
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

}  // namespace

namespace jar_internal {

CookieInclusionStatus ParseCookieLine(std::string_view line, const CookieSyntaxRules& rules,
                                      CookieLine* out, size_t max_name_value_bytes) {
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
  if (!rules.priority) {
    out->attributes &= ~CookieLine::kPriority;
    out->priority_value = CookiePriority::kMedium;
  }
  return CookieInclusionStatus();
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
