#include "cookiejar/sqlite_cookie_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/absl_view.h"
#include "common/micros.h"
#include "persistence/internal/file_lock.h"
#include "persistence/internal/sealing.h"

namespace cookiejar {
namespace {

using micros::FromMicros;
using micros::ToMicros;

constexpr int kApplicationId = 0x436b4a72;  // 'CkJr'
constexpr int kSchemaVersion = 1;

// Each entry takes the schema from version i to i + 1.
const char* const kMigrations[] = {
    // 0 -> 1: the first schema.
    "CREATE TABLE cookies ("
    "  profile TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  domain TEXT NOT NULL,"
    "  host_only INTEGER NOT NULL,"
    "  path TEXT NOT NULL,"
    "  partition_key TEXT NOT NULL,"
    "  creation_us INTEGER NOT NULL,"
    "  expiry_us INTEGER NOT NULL,"
    "  last_access_us INTEGER NOT NULL,"
    "  secure INTEGER NOT NULL,"
    "  http_only INTEGER NOT NULL,"
    "  same_site INTEGER NOT NULL,"
    "  priority INTEGER NOT NULL,"
    "  source_scheme INTEGER NOT NULL,"
    "  PRIMARY KEY (profile, name, domain, host_only, path, partition_key)"
    ") WITHOUT ROWID;",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion,
              "one migration per schema version");

std::string SqliteError(sqlite3* db) { return db ? sqlite3_errmsg(db) : "out of memory"; }

// A prepared statement, finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    status_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  bool ok() const { return status_ == SQLITE_OK; }
  int code() const { return status_; }

  void Bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  void BindBlob(int i, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  // SQLITE_ROW, SQLITE_DONE or an error.
  int Step() { return status_ = sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int i) {
    const unsigned char* text = sqlite3_column_text(stmt_, i);
    return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, i))
                : std::string();
  }
  int64_t Int(int i) { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int status_;
};

absl::Status Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : SqliteError(db);
    sqlite3_free(error);
    return absl::InternalError(absl::StrCat("SQLite: ", message, " (in: ", sql, ")"));
  }
  return absl::OkStatus();
}

std::string PartitionColumn(const std::optional<CookiePartitionKey>& key) {
  if (!key) return "";
  return absl::StrCat(key->cross_site_ancestor ? "1" : "0", key->top_level_site);
}

std::optional<CookiePartitionKey> PartitionFromColumn(const std::string& column) {
  if (column.size() < 2) return std::nullopt;
  return CookiePartitionKey{column.substr(1), column[0] == '1'};
}

std::string KeyOf(std::string_view profile, const CanonicalCookie& c) {
  return absl::StrCat(AbslView(profile), std::string(1, '\0'), c.name, std::string(1, '\0'), c.domain,
                      std::string(1, '\0'), c.host_only ? "1" : "0", c.path,
                      std::string(1, '\0'), PartitionColumn(c.partition_key));
}

// A sealed value's associated data: the row it belongs to (a value copied
// to another cookie or profile does not open).
std::string SealedValueContext(std::string_view profile, const CanonicalCookie& c) {
  return "sqlite value\n" + KeyOf(profile, c);
}

// Checks the file, then creates or migrates the schema (unless read-only).
// Returns whether the cookies table exists.
absl::StatusOr<bool> PrepareSchema(sqlite3* db, const std::string& path, bool read_only) {
  int64_t application_id = 0, version = 0, objects = 0;
  {
    Statement stmt(db, "PRAGMA application_id;");
    if (!stmt.ok() || stmt.Step() != SQLITE_ROW) {
      return absl::DataLossError(absl::StrCat(path, " is not an SQLite database or is corrupted: ",
                                              SqliteError(db)));
    }
    application_id = stmt.Int(0);
  }
  {
    Statement stmt(db, "PRAGMA user_version;");
    if (!stmt.ok() || stmt.Step() != SQLITE_ROW) {
      return absl::DataLossError(absl::StrCat(path, ": ", SqliteError(db)));
    }
    version = stmt.Int(0);
  }
  {
    Statement stmt(db, "SELECT count(*) FROM sqlite_master;");
    if (!stmt.ok() || stmt.Step() != SQLITE_ROW) {
      return absl::DataLossError(absl::StrCat(path, " is corrupted: ", SqliteError(db)));
    }
    objects = stmt.Int(0);
  }
  if (application_id != kApplicationId && !(application_id == 0 && objects == 0)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is an SQLite database of another program, not a cookie store"));
  }
  if (version < 0) {
    return absl::DataLossError(absl::StrCat(path, " has an invalid schema version ", version));
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " has schema version ", version, ", newer than this program's ", kSchemaVersion));
  }
  if (version == kSchemaVersion) return true;
  if (read_only) {
    if (objects == 0) return false;  // A new, empty store.
    return absl::FailedPreconditionError(absl::StrCat(
        path, " has schema version ", version, "; open it for writing once to upgrade it"));
  }
  absl::Status status = Exec(db, "BEGIN IMMEDIATE;");
  if (!status.ok()) return status;
  for (int64_t v = version; v < kSchemaVersion && status.ok(); ++v) {
    status = Exec(db, kMigrations[v]);
  }
  if (status.ok()) {
    status = Exec(db, absl::StrCat("PRAGMA application_id = ", kApplicationId, ";").c_str());
  }
  if (status.ok()) {
    status = Exec(db, absl::StrCat("PRAGMA user_version = ", kSchemaVersion, ";").c_str());
  }
  if (!status.ok()) {
    Exec(db, "ROLLBACK;").IgnoreError();
    return status;
  }
  status = Exec(db, "COMMIT;");
  if (!status.ok()) return status;
  return true;
}

}  // namespace

struct SqliteCookieStore::PendingChange {
  std::string profile;
  CanonicalCookie cookie;
  bool remove;
  uint64_t sequence;
};

struct SqliteCookieStore::Sealing {
  std::unique_ptr<persistence_internal::Sealer> sealer;
};

absl::StatusOr<std::unique_ptr<SqliteCookieStore>> SqliteCookieStore::Open(
    const std::string& path, SqliteStoreOptions options) {
  if (options.encryption.enabled()) {
    absl::Status ring = persistence_internal::Sealer::Create(options.encryption, false).status();
    if (!ring.ok()) return ring;
  }
  // The store's own descriptor on the database file: it carries the lock
  // (on the file, whatever name it is opened by) and lets the file be checked
  // before SQLite touches it. Links are refused, not followed.
  const int access = options.read_only ? O_RDONLY : O_RDWR;
  bool created = false;
  int fd = open(path.c_str(), access | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT && !options.read_only) {
    fd = open(path.c_str(), access | O_CLOEXEC | O_NOFOLLOW | O_CREAT | O_EXCL, 0600);
    created = fd >= 0;
    if (fd < 0 && errno == EEXIST) fd = open(path.c_str(), access | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0) return persistence_internal::OpenError(path, errno);
  // Undoes what Open did to the file system when it fails.
  auto fail = [&](absl::Status status) {
    struct stat st;
    if (created && fstat(fd, &st) == 0 && st.st_size == 0) unlink(path.c_str());
    close(fd);
    return status;
  };
  struct stat st;
  if (fstat(fd, &st) != 0) return fail(persistence_internal::OpenError(path, errno));
  if (!S_ISREG(st.st_mode)) {
    return fail(absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file")));
  }
  absl::Status locked =
      persistence_internal::LockFile(fd, path, options.read_only, options.lock_timeout);
  if (!locked.ok()) return fail(locked);
  if (fstat(fd, &st) != 0) return fail(persistence_internal::OpenError(path, errno));
  if (st.st_size > 0) {
    char header[16] = {0};
    if (pread(fd, header, sizeof(header), 0) != static_cast<ssize_t>(sizeof(header)) ||
        std::memcmp(header, "SQLite format 3", sizeof(header)) != 0) {
      return fail(absl::FailedPreconditionError(
          absl::StrCat(path, " is not a cookie store (not an SQLite database)")));
    }
  }
  // Session tokens are secrets: a store written by an older version with
  // wider permissions is narrowed (SQLite gives its -wal and -shm files the
  // database's permissions).
  if (!options.read_only && (st.st_mode & 077) != 0 && st.st_uid == geteuid()) {
    fchmod(fd, st.st_mode & 0700);
  }

  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_URI;
  std::string name = path;
  if (!options.read_only) {
    flags |= SQLITE_OPEN_READWRITE;
  } else {
    flags |= SQLITE_OPEN_READONLY;
    // No writer runs while we hold the shared lock, so unless a writer
    // crashed and left a log to replay, the file can be read as immutable:
    // SQLite then creates no -shm or -wal file of its own.
    struct stat wal;
    const bool wal_left = stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
    if (!wal_left) {
      char* uri = sqlite3_mprintf("file:%s?immutable=1", path.c_str());
      name = uri ? uri : path;
      sqlite3_free(uri);
      if (name.find('?') == std::string::npos || name.find('#') != std::string::npos ||
          path.find_first_of("?#%") != std::string::npos) {
        name = path;  // A name URI syntax would misread: open it plainly.
        flags &= ~SQLITE_OPEN_URI;
      }
    }
  }
  if (sqlite3_open_v2(name.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string message = absl::StrCat("cannot open ", path, ": ", SqliteError(db));
    sqlite3_close(db);
    return fail(absl::PermissionDeniedError(message));
  }
  sqlite3_busy_timeout(db, 5000);
  absl::StatusOr<bool> has_table = PrepareSchema(db, path, options.read_only);
  absl::Status status = has_table.status();
  // WAL: readers never block the writer and a commit is one append; FULL:
  // a commit is on disk when it returns.
  if (status.ok() && !options.read_only) status = Exec(db, "PRAGMA journal_mode = WAL;");
  if (status.ok() && !options.read_only) status = Exec(db, "PRAGMA synchronous = FULL;");
  if (!status.ok()) {
    sqlite3_close(db);
    return fail(status);
  }
  auto store = std::unique_ptr<SqliteCookieStore>(new SqliteCookieStore(path, options, db, fd));
  store->has_table_ = *has_table;
  return store;
}

SqliteCookieStore::SqliteCookieStore(std::string path, SqliteStoreOptions options, sqlite3* db,
                                     int lock_fd)
    : path_(std::move(path)),
      options_(options),
      db_(db),
      lock_fd_(lock_fd),
      link_(std::make_shared<Link>()) {
  if (options_.encryption.enabled()) {
    sealing_ = std::make_unique<Sealing>();
    sealing_->sealer = std::move(*persistence_internal::Sealer::Create(options_.encryption, false));
  }
  link_->store = this;
  if (!options_.read_only) flusher_ = std::thread([this] { FlushLoop(); });
}

SqliteCookieStore::~SqliteCookieStore() {
  {
    // From now on the jars' listeners do nothing (the jars themselves may be
    // gone already, so they are not touched).
    std::lock_guard<std::mutex> lock(link_->mu);
    link_->store = nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    stopping_ = true;
  }
  pending_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  WritePending().IgnoreError();
  sqlite3_close(db_);
  close(lock_fd_);  // Releases the lock.
}

bool SqliteCookieStore::IsAttached(std::string_view profile) {
  std::lock_guard<std::mutex> lock(attachments_mu_);
  return std::any_of(attachments_.begin(), attachments_.end(),
                     [&](const Attachment& a) { return a.profile == profile; });
}

absl::StatusOr<size_t> SqliteCookieStore::Attach(CookieJar* jar, std::string_view profile,
                                                 AttachReport* report) {
  AttachReport local;
  if (report == nullptr) report = &local;
  *report = AttachReport();
  if (IsAttached(profile)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "profile \"", std::string(profile), "\" of ", path_, " is already attached to a jar"));
  }
  std::vector<CanonicalCookie> cookies;
  size_t sealed = 0;
  std::vector<std::string> unopened;  // Sealed values that do not open.
  std::vector<size_t> reseal;         // Of `cookies`: to write again, sealed.
  {
    std::lock_guard<std::mutex> lock(db_mu_);
    if (!has_table_) return size_t{0};  // An empty file opened read-only.
    // In creation order, so that loading appends to the jar's buckets.
    Statement stmt(db_,
                   "SELECT name, value, domain, host_only, path, partition_key, creation_us, "
                   "expiry_us, last_access_us, secure, http_only, same_site, priority, "
                   "source_scheme, typeof(value) = 'blob' FROM cookies WHERE profile = ? "
                   "ORDER BY creation_us;");
    if (!stmt.ok()) return absl::DataLossError(absl::StrCat(path_, ": ", SqliteError(db_)));
    stmt.Bind(1, profile);
    int step;
    while ((step = stmt.Step()) == SQLITE_ROW) {
      CanonicalCookie c;
      c.name = stmt.Text(0);
      c.value = stmt.Text(1);
      c.domain = stmt.Text(2);
      c.host_only = stmt.Int(3) != 0;
      c.path = stmt.Text(4);
      c.partition_key = PartitionFromColumn(stmt.Text(5));
      c.creation = FromMicros(stmt.Int(6));
      c.expiry = FromMicros(stmt.Int(7));
      c.last_access = FromMicros(stmt.Int(8));
      c.secure = stmt.Int(9) != 0;
      c.http_only = stmt.Int(10) != 0;
      c.same_site = static_cast<CookieSameSite>(std::clamp<int64_t>(stmt.Int(11), 0, 3));
      c.priority = static_cast<CookiePriority>(std::clamp<int64_t>(stmt.Int(12), 0, 2));
      c.source_scheme =
          stmt.Int(13) != 0 ? CookieSourceScheme::kSecure : CookieSourceScheme::kNonSecure;
      if (stmt.Int(14) != 0) {
        // A sealed value: opened, or reported and left alone.
        ++sealed;
        absl::StatusOr<std::string> opened =
            sealing_ ? sealing_->sealer->Open(c.value, SealedValueContext(profile, c))
                     : absl::FailedPreconditionError("sealed value, and the store has no key ring");
        if (!opened.ok()) {
          unopened.push_back(
              absl::StrCat(c.name, "@", c.domain, c.path, ": ", opened.status().message()));
          continue;
        }
        if (persistence_internal::Sealer::KeyIdOf(c.value) != sealing_->sealer->current_id()) {
          reseal.push_back(cookies.size());
        }
        c.value = std::move(*opened);
      } else if (sealing_) {
        reseal.push_back(cookies.size());  // In clear: sealed from now on.
      }
      cookies.push_back(std::move(c));
    }
    if (step != SQLITE_DONE) {
      return absl::DataLossError(absl::StrCat("reading ", path_, ": ", SqliteError(db_)));
    }
  }
  if (sealed > 0 && unopened.size() == sealed) {
    // Not one sealed value opens: the wrong ring (or none), not damage.
    return absl::FailedPreconditionError(absl::StrCat(
        "none of the ", sealed, " sealed values of profile \"", std::string(profile), "\" in ",
        path_, " opens with this store's key ring (first: ", unopened.front(), ")"));
  }
  report->refused = std::move(unopened);
  const std::string owned_profile(profile);
  // Follow the jar from the start, so that evictions made while loading
  // reach the file; the insertions of loading are what the file holds
  // already. A read-only store follows nothing.
  auto loading = std::make_shared<std::atomic<bool>>(true);
  auto evicted = std::make_shared<std::atomic<size_t>>(0);
  uint64_t id = 0;
  if (!options_.read_only) {
    id = jar->AddChangeListener(
        [link = link_, owned_profile, loading, evicted](const CookieChange& change) {
          if (loading->load()) {
            if (change.cause == CookieChangeCause::kInserted) return;
            ++*evicted;
          }
          std::lock_guard<std::mutex> lock(link->mu);
          if (link->store != nullptr) link->store->OnChange(owned_profile, change);
        });
  }
  std::vector<bool> to_reseal(cookies.size());
  for (size_t i : reseal) to_reseal[i] = true;
  for (size_t i = 0; i < cookies.size(); ++i) {
    const CanonicalCookie& c = cookies[i];
    const CookieInclusionStatus status = jar->ImportCookie(c);
    if (status.IsInclude()) {
      ++report->loaded;
      if (to_reseal[i] && !options_.read_only) {
        // Sequence 0: any change the jar makes to it wins.
        std::lock_guard<std::mutex> lock(pending_mu_);
        pending_.emplace(KeyOf(owned_profile, c), PendingChange{owned_profile, c, false, 0});
      }
    } else if (status.HasOnly(CookieExclusionReason::kExpired)) {
      ++report->expired;
      if (!options_.read_only) {
        std::lock_guard<std::mutex> lock(pending_mu_);
        pending_[KeyOf(owned_profile, c)] = PendingChange{owned_profile, c, true, 0};
      }
    } else {
      report->refused.push_back(absl::StrCat(c.name, "@", c.domain, c.path, ": ",
                                             status.ToString()));
    }
  }
  loading->store(false);
  report->evicted = evicted->load();
  if (!options_.read_only) {
    std::lock_guard<std::mutex> lock(attachments_mu_);
    attachments_.push_back({jar, owned_profile, id});
  }
  return report->loaded;
}

absl::Status SqliteCookieStore::Detach(CookieJar* jar) {
  {
    std::lock_guard<std::mutex> lock(attachments_mu_);
    auto it = std::find_if(attachments_.begin(), attachments_.end(),
                           [jar](const Attachment& a) { return a.jar == jar; });
    if (it == attachments_.end()) return absl::NotFoundError("jar is not attached");
    jar->RemoveChangeListener(it->listener_id);
    attachments_.erase(it);
  }
  return Flush();
}

void SqliteCookieStore::OnChange(const std::string& profile, const CookieChange& change) {
  const bool remove = change.cause != CookieChangeCause::kInserted;
  if (!remove && !change.cookie.IsPersistent() && !options_.persist_session_cookies) return;
  bool full;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    const std::string key = KeyOf(profile, change.cookie);
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.sequence > change.sequence) return;  // Older news.
    pending_[key] = PendingChange{profile, change.cookie, remove, change.sequence};
    full = pending_.size() >= options_.flush_batch;
  }
  if (full) pending_cv_.notify_all();
}

absl::Status SqliteCookieStore::WritePending() {
  std::lock_guard<std::mutex> db_lock(db_mu_);
  std::map<std::string, PendingChange> batch;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return absl::OkStatus();
  absl::Status status = Exec(db_, "BEGIN IMMEDIATE;");
  {
    Statement upsert(db_,
                     "INSERT OR REPLACE INTO cookies (profile, name, value, domain, host_only, "
                     "path, partition_key, creation_us, expiry_us, last_access_us, secure, "
                     "http_only, same_site, priority, source_scheme) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);");
    Statement erase(db_,
                    "DELETE FROM cookies WHERE profile = ? AND name = ? AND domain = ? AND "
                    "host_only = ? AND path = ? AND partition_key = ?;");
    if (status.ok() && (!upsert.ok() || !erase.ok())) {
      status = absl::InternalError(absl::StrCat(path_, ": ", SqliteError(db_)));
    }
    for (const auto& [key, change] : batch) {
      if (!status.ok()) break;
      const CanonicalCookie& c = change.cookie;
      Statement& stmt = change.remove ? erase : upsert;
      stmt.Reset();
      stmt.Bind(1, change.profile);
      stmt.Bind(2, c.name);
      if (change.remove) {
        stmt.Bind(3, c.domain);
        stmt.Bind(4, int64_t{c.host_only});
        stmt.Bind(5, c.path);
        stmt.Bind(6, PartitionColumn(c.partition_key));
      } else {
        if (sealing_) {
          stmt.BindBlob(3, sealing_->sealer->Seal(c.value, SealedValueContext(change.profile, c)));
        } else {
          stmt.Bind(3, c.value);
        }
        stmt.Bind(4, c.domain);
        stmt.Bind(5, int64_t{c.host_only});
        stmt.Bind(6, c.path);
        stmt.Bind(7, PartitionColumn(c.partition_key));
        stmt.Bind(8, ToMicros(c.creation));
        stmt.Bind(9, ToMicros(c.expiry));
        stmt.Bind(10, ToMicros(c.last_access));
        stmt.Bind(11, int64_t{c.secure});
        stmt.Bind(12, int64_t{c.http_only});
        stmt.Bind(13, static_cast<int64_t>(c.same_site));
        stmt.Bind(14, static_cast<int64_t>(c.priority));
        stmt.Bind(15, int64_t{c.source_scheme == CookieSourceScheme::kSecure});
      }
      if (stmt.Step() != SQLITE_DONE) {
        status = absl::InternalError(absl::StrCat("writing ", path_, ": ", SqliteError(db_)));
      }
    }
  }
  if (status.ok()) status = Exec(db_, "COMMIT;");
  if (!status.ok()) {
    Exec(db_, "ROLLBACK;").IgnoreError();
    // Keep the changes for the next attempt, unless newer ones arrived.
    std::lock_guard<std::mutex> lock(pending_mu_);
    for (auto& [key, change] : batch) pending_.emplace(key, std::move(change));
    last_error_ = status;
  }
  return status;
}

absl::Status SqliteCookieStore::Flush() { return WritePending(); }

void SqliteCookieStore::DiscardPending() {
  std::lock_guard<std::mutex> lock(pending_mu_);
  pending_.clear();
}

void SqliteCookieStore::FlushLoop() {
  const auto interval = absl::ToChronoMilliseconds(options_.flush_interval);
  std::unique_lock<std::mutex> lock(pending_mu_);
  while (!stopping_) {
    pending_cv_.wait_for(lock, interval, [this] {
      return stopping_ || pending_.size() >= options_.flush_batch;
    });
    if (stopping_) break;
    if (pending_.empty()) continue;
    lock.unlock();
    WritePending().IgnoreError();  // Recorded in last_error_.
    lock.lock();
  }
}

absl::StatusOr<std::vector<std::string>> SqliteCookieStore::Profiles() {
  std::lock_guard<std::mutex> lock(db_mu_);
  if (!has_table_) return std::vector<std::string>();
  Statement stmt(db_, "SELECT DISTINCT profile FROM cookies ORDER BY profile;");
  if (!stmt.ok()) return absl::DataLossError(absl::StrCat(path_, ": ", SqliteError(db_)));
  std::vector<std::string> profiles;
  int step;
  while ((step = stmt.Step()) == SQLITE_ROW) profiles.push_back(stmt.Text(0));
  if (step != SQLITE_DONE) return absl::DataLossError(absl::StrCat(path_, ": ", SqliteError(db_)));
  return profiles;
}

absl::Status SqliteCookieStore::DeleteProfile(std::string_view profile) {
  if (options_.read_only) {
    return absl::FailedPreconditionError(absl::StrCat(path_, " is open read-only"));
  }
  std::lock_guard<std::mutex> lock(db_mu_);
  Statement stmt(db_, "DELETE FROM cookies WHERE profile = ?;");
  if (!stmt.ok()) return absl::InternalError(absl::StrCat(path_, ": ", SqliteError(db_)));
  stmt.Bind(1, profile);
  if (stmt.Step() != SQLITE_DONE) {
    return absl::InternalError(absl::StrCat(path_, ": ", SqliteError(db_)));
  }
  return absl::OkStatus();
}

absl::Status SqliteCookieStore::last_error() {
  std::lock_guard<std::mutex> lock(pending_mu_);
  return last_error_;
}

}  // namespace cookiejar
