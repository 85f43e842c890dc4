#include "cookiejar/jar_registry.h"

#include <algorithm>

#include "common/absl_view.h"

namespace cookiejar {

std::shared_ptr<CookieJar> JarRegistry::Profile(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<CookieJar>& jar = profiles_[AbslView(name)];
  if (jar == nullptr) jar = std::make_shared<CookieJar>(options_);
  return jar;
}

std::shared_ptr<CookieJar> JarRegistry::CreateEphemeral() const {
  return std::make_shared<CookieJar>(options_);
}

bool JarRegistry::RemoveProfile(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  return profiles_.erase(AbslView(name)) > 0;
}

std::vector<std::string> JarRegistry::ProfileNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& entry : profiles_) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace cookiejar
