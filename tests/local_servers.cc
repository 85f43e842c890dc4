#include "tests/local_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"

namespace cookiejar {
namespace testing {
namespace {

std::string Python() {
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

sockaddr_in Loopback(int port) {
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

bool PortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address = Loopback(port);
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return free;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address = Loopback(port);
  const bool accepted = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return accepted;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// `openssl req ARGS...` with a new P-256 key, unencrypted.
std::vector<std::string> WithNewKey(std::vector<std::string> args) {
  args.insert(args.begin() + 1,
              {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"});
  return args;
}

}  // namespace

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(tmp ? tmp : "/tmp", "/", prefix, "-XXXXXX");
  return mkdtemp(dir.data()) != nullptr ? dir : "";
}

HttpTestServer::HttpTestServer(const Options& options) {
  std::vector<std::string> argv = {
      Python(), std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/tests/http_test_server.py"};
  if (options.http10) argv.push_back("--http10");
  if (!options.tls_cert.empty()) {
    argv.insert(argv.end(), {"--tls", options.tls_cert, options.tls_key});
    if (!options.client_ca.empty()) argv.push_back(options.client_ca);
  }
  process_ = std::make_unique<BackgroundProcess>(argv);
  if (!process_->ReadLine(&port_)) port_.clear();
}

std::unique_ptr<Tinyproxy> Tinyproxy::Start(std::string* error) {
  std::unique_ptr<Tinyproxy> proxy(new Tinyproxy());
  proxy->dir_ = MakeTempDir("tinyproxy");
  if (proxy->dir_.empty()) {
    *error = "no temporary directory";
    return nullptr;
  }
  static std::mt19937 random(std::random_device{}());
  for (int attempt = 0; attempt < 20; ++attempt) {
    int port = 0;
    while (port == 0 || !PortFree(port)) port = 20000 + static_cast<int>(random() % 30000);
    const std::string config = proxy->dir_ + "/tinyproxy.conf";
    std::ofstream(config) << "Port " << port << "\n"
                          << "Listen 127.0.0.1\n"
                          << "Timeout 60\n"
                          << "MaxClients 200\n"
                          << "LogFile \"" << proxy->dir_ << "/tinyproxy.log\"\n"
                          << "LogLevel Connect\n"
                          << "DisableViaHeader Yes\n";
    // -d: in the foreground, so that killing the process ends it.
    proxy->process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"tinyproxy", "-d", "-c", config}, proxy->dir_ + "/stderr");
    if (!proxy->process_->started()) {
      *error = "tinyproxy did not start (tools/setup.sh installs tinyproxy-bin)";
      return nullptr;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Accepts(port)) {
        proxy->port_ = port;
        return proxy;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    proxy->process_.reset();  // Another process took the port first? Again.
  }
  *error = "tinyproxy never listened: " + ReadFile(proxy->dir_ + "/tinyproxy.log");
  return nullptr;
}

Tinyproxy::~Tinyproxy() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::vector<std::string> Tinyproxy::Requests() const {
  // "CONNECT   Dec 07 06:42:12.573 [27416]: Request (file descriptor 5): GET http://... HTTP/1.1"
  std::vector<std::string> requests;
  std::ifstream log(dir_ + "/tinyproxy.log");
  const std::string marker = "): ";
  for (std::string line; std::getline(log, line);) {
    const size_t request = line.find("]: Request (file descriptor ");
    if (request == std::string::npos) continue;
    const size_t start = line.find(marker, request);
    if (start != std::string::npos) requests.push_back(line.substr(start + marker.size()));
  }
  return requests;
}

bool TestCertificates::Openssl(const std::vector<std::string>& args, std::string* error) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = RunCommand(argv);
  if (result.exit_code != 0) *error = "openssl " + args[0] + ": " + result.error;
  return result.exit_code == 0;
}

bool TestCertificates::Create(const std::string& server_name, std::string* error) {
  dir_ = MakeTempDir("certificates");
  if (dir_.empty() ||
      !Openssl(WithNewKey({"req", "-x509", "-days", "2", "-subj", "/CN=cookiejar test CA",
                           "-keyout", dir_ + "/ca.key", "-out", ca()}),
               error)) {
    return false;
  }
  return Openssl(WithNewKey({"req", "-subj", "/CN=" + server_name, "-addext",
                             "subjectAltName=DNS:" + server_name, "-keyout", server_key(), "-out",
                             dir_ + "/server.csr"}),
                 error) &&
         Openssl({"x509", "-req", "-in", dir_ + "/server.csr", "-CA", ca(), "-CAkey",
                  dir_ + "/ca.key", "-set_serial", "1", "-days", "2", "-copy_extensions", "copy",
                  "-out", server_cert()},
                 error);
}

bool TestCertificates::AddClient(const std::string& common_name, std::string* error) {
  static int serial = 100;
  return Openssl(WithNewKey({"req", "-subj", "/CN=" + common_name, "-keyout",
                             client_key(common_name), "-out", dir_ + "/" + common_name + ".csr"}),
                 error) &&
         Openssl({"x509", "-req", "-in", dir_ + "/" + common_name + ".csr", "-CA", ca(), "-CAkey",
                  dir_ + "/ca.key", "-set_serial", std::to_string(++serial), "-days", "2", "-out",
                  client_cert(common_name)},
                 error);
}

TestCertificates::~TestCertificates() {
  if (dir_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace testing
}  // namespace cookiejar
