#include "cookiejar/public_suffix_list.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cookiejar/canonical_host.h"
#include "tests/allocation_counter.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;

// One checkPublicSuffix(input, expected) line of test_psl.txt; "null" is
// represented by has_input / has_expected == false.
struct Vector {
  int line;
  bool has_input;
  std::string input;
  bool has_expected;
  std::string expected;
};

// Reads "null" or a single-quoted string at *pos, advancing past it.
bool ReadArgument(const std::string& text, size_t* pos, bool* present, std::string* out) {
  while (*pos < text.size() && (text[*pos] == ' ' || text[*pos] == ',')) ++*pos;
  if (text.compare(*pos, 4, "null") == 0) {
    *present = false;
    *pos += 4;
    return true;
  }
  if (*pos >= text.size() || text[*pos] != '\'') return false;
  size_t end = text.find('\'', *pos + 1);
  if (end == std::string::npos) return false;
  *present = true;
  *out = text.substr(*pos + 1, end - *pos - 1);
  *pos = end + 1;
  return true;
}

std::vector<Vector> ReadVectors() {
  std::vector<Vector> vectors;
  std::string text = testing::ReadTestData("psl/test_psl.txt");
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const std::string call = "checkPublicSuffix(";
    if (line.compare(0, call.size(), call) != 0) continue;
    Vector v{line_number, false, "", false, ""};
    size_t pos = call.size();
    if (!ReadArgument(line, &pos, &v.has_input, &v.input) ||
        !ReadArgument(line, &pos, &v.has_expected, &v.expected)) {
      ADD_FAILURE() << "unparsed line " << line_number << ": " << line;
      continue;
    }
    vectors.push_back(v);
  }
  return vectors;
}

// The harness of the list's own tests: canonicalize (lowercase, IDNA) the
// input, look up its registrable domain, and compare with the canonicalized
// expectation. A host that does not canonicalize has no registrable domain.
TEST(PublicSuffixListTest, AllTestPslVectorsPass) {
  const std::vector<Vector> vectors = ReadVectors();
  ASSERT_EQ(vectors.size(), 78u) << "test_psl.txt not found or not parsed";
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  for (const Vector& v : vectors) {
    std::string actual = "null";
    if (v.has_input) {
      absl::StatusOr<CanonicalHost> host = CanonicalizeHost(v.input);
      if (host.ok()) {
        std::string_view domain = psl.RegistrableDomain(host->name);
        if (!domain.empty()) actual = std::string(domain);
      }
    }
    std::string expected = "null";
    if (v.has_expected) {
      absl::StatusOr<CanonicalHost> host = CanonicalizeHost(v.expected);
      ASSERT_TRUE(host.ok()) << v.expected;
      expected = host->name;
    }
    EXPECT_EQ(actual, expected) << "test_psl.txt line " << v.line << ": " << v.input;
  }
}

// The jar decides the site of a cookie whose Domain attribute lies between
// the request's host and the host's registrable domain from the host's
// (cached) answer, without asking about the attribute. That holds when every
// such name has the host's registrable domain: checked for the test
// vectors' hosts, with labels added in front so that each rule is reached
// from below. A name above the registrable domain may have one of its own,
// which is why the jar asks about such an attribute.
TEST(PublicSuffixListTest, NamesBetweenAHostAndItsRegistrableDomainShareIt) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  std::vector<std::string> hosts = {"a.b.city.kawasaki.jp", "x.y.z.kawasaki.jp", "a.www.ck",
                                    "a.b.anything.ck",      "q.s3.amazonaws.com", "a.b.c.user.github.io"};
  for (const Vector& v : ReadVectors()) {
    if (!v.has_input) continue;
    absl::StatusOr<CanonicalHost> host = CanonicalizeHost(v.input);
    if (!host.ok()) continue;
    hosts.push_back(host->name);
    hosts.push_back("a.b." + host->name);
  }
  size_t checked = 0;
  for (const std::string& host : hosts) {
    for (SuffixRules rules : {SuffixRules::kIcannAndPrivate, SuffixRules::kIcannOnly}) {
      const std::string_view registrable = psl.RegistrableDomain(host, rules);
      if (registrable.empty()) continue;
      for (std::string_view domain = host; domain.size() >= registrable.size();) {
        EXPECT_EQ(psl.RegistrableDomain(domain, rules), registrable) << host << " / " << domain;
        ++checked;
        const size_t dot = domain.find('.');
        if (dot == std::string_view::npos) break;
        domain.remove_prefix(dot + 1);
      }
    }
  }
  EXPECT_GT(checked, 150u);
  EXPECT_EQ(psl.RegistrableDomain("q.s3.amazonaws.com"), "q.s3.amazonaws.com");
  EXPECT_EQ(psl.RegistrableDomain("amazonaws.com"), "amazonaws.com");
}

TEST(PublicSuffixListTest, PublicSuffixAndRegistrableDomain) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  EXPECT_EQ(psl.PublicSuffix("www.example.co.uk"), "co.uk");
  EXPECT_EQ(psl.RegistrableDomain("www.example.co.uk"), "example.co.uk");
  EXPECT_EQ(psl.RegistrableDomain("example.co.uk"), "example.co.uk");
  EXPECT_EQ(psl.RegistrableDomain("co.uk"), "");
  EXPECT_TRUE(psl.IsPublicSuffix("co.uk"));
  EXPECT_FALSE(psl.IsPublicSuffix("example.co.uk"));
}

TEST(PublicSuffixListTest, UnlistedTldIsASuffixByTheImplicitRule) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  EXPECT_EQ(psl.PublicSuffix("a.b.notatld"), "notatld");
  EXPECT_EQ(psl.RegistrableDomain("a.b.notatld"), "b.notatld");
  EXPECT_TRUE(psl.IsPublicSuffix("localhost"));
}

TEST(PublicSuffixListTest, WildcardAndExceptionRules) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  // "*.ck" and "!www.ck".
  EXPECT_TRUE(psl.IsPublicSuffix("anything.ck"));
  EXPECT_EQ(psl.RegistrableDomain("a.b.anything.ck"), "b.anything.ck");
  EXPECT_FALSE(psl.IsPublicSuffix("www.ck"));
  EXPECT_EQ(psl.RegistrableDomain("a.www.ck"), "www.ck");
  EXPECT_EQ(psl.PublicSuffix("a.www.ck"), "ck");
}

TEST(PublicSuffixListTest, PrivateRulesCanBeLeftOut) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  EXPECT_TRUE(psl.IsPublicSuffix("github.io"));
  EXPECT_EQ(psl.RegistrableDomain("user.github.io"), "user.github.io");
  EXPECT_FALSE(psl.IsPublicSuffix("github.io", SuffixRules::kIcannOnly));
  EXPECT_EQ(psl.RegistrableDomain("user.github.io", SuffixRules::kIcannOnly), "github.io");
  EXPECT_EQ(psl.PublicSuffix("user.github.io", SuffixRules::kIcannOnly), "io");
}

TEST(PublicSuffixListTest, AsciiCaseIsIgnoredAndKeptInTheResult) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  EXPECT_EQ(psl.RegistrableDomain("WWW.EXAMPLE.CO.UK"), "EXAMPLE.CO.UK");
  EXPECT_TRUE(psl.IsPublicSuffix("CO.UK"));
}

TEST(PublicSuffixListTest, TrailingDotIsKept) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  EXPECT_EQ(psl.RegistrableDomain("www.example.com."), "example.com.");
  EXPECT_EQ(psl.PublicSuffix("www.example.com."), "com.");
  EXPECT_TRUE(psl.IsPublicSuffix("com."));
}

TEST(PublicSuffixListTest, InvalidHostsHaveNoSuffix) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  for (std::string_view host : {"", ".", ".com", ".example.com", "a..example.com",
                                "example..com", "example.com.."}) {
    EXPECT_EQ(psl.PublicSuffix(host), "") << host;
    EXPECT_EQ(psl.RegistrableDomain(host), "") << host;
    EXPECT_FALSE(psl.IsPublicSuffix(host)) << host;
  }
}

TEST(PublicSuffixListTest, IpAddressesAreNeverMatched) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  for (std::string_view host : {"192.168.0.1", "127.0.0.1", "[::1]", "[2001:db8::1]"}) {
    EXPECT_EQ(psl.PublicSuffix(host), "") << host;
    EXPECT_EQ(psl.RegistrableDomain(host), "") << host;
    EXPECT_FALSE(psl.IsPublicSuffix(host)) << host;
  }
}

TEST(PublicSuffixListTest, DigitsAtTheEndOfANonNumericLabelAreNotAnAddress) {
  auto list = PublicSuffixList::Parse("test1\n");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ((*list)->RegistrableDomain("www.example.test1"), "example.test1");
  EXPECT_EQ(PublicSuffixList::Builtin().RegistrableDomain("a.b.example.a1"), "example.a1");
}

TEST(PublicSuffixListTest, BuiltinListHasTheSnapshotsRules) {
  // public_suffix/data/public_suffix_list.dat has 10,248 rule lines.
  EXPECT_EQ(PublicSuffixList::Builtin().rule_count(), 10248u);
}

TEST(PublicSuffixListTest, ParsesAListWithoutSectionMarkersAsIcann) {
  auto list = PublicSuffixList::Parse(
      "// a hand-written list\n"
      "test\n"
      "*.wild.test\n"
      "!keep.wild.test\n"
      "Bücher.test  trailing words are ignored\n");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ((*list)->rule_count(), 4u);
  const PublicSuffixList& psl = **list;
  EXPECT_EQ(psl.RegistrableDomain("a.b.test", SuffixRules::kIcannOnly), "b.test");
  EXPECT_TRUE(psl.IsPublicSuffix("x.wild.test", SuffixRules::kIcannOnly));
  EXPECT_EQ(psl.RegistrableDomain("a.x.wild.test"), "a.x.wild.test");
  EXPECT_EQ(psl.RegistrableDomain("a.keep.wild.test"), "keep.wild.test");
  EXPECT_TRUE(psl.IsPublicSuffix("xn--bcher-kva.test"));
  // Not in this list: "com" is a suffix only by the implicit rule.
  EXPECT_EQ(psl.RegistrableDomain("a.b.co.uk"), "co.uk");
}

TEST(PublicSuffixListTest, SectionsOfAParsedList) {
  auto list = PublicSuffixList::Parse(
      "// ===BEGIN ICANN DOMAINS===\nio\n// ===END ICANN DOMAINS===\n"
      "// ===BEGIN PRIVATE DOMAINS===\ngithub.io\n// ===END PRIVATE DOMAINS===\n");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_TRUE((*list)->IsPublicSuffix("github.io"));
  EXPECT_FALSE((*list)->IsPublicSuffix("github.io", SuffixRules::kIcannOnly));
}

TEST(PublicSuffixListTest, SyntaxErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"com\n*.*.example\n", "line 2"},
      {"com\nfoo.*.example\n", "line 2"},
      {"com\n\n!com\n", "line 3"},
      {"!*.example\n", "line 1"},
      {"a..b\n", "line 1"},
      {"ex@mple.com\n", "line 1"},
      {".com\n", "line 1"},
      {"com.\n", "line 1"},
      {"1.2.3.4\n", "line 1"},
      {"xn--a.com\n", "line 1"},
      {"", "no rules"},
      {"// only comments\n\n", "no rules"},
  };
  for (const Case& c : cases) {
    auto list = PublicSuffixList::Parse(c.text);
    ASSERT_FALSE(list.ok()) << c.text;
    EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(list.status().message()), HasSubstr(c.message)) << c.text;
  }
}

TEST(PublicSuffixListTest, LoadsAFile) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/list.dat";
  std::ofstream(path) << "test\n";
  auto list = PublicSuffixList::Load(path);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ((*list)->RegistrableDomain("www.example.test"), "example.test");
}

TEST(PublicSuffixListTest, LoadingAMissingFileIsAnError) {
  auto list = PublicSuffixList::Load("/nonexistent/public_suffix_list.dat");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(list.status().message()), HasSubstr("/nonexistent/"));
}

TEST(PublicSuffixListTest, LoadErrorsNameTheFile) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/bad.dat";
  std::ofstream(path) << "com\n*.*.bad\n";
  auto list = PublicSuffixList::Load(path);
  ASSERT_FALSE(list.ok());
  EXPECT_THAT(std::string(list.status().message()), HasSubstr("bad.dat"));
  EXPECT_THAT(std::string(list.status().message()), HasSubstr("line 2"));
}

TEST(PublicSuffixListTest, LookupsDoNotAllocate) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  const size_t before = testing::ThreadAllocationCount();
  size_t total = 0;
  for (std::string_view host : {"www.example.co.uk", "a.b.c.kobe.jp", "user.github.io",
                                "example", "192.168.0.1", "a..b"}) {
    total += psl.RegistrableDomain(host).size() + psl.PublicSuffix(host).size() +
             psl.IsPublicSuffix(host);
  }
  EXPECT_EQ(testing::ThreadAllocationCount() - before, 0u);
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace cookiejar
