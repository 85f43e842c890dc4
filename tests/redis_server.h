// Real Redis servers for tests: redis-server processes on free loopback
// ports, each in its own directory, killed and removed when the object goes
// away. A server can be stopped (SIGKILL, as a crash) and started again on
// the same port with the same data (AOF with appendfsync always: every write
// Redis acknowledged is on disk, unless told otherwise). A cluster is three
// masters (and their replicas) in cluster mode, joined by redis-cli
// --cluster create. A replicated server is a primary, its replicas and
// Sentinels that fail it over.
//
// TLS: with TlsFiles, every server also listens with TLS (Redis's own) and
// replicates and gossips over TLS; clients of the store reach it through a
// TlsTunnel (stunnel, as a worker machine would run it beside the worker:
// Debian 12's hiredis has no TLS). The plain port stays open on loopback
// for the test's own administration (Command).

#ifndef COOKIEJAR_TESTS_REDIS_SERVER_H_
#define COOKIEJAR_TESTS_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "cookiejar/redis/redis_cookie_store.h"
#include "persistence/internal/redis_client.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace testing {

// A test CA and a certificate for 127.0.0.1 that it signed (openssl CLI).
struct TlsFiles {
  std::string ca, cert, key;
};
bool MakeTlsFiles(const std::string& dir, TlsFiles* out, std::string* error);

// A stunnel client: one local plain port for each TLS endpoint, verifying
// the test CA and the address in the certificate.
class TlsTunnel {
 public:
  bool Start(const std::vector<RedisEndpoint>& tls_endpoints, const TlsFiles& files,
             std::string* error);
  ~TlsTunnel();
  // Where this process reaches `tls` (the same when not tunnelled).
  RedisEndpoint Local(const RedisEndpoint& tls) const;
  // For RedisStoreOptions::address_map.
  const std::vector<RedisAddressMapping>& address_map() const { return map_; }

 private:
  std::string dir_;
  std::vector<RedisAddressMapping> map_;
  std::unique_ptr<BackgroundProcess> process_;
};

struct RedisServerOptions {
  bool cluster = false;
  // TLS as well (tls-port; replication and the cluster bus over TLS).
  const TlsFiles* tls = nullptr;
  // A replica of the server with this (plain) port.
  int replica_of = 0;
  // "always": every acknowledged write is on disk (the fault tests);
  // "everysec": Redis's usual setting (the benchmarks).
  std::string appendfsync = "always";
  std::string password;  // requirepass
  // An ACL user, its password and its rules.
  std::string acl_user;
  std::string acl_password;
  std::vector<std::string> acl_rules = {"~*", "&*", "+@all"};
};

class RedisServer {
 public:
  // Starts a server in a new directory under TEST_TMPDIR; false on failure
  // (`error` says why).
  bool Start(const RedisServerOptions& options, std::string* error);
  ~RedisServer();

  // SIGKILL: a crash. The data stays in the directory.
  void Kill();
  // Starts again on the same port and directory and waits until it answers.
  bool Restart(std::string* error);
  // SIGSTOP and SIGCONT: a network stall. Connections stay open and nothing
  // answers; what clients sent meanwhile is read when the server resumes.
  void Pause();
  void Resume();

  int port() const { return port_; }
  RedisEndpoint endpoint() const { return {"127.0.0.1", port_}; }
  // The TLS port (0 without TLS), and what clients of the store connect to:
  // the TLS port when there is one.
  int tls_port() const { return tls_port_; }
  RedisEndpoint client_endpoint() const { return {"127.0.0.1", tls_port_ ? tls_port_ : port_}; }
  // Whether the process runs (not killed).
  bool running() const { return process_ != nullptr && !killed_; }
  const std::string& dir() const { return dir_; }
  // Runs a command (as the default user, with the password if any).
  absl::StatusOr<redis_internal::RedisReply> Command(const redis_internal::RedisCommand& command);
  // Runs a command on whatever listens on a loopback port (no password).
  static absl::StatusOr<redis_internal::RedisReply> CommandAt(
      int port, const redis_internal::RedisCommand& command);

 private:
  bool Launch(std::string* error);
  RedisServerOptions options_;
  std::string dir_;
  int port_ = 0;
  int tls_port_ = 0;
  bool killed_ = false;
  std::unique_ptr<BackgroundProcess> process_;
};

// A primary, its replicas and Sentinels (quorum: a majority) watching it
// under the name kMaster, with short timeouts (down after 1 s).
class RedisReplicated {
 public:
  static constexpr char kMaster[] = "fleet-master";
  bool Start(int replicas, int sentinels, const TlsFiles* tls, std::string* error);
  ~RedisReplicated();
  RedisServer& node(int i) { return *nodes_[i]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  // The Sentinels as clients of the store reach them (TLS ports with TLS).
  std::vector<RedisEndpoint> sentinel_endpoints() const;
  // The plain port of Sentinel `i` (for the test's own commands).
  int sentinel_port(int i) const { return sentinel_ports_[i]; }
  // The node the Sentinels name master (-1 when they cannot be asked).
  int Master();
  // Waits until every Sentinel names the same master other than `old` and
  // it says it is one (ROLE); its index, or -1 after `timeout`.
  int WaitForNewMaster(int old, absl::Duration timeout);

 private:
  int IndexOfPort(int port) const;
  std::vector<std::unique_ptr<RedisServer>> nodes_;
  std::vector<int> sentinel_ports_, sentinel_tls_ports_;
  std::vector<std::unique_ptr<BackgroundProcess>> sentinels_;
  std::string dir_;
};

class RedisCluster {
 public:
  // Three masters with `replicas` replicas each; waits until the cluster
  // state is ok and every replica is in sync.
  bool Start(std::string* error, int replicas = 0, const TlsFiles* tls = nullptr);
  // The masters as clients of the store reach them (TLS ports with TLS).
  std::vector<RedisEndpoint> endpoints() const;
  RedisServer& node(int i) { return *nodes_[i]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  // The node that serves `key`'s slot (-1 when no live node answers).
  int OwnerOf(const std::string& key);
  // The replicas of node `master` (by CLUSTER NODES of a live node).
  std::vector<int> ReplicasOf(int master);
  // Waits until a live node other than `old` serves `key`'s slot, every
  // live node agrees, and the state is ok; its index, or -1 after `timeout`.
  int WaitForNewOwner(const std::string& key, int old, absl::Duration timeout);
  // Moves `slot` from node `from` to node `to` (MIGRATE over TLS when the
  // cluster uses it) as redis-cli --cluster
  // reshard does (IMPORTING/MIGRATING, MIGRATE key by key, SETSLOT NODE),
  // slowly enough that clients meet ASK and TRYAGAIN, then MOVED.
  bool MigrateSlot(int slot, int from, int to, std::string* error);

 private:
  std::vector<std::unique_ptr<RedisServer>> nodes_;
};

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_REDIS_SERVER_H_
