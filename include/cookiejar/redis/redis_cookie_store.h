// Browser profiles shared by a fleet of processes through Redis: a
// CookieStore (cookiejar/cookie_store.h, the contract every store shares:
// attach, what is written for each change, errors, shutdown).
//
// Several crawler processes, on one machine or many, attach their jars to the
// same profile; each keeps the whole profile in memory (lookups never wait
// for Redis) and the store keeps them in step: a change made in one jar is
// written to Redis and reaches the other jars within milliseconds. Redis
// decides, atomically (a Lua script), which change of a cookie is the newest;
// every jar then applies changes in the order Redis gave them, so all of them
// end up holding the same cookies. A worker that dies loses nothing it had
// flushed; while Redis is unreachable, workers keep serving from memory,
// queue their changes (bounded) and catch up both ways when it returns.
// Works with one server or a Redis Cluster (all of a profile's keys share the
// hash tag {profile}, so a profile lives in one slot). docs/fleet.md tells
// the key layout, the consistency model and the fault behaviour.
//
// Changes are written in batches (after `flush_batch` changes, every
// `flush_interval`, or on Flush()). Flush() returning OK means Redis has
// applied every earlier change of the jar (as durable as Redis's own AOF or
// RDB settings make it); it is the acknowledgement to wait for.
//
// Ordering: a set or a deletion someone made carries its time (its stamp,
// clamped to the Redis server's clock) and the newest wins. A cookie that a
// jar expired, evicted or ended with its session is removed only if Redis
// still holds that very version, and the removal is ordered at the time that
// version was set: it never defeats a set made since, by any worker, and
// two workers removing the same version remove it once.
//
// Security: AUTH with a password, or an ACL user and password. The hiredis
// of Debian 12 (0.14) has no TLS support, so neither has this store: reach
// Redis over loopback, a private network or a TLS tunnel. Cookie values never
// appear in errors or messages.
//
// Example:
//   CookieJar jar;  // Declared first: destroyed after the store.
//   RedisStoreOptions options;
//   options.endpoints = {{"10.0.0.5", 6379}};  // A server, or cluster nodes.
//   auto store = RedisCookieStore::Connect(options);
//   if (!store.ok()) ...;
//   if (!(*store)->Attach(&jar, "account-17").ok()) ...;  // Loads, then follows.
//   jar.SetCookie(...);          // Reaches the other workers shortly.
//   (*store)->Flush();           // OK: Redis holds it.

#ifndef COOKIEJAR_REDIS_REDIS_COOKIE_STORE_H_
#define COOKIEJAR_REDIS_REDIS_COOKIE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookie_store.h"
#include "cookiejar/store_key_ring.h"

namespace cookiejar {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
};

// An address Redis announces and the address this process reaches it at.
struct RedisAddressMapping {
  RedisEndpoint announced;
  RedisEndpoint reach_at;
};

struct RedisStoreOptions {
  // A standalone server, or any nodes of a Redis Cluster (the store asks
  // them which node serves a profile, and follows MOVED and ASK), or, with
  // `sentinel_master`, the Sentinels that watch the master.
  std::vector<RedisEndpoint> endpoints = {RedisEndpoint()};
  // AUTH: a password alone (requirepass), or an ACL user and its password.
  std::string user;
  std::string password;
  // Redis Sentinel: the name of the master (as in `sentinel monitor NAME`).
  // The store asks the Sentinels in `endpoints` where the master is, checks
  // that it is one (HELLO), and asks again when it fails over.
  std::string sentinel_master;
  // AUTH for the Sentinels themselves, if they require it.
  std::string sentinel_user;
  std::string sentinel_password;
  // Addresses that Redis announces (CLUSTER SLOTS, MOVED, ASK, Sentinel)
  // and where this process reaches them instead: a local TLS tunnel to each
  // node (docs/fleet.md), NAT, containers. Unlisted addresses are used as
  // announced.
  std::vector<RedisAddressMapping> address_map;

  // Flush() reports a change only once this many replicas hold it as well
  // (Redis WAIT), so that a failover to one of them loses nothing that
  // Flush() acknowledged; it waits up to `replica_timeout` for them, and
  // otherwise returns Unavailable (the changes are in the master, and are
  // written again if it is replaced before the replicas confirm). 0: the
  // master alone (Redis replicates asynchronously: a failover may lose the
  // last acknowledged changes).
  int min_replicas = 0;
  absl::Duration replica_timeout = absl::Seconds(1);

  // Seals every record and log entry (AES-256-GCM) and hides cookie names
  // and domains in hashes (cookiejar/store_key_ring.h). Every process of a
  // fleet needs the same name key and a key that opens what the others
  // seal; a profile written in clear, or under another name key, is refused
  // at Attach (FailedPrecondition).
  StoreKeyRing encryption;
  // Every key starts with it; no '{' or '}'.
  std::string key_prefix = "cookiejar:";

  // Changes are written once this many are pending, or this long after the
  // first one, or on Flush(). The interval bounds how stale the other
  // workers' view is (plus the network and Redis).
  size_t flush_batch = 512;
  absl::Duration flush_interval = absl::Milliseconds(20);
  // Changes (one per cookie: a newer change replaces a pending one) queued
  // per profile while Redis is unreachable. Beyond it, further changes are
  // dropped, Flush() returns ResourceExhausted, and once Redis is back the
  // jar is reloaded as the fleet holds it.
  size_t max_pending = 100000;
  // Connecting, and waiting for a reply. Also the bound of Flush(), Detach()
  // and the destructor, all profiles together.
  absl::Duration io_timeout = absl::Seconds(2);
  // How long to wait before trying an unreachable Redis again.
  absl::Duration retry_interval = absl::Milliseconds(200);
  // Entries kept in a profile's change log (approximately). A worker that
  // falls further behind (a long outage) reloads the whole profile instead.
  size_t log_length = 100000;
  // Deleted cookies remembered per profile, so that a change queued during
  // an outage cannot bring back a cookie deleted after it was made.
  size_t tombstones = 100000;
};

// What Attach did: the report every store gives (cookie_store.h).
using RedisAttachReport [[deprecated("use cookiejar::AttachReport")]] = AttachReport;

// Counters of one attached profile, for monitoring and tests.
struct RedisProfileStats {
  size_t pending = 0;         // Local changes not yet written.
  uint64_t written = 0;       // Local changes Redis accepted.
  uint64_t superseded = 0;    // Local changes Redis refused: a newer one won.
  uint64_t applied = 0;       // Other workers' changes applied to the jar.
  uint64_t reloads = 0;       // Full reloads (log trimmed, Redis lost data).
  uint64_t dropped = 0;       // Local changes dropped: the queue was full.
  uint64_t version = 0;       // Last version of the profile's log applied.
  bool connected = false;     // Whether the last exchange with Redis worked.
};

class RedisCookieStore final : public CookieStore {
 public:
  // Checks that Redis answers (and accepts the credentials) at one of the
  // endpoints. Unavailable, Unauthenticated, PermissionDenied.
  static absl::StatusOr<std::unique_ptr<RedisCookieStore>> Connect(RedisStoreOptions options);

  // Writes what is pending (for up to io_timeout, all profiles together)
  // and stops; the attached jars are not touched any more.
  ~RedisCookieStore() override;
  RedisCookieStore(const RedisCookieStore&) = delete;
  RedisCookieStore& operator=(const RedisCookieStore&) = delete;

  // Loads `profile` into `jar` and keeps them in step from then on (the
  // cookies the jar held already and the profile lacks are written to it).
  // The store changes the jar from its own threads: the jar must outlive
  // the attachment (Detach it, or destroy the store, before the jar).
  // Every key of the profile is checked first: keys of another type or
  // program, or a newer schema, are FailedPrecondition with nothing written.
  // Errors: InvalidArgument (profile name), FailedPrecondition (as said; a
  // profile or jar attached twice in one store), Unavailable (Redis cannot
  // be reached: nothing is attached).
  absl::StatusOr<size_t> Attach(CookieJar* jar, std::string_view profile,
                                AttachReport* report = nullptr) override;

  // Writes what is pending for `jar` (for up to io_timeout) and stops
  // following it.
  absl::Status Detach(CookieJar* jar) override;

  // Writes every pending change of every attached jar; returns when Redis
  // has applied them, or after io_timeout (all profiles together).
  // Unavailable when Redis cannot be reached or does not answer in time (the
  // changes stay queued and are retried), PermissionDenied when its ACL
  // refuses them, FailedPrecondition when the profile's keys were replaced
  // by foreign ones, ResourceExhausted once after changes were dropped.
  absl::Status Flush() override;

  // Flushes `jar`, then waits until it has applied every change Redis had
  // accepted for its profile when Sync was called (other workers' included):
  // the jar then holds at least what the fleet held at that moment.
  // DeadlineExceeded after `timeout`; NotFound for a jar not attached.
  absl::Status Sync(CookieJar* jar, absl::Duration timeout = absl::Seconds(10));

  // The profiles under `key_prefix` that hold at least one cookie, on every
  // master of a cluster.
  absl::StatusOr<std::vector<std::string>> Profiles() override;

  // Deletes a profile's keys from Redis (not from attached jars).
  absl::Status DeleteProfile(std::string_view profile) override;

  // The last error of a background exchange, or OK once a later one worked.
  // Once changes were dropped (the queue was full), ResourceExhausted until
  // a Flush() has returned it.
  absl::Status last_error() override;

  RedisProfileStats stats(const CookieJar* jar);

 private:
  struct Impl;
  explicit RedisCookieStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_REDIS_REDIS_COOKIE_STORE_H_
