// Micro-benchmarks of each step of the pipeline and of the Cookie header for
// typical shapes of jar.
//
//   bazel run --config=opt //benchmarks:jar_benchmark

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "cookiejar/canonical_host.h"
#include "cookiejar/cookie_date.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/parsed_cookie.h"
#include "cookiejar/url.h"

namespace cookiejar {
namespace {

constexpr char kTypicalLine[] =
    "sessionid=3f9a1c07d2e84b5f9c6a0e1b2d3c4f5a; Domain=example.com; Path=/; "
    "Expires=Wed, 21 Oct 2037 07:28:00 GMT; Secure; HttpOnly; SameSite=Lax";

void BM_ParseSetCookie(benchmark::State& state) {
  ParsedCookie parsed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParsedCookie::Parse(kTypicalLine, &parsed));
  }
}
BENCHMARK(BM_ParseSetCookie);

void BM_ParseCookieDate(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseCookieDate("Wed, 21 Oct 2037 07:28:00 GMT"));
  }
}
BENCHMARK(BM_ParseCookieDate);

void BM_CanonicalizeHost_Ascii(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(CanonicalizeHost("WWW.Example.COM"));
}
BENCHMARK(BM_CanonicalizeHost_Ascii);

void BM_CanonicalizeHost_Idn(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(CanonicalizeHost("www.bücher.de"));
}
BENCHMARK(BM_CanonicalizeHost_Idn);

void BM_ParseUrl(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Url::Parse("https://www.example.com/shop/cart?item=42"));
  }
}
BENCHMARK(BM_ParseUrl);

// Steady-state ingestion: the same cookie set again and again (an overwrite).
void BM_SetCookie_Overwrite(benchmark::State& state) {
  CookieJar jar;
  const Url url = *Url::Parse("https://www.example.com/login");
  for (auto _ : state) benchmark::DoNotOptimize(jar.SetCookie(url, kTypicalLine));
}
BENCHMARK(BM_SetCookie_Overwrite);

// A jar with `sites` sites of three cookies each (limits off).
std::unique_ptr<CookieJar> JarWithSites(int sites) {
  CookieJarOptions options;
  options.rules = BrowserRules::Unlimited();
  auto jar = std::make_unique<CookieJar>(options);
  for (int s = 0; s < sites; ++s) {
    const Url url = *Url::Parse(absl::StrCat("https://www.site", s, ".com/"));
    jar->SetCookie(url, "session=0123456789abcdef0123456789abcdef; Path=/; Secure");
    jar->SetCookie(url, absl::StrCat("prefs=lang-en_theme-dark; Domain=site", s, ".com; Path=/"));
    jar->SetCookie(url, "cart=7,12,33; Path=/cart");
  }
  return jar;
}

void GetHeader(benchmark::State& state, CookieJar& jar, const Url& url) {
  std::string header;
  for (auto _ : state) {
    header.clear();
    jar.AppendCookieHeader(url, CookieOptions(), &header);
    benchmark::DoNotOptimize(header.data());
  }
}

void BM_GetHeader_Hit(benchmark::State& state) {
  auto jar = JarWithSites(1000);
  GetHeader(state, *jar, *Url::Parse("https://www.site500.com/index.html"));
}
BENCHMARK(BM_GetHeader_Hit);

void BM_GetHeader_Miss(benchmark::State& state) {
  auto jar = JarWithSites(1000);
  GetHeader(state, *jar, *Url::Parse("https://www.unknown-site.com/index.html"));
}
BENCHMARK(BM_GetHeader_Miss);

void BM_GetHeader_DeepPath(benchmark::State& state) {
  auto jar = JarWithSites(1000);
  GetHeader(state, *jar, *Url::Parse("https://www.site500.com/cart/a/b/c/d/e/f/g/h/checkout"));
}
BENCHMARK(BM_GetHeader_DeepPath);

void BM_GetHeader_ManyCookies(benchmark::State& state) {
  CookieJar jar;
  const Url url = *Url::Parse("https://shop.example.com/");
  for (int c = 0; c < 150; ++c) jar.SetCookie(url, absl::StrCat("c", c, "=v", c, "; Path=/"));
  GetHeader(state, jar, *Url::Parse("https://shop.example.com/product/1"));
}
BENCHMARK(BM_GetHeader_ManyCookies);

// Lookup cost must not grow with unrelated sites in the jar.
void BM_GetHeader_Sites(benchmark::State& state) {
  auto jar = JarWithSites(static_cast<int>(state.range(0)));
  GetHeader(state, *jar, *Url::Parse("https://www.site500.com/index.html"));
}
BENCHMARK(BM_GetHeader_Sites)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace cookiejar

BENCHMARK_MAIN();
