// A jar attached to an easy handle of your own: one request through libcurl,
// hop by hop, for a loop you run yourself (your own CURLM, libuv, libevent,
// asio...). CurlCookieClient and CurlMultiClient are built on it.
//
// For each hop, Attach() sets the handle's URL, method, body, headers (with
// the jar's Cookie header for that hop) and header and body callbacks; your
// other options stay. After curl has run the hop, Finish() stores the hop's
// cookies (every Set-Cookie of the final response of the hop, with its Date;
// interim 1xx responses are skipped, as browsers skip them) and says whether
// a redirect follows, in which case Attach again and run the handle again.
// curl's cookie engine and CURLOPT_FOLLOWLOCATION stay off.
//
// Example, in a multi loop of your own:
//   CurlTransfer transfer(&jar, HttpRequest("https://shop.example/login"));
//   transfer.Attach(easy);
//   curl_multi_add_handle(multi, easy);
//   ... when curl_multi_info_read says `easy` is done:
//   curl_multi_remove_handle(multi, easy);
//   absl::StatusOr<CurlTransfer::Next> next = transfer.Finish(easy, message->data.result);
//   if (next.ok() && *next == CurlTransfer::Next::kFollow && transfer.Attach(easy).ok()) {
//     curl_multi_add_handle(multi, easy);  // The redirect's next hop.
//   } else if (next.ok()) {
//     HttpResponse response = transfer.TakeResponse();
//   }
//
// One transfer is used by one thread at a time; the jar is thread-safe.

#ifndef COOKIEJAR_CURL_CURL_TRANSFER_H_
#define COOKIEJAR_CURL_CURL_TRANSFER_H_

#include <curl/curl.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/curl/http_exchange.h"
#include "cookiejar/http_cookies.h"
#include "cookiejar/redirect_follower.h"

namespace cookiejar {

class CurlTransfer {
 public:
  // The most header bytes of one response (status line included) before the
  // transfer ends with ResourceExhausted: curl 8's own limit (libcurl 7.88,
  // Debian 12's, has none).
  static constexpr std::size_t kMaxHeaderBytes = 300 * 1024;

  // `jar` is not owned and must outlive the transfer.
  CurlTransfer(CookieJar* jar, HttpRequest request);
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // Sets `easy` (not running) up for the current hop; before the first hop,
  // applies HttpRequest::configure first. Do not set CURLOPT_URL,
  // CURLOPT_HTTPHEADER, the method or body options, the header and write
  // callbacks, CURLOPT_FOLLOWLOCATION or CURLOPT_COOKIE* yourself. The handle
  // points at this object until Finish ends the transfer. InvalidArgument
  // when the hop's URL does not parse.
  absl::Status Attach(CURL* easy);

  enum class Next {
    kDone,    // The transfer is complete: TakeResponse().
    kFollow,  // A redirect: Attach() again and run the handle again.
  };
  // After curl ran the hop with `result` (curl_easy_perform's return, or
  // CURLMsg::data.result), the handle out of any multi. Errors end the
  // transfer: a transfer error (Unavailable, with curl's message), a body
  // over max_body_bytes or headers over kMaxHeaderBytes
  // (ResourceExhausted), on_body returning false (Cancelled), a bad
  // redirect (InvalidArgument) or too many (ResourceExhausted).
  absl::StatusOr<Next> Finish(CURL* easy, CURLcode result);

  // The request as given.
  const HttpRequest& request() const { return request_; }
  // The hops done so far.
  const HttpResponse& response() const { return response_; }
  // The response, once Finish said kDone.
  HttpResponse TakeResponse() { return std::move(response_); }

 private:
  static size_t OnHeader(char* data, size_t size, size_t count, void* user);
  static size_t OnBody(char* data, size_t size, size_t count, void* user);
  void HeaderLine(std::string_view line);
  bool Body(std::string_view data);
  bool IsFinalResponse() const;

  const HttpCookies cookies_;
  const HttpRequest request_;
  RedirectFollower follower_;
  HttpResponse response_;
  // The hop in flight, and what the jar decided about it (resolved once in
  // Attach, used again when its response's cookies are stored).
  HttpHop hop_;
  std::optional<ResolvedRequest> resolved_;
  long status_ = 0;                // Of the response being read (1xx included).
  bool headers_done_ = false;      // The blank line after the headers was read.
  std::size_t header_bytes_ = 0;   // Of the response being read.
  std::size_t body_bytes_ = 0;
  std::string body_;
  absl::Status stopped_;  // Why a callback stopped the transfer.
  curl_slist* header_list_ = nullptr;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CURL_CURL_TRANSFER_H_
