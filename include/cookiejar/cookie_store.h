// A store: a place where a jar's cookies live beyond the jar, and that
// follows the jar. SqliteCookieStore (cookiejar/sqlite/sqlite_cookie_store.h)
// keeps profiles in a file for one process; RedisCookieStore
// (cookiejar/redis/redis_cookie_store.h) shares them between the processes of
// a fleet. Both implement this contract through one shared follower, so they
// behave the same on attach, detach, errors and shutdown; docs/persistence.md
// tells the whole contract.
//
// A store holds named profiles (one per browser profile: "chrome",
// "account-17"...), each a set of cookies. Attach(jar, profile) connects a
// jar to a profile:
//   1. The profile's stored cookies are loaded into the jar
//      (CookieJar::ImportCookie, in creation order). A stored cookie replaces
//      the jar's cookie of the same name, domain, host-only flag, path and
//      partition. Stored cookies that have expired are removed from the
//      store; those the jar refuses for another reason are left untouched
//      and named in AttachReport::refused.
//   2. The cookies the jar held before and the profile lacks are written to
//      the profile (AttachReport::uploaded): attaching never loses what the
//      jar had, and a reload finds it.
//   3. From then on every change of the jar is written, in batches, until
//      Detach or the store's destruction. Flush() writes what is pending.
//
// What is written for each kind of change (CookieChangeCause):
//   - kInserted: the cookie (with a session cookie, only where the store
//     keeps session cookies; elsewhere the key's stored cookie is deleted).
//   - kExplicit (DeleteCookie, DeleteAll) and kExpiredOverwrite (a server's
//     already-expired Set-Cookie): a deletion, a change someone made.
//   - kExpired, kEvicted*, kSessionEnded: the jar's own bookkeeping, which
//     every jar does by itself. Never a deletion: at most the removal of
//     exactly the stored version that expired or was evicted (equal in every
//     field but the last access time). A newer version, set anywhere, is
//     never removed by it, and it leaves nothing that could defeat a set.
//   - kOverwrite: nothing (the insertion that follows carries the state).
// Changes of one cookie are batched: a newer change replaces a pending one.
//
// Errors are values. A write that fails stays queued (up to the store's
// `max_pending` changes per profile) and is tried again; Flush() returns the
// failure, last_error() reports background ones. Beyond `max_pending`,
// further changes are dropped, counted, and reported once by Flush() as
// ResourceExhausted (and by last_error() until then); the store then brings
// the profile back in step (see each store's header).
//
// Lifetime: a store may change an attached jar from its own threads (a
// shared store applies other processes' changes): Detach a jar, or destroy
// the store, before the jar, unless the store's header says otherwise.
//
// All methods are thread-safe.

#ifndef COOKIEJAR_COOKIE_STORE_H_
#define COOKIEJAR_COOKIE_STORE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {

// What Attach did.
struct AttachReport {
  // Stored cookies the jar took.
  size_t loaded = 0;
  // Stored cookies that had expired: removed from the store (unless it is
  // read-only).
  size_t expired = 0;
  // Stored cookies the jar refused for another reason (its rules, a record
  // that does not parse): left in the store untouched, one entry each,
  // "name@domain/path: reason" or "record: reason" (never a value).
  std::vector<std::string> refused;
  // Cookies the jar evicted while loading, to stay within its rules' limits:
  // removed from the store as any eviction is.
  size_t evicted = 0;
  // Cookies the jar held before that the profile lacked: written to it.
  size_t uploaded = 0;
};

class CookieStore {
 public:
  virtual ~CookieStore();

  // Loads `profile` into `jar`, writes the jar's own cookies the profile
  // lacks, and follows the jar from then on (see above). Returns how many
  // cookies were loaded. Attach before other threads use the jar. Errors:
  // InvalidArgument (a profile name the store cannot hold),
  // FailedPrecondition (the profile, or the jar, is attached already in this
  // store; the stored data belongs to another program or a newer schema:
  // nothing is written then), Unavailable (the store cannot be reached:
  // nothing is attached).
  virtual absl::StatusOr<size_t> Attach(CookieJar* jar, std::string_view profile,
                                        AttachReport* report = nullptr) = 0;

  // Writes what is pending for `jar` and stops following it; returns how the
  // write went. NotFound for a jar not attached. `jar` must be alive.
  virtual absl::Status Detach(CookieJar* jar) = 0;

  // Writes every pending change of every attached jar; returns when they are
  // written (or refused in favour of a newer change of the same cookie), or
  // with the error that kept them queued.
  virtual absl::Status Flush() = 0;

  // The profiles that hold at least one cookie, sorted.
  virtual absl::StatusOr<std::vector<std::string>> Profiles() = 0;

  // Removes a profile's cookies from the store (not from an attached jar).
  virtual absl::Status DeleteProfile(std::string_view profile) = 0;

  // The error of the last background write, or OK once a later one worked;
  // ResourceExhausted after changes were dropped, until Flush() returned it.
  virtual absl::Status last_error() = 0;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_STORE_H_
