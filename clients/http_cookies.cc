#include "cookiejar/http_cookies.h"

namespace cookiejar {

absl::StatusOr<std::string> HttpCookies::CookieHeader(const CookieRequest& request) const {
  absl::StatusOr<ResolvedRequest> resolved = Resolve(request);
  if (!resolved.ok()) return resolved.status();
  return CookieHeader(*resolved);
}

std::string HttpCookies::CookieHeader(const ResolvedRequest& request) const {
  return jar_->GetCookieHeader(request);
}

absl::StatusOr<std::vector<CookieInclusionStatus>> HttpCookies::StoreResponse(
    const CookieRequest& request, int status, const std::vector<std::string>& set_cookie_values,
    std::string_view date) const {
  if (set_cookie_values.empty()) return std::vector<CookieInclusionStatus>();
  absl::StatusOr<ResolvedRequest> resolved = Resolve(request);
  if (!resolved.ok()) return resolved.status();
  return StoreResponse(*resolved, status, set_cookie_values, date);
}

std::vector<CookieInclusionStatus> HttpCookies::StoreResponse(
    const ResolvedRequest& request, int status, const std::vector<std::string>& set_cookie_values,
    std::string_view date) const {
  std::vector<CookieInclusionStatus> results;
  // Informational responses set nothing, as in browsers.
  if (status >= 100 && status < 200) return results;
  results.reserve(set_cookie_values.size());
  for (const std::string& value : set_cookie_values) {
    results.push_back(jar_->SetCookie(request, value, date));
  }
  return results;
}

}  // namespace cookiejar
