// Real Redis servers for tests: redis-server processes on free loopback
// ports, each in its own directory, killed and removed when the object goes
// away. A
// server can be stopped (SIGKILL, as a crash) and started again on the same
// port with the same data (AOF with appendfsync always: every write Redis
// acknowledged is on disk, unless told otherwise). A cluster is three such servers in cluster mode,
// joined by redis-cli --cluster create.

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

struct RedisServerOptions {
  bool cluster = false;
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
  // Runs a command (as the default user, with the password if any).
  absl::StatusOr<redis_internal::RedisReply> Command(const redis_internal::RedisCommand& command);

 private:
  bool Launch(std::string* error);
  RedisServerOptions options_;
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
};

class RedisCluster {
 public:
  // Three masters, no replicas; waits until the cluster state is ok.
  bool Start(std::string* error);
  std::vector<RedisEndpoint> endpoints() const;
  RedisServer& node(int i) { return *nodes_[i]; }
  // The node that serves `key`'s slot.
  int OwnerOf(const std::string& key);
  // Moves `slot` from node `from` to node `to` as redis-cli --cluster
  // reshard does (IMPORTING/MIGRATING, MIGRATE key by key, SETSLOT NODE),
  // slowly enough that clients meet ASK and TRYAGAIN, then MOVED.
  bool MigrateSlot(int slot, int from, int to, std::string* error);

 private:
  std::vector<std::unique_ptr<RedisServer>> nodes_;
};

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_REDIS_SERVER_H_
