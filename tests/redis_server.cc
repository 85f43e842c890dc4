#include "tests/redis_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cookiejar {
namespace testing {
namespace {

using redis_internal::RedisAuth;
using redis_internal::RedisConnection;
using redis_internal::RedisReply;

bool PortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return free;
}

// A port whose cluster bus port (+10000) is free too.
int FreePort() {
  static std::mt19937 random(std::random_device{}());
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = 20000 + static_cast<int>(random() % 20000);
    if (PortFree(port) && PortFree(port + 10000)) return port;
  }
  return 0;
}

}  // namespace

RedisServer::~RedisServer() {
  Kill();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool RedisServer::Start(const RedisServerOptions& options, std::string* error) {
  options_ = options;
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(tmp ? tmp : "/tmp") + "/redis-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    *error = "mkdtemp failed";
    return false;
  }
  dir_ = pattern;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreePort();
    if (port_ != 0 && Launch(error)) return true;
  }
  return false;
}

bool RedisServer::Launch(std::string* error) {
  std::vector<std::string> argv = {
      "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_,
      "--appendonly", "yes", "--appendfsync", options_.appendfsync, "--save", "", "--logfile",
      dir_ + "/redis.log", "--daemonize", "no"};
  if (options_.cluster) {
    argv.insert(argv.end(), {"--cluster-enabled", "yes", "--cluster-config-file",
                             dir_ + "/nodes.conf", "--cluster-node-timeout", "2000"});
  }
  if (!options_.password.empty()) argv.insert(argv.end(), {"--requirepass", options_.password});
  if (!options_.acl_user.empty()) {
    argv.insert(argv.end(), {"--user", options_.acl_user, "on", ">" + options_.acl_password});
    argv.insert(argv.end(), options_.acl_rules.begin(), options_.acl_rules.end());
  }
  process_ = std::make_unique<BackgroundProcess>(argv);
  if (!process_->started()) {
    *error = "redis-server did not start (is it installed? tools/setup.sh)";
    return false;
  }
  // Until it answers PING (LOADING while it replays its AOF).
  for (int i = 0; i < 500; ++i) {
    absl::StatusOr<RedisReply> pong = Command({"PING"});
    if (pong.ok() && !pong->is_error()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = absl::StrCat("redis-server on port ", port_, " did not answer; see ", dir_,
                        "/redis.log");
  process_.reset();
  return false;
}

void RedisServer::Kill() {
  if (process_) {
    process_->Kill(SIGKILL);
    process_->Wait();
  }
}

bool RedisServer::Restart(std::string* error) { return Launch(error); }

void RedisServer::Pause() {
  if (process_) process_->Kill(SIGSTOP);
}

void RedisServer::Resume() {
  if (process_) process_->Kill(SIGCONT);
}

absl::StatusOr<RedisReply> RedisServer::Command(const redis_internal::RedisCommand& command) {
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection = RedisConnection::Open(
      {"127.0.0.1", port_}, RedisAuth{"", options_.password}, absl::Seconds(5));
  if (!connection.ok()) return connection.status();
  return (*connection)->Command(command);
}

bool RedisCluster::Start(std::string* error) {
  RedisServerOptions options;
  options.cluster = true;
  std::vector<std::string> create = {"redis-cli", "--cluster", "create"};
  for (int i = 0; i < 3; ++i) {
    nodes_.push_back(std::make_unique<RedisServer>());
    if (!nodes_.back()->Start(options, error)) return false;
    create.push_back(absl::StrCat("127.0.0.1:", nodes_.back()->port()));
  }
  create.insert(create.end(), {"--cluster-replicas", "0", "--cluster-yes"});
  CommandResult created = RunCommand(create);
  if (created.exit_code != 0) {
    *error = "redis-cli --cluster create failed: " + created.output + created.error;
    return false;
  }
  // Every node must agree that the cluster is up.
  for (int i = 0; i < 500; ++i) {
    bool ok = true;
    for (auto& node : nodes_) {
      absl::StatusOr<RedisReply> info = node->Command({"CLUSTER", "INFO"});
      ok = ok && info.ok() && absl::StrContains(info->str, "cluster_state:ok");
    }
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = "the cluster did not reach cluster_state:ok";
  return false;
}

std::vector<RedisEndpoint> RedisCluster::endpoints() const {
  std::vector<RedisEndpoint> out;
  for (const auto& node : nodes_) out.push_back(node->endpoint());
  return out;
}

int RedisCluster::OwnerOf(const std::string& key) {
  const long long slot = redis_internal::KeySlot(key);
  absl::StatusOr<RedisReply> slots = nodes_[0]->Command({"CLUSTER", "SLOTS"});
  if (!slots.ok()) return -1;
  for (const RedisReply& range : slots->elements) {
    if (range.elements.size() < 3 || range.elements[2].elements.size() < 2 ||
        slot < range.elements[0].integer || slot > range.elements[1].integer) {
      continue;
    }
    for (size_t j = 0; j < nodes_.size(); ++j) {
      if (range.elements[2].elements[1].integer == nodes_[j]->port()) return static_cast<int>(j);
    }
  }
  return -1;
}

bool RedisCluster::MigrateSlot(int slot, int from, int to, std::string* error) {
  RedisServer& source = *nodes_[from];
  RedisServer& target = *nodes_[to];
  absl::StatusOr<RedisReply> source_id = source.Command({"CLUSTER", "MYID"});
  absl::StatusOr<RedisReply> target_id = target.Command({"CLUSTER", "MYID"});
  if (!source_id.ok() || !target_id.ok()) {
    *error = "CLUSTER MYID failed";
    return false;
  }
  const std::string s = std::to_string(slot);
  auto run = [&](RedisServer& node, const redis_internal::RedisCommand& command) {
    absl::StatusOr<RedisReply> reply = node.Command(command);
    if (!reply.ok() || reply->is_error()) {
      *error = absl::StrCat(absl::StrJoin(command, " "), ": ",
                            reply.ok() ? reply->str : std::string(reply.status().message()));
      return false;
    }
    return true;
  };
  if (!run(target, {"CLUSTER", "SETSLOT", s, "IMPORTING", source_id->str}) ||
      !run(source, {"CLUSTER", "SETSLOT", s, "MIGRATING", target_id->str})) {
    return false;
  }
  for (;;) {
    absl::StatusOr<RedisReply> keys = source.Command({"CLUSTER", "GETKEYSINSLOT", s, "1"});
    if (!keys.ok() || keys->is_error()) {
      *error = "CLUSTER GETKEYSINSLOT failed";
      return false;
    }
    if (keys->elements.empty()) break;
    if (!run(source, {"MIGRATE", "127.0.0.1", std::to_string(target.port()), "", "0", "5000",
                      "KEYS", keys->elements[0].str})) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& node : nodes_) {
    if (!run(*node, {"CLUSTER", "SETSLOT", s, "NODE", target_id->str})) return false;
  }
  return true;
}

}  // namespace testing
}  // namespace cookiejar
