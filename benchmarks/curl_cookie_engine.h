// libcurl's cookie engine, driven the only way libcurl offers: through real
// transfers. libcurl has no call that stores a Set-Cookie line received from a
// URL, nor one that returns the Cookie header for a URL; both happen inside a
// transfer (Curl_cookie_add on a response header, Curl_cookie_getlist while
// writing a request). So each Set or Get here is one complete GET with one
// CURL easy handle (and its cookie engine) kept for the object's life, against
// a canned peer in this process:
//
//   - curl connects to a port this object listens on at 127.0.0.1:
//     CURLOPT_CONNECT_TO sends every URL to that port, and a CURLOPT_RESOLVE
//     entry added the first time a host is seen resolves it to 127.0.0.1,
//     so the URL's host and scheme stay what curl's cookie logic sees and
//     what it files connections under. CURLOPT_RESOLVER_START_FUNCTION
//     refuses any real name lookup and CURLOPT_OPENSOCKETFUNCTION any other
//     address, so nothing leaves the machine. (Not a socketpair: libcurl 7.88
//     ignores CURL_SOCKOPT_ALREADY_CONNECTED and calls connect() on it anyway,
//     curl/curl#10626. Not a Unix socket: 7.88 never reuses a connection made
//     over one while its resolver is threaded, "still name resolving". Not
//     CONNECT_TO a host: every connection would then share one bundle, and
//     7.88 checks each connection of the bundle for liveness, a syscall
//     apiece, on every transfer.)
//   - https URLs get real TLS: curl's cookie engine treats a request as secure
//     only when the handler is HTTPS (or the host is localhost/127.0.0.1/::1),
//     and a Secure cookie is refused from, and never sent to, anything else.
//     There is no way to have the HTTPS handler without its TLS filter, so the
//     peer is an OpenSSL server (a key and self-signed certificate made at
//     start-up; curl does not verify them). Its handshake is driven from the
//     client's own handshake loop (an info callback on curl's SSL_CTX), so
//     everything runs on the caller's thread.
//   - connections are kept alive (one per origin, up to kMaxConnections), so
//     after the first transfer to a host a Set or Get costs one request and
//     one response on a warm connection, as in a browsing session.
//   - the response (HTTP/1.1 200, Content-Length: 0, the Set-Cookie line for
//     Set) is written when curl announces the request (CURLOPT_PREREQFUNCTION,
//     after its reuse checks); the request curl wrote is read afterwards and
//     its Cookie header returned.
//
// A Set is a whole transfer too: its request carries the Cookie header for
// the Set's URL, as every real response that sets a cookie followed a
// request that sent them. With `cookie_engine` off the same exchanges run
// without CURLOPT_COOKIEFILE, the baseline for subtraction.
//
// One object per thread.

#ifndef COOKIEJAR_BENCHMARKS_CURL_COOKIE_ENGINE_H_
#define COOKIEJAR_BENCHMARKS_CURL_COOKIE_ENGINE_H_

#include <curl/curl.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"

namespace cookiejar {
namespace benchmarks {

class CurlCookieEngine {
 public:
  struct Options {
    // Off: no CURLOPT_COOKIEFILE, so curl neither stores nor sends cookies;
    // the exchanges are otherwise identical.
    bool cookie_engine = true;
    // A fresh connection (and for https a full TLS handshake) per transfer
    // (CURLOPT_FORBID_REUSE); the default reuses one per host.
    bool fresh_connections = false;
    // curl's own account of each transfer on stderr (CURLOPT_VERBOSE).
    bool verbose = false;
  };

  // Enough for the traces' 1,000 hosts, each with a warm connection.
  static constexpr long kMaxConnections = 4096;

  static absl::StatusOr<std::unique_ptr<CurlCookieEngine>> Create(Options options);
  static absl::StatusOr<std::unique_ptr<CurlCookieEngine>> Create() { return Create(Options()); }
  ~CurlCookieEngine();
  CurlCookieEngine(const CurlCookieEngine&) = delete;
  CurlCookieEngine& operator=(const CurlCookieEngine&) = delete;

  // A response from `url` carried this Set-Cookie value: curl stores it as it
  // does from a real transfer. False when the transfer failed (last_error()).
  bool Set(const std::string& url, const std::string& set_cookie);
  // The Cookie header value curl sends with a GET of `url` ("" for none).
  bool Get(const std::string& url, std::string* header);
  // Forgets every cookie (CURLOPT_COOKIELIST "ALL"); connections stay warm.
  void ClearCookies();

  const std::string& last_error() const { return error_; }
  // Connections the peer accepted so far (TLS handshakes, for https).
  size_t connections_accepted() const { return accepted_; }

 private:
  struct Connection;

  explicit CurlCookieEngine(Options options);
  absl::Status Init();
  absl::Status InitServerTls();
  // One GET of `url`, answered with response_; the request curl wrote goes to
  // request_.
  bool Transfer(const std::string& url);
  // Reads the request curl wrote on `connection` into request_.
  bool ReadRequest(Connection* connection);
  // Resolves origin_'s host to 127.0.0.1 (CURLOPT_RESOLVE) unless done
  // before; true when it set the option.
  bool AddResolveEntry();
  // The peer's end of the connection curl has just made.
  std::unique_ptr<Connection> Accept(bool tls);
  bool Fail(std::string message);

  // libcurl and OpenSSL callbacks (the void* is the engine).
  static int OnResolverStart(void*, void*, void* engine);
  static curl_socket_t OnOpenSocket(void* engine, curlsocktype purpose, curl_sockaddr* address);
  static int OnPrereq(void* engine, char*, char*, int, int);
  static int OnCloseSocket(void* engine, curl_socket_t socket);
  static CURLcode OnSslContext(CURL*, void* ssl_ctx, void* engine);
  static void OnClientTlsInfo(const SSL* ssl, int where, int ret);
  static size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

  const Options options_;
  CURL* curl_ = nullptr;
  int listener_ = -1;
  int port_ = 0;
  curl_slist* connect_to_ = nullptr;
  curl_slist* resolve_ = nullptr;
  absl::flat_hash_set<std::string> resolved_hosts_;
  SSL_CTX* server_tls_ = nullptr;

  // The peer's end of each connection, by curl's socket (to close it with
  // curl's) and by origin (to answer on it: libcurl 7.88 cannot name the
  // socket of a transfer under way, CURLINFO_ACTIVESOCKET gives the previous
  // one, but it reuses a connection only for the same scheme, host and port,
  // and transfers here run one at a time).
  absl::flat_hash_map<curl_socket_t, std::unique_ptr<Connection>> by_socket_;
  absl::flat_hash_map<std::string, Connection*> by_origin_;
  // A connection curl opened in this transfer (CURLOPT_OPENSOCKETFUNCTION).
  curl_socket_t new_socket_ = CURL_SOCKET_BAD;
  // Its TLS peer, accepted when curl's client first waits for the server.
  std::unique_ptr<Connection> handshaking_;
  Connection* current_ = nullptr;
  bool request_read_ = false;
  std::string origin_;    // Of the transfer under way: "scheme://host[:port]".
  std::string response_;  // What the peer answers to the next request.
  std::string request_;   // The request curl wrote, with its blank line.
  std::string error_;
  char curl_error_[CURL_ERROR_SIZE] = {};
  size_t accepted_ = 0;
};

}  // namespace benchmarks
}  // namespace cookiejar

#endif  // COOKIEJAR_BENCHMARKS_CURL_COOKIE_ENGINE_H_
