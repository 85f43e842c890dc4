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
// to the node that serves it: a standalone server as it is, a cluster node
// found with CLUSTER SLOTS, following MOVED (the slot moved: the client moves
// with it), ASK (a slot being migrated: this command goes to the target, with
// ASKING) and TRYAGAIN (keys split by a migration: wait and resend).
// Reconnects on the next call after a broken connection, trying every seed.
// Not thread-safe, except Interrupt.
class SlotClient {
 public:
  SlotClient(std::vector<RedisAddress> seeds, RedisAuth auth, int slot, absl::Duration timeout);
  ~SlotClient();

  // One reply per command, in order. Unavailable when no node could be
  // reached or the redirections did not settle; the connection is then
  // dropped and the next call starts again.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(const std::vector<RedisCommand>& commands);
  absl::StatusOr<RedisReply> Command(const RedisCommand& command);

  // For a blocking command: the read timeout of the following calls.
  void SetTimeout(absl::Duration timeout);
  void Interrupt();
  // Drops the connection (the next call reconnects).
  void Reset();
  // The node in use, for messages ("" when not connected).
  std::string node();

 private:
  absl::Status Connect();
  absl::StatusOr<RedisAddress> FindOwner(RedisConnection* connection);

  const std::vector<RedisAddress> seeds_;
  const RedisAuth auth_;
  const int slot_;
  absl::Duration timeout_;
  size_t next_seed_ = 0;

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
