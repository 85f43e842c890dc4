#include "tests/redis_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <fstream>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

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

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

// Whether something accepts connections on the loopback port.
bool Listening(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

absl::StatusOr<RedisReply> CommandAt(int port, const redis_internal::RedisCommand& command) {
  return RedisServer::CommandAt(port, command);
}

void Sleep(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

bool MakeTlsFiles(const std::string& dir, TlsFiles* out, std::string* error) {
  out->ca = dir + "/ca.crt";
  out->cert = dir + "/server.crt";
  out->key = dir + "/server.key";
  std::ofstream(dir + "/san.ext") << "subjectAltName=IP:127.0.0.1\n";
  const std::vector<std::vector<std::string>> steps = {
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-nodes", "-keyout", dir + "/ca.key", "-out", out->ca, "-days", "3", "-subj",
       "/CN=cookiejar test CA"},
      {"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", out->key, "-out", dir + "/server.csr", "-subj", "/CN=127.0.0.1"},
      {"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", out->ca, "-CAkey",
       dir + "/ca.key", "-CAcreateserial", "-out", out->cert, "-days", "3", "-extfile",
       dir + "/san.ext"}};
  for (const auto& step : steps) {
    CommandResult result = RunCommand(step);
    if (result.exit_code != 0) {
      *error = absl::StrCat(absl::StrJoin(step, " "), " failed (is openssl installed? "
                            "tools/setup.sh): ", result.error);
      return false;
    }
  }
  return true;
}

TlsTunnel::~TlsTunnel() {
  process_.reset();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool TlsTunnel::Start(const std::vector<RedisEndpoint>& tls_endpoints, const TlsFiles& files,
                      std::string* error) {
  dir_ = MakeTempDir("stunnel");
  if (dir_.empty()) {
    *error = "mkdtemp failed";
    return false;
  }
  const std::string config = dir_ + "/stunnel.conf";
  {
    std::ofstream out(config);
    out << "foreground = yes\npid =\noutput = " << dir_ << "/stunnel.log\ndebug = 4\n";
    for (size_t i = 0; i < tls_endpoints.size(); ++i) {
      const int local = FreePort();
      map_.push_back({tls_endpoints[i], {"127.0.0.1", local}});
      out << "[redis" << i << "]\nclient = yes\naccept = 127.0.0.1:" << local
          << "\nconnect = " << tls_endpoints[i].host << ":" << tls_endpoints[i].port
          << "\nCAfile = " << files.ca << "\nverifyChain = yes\ncheckIP = 127.0.0.1\n";
    }
  }
  process_ = std::make_unique<BackgroundProcess>(std::vector<std::string>{"stunnel", config},
                                                 dir_ + "/stunnel.err");
  if (!process_->started()) {
    *error = "stunnel did not start (is stunnel4 installed? tools/setup.sh)";
    return false;
  }
  for (const RedisAddressMapping& m : map_) {
    int i = 0;
    while (!Listening(m.reach_at.port) && i++ < 250) Sleep(20);
    if (i > 250) {
      *error = absl::StrCat("stunnel does not listen on ", m.reach_at.port, "; see ", dir_);
      return false;
    }
  }
  return true;
}

RedisEndpoint TlsTunnel::Local(const RedisEndpoint& tls) const {
  for (const RedisAddressMapping& m : map_) {
    if (m.announced.host == tls.host && m.announced.port == tls.port) return m.reach_at;
  }
  return tls;
}

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
    if (options_.tls != nullptr) tls_port_ = FreePort();
    if (port_ != 0 && Launch(error)) return true;
  }
  return false;
}

bool RedisServer::Launch(std::string* error) {
  std::vector<std::string> argv = {
      "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_,
      "--appendonly", "yes", "--appendfsync", options_.appendfsync, "--save", "", "--logfile",
      dir_ + "/redis.log", "--daemonize", "no",
      // Replicas start syncing at once (the default waits 5 s for others).
      "--repl-diskless-sync-delay", "0"};
  if (options_.tls != nullptr) {
    argv.insert(argv.end(), {"--tls-port", std::to_string(tls_port_), "--tls-cert-file",
                             options_.tls->cert, "--tls-key-file", options_.tls->key,
                             "--tls-ca-cert-file", options_.tls->ca, "--tls-auth-clients", "no",
                             "--tls-replication", "yes"});
    if (options_.cluster) argv.insert(argv.end(), {"--tls-cluster", "yes"});
  }
  if (options_.replica_of != 0) {
    argv.insert(argv.end(), {"--replicaof", "127.0.0.1", std::to_string(options_.replica_of)});
  }
  if (options_.cluster) {
    // A replica that restarted takes over however long it was cut off from
    // its master (the failover tests crash both).
    argv.insert(argv.end(), {"--cluster-replica-validity-factor", "0"});
    argv.insert(argv.end(), {"--cluster-enabled", "yes", "--cluster-config-file",
                             dir_ + "/nodes.conf", "--cluster-node-timeout", "2000"});
  }
  if (!options_.password.empty()) argv.insert(argv.end(), {"--requirepass", options_.password});
  if (!options_.acl_user.empty()) {
    argv.insert(argv.end(), {"--user", options_.acl_user, "on", ">" + options_.acl_password});
    argv.insert(argv.end(), options_.acl_rules.begin(), options_.acl_rules.end());
  }
  killed_ = false;
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
  if (process_ && !killed_) {
    process_->Kill(SIGKILL);
    process_->Wait();
  }
  killed_ = true;
}

bool RedisServer::Restart(std::string* error) { return Launch(error); }

void RedisServer::Pause() {
  if (running()) process_->Kill(SIGSTOP);
}

void RedisServer::Resume() {
  if (running()) process_->Kill(SIGCONT);
}

absl::StatusOr<RedisReply> RedisServer::Command(const redis_internal::RedisCommand& command) {
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection = RedisConnection::Open(
      {"127.0.0.1", port_}, RedisAuth{"", options_.password}, absl::Seconds(5));
  if (!connection.ok()) return connection.status();
  return (*connection)->Command(command);
}

absl::StatusOr<RedisReply> RedisServer::CommandAt(int port,
                                                  const redis_internal::RedisCommand& command) {
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Open({"127.0.0.1", port}, RedisAuth{}, absl::Seconds(5));
  if (!connection.ok()) return connection.status();
  return (*connection)->Command(command);
}

bool RedisCluster::Start(std::string* error, int replicas, const TlsFiles* tls) {
  RedisServerOptions options;
  options.cluster = true;
  options.tls = tls;
  std::vector<std::string> create = {"redis-cli", "--cluster", "create"};
  for (int i = 0; i < 3 * (1 + replicas); ++i) {
    nodes_.push_back(std::make_unique<RedisServer>());
    if (!nodes_.back()->Start(options, error)) return false;
    create.push_back(absl::StrCat("127.0.0.1:", nodes_.back()->port()));
  }
  create.insert(create.end(),
                {"--cluster-replicas", std::to_string(replicas), "--cluster-yes"});
  CommandResult created = RunCommand(create);
  if (created.exit_code != 0) {
    *error = "redis-cli --cluster create failed: " + created.output + created.error;
    return false;
  }
  // Every node must agree that the cluster is up, and every replica be in
  // sync with its master.
  for (int i = 0; i < 1500; ++i) {
    bool ok = true;
    for (auto& node : nodes_) {
      absl::StatusOr<RedisReply> info = node->Command({"CLUSTER", "INFO"});
      ok = ok && info.ok() && absl::StrContains(info->str, "cluster_state:ok");
      absl::StatusOr<RedisReply> replication = node->Command({"INFO", "replication"});
      ok = ok && replication.ok() &&
           (absl::StrContains(replication->str, "role:master") ||
            absl::StrContains(replication->str, "master_link_status:up"));
      // Gossip reaches each node in its own time: until every node names
      // every replica's master, tests that ask one node whose replica is
      // whose (ReplicasOf) would see fewer on a loaded machine.
      absl::StatusOr<RedisReply> cluster_nodes = node->Command({"CLUSTER", "NODES"});
      int replicas_known = 0;
      if (cluster_nodes.ok() && !cluster_nodes->is_error()) {
        for (absl::string_view line :
             absl::StrSplit(cluster_nodes->str, '\n', absl::SkipEmpty())) {
          std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
          if (f.size() >= 4 && absl::StrContains(f[2], "slave") && f[3] != "-") ++replicas_known;
        }
      }
      ok = ok && replicas_known == 3 * replicas;
    }
    if (ok) return true;
    Sleep(20);
  }
  *error = "the cluster did not reach cluster_state:ok with its replicas in sync";
  return false;
}

std::vector<RedisEndpoint> RedisCluster::endpoints() const {
  std::vector<RedisEndpoint> out;
  for (const auto& node : nodes_) out.push_back(node->client_endpoint());
  return out;
}

namespace {

// The owner of `slot` as the node at `port` sees it: the index in `nodes`.
int OwnerSeenBy(int port, long long slot,
                const std::vector<std::unique_ptr<RedisServer>>& nodes) {
  absl::StatusOr<RedisReply> slots = CommandAt(port, {"CLUSTER", "SLOTS"});
  if (!slots.ok()) return -1;
  for (const RedisReply& range : slots->elements) {
    if (range.elements.size() < 3 || range.elements[2].elements.size() < 2 ||
        slot < range.elements[0].integer || slot > range.elements[1].integer) {
      continue;
    }
    const long long owner = range.elements[2].elements[1].integer;
    for (size_t j = 0; j < nodes.size(); ++j) {
      if (owner == nodes[j]->port() || owner == nodes[j]->tls_port()) return static_cast<int>(j);
    }
  }
  return -1;
}

}  // namespace

int RedisCluster::OwnerOf(const std::string& key) {
  for (const auto& node : nodes_) {
    if (!node->running()) continue;
    const int owner = OwnerSeenBy(node->port(), redis_internal::KeySlot(key), nodes_);
    if (owner >= 0) return owner;
  }
  return -1;
}

std::vector<int> RedisCluster::ReplicasOf(int master) {
  std::vector<int> out;
  for (const auto& node : nodes_) {
    if (!node->running()) continue;
    absl::StatusOr<RedisReply> text = node->Command({"CLUSTER", "NODES"});
    if (!text.ok() || text->is_error()) continue;
    // <id> <ip:port@bus> <flags> <master id or -> ...
    std::map<std::string, int> index_of_id;
    std::vector<std::pair<int, std::string>> replica_of;
    for (absl::string_view line : absl::StrSplit(text->str, '\n', absl::SkipEmpty())) {
      std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
      if (f.size() < 4) continue;
      std::vector<absl::string_view> address = absl::StrSplit(f[1], absl::ByAnyChar(":@,"));
      int port = 0;
      if (address.size() < 2 || !absl::SimpleAtoi(address[1], &port)) continue;
      for (size_t j = 0; j < nodes_.size(); ++j) {
        if (port != nodes_[j]->port() && port != nodes_[j]->tls_port()) continue;
        index_of_id[std::string(f[0])] = static_cast<int>(j);
        if (f[3] != "-") replica_of.emplace_back(static_cast<int>(j), std::string(f[3]));
      }
    }
    for (const auto& [replica, id] : replica_of) {
      if (index_of_id.count(id) && index_of_id[id] == master) out.push_back(replica);
    }
    return out;
  }
  return out;
}

int RedisCluster::WaitForNewOwner(const std::string& key, int old, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int agreed = -2;
    bool ok = true;
    for (const auto& node : nodes_) {
      if (!node->running()) continue;
      const int owner = OwnerSeenBy(node->port(), redis_internal::KeySlot(key), nodes_);
      absl::StatusOr<RedisReply> info = node->Command({"CLUSTER", "INFO"});
      ok = ok && owner >= 0 && owner != old && (agreed == -2 || agreed == owner) && info.ok() &&
           absl::StrContains(info->str, "cluster_state:ok");
      agreed = owner;
    }
    if (ok && agreed >= 0) return agreed;
    Sleep(50);
  }
  return -1;
}

RedisReplicated::~RedisReplicated() {
  sentinels_.clear();
  nodes_.clear();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool RedisReplicated::Start(int replicas, int sentinels, const TlsFiles* tls,
                            std::string* error) {
  RedisServerOptions options;
  options.tls = tls;
  nodes_.push_back(std::make_unique<RedisServer>());
  if (!nodes_.back()->Start(options, error)) return false;
  options.replica_of = nodes_[0]->client_endpoint().port;
  for (int i = 0; i < replicas; ++i) {
    nodes_.push_back(std::make_unique<RedisServer>());
    if (!nodes_.back()->Start(options, error)) return false;
  }
  // Connected is not enough: WAIT counts a replica only once its first sync
  // is done ("state=online"), and min_replicas tests flush at once.
  bool online = replicas == 0;
  for (int i = 0; i < 1500 && !online; ++i) {
    absl::StatusOr<RedisReply> info = nodes_[0]->Command({"INFO", "replication"});
    int in_sync = 0;
    for (size_t at = 0; info.ok() && (at = info->str.find("state=online", at)) != std::string::npos;
         ++at) {
      ++in_sync;
    }
    online = in_sync == replicas;
    if (!online) Sleep(20);
  }
  if (!online) {
    *error = "the replicas did not finish their first sync with the master";
    return false;
  }
  dir_ = MakeTempDir("sentinels");
  if (dir_.empty()) {
    *error = "mkdtemp failed";
    return false;
  }
  for (int i = 0; i < sentinels; ++i) {
    const int port = FreePort();
    const int tls_port = tls ? FreePort() : 0;
    const std::string config = absl::StrCat(dir_, "/sentinel", i, ".conf");
    {
      std::ofstream out(config);
      out << "port " << port << "\nbind 127.0.0.1\ndir " << dir_ << "\nlogfile " << dir_
          << "/sentinel" << i << ".log\n";
      if (tls) {
        out << "tls-port " << tls_port << "\ntls-cert-file " << tls->cert << "\ntls-key-file "
            << tls->key << "\ntls-ca-cert-file " << tls->ca
            << "\ntls-auth-clients no\ntls-replication yes\n";
      }
      const int sentinels_quorum = sentinels / 2 + 1;
      out << "sentinel monitor " << kMaster << " 127.0.0.1 " << nodes_[0]->client_endpoint().port
          << " " << sentinels_quorum << "\nsentinel down-after-milliseconds " << kMaster
          << " 1000\nsentinel failover-timeout " << kMaster << " 4000\n";
    }
    sentinels_.push_back(std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"redis-sentinel", config}));
    if (!sentinels_.back()->started()) {
      *error = "redis-sentinel did not start (is redis-sentinel installed? tools/setup.sh)";
      return false;
    }
    sentinel_ports_.push_back(port);
    sentinel_tls_ports_.push_back(tls_port);
  }
  // Until every Sentinel knows the master, its replicas and the others.
  for (int i = 0; i < 1500; ++i) {
    bool ok = true;
    for (int port : sentinel_ports_) {
      absl::StatusOr<RedisReply> master = CommandAt(port, {"SENTINEL", "MASTER", kMaster});
      if (!master.ok() || master->is_error()) {
        ok = false;
        break;
      }
      std::map<std::string, std::string> fields;
      for (size_t j = 0; j + 1 < master->elements.size(); j += 2) {
        fields[master->elements[j].str] = master->elements[j + 1].str;
      }
      ok = ok && fields["num-slaves"] == std::to_string(replicas) &&
           fields["num-other-sentinels"] == std::to_string(sentinels - 1);
    }
    if (ok) return true;
    Sleep(20);
  }
  *error = absl::StrCat("the Sentinels did not find the master, its replicas and each other; see ",
                        dir_);
  return false;
}

std::vector<RedisEndpoint> RedisReplicated::sentinel_endpoints() const {
  std::vector<RedisEndpoint> out;
  for (size_t i = 0; i < sentinel_ports_.size(); ++i) {
    out.push_back({"127.0.0.1", sentinel_tls_ports_[i] ? sentinel_tls_ports_[i]
                                                        : sentinel_ports_[i]});
  }
  return out;
}

int RedisReplicated::IndexOfPort(int port) const {
  for (size_t j = 0; j < nodes_.size(); ++j) {
    if (port == nodes_[j]->port() || port == nodes_[j]->tls_port()) return static_cast<int>(j);
  }
  return -1;
}

int RedisReplicated::Master() {
  for (int port : sentinel_ports_) {
    absl::StatusOr<RedisReply> named =
        CommandAt(port, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", kMaster});
    int master_port = 0;
    if (named.ok() && named->elements.size() == 2 &&
        absl::SimpleAtoi(named->elements[1].str, &master_port)) {
      return IndexOfPort(master_port);
    }
  }
  return -1;
}

int RedisReplicated::WaitForNewMaster(int old, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    // Every Sentinel must name it: one that has not heard of the failover
    // yet would send clients to the old master (once it is back).
    int master = -2;
    for (int port : sentinel_ports_) {
      absl::StatusOr<RedisReply> named =
          CommandAt(port, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", kMaster});
      int master_port = 0;
      const int named_index = named.ok() && named->elements.size() == 2 &&
                                      absl::SimpleAtoi(named->elements[1].str, &master_port)
                                  ? IndexOfPort(master_port)
                                  : -1;
      master = master == -2 || master == named_index ? named_index : -1;
    }
    if (master >= 0 && master != old && nodes_[master]->running()) {
      absl::StatusOr<RedisReply> role = nodes_[master]->Command({"ROLE"});
      if (role.ok() && !role->elements.empty() && role->elements[0].str == "master") {
        return master;
      }
    }
    Sleep(50);
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
    if (!run(source, {"MIGRATE", "127.0.0.1", std::to_string(target.client_endpoint().port), "", "0", "5000",
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
