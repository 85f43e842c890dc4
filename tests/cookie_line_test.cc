// The jar's internal parse result (jar/internal/cookie_line.h) against the
// public ParsedCookie: on the http-state corpus, on each attribute present,
// absent, repeated and empty, and on seeded random lines, both must accept
// or refuse alike and describe the same cookie, SameSite and Priority
// decoded as ParsedCookie decodes them.

#include "jar/internal/cookie_line.h"

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gtest/gtest.h"
#include "cookiejar/browser_rules.h"
#include "cookiejar/parsed_cookie.h"
#include "tests/http_state_lines.h"

namespace cookiejar {
namespace jar_internal {
namespace {

bool SameView(std::string_view a, std::string_view b) {
  return a.data() == b.data() && a.size() == b.size();
}

// Whether `line` has the attribute exactly where `parsed` does, with the
// same view.
bool SameAttribute(const CookieLine& line, CookieLine::Attribute bit, LineView view,
                   const std::optional<std::string_view>& parsed) {
  return line.has(bit) == parsed.has_value() && (!parsed || SameView(view, *parsed));
}

// What differs between `line` and `parsed`, empty when nothing does.
std::string Difference(const CookieLine& line, const ParsedCookie& parsed) {
  if (!SameView(line.name, parsed.name)) return "name";
  if (!SameView(line.value, parsed.value)) return "value";
  if (!SameAttribute(line, CookieLine::kExpires, line.expires, parsed.expires)) return "expires";
  if (!SameAttribute(line, CookieLine::kMaxAge, line.max_age, parsed.max_age)) return "max_age";
  if (!SameAttribute(line, CookieLine::kDomain, line.domain, parsed.domain)) return "domain";
  if (!SameAttribute(line, CookieLine::kPath, line.path, parsed.path)) return "path";
  if (!SameAttribute(line, CookieLine::kSameSite, line.same_site, parsed.same_site)) {
    return "same_site";
  }
  if (!SameAttribute(line, CookieLine::kPriority, line.priority, parsed.priority)) {
    return "priority";
  }
  if (line.has(CookieLine::kSecure) != parsed.secure) return "secure";
  if (line.has(CookieLine::kHttpOnly) != parsed.http_only) return "http_only";
  if (line.has(CookieLine::kPartitioned) != parsed.partitioned) return "partitioned";
  if (line.same_site_value != parsed.SameSite()) return "same_site_value";
  if (line.priority_value != parsed.Priority()) return "priority_value";
  if (line.domain_or_empty() != parsed.domain.value_or(std::string_view())) {
    return "domain_or_empty";
  }
  if (line.path_or_empty() != parsed.path.value_or(std::string_view())) return "path_or_empty";
  return "";
}

// The syntax of each browser's rules, as a jar uses them.
std::vector<CookieSyntaxRules> AllRules() {
  return {BrowserRules::Chromium().syntax, BrowserRules::Firefox().syntax};
}

// Parses `text` both ways with each rule set; returns how many differed.
int CountDifferences(const std::string& text) {
  int differences = 0;
  for (const CookieSyntaxRules& rules : AllRules()) {
    for (size_t limit : {kMaxNameValueBytes, size_t{5}}) {
      ParsedCookie parsed;
      CookieLine line;
      const CookieInclusionStatus expected = ParsedCookie::Parse(text, rules, &parsed, limit);
      const CookieInclusionStatus actual = ParseCookieLine(text, rules, &line, limit);
      std::string difference = expected == actual ? "" : "status";
      if (difference.empty() && actual.IsInclude()) {
        difference = Difference(line, parsed);
        // A ParsedCookie made by hand reads as the line it came from.
        if (difference.empty()) difference = Difference(CookieLineOf(parsed), parsed);
      }
      if (!difference.empty()) {
        ++differences;
        ADD_FAILURE() << "line " << nlohmann::json(text).dump(-1, ' ', true) << " (limit "
                      << limit << ", priority " << rules.priority << "): " << difference;
      }
    }
  }
  return differences;
}

TEST(CookieLineTest, AgreesWithParsedCookieOnHttpStateCorpus) {
  const std::vector<std::string> lines = testing::HttpStateSetCookieLines();
  for (const std::string& line : lines) EXPECT_EQ(CountDifferences(line), 0);
  EXPECT_GT(lines.size(), 250u);
}

TEST(CookieLineTest, AgreesWithParsedCookieOnEachAttribute) {
  const std::vector<std::string> attributes = {
      "Expires=Wed, 21 Oct 2026 07:28:00 GMT", "Expires=", "Expires",
      "Max-Age=60", "Max-Age=", "max-age=-1", "Domain=example.com", "Domain=", "DOMAIN",
      "Path=/a", "Path=", "path", "SameSite=Lax", "SameSite=STRICT", "samesite=none",
      "SameSite=", "SameSite=bogus", "SameSite", "Priority=Low", "priority=HIGH",
      "Priority=medium", "Priority=", "Priority=urgent", "Secure", "secure=no", "HttpOnly",
      "HTTPONLY=", "Partitioned", "partitioned=1", "Unknown=1", "=x", ""};
  std::vector<std::string> lines = {"a=b", "a", "=b", "", "a=b;", "\x01", "a=b; Path=/\x01"};
  for (const std::string& attribute : attributes) {
    lines.push_back("a=b; " + attribute);
    lines.push_back(attribute);
    // Repeated: the last one wins, even when it is empty or unusable.
    for (const std::string& other : attributes) {
      lines.push_back("a=b; " + attribute + "; " + other);
    }
  }
  int differences = 0;
  for (const std::string& line : lines) differences += CountDifferences(line);
  EXPECT_EQ(differences, 0);
}

TEST(CookieLineTest, LastOccurrenceDecides) {
  CookieLine line;
  ASSERT_TRUE(ParseCookieLine("a=b; SameSite=Strict; Priority=High; SameSite=bogus; Priority=",
                              CookieSyntaxRules(), &line)
                  .IsInclude());
  EXPECT_EQ(line.same_site_value, CookieSameSite::kUnspecified);
  EXPECT_EQ(line.priority_value, CookiePriority::kMedium);
  EXPECT_TRUE(line.has(CookieLine::kSameSite));
  EXPECT_EQ(std::string_view(line.same_site), "bogus");
  EXPECT_TRUE(line.has(CookieLine::kPriority));
  EXPECT_EQ(std::string_view(line.priority), "");

  ASSERT_TRUE(ParseCookieLine("a=b; SameSite=bogus; SameSite=nOnE; Priority=x; Priority=LOW",
                              CookieSyntaxRules(), &line)
                  .IsInclude());
  EXPECT_EQ(line.same_site_value, CookieSameSite::kNoRestriction);
  EXPECT_EQ(line.priority_value, CookiePriority::kLow);
  EXPECT_FALSE(line.has(CookieLine::kSecure));
  EXPECT_EQ(line.domain_or_empty(), "");
  EXPECT_EQ(line.path_or_empty(), "");
}

TEST(CookieLineTest, RulesWithoutPriorityIgnoreIt) {
  CookieSyntaxRules rules;
  rules.priority = false;
  CookieLine line;
  ASSERT_TRUE(ParseCookieLine("a=b; Priority=High; Secure", rules, &line).IsInclude());
  EXPECT_FALSE(line.has(CookieLine::kPriority));
  EXPECT_EQ(line.priority_value, CookiePriority::kMedium);
  EXPECT_TRUE(line.has(CookieLine::kSecure));
}

TEST(CookieLineTest, SeededRandomLines) {
  std::mt19937 random(6);
  const std::vector<std::string> pieces = {
      ";", "; ", "=", " ", "\t", "a", "42", "Path", "PATH", "Domain", "Secure", "Expires",
      "Max-Age", "HttpOnly", "SameSite", "samesite", "Priority", "PRIORITY", "Partitioned",
      "Lax", "Strict", "None", "NONE", "High", "low", "Medium", "/", "example.com", "\x80"};
  int differences = 0;
  for (int i = 0; i < 5000 && differences < 20; ++i) {
    std::string line;
    const int parts = std::uniform_int_distribution<int>(0, 24)(random);
    for (int p = 0; p < parts; ++p) {
      line += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(random)];
    }
    differences += CountDifferences(line);
  }
  EXPECT_EQ(differences, 0);
}

}  // namespace
}  // namespace jar_internal
}  // namespace cookiejar
