#include "jar/internal/site_cache.h"

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "cookiejar/public_suffix_list.h"

namespace cookiejar {
namespace jar_internal {
namespace {

// What the cache must answer: the list's own answer, with the key and hash
// the jar files the host's cookies under.
void ExpectComputed(const PublicSuffixList& psl, const std::string& host) {
  const HostSite site = LookupSite(psl, host);
  const std::string_view registrable = psl.RegistrableDomain(host);
  EXPECT_EQ(site.registrable, registrable) << host;
  const std::string_view key = registrable.empty() ? std::string_view(host) : registrable;
  EXPECT_EQ(site.key, key) << host;
  EXPECT_EQ(site.key_hash, SiteHash(key)) << host;
  // The views point into the host asked about, not into the cache.
  EXPECT_GE(site.key.data(), host.data()) << host;
  EXPECT_LE(site.key.data() + site.key.size(), host.data() + host.size()) << host;
}

std::vector<std::string> Hosts(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  const char* const suffixes[] = {"com", "co.uk", "github.io", "kawasaki.jp", "ck", "notatld"};
  std::vector<std::string> hosts;
  for (size_t i = 0; i < count; ++i) {
    std::string host;
    const int labels = 1 + random() % 3;
    for (int l = 0; l < labels; ++l) absl::StrAppend(&host, "h", random() % 5000, ".");
    absl::StrAppend(&host, suffixes[random() % 6]);
    hosts.push_back(host);
  }
  return hosts;
}

TEST(SiteCacheTest, AnswersAsTheListDoesThroughMissesHitsAndEvictions) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  // Five times the cache's 4,096 entries: every set evicts, many times.
  const std::vector<std::string> hosts = Hosts(20000, 1);
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& host : hosts) ExpectComputed(psl, host);
  }
  // A small working set, asked again and again, stays right as well.
  for (int pass = 0; pass < 3; ++pass) {
    for (size_t i = 0; i < 50; ++i) ExpectComputed(psl, hosts[i]);
  }
}

TEST(SiteCacheTest, NamesAtTheLengthLimitAndBeyondAreAnsweredToo) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  for (size_t size = 1; size <= 120; ++size) {
    // "aaa...a.example.com" of every length, and names of single labels.
    const std::string suffix = ".example.com";
    std::string host = size > suffix.size() ? std::string(size - suffix.size(), 'a') + suffix
                                            : std::string(size, 'b');
    ExpectComputed(psl, host);
    ExpectComputed(psl, host);  // Now from the cache, where it was kept.
    // The same length with other bytes: equal lengths must not be confused.
    std::string other = host;
    other[0] = 'z';
    ExpectComputed(psl, other);
    ExpectComputed(psl, host);
  }
}

TEST(SiteCacheTest, OnlyTheBuiltinListIsCached) {
  // A list under which example.com is a public suffix answers differently
  // from the built-in one, for the same host, in the same thread.
  auto custom = PublicSuffixList::Parse("com\nexample.com\n");
  ASSERT_TRUE(custom.ok()) << custom.status();
  const PublicSuffixList& builtin = PublicSuffixList::Builtin();
  const std::string host = "www.example.com";
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(LookupSite(builtin, host).registrable, "example.com");
    EXPECT_EQ(LookupSite(**custom, host).registrable, "www.example.com");
  }
}

TEST(SiteCacheTest, PrefetchIsHarmlessForAnyHostAndThread) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  std::thread fresh([] {
    // Before the thread's first lookup there is no cache to load.
    PrefetchSite("www.example.com");
    PrefetchSite("");
    PrefetchSite(std::string(300, 'a'));
  });
  fresh.join();
  PrefetchSite("www.example.com");
  PrefetchSite(std::string(300, 'a'));
  ExpectComputed(psl, "www.example.com");
}

TEST(SiteCacheTest, EachThreadHasItsOwnCache) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  const std::vector<std::string> hosts = Hosts(6000, 2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < hosts.size(); i += 2) ExpectComputed(psl, hosts[i]);
    });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace
}  // namespace jar_internal
}  // namespace cookiejar
