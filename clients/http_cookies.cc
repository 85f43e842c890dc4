#include "cookiejar/http_cookies.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace cookiejar {
namespace {

// A request's URLs, parsed, and the CookieOptions pointing into them.
struct ParsedRequest {
  std::optional<Url> url;
  std::optional<Url> initiator;
  std::optional<Url> top_level;
  std::vector<Url> frames;
  std::vector<Url> chain;
  CookieOptions options;
};

absl::Status Parse(std::string_view what, const std::string& text, std::optional<Url>* out) {
  absl::StatusOr<Url> url = Url::Parse(text);
  if (!url.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(AbslView(what), ": ", url.status().message()));
  }
  *out = *std::move(url);
  return absl::OkStatus();
}

absl::Status ParseRequest(const CookieRequest& request, ParsedRequest* out) {
  absl::Status status = Parse("request URL", request.url, &out->url);
  if (status.ok() && !request.context.initiator.empty()) {
    status = Parse("initiator", request.context.initiator, &out->initiator);
  }
  if (status.ok() && !request.context.top_level_url.empty()) {
    status = Parse("top-level URL", request.context.top_level_url, &out->top_level);
  }
  for (const std::string& frame : request.context.frame_ancestors) {
    if (!status.ok()) break;
    std::optional<Url> parsed;
    status = Parse("frame ancestor", frame, &parsed);
    if (status.ok()) out->frames.push_back(*std::move(parsed));
  }
  for (const std::string& hop : request.redirect_chain) {
    if (!status.ok()) break;
    std::optional<Url> parsed;
    status = Parse("redirect chain", hop, &parsed);
    if (status.ok()) out->chain.push_back(*std::move(parsed));
  }
  if (!status.ok()) return status;
  CookieOptions& options = out->options;
  options.top_level_navigation = request.context.top_level_navigation;
  options.initiator = out->initiator ? &*out->initiator : nullptr;
  options.top_level_url = out->top_level ? &*out->top_level : nullptr;
  options.method = request.method;
  options.redirect_chain = &out->chain;
  options.frame_ancestors = &out->frames;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> HttpCookies::CookieHeader(const CookieRequest& request) const {
  ParsedRequest parsed;
  absl::Status status = ParseRequest(request, &parsed);
  if (!status.ok()) return status;
  return jar_->GetCookieHeader(*parsed.url, parsed.options);
}

absl::StatusOr<std::vector<CookieInclusionStatus>> HttpCookies::StoreResponse(
    const CookieRequest& request, int status_code,
    const std::vector<std::string>& set_cookie_values, std::string_view date) const {
  std::vector<CookieInclusionStatus> results;
  if (set_cookie_values.empty()) return results;
  ParsedRequest parsed;
  absl::Status status = ParseRequest(request, &parsed);
  if (!status.ok()) return status;
  if (status_code >= 100 && status_code < 200) return results;
  parsed.options.server_date = date;
  for (const std::string& value : set_cookie_values) {
    results.push_back(jar_->SetCookie(*parsed.url, value, parsed.options));
  }
  return results;
}

}  // namespace cookiejar
