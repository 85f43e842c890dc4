// libcurl's multi interface with cookie jars: many transfers at once on one
// thread, as high-volume clients (crawlers) use curl. Each transfer follows
// its redirects hop by hop through its jar, exactly as CurlCookieClient does
// (curl_cookie_client.h), so concurrent transfers sharing a jar see each
// other's cookies as soon as a hop's response is stored. Transfers may use
// one shared jar or one jar per profile.
//
// Example: a crawl of many URLs with at most 200 transfers in flight.
//   CookieJar jar;
//   CurlMultiClient client(200);
//   for (const std::string& url : urls) {
//     client.Add(&jar, HttpRequest{url}, [](absl::StatusOr<HttpResponse> response) {
//       if (response.ok()) ... // response->status, ->body, ->hops
//     });
//   }
//   absl::Status status = client.Run();  // Returns when every transfer is done.
//
// Not thread-safe: Add and Run on one thread (Add may be called from the
// callbacks, to queue more work).

#ifndef COOKIEJAR_CURL_MULTI_CLIENT_H_
#define COOKIEJAR_CURL_MULTI_CLIENT_H_

#include <curl/curl.h>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/curl_cookie_client.h"

namespace cookiejar {

class CurlMultiClient {
 public:
  using Callback = std::function<void(absl::StatusOr<HttpResponse>)>;
  // Called for each new easy handle, for options of your own (as
  // CurlCookieClient::easy()).
  using Configure = std::function<void(CURL*)>;

  // At most `max_in_flight` transfers run at once; the others wait.
  explicit CurlMultiClient(int max_in_flight = 100, Configure configure = nullptr);
  ~CurlMultiClient();
  CurlMultiClient(const CurlMultiClient&) = delete;
  CurlMultiClient& operator=(const CurlMultiClient&) = delete;

  // Queues `request`, whose cookies live in `jar` (not owned; it must
  // outlive the transfer). `done` gets the response, or the error as
  // CurlCookieClient::Fetch gives it, on the thread that runs Run.
  void Add(CookieJar* jar, HttpRequest request, Callback done);

  // Runs every queued transfer (and those the callbacks add) to its end.
  // An error only when curl's multi interface itself fails.
  absl::Status Run();

 private:
  struct Transfer;
  absl::Status Start(std::unique_ptr<Transfer> transfer);
  void Finish(Transfer* transfer, absl::StatusOr<HttpResponse> result);

  const int max_in_flight_;
  const Configure configure_;
  CURLM* const multi_;
  std::vector<CURL*> idle_;  // Easy handles to reuse (connections stay open).
  std::deque<std::unique_ptr<Transfer>> waiting_;
  int in_flight_ = 0;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CURL_MULTI_CLIENT_H_
