#include "benchmarks/curl_cookie_engine.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cookiejar {
namespace benchmarks {
namespace {

constexpr std::string_view kResponseHead = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n";
constexpr std::string_view kCookieField = "\r\nCookie: ";
constexpr std::string_view kEndOfHead = "\r\n\r\n";

// Where curl's SSL_CTX keeps the engine for the info callback, which has no
// user pointer of its own.
int EngineIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string OpenSslErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    absl::StrAppend(&text, text.empty() ? "" : "; ", buffer);
  }
  return text.empty() ? "no OpenSSL error" : text;
}

// "scheme://host[:port]" of `url`, lowercased: what libcurl matches a
// connection on (besides the Unix socket, the same for all).
void OriginOf(const std::string& url, std::string* origin) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  origin->assign(url, 0, end == std::string::npos ? url.size() : end);
  absl::AsciiStrToLower(origin);
}

}  // namespace

// The peer's end of one connection curl made.
struct CurlCookieEngine::Connection {
  int fd = -1;
  SSL* tls = nullptr;  // Null for http.
  curl_socket_t client = CURL_SOCKET_BAD;
  std::string origin;

  ~Connection() {
    if (tls != nullptr) SSL_free(tls);
    if (fd >= 0) close(fd);
  }
};

absl::StatusOr<std::unique_ptr<CurlCookieEngine>> CurlCookieEngine::Create(Options options) {
  // Once per process, before any thread could race it.
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global != CURLE_OK) {
    return absl::InternalError(absl::StrCat("curl_global_init: ", curl_easy_strerror(global)));
  }
  std::unique_ptr<CurlCookieEngine> engine(new CurlCookieEngine(options));
  absl::Status status = engine->Init();
  if (!status.ok()) return status;
  return engine;
}

CurlCookieEngine::CurlCookieEngine(Options options) : options_(options) {}

CurlCookieEngine::~CurlCookieEngine() {
  // Closes curl's connections through OnCloseSocket, which needs the maps.
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
  by_origin_.clear();
  by_socket_.clear();
  handshaking_.reset();
  if (listener_ >= 0) close(listener_);
  curl_slist_free_all(connect_to_);
  curl_slist_free_all(resolve_);
  if (server_tls_ != nullptr) SSL_CTX_free(server_tls_);
}

absl::Status CurlCookieEngine::Init() {
  // The peer listens on 127.0.0.1 at a port of the kernel's choosing.
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener_ < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listener_, 128) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return absl::InternalError(absl::StrCat("bind/listen: ", strerror(errno)));
  }
  port_ = ntohs(address.sin_port);
  // Every URL's port becomes the peer's; its host stays the URL's (what
  // curl's cookie logic and Host header see, and what it files connections
  // under) and is resolved to 127.0.0.1 by an entry Transfer adds.
  connect_to_ = curl_slist_append(nullptr, absl::StrCat(":::", port_).c_str());
  if (connect_to_ == nullptr) return absl::InternalError("curl_slist_append failed");
  if (absl::Status status = InitServerTls(); !status.ok()) return status;

  curl_ = curl_easy_init();
  if (curl_ == nullptr) return absl::InternalError("curl_easy_init failed");
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(curl_, option, value);
  };
  set(CURLOPT_ERRORBUFFER, curl_error_);
  if (options_.verbose) set(CURLOPT_VERBOSE, 1L);
  set(CURLOPT_CONNECT_TO, connect_to_);
  // Not the environment's proxy either: OnOpenSocket refuses any address
  // but the peer's.
  set(CURLOPT_PROXY, "");
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TIMEOUT_MS, 10000L);  // A broken exchange fails, never hangs.
  set(CURLOPT_WRITEFUNCTION, &CurlCookieEngine::Discard);
  set(CURLOPT_MAXCONNECTS, kMaxConnections);
  // Idle connections stay (libcurl closes them after 118 s by default), so a
  // long benchmark does not meet a handshake in its timing.
  set(CURLOPT_MAXAGE_CONN, 86400L);
  // The DNS cache holds only the CURLOPT_RESOLVE entries, which never
  // expire; with a timeout, libcurl 7.88 still walks the whole cache at the
  // start of every transfer (Curl_hostcache_prune), 50 us a transfer with
  // the traces' 1,000 hosts, the same with cookies or without.
  set(CURLOPT_DNS_CACHE_TIMEOUT, -1L);
  if (options_.fresh_connections) set(CURLOPT_FORBID_REUSE, 1L);
  set(CURLOPT_RESOLVER_START_FUNCTION, &CurlCookieEngine::OnResolverStart);
  set(CURLOPT_RESOLVER_START_DATA, this);
  set(CURLOPT_OPENSOCKETFUNCTION, &CurlCookieEngine::OnOpenSocket);
  set(CURLOPT_OPENSOCKETDATA, this);
  set(CURLOPT_PREREQFUNCTION, &CurlCookieEngine::OnPrereq);
  set(CURLOPT_PREREQDATA, this);
  set(CURLOPT_CLOSESOCKETFUNCTION, &CurlCookieEngine::OnCloseSocket);
  set(CURLOPT_CLOSESOCKETDATA, this);
  set(CURLOPT_SSL_CTX_FUNCTION, &CurlCookieEngine::OnSslContext);
  set(CURLOPT_SSL_CTX_DATA, this);
  // The peer is this object, with a certificate made a moment ago.
  set(CURLOPT_SSL_VERIFYPEER, 0L);
  set(CURLOPT_SSL_VERIFYHOST, 0L);
  // An empty string starts the cookie engine without reading a file.
  if (options_.cookie_engine) set(CURLOPT_COOKIEFILE, "");
  if (code != CURLE_OK) {
    return absl::InternalError(absl::StrCat("curl_easy_setopt: ", curl_easy_strerror(code)));
  }
  return absl::OkStatus();
}

absl::Status CurlCookieEngine::InitServerTls() {
  server_tls_ = SSL_CTX_new(TLS_server_method());
  if (server_tls_ == nullptr) return absl::InternalError(OpenSslErrors());
  // No tickets: they would sit unread on an idle connection, and a pending
  // byte there makes libcurl doubt the connection before reusing it.
  SSL_CTX_set_num_tickets(server_tls_, 0);
  SSL_CTX_set_session_cache_mode(server_tls_, SSL_SESS_CACHE_OFF);

  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* certificate = X509_new();
  bool ok = key != nullptr && certificate != nullptr;
  if (ok) {
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 7 * 86400);
    X509_NAME* name = X509_get_subject_name(certificate);
    ok = X509_set_pubkey(certificate, key) == 1 &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>("cookie-engine-peer"),
                                    -1, -1, 0) == 1 &&
         X509_set_issuer_name(certificate, name) == 1 &&
         X509_sign(certificate, key, EVP_sha256()) > 0 &&
         SSL_CTX_use_certificate(server_tls_, certificate) == 1 &&
         SSL_CTX_use_PrivateKey(server_tls_, key) == 1;
  }
  X509_free(certificate);
  EVP_PKEY_free(key);
  if (!ok) return absl::InternalError(absl::StrCat("server certificate: ", OpenSslErrors()));
  return absl::OkStatus();
}

bool CurlCookieEngine::Set(const std::string& url, const std::string& set_cookie) {
  response_.assign(kResponseHead);
  absl::StrAppend(&response_, "Set-Cookie: ", set_cookie, "\r\n\r\n");
  return Transfer(url);
}

bool CurlCookieEngine::Get(const std::string& url, std::string* header) {
  response_.assign(kResponseHead);
  response_.append("\r\n");
  header->clear();
  if (!Transfer(url)) return false;
  // curl writes the field as "Cookie: " and puts it after the request line.
  const size_t field = request_.find(kCookieField);
  if (field != std::string::npos) {
    const size_t start = field + kCookieField.size();
    header->assign(request_, start, request_.find("\r\n", start) - start);
  }
  return true;
}

void CurlCookieEngine::ClearCookies() { curl_easy_setopt(curl_, CURLOPT_COOKIELIST, "ALL"); }

bool CurlCookieEngine::Fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool CurlCookieEngine::Transfer(const std::string& url) {
  error_.clear();
  curl_error_[0] = '\0';
  current_ = nullptr;
  request_read_ = false;
  new_socket_ = CURL_SOCKET_BAD;
  OriginOf(url, &origin_);
  // A host seen for the first time is resolved to the peer before curl
  // could ask the system's resolver (OnResolverStart refuses that anyway).
  const bool new_host = !by_origin_.contains(origin_) && AddResolveEntry();
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  const CURLcode code = curl_easy_perform(curl_);
  new_socket_ = CURL_SOCKET_BAD;
  if (new_host) {
    // Loaded into the DNS cache (for good: a CURLOPT_RESOLVE entry does not
    // expire); not to be read again by every later transfer.
    curl_easy_setopt(curl_, CURLOPT_RESOLVE, nullptr);
    curl_slist_free_all(resolve_);
    resolve_ = nullptr;
  }
  if (!error_.empty()) return false;
  if (code != CURLE_OK) {
    return Fail(absl::StrCat(url, ": ", curl_easy_strerror(code), " (", curl_error_, ")"));
  }
  long status = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return Fail(absl::StrCat(url, ": status ", status));
  // With connections forbidden to be reused, OnCloseSocket read it already.
  if (!request_read_) {
    if (current_ == nullptr) return Fail(absl::StrCat(url, ": no connection was answered"));
    if (!ReadRequest(current_)) return false;
  }
  current_ = nullptr;
  return true;
}

bool CurlCookieEngine::AddResolveEntry() {
  // origin_ is "scheme://host[:port]"; an IP literal needs no entry.
  const size_t start = origin_.find("://") + 3;
  if (start >= origin_.size() || origin_[start] == '[') return false;
  const std::string host = origin_.substr(start, origin_.find(':', start) - start);
  if (!resolved_hosts_.insert(host).second) return false;
  curl_slist_free_all(resolve_);
  resolve_ = curl_slist_append(nullptr, absl::StrCat(host, ":", port_, ":127.0.0.1").c_str());
  curl_easy_setopt(curl_, CURLOPT_RESOLVE, resolve_);
  return true;
}

bool CurlCookieEngine::ReadRequest(Connection* connection) {
  request_.clear();
  request_read_ = true;
  char buffer[16384];
  // curl wrote the whole request before it read the response, so it is
  // there; a short read means a broken exchange, not a slow one.
  while (request_.find(kEndOfHead) == std::string::npos) {
    ssize_t n;
    if (connection->tls != nullptr) {
      n = SSL_read(connection->tls, buffer, sizeof(buffer));
      if (n <= 0) {
        const std::string detail = OpenSslErrors();
        return Fail(absl::StrCat("reading the request over TLS: ", detail));
      }
    } else {
      n = recv(connection->fd, buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n <= 0) return Fail(absl::StrCat("reading the request: ", n == 0 ? "EOF" : strerror(errno)));
    }
    request_.append(buffer, n);
  }
  if (request_.size() != request_.find(kEndOfHead) + kEndOfHead.size()) {
    return Fail("bytes after the request");
  }
  return true;
}

std::unique_ptr<CurlCookieEngine::Connection> CurlCookieEngine::Accept(bool tls) {
  // Only curl's new socket is welcome: another local process could have
  // connected to the port first.
  sockaddr_in expected{};
  socklen_t length = sizeof(expected);
  if (getsockname(new_socket_, reinterpret_cast<sockaddr*>(&expected), &length) != 0) {
    Fail(absl::StrCat("getsockname: ", strerror(errno)));
    return nullptr;
  }
  auto connection = std::make_unique<Connection>();
  for (;;) {
    sockaddr_in peer{};
    length = sizeof(peer);
    connection->fd = accept4(listener_, reinterpret_cast<sockaddr*>(&peer), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (connection->fd < 0) {
      Fail(absl::StrCat("accept: ", strerror(errno)));
      return nullptr;
    }
    if (peer.sin_port == expected.sin_port && peer.sin_addr.s_addr == expected.sin_addr.s_addr) {
      break;
    }
    close(connection->fd);
  }
  const int one = 1;
  setsockopt(connection->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (tls) {
    connection->tls = SSL_new(server_tls_);
    if (connection->tls == nullptr || SSL_set_fd(connection->tls, connection->fd) != 1) {
      Fail(absl::StrCat("server SSL: ", OpenSslErrors()));
      return nullptr;
    }
    SSL_set_accept_state(connection->tls);
  }
  ++accepted_;
  return connection;
}

int CurlCookieEngine::OnResolverStart(void*, void*, void* engine) {
  static_cast<CurlCookieEngine*>(engine)->Fail("curl was about to resolve a name");
  return 1;
}

curl_socket_t CurlCookieEngine::OnOpenSocket(void* engine, curlsocktype purpose,
                                           curl_sockaddr* address) {
  auto* self = static_cast<CurlCookieEngine*>(engine);
  const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
  if (purpose != CURLSOCKTYPE_IPCXN || address->family != AF_INET ||
      in->sin_addr.s_addr != htonl(INADDR_LOOPBACK) || ntohs(in->sin_port) != self->port_) {
    self->Fail("curl tried to connect to something other than the peer");
    return CURL_SOCKET_BAD;
  }
  const curl_socket_t socket =
      ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (socket == CURL_SOCKET_BAD) self->Fail(absl::StrCat("socket: ", strerror(errno)));
  self->new_socket_ = socket;
  return socket;
}

CURLcode CurlCookieEngine::OnSslContext(CURL*, void* ssl_ctx, void* engine) {
  SSL_CTX* context = static_cast<SSL_CTX*>(ssl_ctx);
  SSL_CTX_set_ex_data(context, EngineIndex(), engine);
  SSL_CTX_set_info_callback(context, &CurlCookieEngine::OnClientTlsInfo);
  return CURLE_OK;
}

// curl's client leaves SSL_connect each time it waits for the server: that
// is when the server's side of the handshake can take its next step.
void CurlCookieEngine::OnClientTlsInfo(const SSL* ssl, int where, int ret) {
  if ((where & SSL_CB_CONNECT_EXIT) == 0 || ret > 0 || !SSL_want_read(ssl)) return;
  auto* self = static_cast<CurlCookieEngine*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), EngineIndex()));
  if (self == nullptr || self->new_socket_ == CURL_SOCKET_BAD) return;
  if (self->handshaking_ == nullptr) {
    self->handshaking_ = self->Accept(/*tls=*/true);
    if (self->handshaking_ == nullptr) return;  // curl times out; error_ says why.
  }
  const int result = SSL_do_handshake(self->handshaking_->tls);
  if (result <= 0) {
    const int error = SSL_get_error(self->handshaking_->tls, result);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      self->Fail(absl::StrCat("server handshake: ", OpenSslErrors()));
    }
  }
  // The thread's error queue is the client's too: SSL_get_error on curl's
  // side must not see the server's entries.
  ERR_clear_error();
}

int CurlCookieEngine::OnPrereq(void* engine, char*, char*, int, int) {
  auto* self = static_cast<CurlCookieEngine*>(engine);
  Connection* connection;
  if (self->new_socket_ != CURL_SOCKET_BAD) {
    std::unique_ptr<Connection> accepted =
        self->handshaking_ != nullptr ? std::move(self->handshaking_) : self->Accept(false);
    if (accepted == nullptr) return CURL_PREREQFUNC_ABORT;
    accepted->client = self->new_socket_;
    accepted->origin = self->origin_;
    connection = accepted.get();
    self->by_socket_[accepted->client] = std::move(accepted);
    self->by_origin_[self->origin_] = connection;
    self->new_socket_ = CURL_SOCKET_BAD;
  } else {
    auto found = self->by_origin_.find(self->origin_);
    if (found == self->by_origin_.end()) {
      self->Fail(absl::StrCat("curl reused a connection not made for ", self->origin_));
      return CURL_PREREQFUNC_ABORT;
    }
    connection = found->second;
  }
  const std::string& response = self->response_;
  if (connection->tls != nullptr) {
    // The client's Finished is waiting: curl's SSL_connect has returned.
    while (!SSL_is_init_finished(connection->tls)) {
      if (SSL_do_handshake(connection->tls) != 1) {
        self->Fail(absl::StrCat("server handshake: ", OpenSslErrors()));
        ERR_clear_error();
        return CURL_PREREQFUNC_ABORT;
      }
    }
    if (SSL_write(connection->tls, response.data(), static_cast<int>(response.size())) !=
        static_cast<int>(response.size())) {
      self->Fail(absl::StrCat("server write: ", OpenSslErrors()));
      ERR_clear_error();
      return CURL_PREREQFUNC_ABORT;
    }
  } else {
    for (size_t sent = 0; sent < response.size();) {
      const ssize_t n = send(connection->fd, response.data() + sent, response.size() - sent,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n <= 0) {
        self->Fail(absl::StrCat("server write: ", strerror(errno)));
        return CURL_PREREQFUNC_ABORT;
      }
      sent += n;
    }
  }
  self->current_ = connection;
  return CURL_PREREQFUNC_OK;
}

int CurlCookieEngine::OnCloseSocket(void* engine, curl_socket_t socket) {
  auto* self = static_cast<CurlCookieEngine*>(engine);
  auto found = self->by_socket_.find(socket);
  if (found != self->by_socket_.end()) {
    Connection* connection = found->second.get();
    // A connection closed at the end of its transfer (no reuse): its request
    // is read now, while the peer's end is still open.
    if (connection == self->current_ && !self->request_read_) {
      self->ReadRequest(connection);
      self->current_ = nullptr;
    }
    auto by_origin = self->by_origin_.find(connection->origin);
    if (by_origin != self->by_origin_.end() && by_origin->second == connection) {
      self->by_origin_.erase(by_origin);
    }
    self->by_socket_.erase(found);
  } else if (self->handshaking_ != nullptr && socket == self->new_socket_) {
    self->handshaking_.reset();  // A handshake that failed.
  }
  return close(socket);
}

}  // namespace benchmarks
}  // namespace cookiejar
