#include "cookiejar/curl/curl_cookie_client.h"

#include "absl/status/status.h"
#include "cookiejar/curl/curl_transfer.h"

namespace cookiejar {

CurlCookieClient::CurlCookieClient(CookieJar* jar) : jar_(jar), easy_(curl_easy_init()) {}

CurlCookieClient::~CurlCookieClient() { curl_easy_cleanup(easy_); }

absl::StatusOr<HttpResponse> CurlCookieClient::Fetch(const HttpRequest& request) {
  if (easy_ == nullptr) return absl::InternalError("curl_easy_init failed");
  CurlTransfer transfer(jar_, request);
  for (;;) {
    absl::Status attached = transfer.Attach(easy_);
    if (!attached.ok()) return attached;
    absl::StatusOr<CurlTransfer::Next> next = transfer.Finish(easy_, curl_easy_perform(easy_));
    if (!next.ok()) return next.status();
    if (*next == CurlTransfer::Next::kDone) return transfer.TakeResponse();
  }
}

}  // namespace cookiejar
