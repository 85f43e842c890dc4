// Keys that seal a store's cookies at rest (the Redis store's records and
// change log, the SQLite store's values), as Chromium encrypts the values of
// its cookie database: cookies are credentials, and whoever reads the store
// (a Redis replica, a backup, a snapshot of a disk) must not be able to use
// them.
//
// Each record is sealed with AES-256-GCM under the current key, with the
// profile and the cookie's key (name, domain, path...) as associated data:
// a record copied to another cookie or another profile does not open. The
// Redis store also replaces cookie names and domains in its field names by
// keyed hashes (HMAC-SHA256 under `name_key`), so that Redis sees neither.
//
// Rotation without downtime: give every process the new key as a second key
// (it opens what the new key seals), then make it the first (it seals from
// then on); records sealed under the old key still open while it is in the
// ring, and are sealed again under the new one when their cookie next
// changes. docs/fleet.md has the procedure.
//
// Example:
//   StoreKeyRing ring;
//   ring.name_key = LoadSecret("cookie-names");           // 32 bytes.
//   ring.keys = {{"2026-12", LoadSecret("cookies-2026-12")},  // Seals.
//                {"2026-06", LoadSecret("cookies-2026-06")}}; // Opens only.
//   RedisStoreOptions options;
//   options.encryption = ring;

#ifndef COOKIEJAR_STORE_KEY_RING_H_
#define COOKIEJAR_STORE_KEY_RING_H_

#include <string>
#include <vector>

namespace cookiejar {

struct StoreKey {
  // Names the key in every record it seals: 1 to 32 bytes of letters,
  // digits, '-', '_' and '.'. Not secret.
  std::string id;
  // Exactly 32 random bytes (not text: read them from a secret store or
  // /dev/urandom, never derive them from a password).
  std::string secret;
};

struct StoreKeyRing {
  // Empty: cookies are stored in clear. Otherwise keys[0] seals every record
  // written from now on, and every key opens records sealed under it.
  std::vector<StoreKey> keys;
  // 32 random bytes that hide names and domains in the Redis store's field
  // names (required with `keys` there; the SQLite store does not use it).
  // Unlike `keys` it cannot be rotated: a profile is bound to it for life.
  std::string name_key;

  bool enabled() const { return !keys.empty(); }
};

}  // namespace cookiejar

#endif  // COOKIEJAR_STORE_KEY_RING_H_
