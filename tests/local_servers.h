// Servers the HTTP-client tests start on 127.0.0.1 for themselves: the
// scriptable HTTP(S) server (tests/http_test_server.py), tinyproxy with a
// configuration and log of its own, and a throwaway TLS certificate
// authority (the openssl command).

#ifndef COOKIEJAR_TESTS_LOCAL_SERVERS_H_
#define COOKIEJAR_TESTS_LOCAL_SERVERS_H_

#include <memory>
#include <string>
#include <vector>

#include "tests/subprocess.h"

namespace cookiejar {
namespace testing {

// A running tests/http_test_server.py (TEST_SRCDIR's copy).
class HttpTestServer {
 public:
  struct Options {
    bool http10 = false;
    // HTTPS: the server's certificate and key, and optionally the CA whose
    // client certificates it accepts.
    std::string tls_cert, tls_key, client_ca;
  };
  HttpTestServer() : HttpTestServer(Options()) {}
  explicit HttpTestServer(const Options& options);

  // "" when it did not start.
  const std::string& port() const { return port_; }

 private:
  std::unique_ptr<BackgroundProcess> process_;
  std::string port_;
};

// tinyproxy (Debian's tinyproxy-bin) on a free port of 127.0.0.1, logging
// every request it forwards.
class Tinyproxy {
 public:
  // Null, with `error` set, when it could not start.
  static std::unique_ptr<Tinyproxy> Start(std::string* error);
  ~Tinyproxy();

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The request lines it received ("GET http://host/path HTTP/1.1"), in order.
  std::vector<std::string> Requests() const;

 private:
  Tinyproxy() = default;
  int port_ = 0;
  std::string dir_;
  std::unique_ptr<BackgroundProcess> process_;
};

// A certificate authority made for one test run, in a directory of its own:
// a server certificate for `server_name`, and client certificates on demand.
class TestCertificates {
 public:
  // False, with `error` set, when openssl failed.
  bool Create(const std::string& server_name, std::string* error);
  ~TestCertificates();

  // A client certificate and key signed by the CA, with `common_name`.
  bool AddClient(const std::string& common_name, std::string* error);

  std::string ca() const { return dir_ + "/ca.pem"; }
  std::string server_cert() const { return dir_ + "/server.pem"; }
  std::string server_key() const { return dir_ + "/server.key"; }
  std::string client_cert(const std::string& name) const { return dir_ + "/" + name + ".pem"; }
  std::string client_key(const std::string& name) const { return dir_ + "/" + name + ".key"; }

 private:
  bool Openssl(const std::vector<std::string>& args, std::string* error);
  std::string dir_;
};

// A directory of its own under TEST_TMPDIR (or /tmp).
std::string MakeTempDir(const std::string& prefix);

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_LOCAL_SERVERS_H_
