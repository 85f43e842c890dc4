#include "cookiejar/redirect_follower.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace cookiejar {

RedirectFollower::RedirectFollower(CookieRequest first, int max_redirects)
    : request_(std::move(first)), max_redirects_(max_redirects) {
  request_.method = absl::AsciiStrToUpper(request_.method);
}

bool RedirectFollower::IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

absl::StatusOr<RedirectFollower::Next> RedirectFollower::OnResponse(int status,
                                                                    std::string_view location) {
  if (!IsRedirect(status) || location.empty()) return Next::kDone;
  if (redirects_ == max_redirects_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("more than ", max_redirects_, " redirects, the last to ",
                     AbslView(location.substr(0, 200))));
  }
  absl::StatusOr<Url> current = Url::Parse(request_.url);
  if (!current.ok()) return current.status();
  absl::StatusOr<Url> next = current->Resolve(location);
  if (!next.ok() || (next->scheme() != "http" && next->scheme() != "https")) {
    return absl::InvalidArgumentError(
        absl::StrCat("redirect to \"", AbslView(location.substr(0, 200)),
                     "\" is not an http or https URL",
                     next.ok() ? "" : absl::StrCat(": ", next.status().message())));
  }
  std::string& method = request_.method;
  if ((status == 303 && method != "HEAD") ||
      ((status == 301 || status == 302) && method == "POST")) {
    method = "GET";
    keeps_body_ = false;
  }
  request_.redirect_chain.push_back(std::move(request_.url));
  request_.url = next->Href();
  ++redirects_;
  return Next::kFollow;
}

}  // namespace cookiejar
