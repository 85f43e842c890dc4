#include "cookiejar/curl/curl_session.h"

#include <utility>

namespace cookiejar {
namespace {

CURLSH* NewShare(CurlSession::Connections connections) {
  if (connections != CurlSession::Connections::kOwn) return nullptr;
  CURLSH* share = curl_share_init();
  if (share == nullptr) return nullptr;
  // No lock functions: a session's handles run on one thread at a time.
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  return share;
}

}  // namespace

CurlSession::CurlSession(CookieJar* jar, Configure configure, Connections connections)
    : jar_(jar),
      configure_(std::move(configure)),
      connections_(connections),
      share_(NewShare(connections)) {}

CurlSession::~CurlSession() {
  if (share_ != nullptr) curl_share_cleanup(share_);
}

void CurlSession::Apply(CURL* easy) const {
  if (connections_ == Connections::kOwn) {
    // Without its share (out of memory at construction), a session would
    // fall back to shared connections: a handle that cannot be isolated gets
    // no connection reuse at all instead.
    if (share_ != nullptr) {
      curl_easy_setopt(easy, CURLOPT_SHARE, share_);
    } else {
      curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
      curl_easy_setopt(easy, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    }
  }
  if (configure_) configure_(easy);
}

}  // namespace cookiejar
