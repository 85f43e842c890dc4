#include "cookiejar/curl_cookie_client.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "clients/curl/internal/curl_transfer.h"
#include "common/absl_view.h"

namespace cookiejar {

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, AbslView(name))) return value;
  }
  return "";
}

CurlCookieClient::CurlCookieClient(CookieJar* jar) : jar_(jar), easy_(curl_easy_init()) {}

CurlCookieClient::~CurlCookieClient() { curl_easy_cleanup(easy_); }

absl::StatusOr<HttpResponse> CurlCookieClient::Fetch(const HttpRequest& request) {
  if (easy_ == nullptr) return absl::InternalError("curl_easy_init failed");
  curl_internal::CurlTransfer transfer(jar_, request);
  for (;;) {
    absl::Status started = transfer.Start(easy_);
    if (!started.ok()) return started;
    absl::StatusOr<bool> done = transfer.Finish(easy_, curl_easy_perform(easy_));
    if (!done.ok()) return done.status();
    if (*done) return transfer.TakeResponse();
  }
}

}  // namespace cookiejar
