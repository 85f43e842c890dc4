#include "fuzz/jar_ops.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/jar_registry.h"

namespace cookiejar {
namespace fuzz {
namespace {

const char* const kHosts[] = {"a.example",  "www.a.example", "x.www.a.example", "b.example",
                              "github.io",  "user.github.io", "localhost",      "127.0.0.1",
                              "[::1]",      "a.example."};
const char* const kDomains[] = {"a.example", ".a.example", "www.a.example", "example", "io",
                                "github.io", "user.github.io", "b.example",  "127.0.0.1",
                                "",          "A.EXAMPLE",  "localhost"};
const char* const kPaths[] = {"/", "/p", "/p/", "/p/q", "/pq"};
const char* const kNames[] = {"sid", "a", "__Secure-s", "__Host-h", "__Http-x", "", "SID"};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Byte() % N];
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Profile {
  std::string tag;  // In every value this profile sets.
  std::shared_ptr<CookieJar> jar;
};

bool PrefixRulesHold(const CanonicalCookie& c) {
  if (absl::StartsWithIgnoreCase(c.name, "__Secure-") && !c.secure) return false;
  if (absl::StartsWithIgnoreCase(c.name, "__Host-") &&
      (!c.secure || !c.host_only || c.path != "/")) {
    return false;
  }
  if (absl::StartsWithIgnoreCase(c.name, "__Http-") && (!c.secure || !c.http_only)) return false;
  return true;
}

}  // namespace

void RunJarOps(const uint8_t* data, size_t size,
               const std::function<void(const std::string&)>& violation) {
  Reader in(data, size);
  FakeClock clock(absl::FromUnixSeconds(1700000000));
  CookieJarOptions options;
  options.clock = &clock;
  CookieLimits limits = CookieLimits::Chromium();
  limits.max_cookies_per_site = 6;  // Small limits, so that eviction runs.
  limits.purge_site_to = 4;
  limits.max_cookies = 12;
  limits.purge_to = 10;
  limits.max_cookies_hard = 20;
  options.rules.limits = limits;
  JarRegistry registry(options);
  Profile profiles[2] = {{"PA", registry.Profile("A")}, {"PB", registry.Profile("B")}};
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  int counter = 0;

  while (!in.done()) {
    Profile& profile = profiles[in.Byte() % 2];
    const Profile& other = &profile == &profiles[0] ? profiles[1] : profiles[0];
    const uint8_t op = in.Byte() % 8;
    const std::string scheme = in.Byte() % 2 ? "https://" : "http://";
    const Url url = *Url::Parse(absl::StrCat(scheme, in.Pick(kHosts), in.Pick(kPaths)));
    CookieOptions cookie_options;
    const uint8_t context = in.Byte() % 4;
    if (context == 1) cookie_options.api = CookieApi::kScript;
    const Url top = *Url::Parse("https://b.example/");
    if (context == 2) cookie_options.top_level_url = &top;
    if (context == 3) {
      cookie_options.top_level_navigation = true;
      cookie_options.initiator = &top;
    }

    if (op <= 3) {
      // Set a cookie built from the bytes.
      std::string line = absl::StrCat(in.Pick(kNames), "=", profile.tag, "-", counter++);
      const uint8_t attributes = in.Byte();
      if (attributes & 1) absl::StrAppend(&line, "; Domain=", in.Pick(kDomains));
      if (attributes & 2) absl::StrAppend(&line, "; Path=", in.Pick(kPaths));
      if (attributes & 4) line += "; Secure";
      if (attributes & 8) line += "; HttpOnly";
      if (attributes & 16) {
        const char* const kSameSite[] = {"; SameSite=Strict", "; SameSite=Lax",
                                         "; SameSite=None", "; SameSite=bogus"};
        line += in.Pick(kSameSite);
      }
      if (attributes & 32) {
        const char* const kAges[] = {"; Max-Age=0", "; Max-Age=-1", "; Max-Age=5",
                                     "; Max-Age=99999999999999999999",
                                     "; Expires=Thu, 01 Jan 1970 00:00:00 GMT"};
        line += in.Pick(kAges);
      }
      if (attributes & 64) line += "; Partitioned";
      // Leave secure cookies alone: an insecure origin's success must not
      // have replaced or removed a Secure cookie with the same name.
      std::vector<CanonicalCookie> secure_before;
      const std::string name = line.substr(0, line.find('='));
      if (!url.IsPotentiallyTrustworthy()) {
        for (const CanonicalCookie& c : profile.jar->GetAllCookies()) {
          if (c.secure && c.name == name) secure_before.push_back(c);
        }
      }
      CookieInclusionStatus status = profile.jar->SetCookie(url, line, cookie_options);
      if (status.IsInclude()) {
        for (const CanonicalCookie& s : secure_before) {
          for (const CanonicalCookie& a : profile.jar->GetAllCookies()) {
            // Eviction may remove it; replacing it is the violation.
            if (a.HasSameKey(s) && (a.value != s.value || !a.secure)) {
              violation(absl::StrCat("insecure ", url.Spec(), " replaced Secure cookie ",
                                     s.DebugString(), " with ", line));
            }
          }
        }
      }
    } else if (op <= 5) {
      // Get, and check every cookie that is sent.
      const std::string header = profile.jar->GetCookieHeader(url, cookie_options);
      std::string rebuilt;
      for (const CanonicalCookie& c : profile.jar->GetCookies(url, cookie_options)) {
        if (!rebuilt.empty()) rebuilt += "; ";
        rebuilt += c.name.empty() ? c.value : c.name + "=" + c.value;
        const std::string where = absl::StrCat(c.DebugString(), " sent to ", url.Spec());
        if (c.IsExpired(clock.Now())) violation("expired cookie " + where);
        if (c.host_only ? c.domain != url.host() : !DomainMatches(url.host(), c.domain)) {
          violation("domain mismatch: " + where);
        }
        if (!c.host_only && psl.RegistrableDomain(c.domain).empty()) {
          violation("domain cookie on a public suffix: " + where);
        }
        if (c.secure && !url.IsPotentiallyTrustworthy()) violation("Secure over http: " + where);
        if (c.http_only && cookie_options.api == CookieApi::kScript) {
          violation("HttpOnly to script: " + where);
        }
        if (!PathMatches(url.path(), c.path)) violation("path mismatch: " + where);
      }
      if (header != rebuilt) violation("header \"" + header + "\" is not the sent cookies \"" + rebuilt + "\"");
      if (absl::StrContains(header, other.tag)) {
        violation("profile " + other.tag + "'s cookie seen by " + profile.tag + ": " + header);
      }
    } else if (op == 6) {
      clock.Advance(absl::Seconds(in.Byte() % 8));
    } else {
      if (in.Byte() % 4 == 0) profile.jar->EndSession();
    }

    for (const Profile& p : profiles) {
      const std::vector<CanonicalCookie> all = p.jar->GetAllCookies();
      if (all.size() > limits.max_cookies_hard) {
        violation(absl::StrCat(p.tag, " holds ", all.size(), " cookies, over the hard limit"));
      }
      for (const CanonicalCookie& c : all) {
        if (!PrefixRulesHold(c)) violation("prefix rules broken: " + c.DebugString());
        if (!c.host_only && psl.RegistrableDomain(c.domain).empty()) {
          violation("stored domain cookie on a public suffix: " + c.DebugString());
        }
        if (!absl::StartsWith(c.value, p.tag)) violation("foreign value in " + p.tag + ": " + c.DebugString());
      }
    }
  }
}

}  // namespace fuzz
}  // namespace cookiejar
