// The Cookie-header hot path (folded rules, interned domains) must send
// exactly the cookies that the reference rules (CanonicalCookie::
// IncludeForRequest, used by Explain) allow, in the same order. Random jars
// and random requests, fixed seeds.

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {
namespace {

const char* const kHosts[] = {"a.test", "www.a.test", "x.www.a.test", "b.test", "localhost",
                              "127.0.0.1", "user.github.io", "github.io"};
const char* const kPaths[] = {"/", "/p", "/p/", "/p/q", "/pq", "/p/q/r"};
const char* const kAttributes[] = {"; Secure", "; HttpOnly", "; SameSite=Strict",
                                   "; SameSite=Lax", "; SameSite=None; Secure", "; Max-Age=5",
                                   "; Partitioned; Secure", "; Domain=a.test",
                                   "; Domain=www.a.test", "; Path=/p", "; Path=/p/q"};

template <typename T, size_t N>
const T& Pick(std::mt19937_64& random, const T (&items)[N]) {
  return items[random() % N];
}

void RunSeed(uint64_t seed, SameSitePolicy policy) {
  std::mt19937_64 random(seed);
  FakeClock clock(absl::FromUnixSeconds(1700000000));
  CookieJarOptions options;
  options.clock = &clock;
  options.rules.same_site = policy;
  CookieJar jar(options);
  std::vector<Url> urls;
  for (const char* host : kHosts) {
    for (const char* scheme : {"http://", "https://"}) {
      for (const char* path : kPaths) urls.push_back(*Url::Parse(absl::StrCat(scheme, host, path)));
    }
  }
  auto random_options = [&](const Url** top) {
    CookieOptions o;
    switch (random() % 4) {
      case 0: break;
      case 1: o.top_level_navigation = true; o.initiator = &urls[random() % urls.size()]; break;
      case 2: *top = &urls[random() % urls.size()]; o.top_level_url = *top; break;
      default: o.api = CookieApi::kScript; break;
    }
    o.method = random() % 3 == 0 ? "POST" : "GET";
    return o;
  };
  for (int i = 0; i < 300; ++i) {
    std::string line = absl::StrCat("c", random() % 12, "=v", i);
    for (int a = random() % 4; a > 0; --a) line += Pick(random, kAttributes);
    const Url* top = nullptr;
    jar.SetCookie(urls[random() % urls.size()], line, random_options(&top));
    if (random() % 10 == 0) clock.Advance(absl::Seconds(2));
  }
  for (int r = 0; r < 400; ++r) {
    const Url& url = urls[random() % urls.size()];
    const Url* top = nullptr;
    CookieOptions o = random_options(&top);
    std::string reference;
    for (const CookieJar::Explanation& e : jar.Explain(url, o)) {
      if (!e.status.IsInclude()) continue;
      if (!reference.empty()) reference += "; ";
      reference += e.cookie.name.empty() ? e.cookie.value : e.cookie.name + "=" + e.cookie.value;
    }
    ASSERT_EQ(jar.GetCookieHeader(url, o), reference)
        << "seed " << seed << " request " << r << " to " << url.Spec();
    if (r % 50 == 0) clock.Advance(absl::Seconds(3));
  }
}

TEST(CookieJarConsistencyTest, HotPathAgreesWithTheReferenceRules) {
  for (uint64_t seed = 1; seed <= 20; ++seed) RunSeed(seed, SameSitePolicy::Default());
}

TEST(CookieJarConsistencyTest, HotPathAgreesUnderLegacyAndLaxAllowingUnsafe) {
  SameSitePolicy unsafe;
  unsafe.lax_allowing_unsafe = true;
  for (uint64_t seed = 100; seed <= 110; ++seed) {
    RunSeed(seed, SameSitePolicy::Legacy());
    RunSeed(seed, unsafe);
  }
}

}  // namespace
}  // namespace cookiejar
