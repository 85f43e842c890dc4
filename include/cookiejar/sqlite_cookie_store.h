// A crash-safe SQLite database that keeps jars across restarts.
//
// A store holds any number of profiles (the per-browser jars) in one file
// without mixing them. Attaching a jar loads its profile's cookies and then
// follows the jar's change notifications; changes are written in batches, as
// Chromium does: after `flush_batch` changes, every `flush_interval`, or on
// Flush(). A write is one transaction in WAL mode with synchronous=FULL, so a
// crash (even SIGKILL) loses at most the changes made since the last
// completed flush, and the file always opens afterwards.
//
// One writer at a time: Open takes an exclusive lock on the database file
// itself (flock, so it follows the file under any of its names, and goes with
// the process: a killed writer leaves no stale lock). A second writer, in this
// process or another, waits up to `lock_timeout` and then gets an Unavailable
// error naming the holder. Readers (`read_only`) share the lock with each
// other and never write. No file is created beside the database, nothing is
// created or changed for a path that is not a store, and a symbolic link is
// refused rather than followed. The database and SQLite's -wal and -shm files
// are readable by their owner only.
//
// Schema (version 1; `PRAGMA user_version`, `PRAGMA application_id` = 'CkJr'):
//   cookies(profile, name, value, domain, host_only, path, partition_key,
//           creation_us, expiry_us, last_access_us, secure, http_only,
//           same_site, priority, source_scheme)
// with times in microseconds since 1970-01-01T00:00:00Z (expiry_us is
// 9223372036854775807 for a session cookie), booleans as 0/1, same_site and
// priority as the values of CookieSameSite and CookiePriority, and
// partition_key "" or "0https://site.example" ("1..." with a cross-site
// ancestor). Newer schemas are refused; older ones are migrated on open.
//
// Example:
//   auto store = SqliteCookieStore::Open("/var/lib/crawler/cookies.db");
//   if (!store.ok()) ...;
//   CookieJar chrome;
//   (*store)->Attach(&chrome, "chrome");  // Loads, then follows changes.
//   ...
//   (*store)->Flush();                     // Or let the batching do it.

#ifndef COOKIEJAR_SQLITE_COOKIE_STORE_H_
#define COOKIEJAR_SQLITE_COOKIE_STORE_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/store_key_ring.h"

struct sqlite3;

namespace cookiejar {

struct SqliteStoreOptions {
  // Changes are written once this many are pending (Chromium: 512).
  size_t flush_batch = 512;
  // ...or this long after the first pending change (Chromium: 30 s). Shorter
  // intervals lose less in a crash and write more often.
  absl::Duration flush_interval = absl::Seconds(30);
  // Session cookies are not kept by default, as in browsers: they end with
  // the session. A crawler that restarts mid-session may want them.
  bool persist_session_cookies = false;
  // Load only: Attach fills the jar and follows nothing, and nothing is ever
  // written (a missing file is NotFound, not created). Other readers may
  // hold the store at the same time; a writer may not.
  bool read_only = false;
  // How long Open waits while another process holds the store. Zero: fail at
  // once.
  absl::Duration lock_timeout = absl::ZeroDuration();
  // Seals cookie values at rest (AES-256-GCM, cookiejar/store_key_ring.h),
  // as Chromium encrypts its cookie values; names, domains and paths stay
  // readable (name_key is not used). Values stored in clear, or under a key
  // the ring lists after the first, are sealed again under the first key
  // when the profile is attached. A profile whose sealed values none of the
  // ring's keys opens (or a store without a ring) is FailedPrecondition at
  // Attach; a value that does not open is reported in AttachReport::refused
  // and left in the file.
  StoreKeyRing encryption;
};

// What Attach did with the rows of a profile.
struct AttachReport {
  size_t loaded = 0;
  // Rows whose cookie had expired: deleted from the file (unless read-only).
  size_t expired = 0;
  // Rows the jar refused for another reason (its profile's rules, a row that
  // fails validation): left in the file untouched, one entry per row,
  // "name@domain/path: reason".
  std::vector<std::string> refused;
  // Loaded cookies the jar then evicted to stay within its profile's limits;
  // deleted from the file as any eviction is (unless read-only).
  size_t evicted = 0;
};

class SqliteCookieStore {
 public:
  // Opens or creates the store at `path`. Errors: the file is not an SQLite
  // database (FailedPrecondition) or is corrupted (DataLoss), belongs to
  // another program or has a newer schema (FailedPrecondition), is a symbolic
  // link or not a regular file (FailedPrecondition), is held by another
  // writer for longer than `lock_timeout` (Unavailable, naming the holder's
  // pid when the system tells it), does not exist in read-only mode
  // (NotFound), or cannot be created (PermissionDenied, NotFound).
  static absl::StatusOr<std::unique_ptr<SqliteCookieStore>> Open(const std::string& path,
                                                                 SqliteStoreOptions options = {});

  // Writes what is pending and closes. Attached jars may already be gone;
  // those still alive keep a listener that does nothing from then on.
  ~SqliteCookieStore();
  SqliteCookieStore(const SqliteCookieStore&) = delete;
  SqliteCookieStore& operator=(const SqliteCookieStore&) = delete;

  // Loads the cookies of `profile` into `jar` (CookieJar::ImportCookie) and
  // writes the jar's later changes to that profile, evictions made while
  // loading included. Rows the jar refuses are left in the file, except
  // expired ones, which are deleted (see AttachReport). Returns how many
  // cookies were loaded. Attach before other threads use the jar: changes
  // they make while it loads may be written out of order. One jar per
  // profile: attaching a second one to the same profile is an error.
  absl::StatusOr<size_t> Attach(CookieJar* jar, std::string_view profile,
                                AttachReport* report = nullptr);

  // Writes what is pending for `jar` and stops following it. `jar` must be
  // alive.
  absl::Status Detach(CookieJar* jar);

  // Writes every pending change now; returns when they are on disk. On
  // error the changes stay pending (a later Flush or the destructor retries)
  // unless DiscardPending is called.
  absl::Status Flush();

  // Forgets every change not yet written, so that nothing more is written
  // (for a caller that reported a failed Flush as "nothing was saved").
  void DiscardPending();

  // Profiles that have cookies in the store, sorted.
  absl::StatusOr<std::vector<std::string>> Profiles();

  // Removes a profile's cookies from the file (not from an attached jar).
  absl::Status DeleteProfile(std::string_view profile);

  // The last error of a background write, or OK.
  absl::Status last_error();

  const std::string& path() const { return path_; }

 private:
  struct PendingChange;
  struct Sealing;  // The key ring, opened.
  // What the jars' listeners hold: they outlive the store when a jar does.
  struct Link {
    std::mutex mu;
    SqliteCookieStore* store;  // Null once the store is closed.
  };
  struct Attachment {
    CookieJar* jar;
    std::string profile;
    uint64_t listener_id;
  };

  SqliteCookieStore(std::string path, SqliteStoreOptions options, sqlite3* db, int lock_fd);
  // Removes what was only pending for `profile` (Attach's bookkeeping).
  bool IsAttached(std::string_view profile);
  void OnChange(const std::string& profile, const CookieChange& change);
  absl::Status WritePending();
  void FlushLoop();

  const std::string path_;
  const SqliteStoreOptions options_;
  sqlite3* const db_;
  const int lock_fd_;
  bool has_table_ = true;  // False for an empty file opened read-only.

  std::mutex db_mu_;  // Serializes use of db_.

  std::mutex pending_mu_;
  std::condition_variable pending_cv_;
  // Latest change per cookie key; a later sequence number wins.
  std::map<std::string, PendingChange> pending_;
  bool stopping_ = false;
  absl::Status last_error_;

  std::mutex attachments_mu_;
  std::vector<Attachment> attachments_;

  std::unique_ptr<Sealing> sealing_;  // Null: values in clear.
  std::shared_ptr<Link> link_;
  std::thread flusher_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_SQLITE_COOKIE_STORE_H_
