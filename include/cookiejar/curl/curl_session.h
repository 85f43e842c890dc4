// A crawl session as libcurl sees it: one jar (one browser profile) and the
// network identity that goes with it: its own options (a proxy, a source
// address, a TLS client certificate, a User-Agent...) and, by default, its
// own connections and TLS sessions, which no other session reuses. A
// connection or a resumed TLS session shared by two sessions would link
// their identities at the server, whatever their cookies say.
//
// CurlMultiClient keeps one per jar (SetSessionOptions). With a loop of your
// own, apply a session to each easy handle before each of its transfers:
//   CurlSession session(&jar, [](CURL* easy) {
//     curl_easy_setopt(easy, CURLOPT_PROXY, "http://proxy-7.example:3128");
//   });
//   session.Apply(easy);                      // then CurlTransfer::Attach(easy)...
//
// A session's handles must run on one thread at a time (libcurl does not
// share connections across concurrent threads), and must be cleaned up, or
// given another share, before the session is destroyed.

#ifndef COOKIEJAR_CURL_CURL_SESSION_H_
#define COOKIEJAR_CURL_CURL_SESSION_H_

#include <curl/curl.h>

#include <functional>

#include "cookiejar/cookie_jar.h"

namespace cookiejar {

class CurlSession {
 public:
  using Configure = std::function<void(CURL* easy)>;

  enum class Connections {
    // The session's own connection cache and TLS session cache (a CURLSH
    // sharing CURL_LOCK_DATA_CONNECT and CURL_LOCK_DATA_SSL_SESSION): no
    // other session reuses them.
    kOwn,
    // Whatever the handle uses otherwise (a multi handle's pool, shared by
    // every transfer in it): fewer connections, linkable sessions.
    kShared,
  };

  // `jar` is not owned and must outlive the session. `configure` is this
  // session's options, applied by Apply.
  explicit CurlSession(CookieJar* jar, Configure configure = nullptr,
                       Connections connections = Connections::kOwn);
  ~CurlSession();
  CurlSession(const CurlSession&) = delete;
  CurlSession& operator=(const CurlSession&) = delete;

  CookieJar* jar() const { return jar_; }
  Connections connections() const { return connections_; }

  // Makes `easy` (not running) one of this session's handles for its next
  // transfer: the session's connection and TLS session caches (kOwn), then
  // its options.
  void Apply(CURL* easy) const;

 private:
  CookieJar* const jar_;
  const Configure configure_;
  const Connections connections_;
  CURLSH* const share_;  // kOwn only.
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CURL_CURL_SESSION_H_
