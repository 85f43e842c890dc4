// Talking to Redis for the Redis cookie store: one hiredis connection with
// timeouts and authentication, and a client for the keys of one cluster slot
// that follows Redis Cluster's MOVED and ASK redirections (hiredis 0.14 has
// no cluster support of its own).
//
// Every reply is copied out of hiredis into a RedisReply, so that callers
// never hold hiredis types and errors come back as values.

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_REDIS_CLIENT_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_REDIS_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct redisContext;

namespace cookiejar {
namespace redis_internal {

struct RedisReply {
  enum class Type { kString, kArray, kInteger, kNil, kStatus, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError.
  long long integer = 0;
  std::vector<RedisReply> elements;  // kArray.

  bool is_error() const { return type == Type::kError; }
  // "MOVED", "ASK", "NOSCRIPT"... for an error reply; "" otherwise.
  std::string_view ErrorCode() const;
};

using RedisCommand = std::vector<std::string>;

struct RedisAddress {
  std::string host;
  int port = 0;
  bool operator==(const RedisAddress& o) const { return host == o.host && port == o.port; }
  std::string ToString() const;
};

struct RedisAuth {
  std::string user;      // ACL user; empty: the default user.
  std::string password;  // Empty: no AUTH.
};

// How a SlotClient finds the node that serves its slot.
struct RedisTarget {
  // Nodes of a standalone server or cluster, or Sentinels (below).
  std::vector<RedisAddress> seeds;
  RedisAuth auth;
  // Set: the seeds are Sentinels, asked for the address of this master.
  std::string sentinel_master;
  RedisAuth sentinel_auth;
  // Addresses Redis announces (CLUSTER SLOTS, MOVED, ASK, Sentinel) mapped
  // to where this process reaches them (a TLS tunnel, NAT).
  std::vector<std::pair<RedisAddress, RedisAddress>> address_map;
  // Connecting, and waiting for a reply.
  absl::Duration timeout = absl::Seconds(2);

  RedisAddress Map(const RedisAddress& announced) const;
};

// One connection. Not thread-safe, except Interrupt.
class RedisConnection {
 public:
  // Connects within `timeout`, applies `timeout` to every later read and
  // write, and authenticates. Unavailable when the server cannot be reached,
  // Unauthenticated or PermissionDenied when it refuses the credentials.
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Open(const RedisAddress& address,
                                                               const RedisAuth& auth,
                                                               absl::Duration timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends every command, then reads one reply each (Redis error replies are
  // replies, not errors). An error status means the connection is broken
  // (closed, timed out, unparseable reply) and must be dropped.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(const std::vector<RedisCommand>& commands);
  absl::StatusOr<RedisReply> Command(const RedisCommand& command);

  // Changes the read timeout (a blocking command waits longer).
  void SetTimeout(absl::Duration timeout);
  // From another thread: makes a blocked call return at once with an error.
  void Interrupt();

  const RedisAddress& address() const { return address_; }

 private:
  RedisConnection(redisContext* context, RedisAddress address);
  redisContext* const context_;
  const RedisAddress address_;
};

// CRC16 of the key's hash tag, mod 16384 (the Redis Cluster key slot).
int KeySlot(std::string_view key);

// Sends the commands of one cluster slot (every key they name must be in it)
// to the node that serves it: a standalone server that is a master (HELLO
// says so: among several endpoints, a replica is passed over), the master a
// Sentinel names (checked the same way: a Sentinel may not have seen a
// failover yet), a cluster node found with CLUSTER SLOTS, following MOVED (the slot
// moved: the client moves with it), ASK (a slot being migrated: this command
// goes to the target, with ASKING), TRYAGAIN (keys split by a migration:
// wait and resend) and READONLY (the node was demoted by a failover: find
// the master again and resend). Reconnects on the next call after a broken
// connection, trying every seed. Not thread-safe, except Interrupt.
class SlotClient {
 public:
  // `slot` -1: the seed itself (or the Sentinel's master), whatever it serves.
  SlotClient(RedisTarget target, int slot);
  ~SlotClient();

  // One reply per command, in order. Unavailable when no node could be
  // reached or the redirections did not settle; the connection is then
  // dropped and the next call starts again.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(const std::vector<RedisCommand>& commands);
  absl::StatusOr<RedisReply> Command(const RedisCommand& command);
  // Pipeline, then WAIT on every connection that ran one of the commands:
  // `*replicated` is the fewest replicas that acknowledged (waiting up to
  // `wait` for `replicas` of them).
  absl::StatusOr<std::vector<RedisReply>> PipelineReplicated(
      const std::vector<RedisCommand>& commands, int replicas, absl::Duration wait,
      int* replicated);
  // Counts the connections made: a write acknowledged on one connection
  // that is not confirmed by replicas must be sent again once the number
  // changes (the node may have been replaced by a replica without it).
  uint64_t connections() const { return connections_; }
  bool connected() const { return connection_ != nullptr; }
  // The replication ID of the node in use (INFO replication: master_replid),
  // "" when not connected or not allowed to ask. A node that took over from
  // another (a promoted replica) or restarted has a new one: changes the old
  // one acknowledged may be gone.
  const std::string& replication_id() const { return replication_id_; }

  // For a blocking command: the read timeout of the following calls.
  void SetTimeout(absl::Duration timeout);
  void Interrupt();
  // Drops the connection (the next call reconnects).
  void Reset();
  // The node in use, for messages ("" when not connected).
  std::string node();

 private:
  absl::Status Connect();
  absl::StatusOr<std::unique_ptr<RedisConnection>> ConnectThroughSentinel(
      const RedisAddress& sentinel);
  absl::StatusOr<RedisAddress> FindOwner(RedisConnection* connection);
  absl::StatusOr<std::vector<RedisReply>> Send(const std::vector<RedisCommand>& commands,
                                               int replicas, absl::Duration wait,
                                               int* replicated);
  void Adopt(std::unique_ptr<RedisConnection> connection);

  const RedisTarget target_;
  const int slot_;
  absl::Duration timeout_;
  size_t next_seed_ = 0;
  uint64_t connections_ = 0;
  std::string replication_id_;

  std::mutex mu_;  // Guards connection_ and connecting_ against Interrupt.
  std::unique_ptr<RedisConnection> connection_;
  // The connection Connect is asking for the slot's owner: Interrupt
  // reaches it too (a stopped server answers nothing there either).
  RedisConnection* connecting_ = nullptr;
  bool interrupted_ = false;
};

}  // namespace redis_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_REDIS_CLIENT_H_
