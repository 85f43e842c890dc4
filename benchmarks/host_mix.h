// A deterministic mix of hosts resembling what an HTTP client sees: popular
// sites and their subdomains over generic, country-code and private (hosting)
// suffixes, a few internationalized names and unlisted TLDs.

#ifndef COOKIEJAR_BENCHMARKS_HOST_MIX_H_
#define COOKIEJAR_BENCHMARKS_HOST_MIX_H_

#include <string>
#include <vector>

namespace cookiejar {
namespace benchmarks {

inline std::vector<std::string> RealisticHostMix() {
  static const char* const kSites[] = {
      "google.com",          "youtube.com",        "facebook.com",      "wikipedia.org",
      "amazon.com",          "twitter.com",        "instagram.com",     "linkedin.com",
      "reddit.com",          "netflix.com",        "microsoft.com",     "apple.com",
      "yahoo.co.jp",         "bbc.co.uk",          "theguardian.co.uk", "amazon.de",
      "spiegel.de",          "lemonde.fr",         "rakuten.co.jp",     "abc.net.au",
      "gov.uk",              "nhs.uk",             "example.com.br",    "uol.com.br",
      "baidu.com",           "qq.com",             "sina.com.cn",       "naver.com",
      "yandex.ru",           "mail.ru",            "ebay.co.uk",        "ebay.com",
      "stackoverflow.com",   "github.com",         "cloudflare.net",    "akamaihd.net",
      "project.github.io",   "myapp.herokuapp.com", "blog.blogspot.com", "site.netlify.app",
      "bucket.s3.amazonaws.com", "shop.myshopify.com", "app.vercel.app", "web.web.app",
      "city.kobe.jp",        "example.ck",         "www.ck",            "xn--bcher-kva.de",
      "xn--85x722f.xn--fiqs8s", "example.xn--p1ai", "intranet.corp",     "printer.local",
      "example.org",         "example.net",        "news.ycombinator.com", "nytimes.com",
      "washingtonpost.com",  "cnn.com",            "booking.com",       "tripadvisor.co.uk",
  };
  static const char* const kPrefixes[] = {"", "www.", "m.", "api.", "cdn1.static.",
                                          "a.b.c."};
  std::vector<std::string> hosts;
  for (const char* prefix : kPrefixes) {
    for (const char* site : kSites) hosts.push_back(std::string(prefix) + site);
  }
  return hosts;
}

}  // namespace benchmarks
}  // namespace cookiejar

#endif  // COOKIEJAR_BENCHMARKS_HOST_MIX_H_
