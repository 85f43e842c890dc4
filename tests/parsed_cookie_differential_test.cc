// The one-pass Set-Cookie tokenizer (jar/parsed_cookie.cc) against the parser
// it replaced, kept here only as the reference: on the http-state corpus, on
// edge cases around its 16-byte blocks and on seeded random lines, both must
// give the same status and, for an accepted line, the same views.

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gtest/gtest.h"
#include "cookiejar/parsed_cookie.h"
#include "tests/http_state_lines.h"

namespace cookiejar {
namespace {

// The parser before the one-pass tokenizer (commit c28f88d), unchanged but
// for its name: a control-character scan, then per part a search for ';', a
// search for '=' and two trims.
namespace reference {

bool IsControl(unsigned char c) { return (c <= 0x1f && c != '\t') || c == 0x7f; }

size_t FirstControlOrTab(std::string_view line) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, line.data() + i, 8);
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    const uint64_t x = w ^ (kOnes * 0x7f);
    const uint64_t is_del = (x - kOnes) & ~x & kHigh;
    if ((below_space | is_del) != 0) break;
  }
  for (; i < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c == 0x7f) return i;
  }
  return std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (static_cast<unsigned>(c - 'A') < 26u) c += 32;
    if (c != static_cast<unsigned char>(lower[i])) return false;
  }
  return true;
}

const char* FindByte(const char* p, const char* end, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t pattern = kOnes * static_cast<unsigned char>(c);
  for (; end - p >= 8; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t x = w ^ pattern;
    const uint64_t found = (x - kOnes) & ~x & kHigh;
    if (found != 0) return p + (__builtin_ctzll(found) >> 3);
  }
  while (p != end && *p != c) ++p;
  return p;
}

void SetAttribute(std::string_view attribute, std::string_view value, ParsedCookie* out) {
  switch (attribute.size()) {
    case 4:
      if (EqualsLower(attribute, "path")) out->path = value;
      break;
    case 6:
      if (EqualsLower(attribute, "domain")) out->domain = value;
      if (EqualsLower(attribute, "secure")) out->secure = true;
      break;
    case 7:
      if (EqualsLower(attribute, "expires")) out->expires = value;
      if (EqualsLower(attribute, "max-age")) out->max_age = value;
      break;
    case 8:
      if (EqualsLower(attribute, "httponly")) out->http_only = true;
      if (EqualsLower(attribute, "samesite")) out->same_site = value;
      if (EqualsLower(attribute, "priority")) out->priority = value;
      break;
    case 11:
      if (EqualsLower(attribute, "partitioned")) out->partitioned = true;
      break;
    default:
      break;
  }
}

CookieInclusionStatus Parse(std::string_view line, const CookieSyntaxRules& rules,
                            ParsedCookie* out, size_t max_name_value_bytes) {
  using Reason = CookieExclusionReason;
  *out = ParsedCookie();
  bool tabs = false;
  if (size_t first = FirstControlOrTab(line); first != std::string_view::npos) {
    for (size_t i = first; i < line.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      if (c == '\t') {
        tabs = true;
      } else if (IsControl(c)) {
        return CookieInclusionStatus(Reason::kControlCharacter);
      }
    }
  }
  const bool refuse_tabs = tabs && rules.reject_tab;
  auto has_tab = [](std::string_view s) { return s.find('\t') != std::string_view::npos; };
  const char* const end = line.data() + line.size();
  const char* semicolon = FindByte(line.data(), end, ';');
  const char* equals = FindByte(line.data(), semicolon, '=');
  if (equals == semicolon) {
    const std::string_view pair = Trim(std::string_view(line.data(), semicolon - line.data()));
    (rules.bare_token == CookieSyntaxRules::BareToken::kName ? out->name : out->value) = pair;
  } else {
    out->name = Trim(std::string_view(line.data(), equals - line.data()));
    out->value = Trim(std::string_view(equals + 1, semicolon - equals - 1));
  }
  if (out->name.empty() && out->value.empty()) return CookieInclusionStatus(Reason::kNoCookieContent);
  if (out->name.empty() && !rules.allow_empty_name) return CookieInclusionStatus(Reason::kEmptyName);
  if (out->name.size() + out->value.size() > max_name_value_bytes) {
    return CookieInclusionStatus(Reason::kNameValueTooLong);
  }
  if (out->name.empty() && out->value.find('=') != std::string_view::npos) {
    return CookieInclusionStatus(Reason::kInvalidNameOrValue);
  }
  if (refuse_tabs && (has_tab(out->name) || has_tab(out->value))) {
    return CookieInclusionStatus(Reason::kControlCharacter);
  }
  while (semicolon != end) {
    const char* start = semicolon + 1;
    semicolon = FindByte(start, end, ';');
    const char* av_equals = FindByte(start, semicolon, '=');
    const std::string_view attribute = Trim(std::string_view(start, av_equals - start));
    const std::string_view value =
        av_equals == semicolon
            ? std::string_view()
            : Trim(std::string_view(av_equals + 1, semicolon - av_equals - 1));
    if (refuse_tabs && (has_tab(attribute) || has_tab(value))) {
      return CookieInclusionStatus(Reason::kControlCharacter);
    }
    if (!attribute.empty() && value.size() <= kMaxAttributeValueBytes) {
      SetAttribute(attribute, value, out);
    }
  }
  if (!rules.priority) out->priority.reset();
  return CookieInclusionStatus();
}

}  // namespace reference

// The same bytes at the same place in the line (a view that points
// elsewhere would outlive nothing the caller keeps).
bool SameView(std::string_view a, std::string_view b) {
  return a == b && (a.empty() || a.data() == b.data());
}

bool SameView(const std::optional<std::string_view>& a, const std::optional<std::string_view>& b) {
  return a.has_value() == b.has_value() && (!a || SameView(*a, *b));
}

std::vector<CookieSyntaxRules> AllRules() {
  CookieSyntaxRules chromium;
  CookieSyntaxRules firefox;
  firefox.bare_token = CookieSyntaxRules::BareToken::kName;
  firefox.allow_empty_name = false;
  firefox.reject_tab = false;
  firefox.priority = false;
  CookieSyntaxRules mixed;
  mixed.bare_token = CookieSyntaxRules::BareToken::kName;
  mixed.reject_tab = true;
  mixed.allow_empty_name = false;
  return {chromium, firefox, mixed};
}

// Runs both parsers on `line` with every rule set and a few size limits;
// returns how many comparisons differed (each is reported).
int CountDifferences(const std::string& line) {
  int differences = 0;
  for (const CookieSyntaxRules& rules : AllRules()) {
    for (size_t limit : {kMaxNameValueBytes, size_t{0}, size_t{5}, size_t{40}}) {
      ParsedCookie expected, actual;
      const CookieInclusionStatus expected_status =
          reference::Parse(line, rules, &expected, limit);
      const CookieInclusionStatus actual_status = ParsedCookie::Parse(line, rules, &actual, limit);
      bool same = expected_status == actual_status;
      if (same && expected_status.IsInclude()) {
        same = SameView(expected.name, actual.name) && SameView(expected.value, actual.value) &&
               SameView(expected.expires, actual.expires) &&
               SameView(expected.max_age, actual.max_age) &&
               SameView(expected.domain, actual.domain) && SameView(expected.path, actual.path) &&
               SameView(expected.same_site, actual.same_site) &&
               SameView(expected.priority, actual.priority) && expected.secure == actual.secure &&
               expected.http_only == actual.http_only &&
               expected.partitioned == actual.partitioned;
      }
      if (!same) {
        ++differences;
        ADD_FAILURE() << "line " << nlohmann::json(line).dump(-1, ' ', true) << " (limit "
                      << limit << ", reject_tab " << rules.reject_tab << "): reference "
                      << expected_status.ToString() << ", one-pass "
                      << actual_status.ToString();
      }
    }
  }
  return differences;
}

TEST(ParsedCookieDifferentialTest, HttpStateCorpus) {
  const std::vector<std::string> lines = testing::HttpStateSetCookieLines();
  for (const std::string& line : lines) {
    // Each line also at a few offsets, which moves it across the blocks.
    for (const char* prefix : {"", " ", "       ", "\t              "}) {
      EXPECT_EQ(CountDifferences(prefix + line), 0);
    }
  }
  EXPECT_GT(lines.size(), 250u);
}

TEST(ParsedCookieDifferentialTest, EdgeCases) {
  std::vector<std::string> lines = {
      "", ";", "=", ";;", "==", " ", "\t", "a", "a=", "=a", "=a=b", " a = b ", "a=b;",
      "a=b; ", "a=b;=", "a=b; =c", "a=b; Path", "a=b; Path=", "a=b;path=/x;PATH=/y",
      "a=b; Domain=; Secure; HttpOnly; SameSite=lax; Priority=HIGH; Partitioned",
      "a\tb=c", "a=b\tc", "\ta=b\t", "a=b; Pa\tth=/", "a=b; Path=/\tx", "a=b; \tPath\t=\t/\t",
      std::string("a=b\0c", 5), "a=b\x7f", "a=b; Path=/\x01", "a\r=b", "a=b\n",
      "a=b; Max-Age=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
      "\xff\xfe=\x80; Path=\xc3\xa9",
      // Attribute names that differ from a known one in one byte's case bit.
      "a=b; pAtH=/x; MAX-AGE=5; max_age=6; maxmage=7; p@th=/y; P`TH=/z; Pa\xd4h=/w",
      "a=b; PARTITIONED; partitionEd; partitioneD; partitione; partitionedx; Partit\xc9oned",
      "a=b; SECURE; s\xc5" "cure; HTTPONLY; httponlY; SameSitE=Strict; PRIORITY=low; domaiN=x",
  };
  // Separators and controls at every position around a 16-byte boundary.
  for (size_t length = 1; length <= 48; ++length) {
    for (char c : {';', '=', '\t', ' ', '\x01', '\x7f', '\x1f', '\x20', '\x80'}) {
      for (size_t at : {size_t{0}, length / 2, length - 1}) {
        std::string line(length, 'x');
        line[at] = c;
        lines.push_back(line);
        line.insert(0, "n=v; Path=/; ");
        lines.push_back(line);
      }
    }
  }
  // Each of them at every position of longer lines, which the tokenizer
  // walks two blocks at a time, and after a pair that ends there.
  for (size_t length : {63, 64, 65, 80, 96}) {
    for (char c : {';', '=', '\t', ' ', '\x01', '\x7f', '\x1f', '\x80'}) {
      for (size_t at = 0; at < length; ++at) {
        std::string line(length, 'x');
        line[at] = c;
        lines.push_back(line);
        line.replace(at / 2, 1, ";");
        lines.push_back(line);
      }
    }
  }
  // Attribute values around the 1,024-byte limit, a pair around 4,096.
  for (size_t n : {1023, 1024, 1025}) lines.push_back("a=b; Path=/" + std::string(n - 1, 'p'));
  for (size_t n : {4094, 4095, 4096}) lines.push_back("a=" + std::string(n, 'v'));
  int differences = 0;
  for (const std::string& line : lines) differences += CountDifferences(line);
  EXPECT_EQ(differences, 0);
}

// The fast path for lines without controls (jar/parsed_cookie.cc): it reads
// an attribute's name as the word at its start (shifted into place near the
// line's end), looks at the first two blocks for the pair's ';' and '=',
// and checks the whole line for controls by blocks folded into their least
// and greatest bytes. Each of those at every offset from the line's end and
// from the blocks' edges.
TEST(ParsedCookieDifferentialTest, FastPathEdges) {
  std::vector<std::string> lines;
  const std::vector<std::string> attributes = {
      "Path=/p", "path=", "PATH=/a/b/c/d/e/f/g/h/i", "Max-Age=5", "max-age=", "SameSite=Lax",
      "samesite=STRICT", "SameSite=", "SameSite", "Priority=High", "priority=low", "Priority",
      "Domain=d.com", "DOMAIN=", "Expires=x", "expires=", "Secure", "SECURE", "secure=1",
      "Secur", "Securex", "HttpOnly", "httponly=", "HttpOnlyx", "Partitioned", "Path =/",
      "Path= /", "Path=/ ", "Pathx=1", "Pat=1", "Max-Agex=1", "samesitex=1", "=", "", " "};
  for (size_t pad = 0; pad <= 40; ++pad) {
    const std::string pair = "n=" + std::string(pad, 'v');
    for (const std::string& attribute : attributes) {
      for (const char* separator : {";", "; ", ";  "}) {
        lines.push_back(pair + separator + attribute);
        lines.push_back(pair + separator + attribute + ";");
        lines.push_back(pair + separator + attribute + "; Secure");
        lines.push_back(pair + separator + attribute + separator + "x=" + std::string(pad, 'y'));
      }
    }
  }
  // ';', '=', blanks and controls at every position of lines of every
  // length around one and two blocks, alone and with a '=' or ';' after.
  for (size_t length = 1; length <= 40; ++length) {
    for (char c : {';', '=', '\t', ' ', '\x01', '\x7f', '\x80', '\xff'}) {
      for (size_t at = 0; at < length; ++at) {
        std::string line(length, 'x');
        line[at] = c;
        lines.push_back(line);
        if (at + 1 < length) {
          line[length - 1] = c == '=' ? ';' : '=';
          lines.push_back(line);
        }
      }
    }
  }
  // DEL among bytes outside ASCII (which alone do not refuse a line) at
  // every position, and bytes outside ASCII alone.
  for (size_t length = 16; length <= 70; ++length) {
    std::string line = "n=" + std::string(length - 2, '\xc3');
    lines.push_back(line);
    for (size_t at = 0; at < length; ++at) {
      std::string with_delete = line;
      with_delete[at] = '\x7f';
      lines.push_back(with_delete);
    }
  }
  int differences = 0;
  for (const std::string& line : lines) {
    differences += CountDifferences(line);
    if (differences > 20) break;
  }
  EXPECT_EQ(differences, 0);
}

TEST(ParsedCookieDifferentialTest, SeededRandomLines) {
  std::mt19937 random(27);
  const std::vector<std::string> pieces = {
      ";", "; ", "=", " ", "\t", "  ", "a", "id", "42", "x=y", "Path", "path", "PATH", "Domain",
      "domain", "Secure", "secure", "Expires", "expires", "Max-Age", "max-age", "HttpOnly",
      "httponly", "SameSite", "samesite", "Priority", "priority", "Partitioned", "partitioned",
      "Lax", "Strict", "None", "High", "/", "example.com", ".example.com", "Wed, 21 Oct 2026",
      "\xc3\xa9", "\x80", "\"", ",", "Pathx", "Securee", "HttpOnl"};
  int differences = 0;
  for (int i = 0; i < 20000 && differences < 20; ++i) {
    std::string line;
    const int parts = std::uniform_int_distribution<int>(0, 24)(random);
    for (int p = 0; p < parts; ++p) {
      const int kind = std::uniform_int_distribution<int>(0, 99)(random);
      if (kind < 2) {
        // A control character, tab included, or DEL.
        const char controls[] = {'\0', '\x01', '\t', '\n', '\r', '\x1f', '\x7f'};
        line += controls[std::uniform_int_distribution<int>(0, 6)(random)];
      } else if (kind < 4) {
        // A long run, sometimes past the attribute or pair limits.
        line.append(std::uniform_int_distribution<size_t>(16, 1100)(random), 'v');
      } else if (kind < 12) {
        line += static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
      } else {
        line += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(random)];
      }
    }
    differences += CountDifferences(line);
  }
  EXPECT_EQ(differences, 0);
}

}  // namespace
}  // namespace cookiejar
