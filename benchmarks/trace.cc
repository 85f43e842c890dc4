#include "benchmarks/trace.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cookiejar {
namespace benchmarks {
namespace {

// splitmix64: small, fast and the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  size_t Between(size_t lo, size_t hi) { return lo + Next() % (hi - lo + 1); }
  std::string Token(size_t length) {
    static constexpr char kAlphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    std::string token(length, ' ');
    for (char& c : token) c = kAlphabet[Next() % 64];
    return token;
  }

 private:
  uint64_t state_;
};

const char* const kTlds[] = {"com", "com", "com", "org", "net", "co.uk", "de", "io", "com.au", "fr"};
const char* const kNames[] = {"_ga", "_gid", "sessionid", "csrftoken", "lang", "consent", "_fbp", "uid"};

}  // namespace

std::vector<TraceEvent> CrawlerTrace(uint64_t seed) {
  Random random(seed);
  std::vector<TraceEvent> events;
  constexpr size_t kSites = 1000, kCookies = 3000, kRequests = 10000;
  std::vector<std::string> sites;
  for (size_t i = 0; i < kSites; ++i) sites.push_back(absl::StrCat("site", i, ".", kTlds[i % 10]));
  for (size_t c = 0; c < kCookies; ++c) {
    // Three cookies per site on average, in a shuffled order of sites.
    const std::string& site = sites[c < kSites ? c : random.Between(0, kSites - 1)];
    std::string line = absl::StrCat(kNames[random.Between(0, 7)], c, "=",
                                    random.Token(random.Between(70, 120)),
                                    "; Path=/; Max-Age=31536000; SameSite=Lax");
    if (random.Next() % 2) absl::StrAppend(&line, "; Domain=", site);
    if (random.Next() % 4) absl::StrAppend(&line, "; Secure");
    events.push_back({true, absl::StrCat("https://www.", site, "/"), line});
  }
  for (size_t r = 0; r < kRequests; ++r) {
    events.push_back({false,
                      absl::StrCat("https://www.", sites[random.Between(0, kSites - 1)],
                                   "/page/", random.Between(1, 500)),
                      ""});
  }
  return events;
}

std::vector<TraceEvent> SingleSiteTrace(uint64_t seed) {
  Random random(seed);
  std::vector<TraceEvent> events;
  for (size_t c = 0; c < 150; ++c) {
    events.push_back({true, "https://shop.example.com/",
                      absl::StrCat("c", c, "=", random.Token(random.Between(10, 18)),
                                   "; Path=/; Max-Age=86400; Secure")});
  }
  for (size_t r = 0; r < 10000; ++r) {
    events.push_back(
        {false, absl::StrCat("https://shop.example.com/product/", random.Between(1, 5000)), ""});
  }
  return events;
}

std::vector<TraceEvent> IngestTrace(uint64_t seed) {
  Random random(seed);
  std::vector<TraceEvent> events;
  constexpr size_t kDomains = 1000, kSets = 20000;
  for (size_t s = 0; s < kSets; ++s) {
    const size_t domain = random.Between(0, kDomains - 1);
    std::string line = absl::StrCat(kNames[random.Between(0, 4)], "=",
                                    random.Token(random.Between(20, 40)));
    switch (random.Next() % 4) {
      case 0: absl::StrAppend(&line, "; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax"); break;
      case 1: absl::StrAppend(&line, "; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/"); break;
      case 2: absl::StrAppend(&line, "; Domain=d", domain, ".com; Path=/; Secure"); break;
      default: absl::StrAppend(&line, "; path=/; max-age=86400; secure; httponly"); break;
    }
    events.push_back({true, absl::StrCat("https://www.d", domain, ".com/login"), line});
  }
  for (size_t d = 0; d < kDomains; ++d) {
    events.push_back({false, absl::StrCat("https://www.d", d, ".com/"), ""});
  }
  return events;
}

std::string FormatTrace(const std::vector<TraceEvent>& events) {
  std::string text;
  for (const TraceEvent& e : events) {
    if (e.is_set) {
      absl::StrAppend(&text, "S\t", e.url, "\t", e.set_cookie, "\n");
    } else {
      absl::StrAppend(&text, "G\t", e.url, "\n");
    }
  }
  return text;
}

absl::StatusOr<std::vector<TraceEvent>> ParseTrace(std::string_view text) {
  std::vector<TraceEvent> events;
  size_t line_number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.empty()) continue;
    size_t tab = line.find('\t');
    if (line.size() < 3 || tab != 1 || (line[0] != 'S' && line[0] != 'G')) {
      return absl::InvalidArgumentError(
          absl::StrCat("trace line ", line_number, ": expected S<TAB>url<TAB>cookie or G<TAB>url"));
    }
    std::string_view rest = line.substr(2);
    TraceEvent event;
    event.is_set = line[0] == 'S';
    if (event.is_set) {
      size_t second = rest.find('\t');
      if (second == std::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("trace line ", line_number, ": S event without a cookie"));
      }
      event.url = std::string(rest.substr(0, second));
      event.set_cookie = std::string(rest.substr(second + 1));
    } else {
      event.url = std::string(rest);
    }
    events.push_back(std::move(event));
  }
  return events;
}

std::string TraceName(std::string_view path) {
  const size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return std::string(name.substr(0, name.find('.')));
}

uint64_t Fnv1a(std::string_view bytes, uint64_t hash) {
  for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

}  // namespace benchmarks
}  // namespace cookiejar
