#include "cookiejar/cookie_constants.h"

namespace cookiejar {

std::string_view SameSiteName(CookieSameSite same_site) {
  switch (same_site) {
    case CookieSameSite::kUnspecified: return "Unspecified";
    case CookieSameSite::kNoRestriction: return "None";
    case CookieSameSite::kLax: return "Lax";
    case CookieSameSite::kStrict: return "Strict";
  }
  return "Unspecified";
}

std::string_view PriorityName(CookiePriority priority) {
  switch (priority) {
    case CookiePriority::kLow: return "Low";
    case CookiePriority::kMedium: return "Medium";
    case CookiePriority::kHigh: return "High";
  }
  return "Medium";
}

}  // namespace cookiejar
