// The Redis cookie store's data layout (schema version 1): key names, the
// text of a cookie record, and the Lua script that decides every write.
// docs/fleet.md describes the same layout for people.
//
// A profile P under the key prefix X has four keys, all with the hash tag
// {P} so that they live in one Redis Cluster slot:
//
//   X{P}:meta     hash  layout "cookiejar", schema "1", version <counter>
//   X{P}:cookies  hash  <cookie key> -> "<version>\n<stamp>\n<cookie fields>"
//   X{P}:tombs    zset  <cookie key> scored by the stamp of its deletion
//   X{P}:log      stream, entry id "<version>-0": k <cookie key>, then
//                 r <record> for a set, s <stamp> for a deletion
//
// A cookie key is name, domain, host-only flag (0/1), path and partition
// joined by '\n' (a byte no cookie may contain); the cookie fields are
// name, value, domain, path, partition, host_only, secure, http_only,
// same_site, priority, source_scheme, creation_us, expiry_us,
// last_access_us, joined the same way. A partition is "" or "0"/"1" (cross-
// site ancestor) followed by the top-level site. Times are microseconds since
// the Unix epoch; a session cookie's expiry is 9223372036854775807.
//
// The version is a per-profile counter increased by every change Redis
// accepts: it orders changes across the fleet. The stamp is the change's time
// (microseconds) as the worker saw it, never later than the Redis server's
// clock: a change older than the cookie's current state is refused. A
// cookie a jar dropped by itself (expired, evicted, session ended) is removed
// only while the record is the very version the jar held, and its tombstone
// and log entry carry that version's stamp, not the time of the removal.
//
// Sealed profiles (RedisStoreOptions::encryption): the meta hash's layout is
// "cookiejar-sealed:<name key check>", and "key:<id>" holds the check value
// of each key that sealed records (persistence/internal/sealing.h). Field
// names are keyed hashes of the cookie key; the cookie fields are sealed
// (the record is "<version>\n<stamp>\n<sealed fields>"), and a deletion
// carries its cookie key sealed in the log entry's field n. The associated
// data of both is the profile and the field: a record or entry moved to
// another cookie or profile does not open.

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_REDIS_LAYOUT_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_REDIS_LAYOUT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "cookiejar/canonical_cookie.h"
#include "persistence/internal/sealing.h"

namespace cookiejar {
namespace redis_internal {

inline constexpr std::string_view kLayoutName = "cookiejar";
inline constexpr int kSchemaVersion = 1;
// A record longer than this is refused (a cookie is at most 4096 bytes of
// name and value, 1024 of path, 255 of domain).
inline constexpr size_t kMaxRecordBytes = 16 * 1024;

struct ProfileKeys {
  std::string meta, cookies, tombs, log;
};

// InvalidArgument for a profile name that cannot be a hash tag (empty,
// longer than 256 bytes, or with '{', '}' or a control byte) or a prefix
// with '{' or '}'.
absl::Status CheckNames(std::string_view prefix, std::string_view profile);
ProfileKeys KeysOf(std::string_view prefix, std::string_view profile);

std::string CookieKey(const CanonicalCookie& cookie);
// The name, domain, host-only flag, path and partition of a cookie key (what
// CookieJar::DeleteCookie needs). DataLoss when it is malformed.
absl::Status DecodeCookieKey(std::string_view key, CanonicalCookie* out);
std::string EncodeCookie(const CanonicalCookie& cookie);

// A stored record: "<version>\n<stamp>\n<cookie fields>", parsed strictly.
struct StoredCookie {
  uint64_t version = 0;
  int64_t stamp = 0;
  CanonicalCookie cookie;
};
// DataLoss naming what is wrong (never the value).
absl::Status DecodeRecord(std::string_view record, StoredCookie* out);

// The text of the records and log entries of one profile, sealed or not.
// Thread-safe.
class RecordCodec {
 public:
  // `sealer` null: in clear (schema 1 as above). Otherwise it must outlive
  // the codec.
  RecordCodec(std::string profile, const persistence_internal::Sealer* sealer);

  bool sealed() const { return sealer_ != nullptr; }
  // The meta hash's layout field.
  const std::string& layout() const { return layout_; }
  // The field of a cookie in the cookies hash, tombs and log.
  std::string Field(const CanonicalCookie& cookie) const;
  // A set's cookie fields (the script prepends version and stamp).
  std::string Body(const CanonicalCookie& cookie, const std::string& field) const;
  // A deletion's argument to the script: "" in clear; sealed, 0x00 and the
  // sealed cookie key (which the script logs as field n).
  std::string DeletionBody(const CanonicalCookie& cookie, const std::string& field) const;
  // A stored record or a set's log entry, filed under `field`. DataLoss for
  // one that does not parse, open or belong there; `*stale_key` (optional)
  // tells whether it was sealed under a key other than the ring's first.
  absl::Status Decode(const std::string& field, std::string_view record, StoredCookie* out,
                      bool* stale_key = nullptr) const;
  // The cookie (name, domain, host-only, path, partition) of a deletion's
  // log entry: its field in clear, its note (n) sealed.
  absl::Status DecodeDeletion(const std::string& field, std::string_view note,
                              CanonicalCookie* out) const;

 private:
  std::string Associated(std::string_view kind, const std::string& field) const;
  const std::string profile_;
  const persistence_internal::Sealer* const sealer_;
  const std::string layout_;
};

// The write script (EVALSHA). KEYS: meta, cookies, tombs, log. ARGV: schema,
// layout name, log length, tombstones kept, then for each change: cookie
// key, stamp, cookie fields ("" for a deletion, or 0x00 and a note the log
// keeps as field n). A removal of one version has "=<version>" for its stamp
// and a deletion's body. Returns one element per change: the version given
// to it; 0 for a deletion or removal of an absent cookie (nothing changed);
// or, for a change older than the cookie's current state (a removal of a
// version Redis no longer holds), [counter, current record or ""]. Errors:
// "COOKIEJAR_FOREIGN ..." and "COOKIEJAR_SCHEMA <n>".
extern const char kWriteScript[];

// Attaching to a sealed profile (EVAL). KEYS: meta, cookies, tombs, log.
// ARGV: layout, schema, then pairs of "key:<id>" and the key's check value.
// Creates the meta hash of a new profile, adds the check values of keys it
// does not know yet when the ring holds a key it knows (or it knows none)
// and none of another secret, and returns the meta hash (HGETALL). Error:
// "COOKIEJAR_FOREIGN ..." when keys exist without meta.
extern const char kClaimScript[];

}  // namespace redis_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_REDIS_LAYOUT_H_
