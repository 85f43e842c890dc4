// The follower that every store shares: it implements the CookieStore
// contract (cookiejar/cookie_store.h) over a StoreBackend (store_backend.h),
// which only loads and writes.
//
// It owns the jars' change listeners, turns each change into what the store
// must write (a set, a deletion someone made, or the conditional removal of
// the exact version the jar expired or evicted), batches changes per cookie
// (a newer change replaces a pending one; a set and the removal of that very
// version become one deletion ordered at the set), runs the writer threads
// (one for the store, or one per profile for a backend whose profiles live on
// different servers), bounds the queue of each profile, decides what Attach
// loads and uploads, and bounds Flush, Detach and shutdown by `io_timeout` in
// total. For a shared backend it also applies other writers' changes to the
// jar (RemoteSink): without writing them back, and never over a local change
// of the same cookie that the store has not yet ordered.
//
// Thread-safe. Lock order: a profile's apply mutex, then its writer's mutex;
// the store's list mutex is never held while either is taken.

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_STORE_FOLLOWER_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_STORE_FOLLOWER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookie_store.h"
#include "persistence/internal/store_backend.h"

namespace cookiejar {
namespace store_internal {

struct FollowerOptions {
  // A profile's pending changes are written once this many are pending, or
  // this long after the first one, or on Flush().
  size_t flush_batch = 512;
  absl::Duration flush_interval = absl::Seconds(30);
  // Pending changes per profile (one per cookie). Beyond it, changes are
  // dropped and reported; a shared profile is then reloaded from the store,
  // an exclusive one rewritten from the jar at Detach.
  size_t max_pending = 100000;
  // Whether session cookies are written (otherwise a session cookie's set
  // deletes the stored cookie of its key, which it replaced).
  bool persist_session_cookies = true;
  // Attach loads and follows nothing.
  bool read_only = false;
  // Other processes write the same profiles (their changes come through
  // RemoteSink); otherwise the jar is the only writer of its profile.
  bool shared = false;
  // One writer thread per attached profile instead of one for the store.
  bool writer_per_profile = false;
  // Flush(), Detach() and the destructor return within this, all profiles
  // together: Flush then reports the writes still under way as Unavailable
  // (they go on in the background); the destructor interrupts them.
  absl::Duration io_timeout = absl::InfiniteDuration();
  // Before a background write is tried again after an error.
  absl::Duration retry_interval = absl::Milliseconds(200);
  // The stamps of changes (wall clock). Null: Clock::System().
  const Clock* clock = nullptr;
  // How errors name the store ("/var/lib/cookies.db", "Redis").
  std::string store_name;
};

// One attached profile's counters.
struct FollowerStats {
  size_t pending = 0;         // Changes not yet written (queued or in flight).
  uint64_t written = 0;       // Changes the store accepted.
  uint64_t superseded = 0;    // Changes refused: a newer one of the cookie was stored.
  uint64_t applied = 0;       // Other writers' changes applied to the jar.
  uint64_t dropped = 0;       // Changes dropped: the queue was full.
};

class StoreFollower {
 public:
  StoreFollower(std::unique_ptr<StoreBackend> backend, FollowerOptions options);
  // Stops following every jar (without touching them) and writes what is
  // pending, for up to io_timeout.
  ~StoreFollower();
  StoreFollower(const StoreFollower&) = delete;
  StoreFollower& operator=(const StoreFollower&) = delete;

  // The CookieStore contract.
  absl::StatusOr<size_t> Attach(CookieJar* jar, std::string_view profile, AttachReport* report);
  absl::Status Detach(CookieJar* jar);
  absl::Status Flush();
  absl::StatusOr<std::vector<std::string>> Profiles() { return backend_->Profiles(); }
  absl::Status DeleteProfile(std::string_view profile) {
    return backend_->DeleteProfile(profile);
  }
  absl::Status last_error();

  // Flushes `jar`'s profile only (with the others that share its writer),
  // waiting until `deadline` at most. NotFound when it is not attached.
  absl::Status FlushJar(const CookieJar* jar, absl::Time deadline);
  // Forgets every change not yet written (in flight ones excepted).
  void DiscardPending();
  // Counters of `jar`'s profile; NotFound when it is not attached.
  absl::StatusOr<FollowerStats> stats(const CookieJar* jar);
  // The backend of `jar`'s profile (kept alive by the pointer), or null.
  std::shared_ptr<ProfileBackend> profile_backend(const CookieJar* jar);

  StoreBackend* backend() const { return backend_.get(); }
  const FollowerOptions& options() const { return options_; }

 private:
  struct Writer;
  struct Lane;
  struct Link;

  std::shared_ptr<Lane> FindLane(const CookieJar* jar);
  std::shared_ptr<Writer> NewWriter();
  void StartWriter(const std::shared_ptr<Writer>& writer);
  void WriterLoop(Writer* writer);
  // Takes the pending changes of the writer's profiles, writes them and
  // files the results.
  absl::Status WriteOnce(Writer* writer);
  // Asks each writer for a write of everything pending now and waits for
  // them until `deadline`.
  absl::Status FlushWriters(const std::vector<std::shared_ptr<Writer>>& writers,
                            absl::Time deadline);
  // Queues what turns an exclusive profile back into the jar's contents.
  absl::Status QueueRewrite(Lane* lane);
  // Stops writers: a last write each of what is pending, all until one
  // `deadline`, then whatever is unanswered is interrupted and they are
  // joined.
  void StopWriters(const std::vector<Writer*>& writers, absl::Time deadline);
  absl::Time Deadline() const;
  int64_t NowMicros() const;

  const std::unique_ptr<StoreBackend> backend_;
  const FollowerOptions options_;
  const Clock* const clock_;

  std::mutex mu_;  // The lists below.
  std::vector<std::shared_ptr<Lane>> lanes_;
  // Profiles and jars being attached (not yet in lanes_).
  std::set<std::string> attaching_profiles_;
  std::set<const CookieJar*> attaching_jars_;
  std::shared_ptr<Writer> shared_writer_;  // Unless writer_per_profile.
};

}  // namespace store_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_STORE_FOLLOWER_H_
