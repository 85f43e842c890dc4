// One request through libcurl, hop by hop: what CurlCookieClient and
// CurlMultiClient share. Start() sets an easy handle up for the current hop;
// after curl has run it, Finish() stores the hop's cookies and either ends
// the transfer or moves to the next hop (call Start() again).

#ifndef COOKIEJAR_CLIENTS_CURL_INTERNAL_CURL_TRANSFER_H_
#define COOKIEJAR_CLIENTS_CURL_INTERNAL_CURL_TRANSFER_H_

#include <curl/curl.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cookiejar/curl_cookie_client.h"
#include "cookiejar/http_cookies.h"
#include "cookiejar/redirect_follower.h"

namespace cookiejar {
namespace curl_internal {

class CurlTransfer {
 public:
  CurlTransfer(CookieJar* jar, HttpRequest request);
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // Sets `easy` up for the current hop. Errors: a URL that does not parse.
  absl::Status Start(CURL* easy);

  // After curl ran the hop with `result`. True: the transfer is complete
  // (TakeResponse); false: call Start again for the next hop.
  absl::StatusOr<bool> Finish(CURL* easy, CURLcode result);

  HttpResponse TakeResponse() { return std::move(response_); }

 private:
  static size_t OnHeader(char* data, size_t size, size_t count, void* user);
  static size_t OnBody(char* data, size_t size, size_t count, void* user);

  const HttpCookies cookies_;
  const HttpRequest request_;
  RedirectFollower follower_;
  HttpResponse response_;
  // The hop in flight.
  HttpHop hop_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
  curl_slist* header_list_ = nullptr;
};

}  // namespace curl_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_CLIENTS_CURL_INTERNAL_CURL_TRANSFER_H_
