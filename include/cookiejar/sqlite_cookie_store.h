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
// One process at a time: Open takes an exclusive lock (flock on
// "<path>.lock"), and a second process, or a second Open in this one, gets a
// FailedPrecondition error naming the holder. The lock goes with the process,
// so a killed writer does not leave the store locked.
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
};

class SqliteCookieStore {
 public:
  // Opens or creates the store at `path`. Errors: the file is not an SQLite
  // database or is corrupted (DataLoss), belongs to another program or has a
  // newer schema (FailedPrecondition), is in use by another process
  // (FailedPrecondition), or cannot be created (PermissionDenied, NotFound).
  static absl::StatusOr<std::unique_ptr<SqliteCookieStore>> Open(const std::string& path,
                                                                 SqliteStoreOptions options = {});

  // Writes what is pending and closes. Attached jars may already be gone;
  // those still alive keep a listener that does nothing from then on.
  ~SqliteCookieStore();
  SqliteCookieStore(const SqliteCookieStore&) = delete;
  SqliteCookieStore& operator=(const SqliteCookieStore&) = delete;

  // Loads the cookies of `profile` into `jar` (CookieJar::ImportCookie; rows
  // that are expired or no longer valid are deleted) and writes the jar's
  // later changes to that profile. Returns how many cookies were loaded.
  // Attach before other threads use the jar: changes made while it loads
  // are not recorded.
  absl::StatusOr<size_t> Attach(CookieJar* jar, std::string_view profile);

  // Writes what is pending for `jar` and stops following it. `jar` must be
  // alive.
  absl::Status Detach(CookieJar* jar);

  // Writes every pending change now; returns when they are on disk.
  absl::Status Flush();

  // Profiles that have cookies in the store, sorted.
  absl::StatusOr<std::vector<std::string>> Profiles();

  // Removes a profile's cookies from the file (not from an attached jar).
  absl::Status DeleteProfile(std::string_view profile);

  // The last error of a background write, or OK.
  absl::Status last_error();

  const std::string& path() const { return path_; }

 private:
  struct PendingChange;
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
  void OnChange(const std::string& profile, const CookieChange& change);
  absl::Status WritePending();
  void FlushLoop();

  const std::string path_;
  const SqliteStoreOptions options_;
  sqlite3* const db_;
  const int lock_fd_;

  std::mutex db_mu_;  // Serializes use of db_.

  std::mutex pending_mu_;
  std::condition_variable pending_cv_;
  // Latest change per cookie key; a later sequence number wins.
  std::map<std::string, PendingChange> pending_;
  bool stopping_ = false;
  absl::Status last_error_;

  std::mutex attachments_mu_;
  std::vector<Attachment> attachments_;

  std::shared_ptr<Link> link_;
  std::thread flusher_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_SQLITE_COOKIE_STORE_H_
