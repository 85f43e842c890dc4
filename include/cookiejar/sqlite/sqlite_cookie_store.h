// A crash-safe SQLite database that keeps jars across restarts: a CookieStore
// (cookiejar/cookie_store.h, the contract every store shares: attach, what is
// written for each change, errors, shutdown).
//
// A store holds any number of profiles (the per-browser jars) in one file
// without mixing them. Changes are written in batches, as Chromium does:
// after `flush_batch` changes, every `flush_interval`, or on Flush(). A write
// is one transaction in WAL mode with synchronous=FULL, so a crash (even
// SIGKILL) loses at most the changes made since the last completed flush, and
// the file always opens afterwards.
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
// Being the only writer of its file, the store never changes an attached jar
// after Attach returns: a jar may be destroyed before or after its store
// (Detach, which writes what is pending, needs the jar alive).
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
//   (*store)->Attach(&chrome, "chrome");  // Loads, uploads, then follows.
//   ...
//   (*store)->Flush();                     // Or let the batching do it.

#ifndef COOKIEJAR_SQLITE_SQLITE_COOKIE_STORE_H_
#define COOKIEJAR_SQLITE_SQLITE_COOKIE_STORE_H_

#include <cstddef>
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

struct SqliteStoreOptions {
  // Changes are written once this many are pending (Chromium: 512).
  size_t flush_batch = 512;
  // ...or this long after the first pending change (Chromium: 30 s). Shorter
  // intervals lose less in a crash and write more often.
  absl::Duration flush_interval = absl::Seconds(30);
  // Changes (one per cookie) waiting per profile while writes fail (a full
  // disk). Beyond it, further changes are dropped and reported; Detach
  // rewrites such a profile from its jar.
  size_t max_pending = 100000;
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

class SqliteCookieStore final : public CookieStore {
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
  ~SqliteCookieStore() override;
  SqliteCookieStore(const SqliteCookieStore&) = delete;
  SqliteCookieStore& operator=(const SqliteCookieStore&) = delete;

  // CookieStore. Attach: a read-only store loads and uploads nothing.
  // Profiles: the profiles with at least one row.
  absl::StatusOr<size_t> Attach(CookieJar* jar, std::string_view profile,
                                AttachReport* report = nullptr) override;
  absl::Status Detach(CookieJar* jar) override;
  absl::Status Flush() override;
  absl::StatusOr<std::vector<std::string>> Profiles() override;
  absl::Status DeleteProfile(std::string_view profile) override;
  absl::Status last_error() override;

  // Forgets every change not yet written, so that nothing more is written
  // (for a caller that reported a failed Flush as "nothing was saved").
  void DiscardPending();

  const std::string& path() const;

 private:
  struct Impl;
  explicit SqliteCookieStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_SQLITE_SQLITE_COOKIE_STORE_H_
