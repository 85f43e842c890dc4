// A jar and a registry used from several threads at once keep every cookie
// and never show a half-made one. Run under --config=tsan to check for races.

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/jar_registry.h"

namespace cookiejar {
namespace {

constexpr int kThreads = 4;
constexpr int kCookiesPerThread = 200;

TEST(CookieJarThreadsTest, ConcurrentSetsAndGetsOnOneJar) {
  CookieJarOptions options;
  options.rules = BrowserRules::Unlimited();  // Keep all 200 cookies per site.
  CookieJar jar(options);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&jar, t] {
      const std::string url = absl::StrCat("https://site", t, ".test/");
      for (int i = 0; i < kCookiesPerThread; ++i) {
        jar.SetCookie(url, absl::StrCat("c", i, "=", i));
        // Readers see whole cookies only: every pair has its value.
        std::string header = *jar.GetCookieHeader(url);
        EXPECT_NE(header.find(absl::StrCat("c", i, "=", i)), std::string::npos);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(jar.size(), static_cast<size_t>(kThreads * kCookiesPerThread));
}

TEST(CookieJarThreadsTest, ConcurrentProfilesInOneRegistry) {
  JarRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      for (int i = 0; i < 50; ++i) {
        auto jar = registry.Profile(absl::StrCat("profile", i % 10));
        jar->SetCookie("https://shared.test/", absl::StrCat("t", t, "=", i));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(registry.ProfileNames().size(), 10u);
  size_t total = 0;
  for (const std::string& name : registry.ProfileNames()) total += registry.Profile(name)->size();
  // Each profile holds at most one cookie per thread (t0..t3 overwrite).
  EXPECT_EQ(total, 10u * kThreads);
}

}  // namespace
}  // namespace cookiejar
