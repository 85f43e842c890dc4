// The cookie jars of one process: one per browser profile ("chrome",
// "firefox", one per crawler session...). Profiles never share cookies.
// Ephemeral jars (private windows, throwaway sessions) are not listed and
// vanish when their last user lets go of them. Every jar made here uses the
// registry's options, so they share one Public Suffix List and one clock.
//
// Example:
//   JarRegistry browsers;
//   browsers.Profile("chrome")->SetCookie("https://a.example/", "user=alice");
//   browsers.Profile("firefox")->GetCookieHeader("https://a.example/");  // ""
//
// Thread-safe.

#ifndef COOKIEJAR_JAR_REGISTRY_H_
#define COOKIEJAR_JAR_REGISTRY_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {

class JarRegistry {
 public:
  explicit JarRegistry(CookieJarOptions options = {}) : options_(options) {}

  // The jar of profile `name`, created empty on first use.
  std::shared_ptr<CookieJar> Profile(std::string_view name);

  // A new jar that the registry does not list.
  std::shared_ptr<CookieJar> CreateEphemeral() const;

  // Forgets profile `name` (holders of its jar keep it until they let go).
  // Returns whether it existed.
  bool RemoveProfile(std::string_view name);

  // Names of the profiles, sorted.
  std::vector<std::string> ProfileNames() const;

 private:
  const CookieJarOptions options_;
  mutable std::mutex mu_;  // Not absl::Mutex: see cookie_jar.h.
  absl::flat_hash_map<std::string, std::shared_ptr<CookieJar>> profiles_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_REGISTRY_H_
