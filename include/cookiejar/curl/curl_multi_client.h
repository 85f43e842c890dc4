// libcurl's multi interface with cookie jars: many transfers at once, as
// crawlers use curl. Each transfer follows its redirects hop by hop through
// its jar (CurlTransfer, curl_transfer.h), so concurrent transfers sharing a
// jar see each other's cookies as soon as a hop's response is stored.
//
// Sessions. Each jar is a session (one browser profile): it may have options
// of its own (SetSessionOptions: a proxy, a source address, a TLS client
// certificate...), and by default its own connections and TLS sessions, never
// reused by another jar's transfers (Options::share_connections shares them).
// Each request may add options of its own (HttpRequest::configure).
//
// Loops. Run() blocks until every transfer is done. Or drive the client from
// a loop of yours: call Perform() (non-blocking) and Wait() in turn; or, in an
// event loop (libuv, libevent, asio, epoll), set Options::socket_function and
// timer_function (curl's socket and timer callbacks) and call SocketAction()
// when a socket is ready or the timer expires. For a CURLM of your own, use
// CurlTransfer and CurlSession directly.
//
// Threads. Add, SetSessionOptions, CloseSession, pending and Wakeup may be
// called from any thread (a producer thread queues work; the loop is woken).
// Run, Perform, Wait and SocketAction run on one thread at a time (the
// loop's), which is where the callbacks run.
//
// Example: a crawl with one session per proxy, at most 200 transfers at once.
//   CurlMultiClient client(200);
//   client.SetSessionOptions(&jar_1, [](CURL* easy) {
//     curl_easy_setopt(easy, CURLOPT_PROXY, "http://proxy-1.example:3128");
//   });
//   for (const std::string& url : urls) {
//     client.Add(&jar_1, HttpRequest(url), [](absl::StatusOr<HttpResponse> response) {
//       if (response.ok()) ... // response->status, ->body, ->hops
//     });
//   }
//   absl::Status status = client.Run();  // Returns when every transfer is done.

#ifndef COOKIEJAR_CURL_CURL_MULTI_CLIENT_H_
#define COOKIEJAR_CURL_CURL_MULTI_CLIENT_H_

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/curl/http_exchange.h"

namespace cookiejar {

class CurlMultiClient {
 public:
  using Callback = std::function<void(absl::StatusOr<HttpResponse>)>;
  // Options set on an easy handle before a transfer.
  using Configure = std::function<void(CURL* easy)>;
  // curl's CURLMOPT_SOCKETFUNCTION: watch `socket` for `what`
  // (CURL_POLL_IN, CURL_POLL_OUT, CURL_POLL_INOUT), or stop (CURL_POLL_REMOVE).
  using SocketFunction = std::function<void(curl_socket_t socket, int what)>;
  // curl's CURLMOPT_TIMERFUNCTION: call SocketAction(CURL_SOCKET_TIMEOUT, 0)
  // in `timeout_ms` milliseconds (0: as soon as the loop can; not from
  // within this function), replacing any earlier timer; -1: no timer.
  using TimerFunction = std::function<void(long timeout_ms)>;

  struct Options {
    // At most this many transfers run at once; the others wait, in order.
    int max_in_flight = 100;
    // Options of every transfer (timeouts, CURLOPT_RESOLVE, TLS...), applied
    // to the handle before each transfer, before the session's and the
    // request's. Handles are reset between transfers, so set them here, not
    // once.
    Configure configure;
    // False: each session's connections and TLS sessions are its own. True:
    // every session uses the multi handle's pool, as curl does by default;
    // fewer connections, but a server (or a network observer) can link
    // sessions that share a connection or resume each other's TLS session.
    bool share_connections = false;
    // Event-loop mode: both set, or neither. Then drive the client with
    // SocketAction; Run, Perform and Wait are refused.
    SocketFunction socket_function;
    TimerFunction timer_function;
    // Called on the adding thread when Add from outside the loop queued work
    // (once until the loop takes it). By default it ends a Wait(). In
    // event-loop mode, make it post SocketAction(CURL_SOCKET_TIMEOUT, 0) to
    // your loop (uv_async_send, event_active, asio::post...).
    std::function<void()> wake;
  };

  explicit CurlMultiClient(Options options);
  // At most `max_in_flight` transfers at once; `configure` as Options::configure.
  explicit CurlMultiClient(int max_in_flight = 100, Configure configure = nullptr);
  // Transfers still queued or in flight end without their callbacks.
  ~CurlMultiClient();
  CurlMultiClient(const CurlMultiClient&) = delete;
  CurlMultiClient& operator=(const CurlMultiClient&) = delete;

  // The options of `jar`'s session (not owned; it must outlive its
  // transfers): applied to the handle of each of its transfers that starts
  // from now on, after Options::configure. Replaces earlier ones.
  void SetSessionOptions(CookieJar* jar, Configure configure);

  // Ends `jar`'s session once its transfers are done: its connections are
  // closed and its options forgotten. A later Add starts a new session.
  void CloseSession(CookieJar* jar);

  // Queues `request`, whose cookies live in `jar` (not owned; it must
  // outlive the transfer). `done` gets the response, or the error as
  // CurlCookieClient::Fetch gives it, on the loop's thread. Any thread.
  void Add(CookieJar* jar, HttpRequest request, Callback done);

  // Runs every queued transfer (and those added meanwhile) to its end. An
  // error only when curl's multi interface itself fails.
  absl::Status Run();

  // One step, without blocking: starts queued transfers, lets curl move
  // every transfer on (curl_multi_perform) and calls the callbacks of those
  // done. An error only when curl's multi interface fails, or when called
  // from a callback.
  absl::Status Perform();

  // Blocks until a transfer's socket is ready, curl's timer expires, an Add
  // from another thread or Wakeup(), or `timeout_ms` (curl_multi_poll).
  absl::Status Wait(int timeout_ms);

  // Ends a Wait() at once. Any thread.
  void Wakeup();

  // Event-loop mode: `socket` is ready for `events` (CURL_CSELECT_IN,
  // CURL_CSELECT_OUT, CURL_CSELECT_ERR), or CURL_SOCKET_TIMEOUT with 0 when
  // the timer expired or after a wake. Starts queued transfers, lets curl
  // act (curl_multi_socket_action), calls the callbacks of those done.
  // `events` may be 0: curl then checks the socket itself. Errors as Perform.
  absl::Status SocketAction(curl_socket_t socket, int events);

  // Transfers added and not done yet (their callbacks not returned). Any thread.
  std::size_t pending() const;

  // The multi handle, for its own options (CURLMOPT_MAX_HOST_CONNECTIONS,
  // CURLMOPT_MAX_TOTAL_CONNECTIONS...). Not its socket or timer functions.
  CURLM* multi();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CURL_CURL_MULTI_CLIENT_H_
