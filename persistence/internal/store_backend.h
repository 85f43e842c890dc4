// What a store's backend implements under the shared follower
// (store_follower.h): loading a profile and writing a batch of changes. The
// follower does everything else: following the jar, batching per cookie,
// the writer threads, which change is written as what, the bounded queues,
// attach semantics, flush and shutdown deadlines. A shared backend (other
// processes write the same profiles: Redis) also reports their changes back
// through a RemoteSink.
//
// A backend keeps its record encoding (how a cookie becomes a stored record
// and back) in one named place, so that sealing or another format changes
// that place only.

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_STORE_BACKEND_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_STORE_BACKEND_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/canonical_cookie.h"

namespace cookiejar {
namespace store_internal {

// The identity of a cookie in a profile: name, domain, host-only flag, path
// and partition, joined by '\n' (a byte no cookie may contain).
std::string CookieKey(const CanonicalCookie& cookie);

// Whether two cookies are the same version of a cookie: equal in every
// field but the last access time (which lookups change without a change
// notification). A newer set of a cookie differs from the version it
// replaced in its value, its expiry or its creation time.
bool SameVersion(const CanonicalCookie& a, const CanonicalCookie& b);

// One cookie's change, as the follower hands it to a backend.
struct StoreChange {
  enum class Kind {
    // Store `cookie`. Among writers, the change with the later stamp wins.
    kSet,
    // A deletion someone made (DeleteCookie, an expired Set-Cookie), ordered
    // by its stamp like a set.
    kDelete,
    // The jar dropped `cookie` by itself (expiry, eviction, end of session):
    // remove the stored cookie only if it is this very version
    // (SameVersion); a shared backend orders the removal at the stamp of the
    // version it removes, never later.
    kRemove,
  };
  Kind kind = Kind::kSet;
  CanonicalCookie cookie;  // kDelete: only the key fields count.
  // Microseconds since the Unix epoch (wall clock) when the change was made;
  // unused for kRemove.
  int64_t stamp_us = 0;
};

// A cookie's state in the store.
struct StoredState {
  // Orders the states of a profile (a shared backend's change counter);
  // 0 when the backend has none.
  uint64_t version = 0;
  bool present = false;
  CanonicalCookie cookie;  // Absent: the key fields only.
};

// What became of one change.
struct WriteResult {
  enum class Kind {
    kNotWritten,  // The write failed: the follower queues the change again.
    kWritten,     // Stored, as `version` (0: the backend has no versions).
    kUnchanged,   // Nothing to do: a removal whose version is not stored.
    kSuperseded,  // A newer state of the cookie is stored: `current`.
  };
  Kind kind = Kind::kNotWritten;
  uint64_t version = 0;
  std::optional<StoredState> current;
};

// What Load found.
struct LoadedProfile {
  std::vector<StoredState> cookies;  // Present states.
  // Records that do not decode: "record: reason", never with a value.
  std::vector<std::string> refused;
};

// The follower's side of an attached profile, for a shared backend.
class RemoteSink {
 public:
  virtual ~RemoteSink() = default;
  // Another writer stored `state`: applied to the jar unless it holds a
  // newer version, or held back while a local change of the cookie is on
  // its way (then the newest such state is applied once the store has
  // ordered the two).
  virtual void Apply(const StoredState& state) = 0;
  // The profile as the store holds it at `version` (a reload): every state
  // is applied as by Apply, and the jar's cookies the store lacks are
  // removed from the jar (as states of `version`), except those with a local
  // change on its way. States held back so far are dropped: the store's
  // current ones replace them.
  virtual void Replace(const std::vector<StoredState>& states, uint64_t version) = 0;
  // The backend has applied every change up to `version`: states known for
  // earlier versions need not be remembered.
  virtual void Advanced(uint64_t version) = 0;
  // An error of the backend's own threads, for last_error().
  virtual void NoteError(const absl::Status& status) = 0;
};

// One attached profile, as the backend sees it.
class ProfileBackend {
 public:
  virtual ~ProfileBackend() = default;
  // Reads the profile's stored cookies.
  virtual absl::Status Load(LoadedProfile* out) = 0;
  // Shared backends: from now on, reports other writers' changes to `sink`
  // (from threads of its own). `sink` outlives Stop().
  virtual void Start(RemoteSink* sink) {}
  // From any thread, without waiting: asks the threads Start began to end,
  // interrupting their calls. Stop waits for them.
  virtual void RequestStop() {}
  // Ends what Start began (RequestStop, then waits for its threads).
  virtual void Stop() {}
  // From another thread: makes a blocked Write return at once (shutdown at
  // its deadline). Later writes may fail.
  virtual void Interrupt() {}
  // Shared backends: the jar dropped local changes (its queue was full):
  // bring it back in step with the store (reload it) once the store answers.
  virtual void Resync() {}
};

// The changes of one profile in a write, and what became of each.
struct ProfileWrite {
  ProfileBackend* profile = nullptr;
  std::vector<StoreChange> changes;  // At most one per cookie.
  std::vector<WriteResult> results;  // Filled by Write, one per change.
  // Set by a shared backend that will reload the profile
  // (RemoteSink::Replace) before anything else, e.g. because a write landed
  // on another history of the store (a promoted replica, a restart): the
  // states held back until then may be of the old history and are not
  // applied (the reload drops them).
  bool reload_due = false;
};

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;

  // Checks that `profile` can be attached (its name; its stored data belongs
  // to this program and schema) without writing anything.
  virtual absl::StatusOr<std::unique_ptr<ProfileBackend>> OpenProfile(
      std::string_view profile) = 0;

  // Writes the batches, before `deadline` where the backend can bound its
  // calls. Fills every ProfileWrite::results; a change that was not applied
  // is kNotWritten. Returns the first error.
  virtual absl::Status Write(std::vector<ProfileWrite>* writes, absl::Time deadline) = 0;

  virtual absl::StatusOr<std::vector<std::string>> Profiles() = 0;
  virtual absl::Status DeleteProfile(std::string_view profile) = 0;
};

}  // namespace store_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_STORE_BACKEND_H_
