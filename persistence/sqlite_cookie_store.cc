#include "cookiejar/sqlite/sqlite_cookie_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "common/micros.h"
#include "persistence/internal/file_lock.h"
#include "persistence/internal/sealing.h"
#include "persistence/internal/store_backend.h"
#include "persistence/internal/store_follower.h"

namespace cookiejar {
namespace {

using store_internal::LoadedProfile;
using store_internal::ProfileBackend;
using store_internal::ProfileWrite;
using store_internal::StoreChange;
using store_internal::StoredState;
using store_internal::WriteResult;

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
  Statement(sqlite3* db, const char* sql) {
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

// --- Record encoding: the one place where a cookie becomes a row and back. ---
//
// The cookie columns, in this order after `profile`; every statement below
// names them through these lists.
constexpr char kCookieColumns[] =
    "name, value, domain, host_only, path, partition_key, creation_us, expiry_us, "
    "last_access_us, secure, http_only, same_site, priority, source_scheme";
constexpr int kCookieColumnCount = 14;
// Selected after kCookieColumns: whether the value is sealed (a BLOB).
constexpr char kSealedColumn[] = ", typeof(value) = 'blob'";
// The key columns: what identifies a cookie within a profile.
constexpr char kKeyMatch[] =
    "profile = ? AND name = ? AND domain = ? AND host_only = ? AND path = ? AND "
    "partition_key = ?";

std::string PartitionColumn(const std::optional<CookiePartitionKey>& key) {
  if (!key) return "";
  return absl::StrCat(key->cross_site_ancestor ? "1" : "0", key->top_level_site);
}

std::optional<CookiePartitionKey> PartitionFromColumn(const std::string& column) {
  if (column.size() < 2) return std::nullopt;
  return CookiePartitionKey{column.substr(1), column[0] == '1'};
}

// The key of a cookie within the file, for a sealed value's associated data:
// the row it belongs to (a value copied to another cookie or profile does
// not open).
std::string SealedValueContext(std::string_view profile, const CanonicalCookie& c) {
  // As 2.0.0's sealed files have it (no separator before the path).
  return absl::StrCat("sqlite value\n", AbslView(profile), std::string(1, '\0'), c.name,
                      std::string(1, '\0'), c.domain, std::string(1, '\0'),
                      c.host_only ? "1" : "0", c.path, std::string(1, '\0'),
                      PartitionColumn(c.partition_key));
}

// Binds the cookie's columns (kCookieColumns) from placeholder `first` on;
// the value sealed (a BLOB) when `sealer` is given.
void BindCookie(Statement* stmt, int first, std::string_view profile, const CanonicalCookie& c,
                const persistence_internal::Sealer* sealer) {
  stmt->Bind(first, c.name);
  if (sealer != nullptr) {
    stmt->BindBlob(first + 1, sealer->Seal(c.value, SealedValueContext(profile, c)));
  } else {
    stmt->Bind(first + 1, c.value);
  }
  stmt->Bind(first + 2, c.domain);
  stmt->Bind(first + 3, int64_t{c.host_only});
  stmt->Bind(first + 4, c.path);
  stmt->Bind(first + 5, PartitionColumn(c.partition_key));
  stmt->Bind(first + 6, micros::ToMicros(c.creation));
  stmt->Bind(first + 7, micros::ToMicros(c.expiry));
  stmt->Bind(first + 8, micros::ToMicros(c.last_access));
  stmt->Bind(first + 9, int64_t{c.secure});
  stmt->Bind(first + 10, int64_t{c.http_only});
  stmt->Bind(first + 11, static_cast<int64_t>(c.same_site));
  stmt->Bind(first + 12, static_cast<int64_t>(c.priority));
  stmt->Bind(first + 13, int64_t{c.source_scheme == CookieSourceScheme::kSecure});
}

// Binds the key columns (kKeyMatch) from placeholder `first` on.
void BindKey(Statement* stmt, int first, std::string_view profile, const CanonicalCookie& c) {
  stmt->Bind(first, profile);
  stmt->Bind(first + 1, c.name);
  stmt->Bind(first + 2, c.domain);
  stmt->Bind(first + 3, int64_t{c.host_only});
  stmt->Bind(first + 4, c.path);
  stmt->Bind(first + 5, PartitionColumn(c.partition_key));
}

// Reads a row selected as kCookieColumns, from column `first` on. Numbers
// out of range are clamped: the jar validates the cookie again on import.
CanonicalCookie ReadCookie(Statement* stmt, int first) {
  CanonicalCookie c;
  c.name = stmt->Text(first);
  c.value = stmt->Text(first + 1);
  c.domain = stmt->Text(first + 2);
  c.host_only = stmt->Int(first + 3) != 0;
  c.path = stmt->Text(first + 4);
  c.partition_key = PartitionFromColumn(stmt->Text(first + 5));
  c.creation = micros::FiniteFromMicros(stmt->Int(first + 6));
  c.expiry = micros::FromMicros(stmt->Int(first + 7));
  c.last_access = micros::FiniteFromMicros(stmt->Int(first + 8));
  c.secure = stmt->Int(first + 9) != 0;
  c.http_only = stmt->Int(first + 10) != 0;
  c.same_site = static_cast<CookieSameSite>(std::clamp<int64_t>(stmt->Int(first + 11), 0, 3));
  c.priority = static_cast<CookiePriority>(std::clamp<int64_t>(stmt->Int(first + 12), 0, 2));
  c.source_scheme =
      stmt->Int(first + 13) != 0 ? CookieSourceScheme::kSecure : CookieSourceScheme::kNonSecure;
  return c;
}

// --- End of the record encoding. ---

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


// The database of one SqliteCookieStore: loads and writes for the follower.
class SqliteBackend : public store_internal::StoreBackend {
 public:
  SqliteBackend(std::string path, bool read_only, sqlite3* db, int lock_fd, bool has_table,
                std::unique_ptr<persistence_internal::Sealer> sealer)
      : path_(std::move(path)),
        read_only_(read_only),
        db_(db),
        lock_fd_(lock_fd),
        has_table_(has_table),
        sealer_(std::move(sealer)) {}
  ~SqliteBackend() override {
    sqlite3_close(db_);
    close(lock_fd_);  // Releases the lock.
  }

  absl::StatusOr<std::unique_ptr<ProfileBackend>> OpenProfile(std::string_view profile) override;
  absl::Status Write(std::vector<ProfileWrite>* writes, absl::Time deadline) override;
  absl::StatusOr<std::vector<std::string>> Profiles() override;
  absl::Status DeleteProfile(std::string_view profile) override;

  absl::Status Load(const std::string& profile, LoadedProfile* out);

 private:
  // Reads a row selected as kCookieColumns and kSealedColumn, opening a
  // sealed value. `*stale_key`: in clear, or sealed under a key other than
  // the ring's first (to be sealed again). Errors name the cookie, never
  // the value.
  absl::Status ReadStored(Statement* stmt, const std::string& profile, CanonicalCookie* out,
                          bool* stale_key);
  // Writes the values of `cookies` again, sealed under the ring's first key.
  absl::Status Reseal(const std::string& profile, const std::vector<CanonicalCookie>& cookies);
  // One change, inside the write's transaction.
  absl::Status WriteOne(const std::string& profile, const StoreChange& change, WriteResult* result,
                        Statement* upsert, Statement* erase, Statement* select);

  const std::string path_;
  const bool read_only_;
  std::mutex mu_;  // Serializes use of db_.
  sqlite3* const db_;
  const int lock_fd_;
  const bool has_table_;  // False for an empty file opened read-only.
  // Seals values at rest (SqliteStoreOptions::encryption); null: in clear.
  const std::unique_ptr<persistence_internal::Sealer> sealer_;
};

class SqliteProfile : public ProfileBackend {
 public:
  SqliteProfile(SqliteBackend* backend, std::string name)
      : backend_(backend), name_(std::move(name)) {}
  absl::Status Load(LoadedProfile* out) override { return backend_->Load(name_, out); }
  const std::string& name() const { return name_; }

 private:
  SqliteBackend* const backend_;
  const std::string name_;
};

absl::StatusOr<std::unique_ptr<ProfileBackend>> SqliteBackend::OpenProfile(
    std::string_view profile) {
  return std::make_unique<SqliteProfile>(this, std::string(profile));
}

absl::Status SqliteBackend::ReadStored(Statement* stmt, const std::string& profile,
                                       CanonicalCookie* out, bool* stale_key) {
  *out = ReadCookie(stmt, 0);
  *stale_key = false;
  if (stmt->Int(kCookieColumnCount) == 0) {
    *stale_key = sealer_ != nullptr;  // In clear: sealed from now on.
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> opened =
      sealer_ ? sealer_->Open(out->value, SealedValueContext(profile, *out))
              : absl::FailedPreconditionError("sealed value, and the store has no key ring");
  if (!opened.ok()) {
    return absl::Status(opened.status().code(),
                        absl::StrCat(out->name, "@", out->domain, out->path, ": ",
                                     opened.status().message()));
  }
  *stale_key = persistence_internal::Sealer::KeyIdOf(out->value) != sealer_->current_id();
  out->value = std::move(*opened);
  return absl::OkStatus();
}

absl::Status SqliteBackend::Reseal(const std::string& profile,
                                   const std::vector<CanonicalCookie>& cookies) {
  absl::Status status = Exec(db_, "BEGIN IMMEDIATE;");
  if (!status.ok()) return status;
  {
    Statement update(db_, absl::StrCat("UPDATE cookies SET value = ? WHERE ", kKeyMatch, ";").c_str());
    if (!update.ok()) status = absl::InternalError(absl::StrCat(path_, ": ", SqliteError(db_)));
    for (size_t i = 0; i < cookies.size() && status.ok(); ++i) {
      const CanonicalCookie& c = cookies[i];
      update.Reset();
      update.BindBlob(1, sealer_->Seal(c.value, SealedValueContext(profile, c)));
      BindKey(&update, 2, profile, c);
      if (update.Step() != SQLITE_DONE) {
        status = absl::InternalError(absl::StrCat("writing ", path_, ": ", SqliteError(db_)));
      }
    }
  }
  if (status.ok()) status = Exec(db_, "COMMIT;");
  if (!status.ok()) Exec(db_, "ROLLBACK;").IgnoreError();
  return status;
}

absl::Status SqliteBackend::Load(const std::string& profile, LoadedProfile* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!has_table_) return absl::OkStatus();  // An empty file opened read-only.
  Statement stmt(db_, absl::StrCat("SELECT ", kCookieColumns, kSealedColumn,
                                   " FROM cookies WHERE profile = ? ORDER BY creation_us;")
                          .c_str());
  if (!stmt.ok()) return absl::DataLossError(absl::StrCat(path_, ": ", SqliteError(db_)));
  stmt.Bind(1, profile);
  size_t sealed = 0;
  std::vector<std::string> unopened;    // Sealed values that do not open.
  std::vector<CanonicalCookie> reseal;  // In clear, or under an older key.
  int step;
  while ((step = stmt.Step()) == SQLITE_ROW) {
    if (stmt.Int(kCookieColumnCount) != 0) ++sealed;
    StoredState state;
    state.present = true;
    bool stale_key = false;
    absl::Status read = ReadStored(&stmt, profile, &state.cookie, &stale_key);
    if (!read.ok()) {
      // Reported and left in the file.
      unopened.push_back(std::string(read.message()));
      continue;
    }
    if (stale_key) reseal.push_back(state.cookie);
    out->cookies.push_back(std::move(state));
  }
  if (step != SQLITE_DONE) {
    return absl::DataLossError(absl::StrCat("reading ", path_, ": ", SqliteError(db_)));
  }
  if (sealed > 0 && unopened.size() == sealed) {
    // Not one sealed value opens: the wrong ring (or none), not damage.
    return absl::FailedPreconditionError(absl::StrCat(
        "none of the ", sealed, " sealed values of profile \"", profile, "\" in ", path_,
        " opens with this store's key ring (first: ", unopened.front(), ")"));
  }
  for (std::string& refused : unopened) out->refused.push_back(std::move(refused));
  if (!reseal.empty() && !read_only_) {
    // Key rotation, or a profile first attached with a ring. Not fatal: tried
    // again at the next attach.
    Reseal(profile, reseal).IgnoreError();
  }
  return absl::OkStatus();
}

absl::Status SqliteBackend::WriteOne(const std::string& profile, const StoreChange& change,
                                     WriteResult* result, Statement* upsert, Statement* erase,
                                     Statement* select) {
  const CanonicalCookie& c = change.cookie;
  auto step = [&](Statement* stmt) {
    return stmt->Step() == SQLITE_DONE
               ? absl::OkStatus()
               : absl::InternalError(absl::StrCat("writing ", path_, ": ", SqliteError(db_)));
  };
  switch (change.kind) {
    case StoreChange::Kind::kSet: {
      upsert->Reset();
      upsert->Bind(1, profile);
      BindCookie(upsert, 2, profile, c, sealer_.get());
      absl::Status status = step(upsert);
      if (status.ok()) result->kind = WriteResult::Kind::kWritten;
      return status;
    }
    case StoreChange::Kind::kDelete: {
      erase->Reset();
      BindKey(erase, 1, profile, c);
      absl::Status status = step(erase);
      if (status.ok()) result->kind = WriteResult::Kind::kWritten;
      return status;
    }
    case StoreChange::Kind::kRemove: {
      // Only the version the jar dropped: read it back through the record
      // encoding and compare.
      select->Reset();
      BindKey(select, 1, profile, c);
      const int found = select->Step();
      if (found != SQLITE_ROW && found != SQLITE_DONE) {
        return absl::InternalError(absl::StrCat("reading ", path_, ": ", SqliteError(db_)));
      }
      bool same = false;
      if (found == SQLITE_ROW) {
        CanonicalCookie stored;
        bool stale_key = false;
        // A value that does not open is not ours to judge: left alone.
        same = ReadStored(select, profile, &stored, &stale_key).ok() &&
               store_internal::SameVersion(stored, c);
      }
      select->Reset();
      if (!same) {
        result->kind = WriteResult::Kind::kUnchanged;
        return absl::OkStatus();
      }
      erase->Reset();
      BindKey(erase, 1, profile, c);
      absl::Status status = step(erase);
      if (status.ok()) result->kind = WriteResult::Kind::kWritten;
      return status;
    }
  }
  return absl::InternalError("unknown change");
}

absl::Status SqliteBackend::Write(std::vector<ProfileWrite>* writes, absl::Time) {
  std::lock_guard<std::mutex> lock(mu_);
  if (read_only_) return absl::FailedPreconditionError(absl::StrCat(path_, " is open read-only"));
  // Every profile's changes in one transaction: one sync to disk.
  absl::Status status = Exec(db_, "BEGIN IMMEDIATE;");
  {
    std::string placeholders = "?";  // The profile, then the cookie's columns.
    for (int i = 0; i < kCookieColumnCount; ++i) placeholders += ", ?";
    Statement upsert(db_, absl::StrCat("INSERT OR REPLACE INTO cookies (profile, ", kCookieColumns,
                                       ") VALUES (", placeholders, ");")
                              .c_str());
    Statement erase(db_, absl::StrCat("DELETE FROM cookies WHERE ", kKeyMatch, ";").c_str());
    Statement select(db_, absl::StrCat("SELECT ", kCookieColumns, kSealedColumn,
                                       " FROM cookies WHERE ", kKeyMatch, ";")
                              .c_str());
    if (status.ok() && (!upsert.ok() || !erase.ok() || !select.ok())) {
      status = absl::InternalError(absl::StrCat(path_, ": ", SqliteError(db_)));
    }
    for (ProfileWrite& write : *writes) {
      const std::string& profile = static_cast<SqliteProfile*>(write.profile)->name();
      for (size_t i = 0; i < write.changes.size() && status.ok(); ++i) {
        status = WriteOne(profile, write.changes[i], &write.results[i], &upsert, &erase, &select);
      }
    }
  }
  if (status.ok()) status = Exec(db_, "COMMIT;");
  if (!status.ok()) {
    Exec(db_, "ROLLBACK;").IgnoreError();
    // Nothing of the transaction is on disk.
    for (ProfileWrite& write : *writes) {
      for (WriteResult& result : write.results) result = WriteResult();
    }
  }
  return status;
}

absl::StatusOr<std::vector<std::string>> SqliteBackend::Profiles() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!has_table_) return std::vector<std::string>();
  Statement stmt(db_, "SELECT DISTINCT profile FROM cookies ORDER BY profile;");
  if (!stmt.ok()) return absl::DataLossError(absl::StrCat(path_, ": ", SqliteError(db_)));
  std::vector<std::string> profiles;
  int step;
  while ((step = stmt.Step()) == SQLITE_ROW) profiles.push_back(stmt.Text(0));
  if (step != SQLITE_DONE) return absl::DataLossError(absl::StrCat(path_, ": ", SqliteError(db_)));
  return profiles;
}

absl::Status SqliteBackend::DeleteProfile(std::string_view profile) {
  if (read_only_) return absl::FailedPreconditionError(absl::StrCat(path_, " is open read-only"));
  std::lock_guard<std::mutex> lock(mu_);
  Statement stmt(db_, "DELETE FROM cookies WHERE profile = ?;");
  if (!stmt.ok()) return absl::InternalError(absl::StrCat(path_, ": ", SqliteError(db_)));
  stmt.Bind(1, profile);
  if (stmt.Step() != SQLITE_DONE) {
    return absl::InternalError(absl::StrCat(path_, ": ", SqliteError(db_)));
  }
  return absl::OkStatus();
}

store_internal::FollowerOptions FollowerOptionsOf(const std::string& path,
                                                  const SqliteStoreOptions& options) {
  store_internal::FollowerOptions out;
  out.flush_batch = options.flush_batch;
  out.flush_interval = options.flush_interval;
  out.max_pending = options.max_pending;
  out.persist_session_cookies = options.persist_session_cookies;
  out.read_only = options.read_only;
  // A failed write (a full disk) is tried again at the next interval.
  out.retry_interval = options.flush_interval;
  out.store_name = path;
  return out;
}

}  // namespace

struct SqliteCookieStore::Impl {
  std::string path;
  SqliteBackend* backend = nullptr;  // Owned by the follower.
  std::unique_ptr<store_internal::StoreFollower> follower;
};

absl::StatusOr<std::unique_ptr<SqliteCookieStore>> SqliteCookieStore::Open(
    const std::string& path, SqliteStoreOptions options) {
  std::unique_ptr<persistence_internal::Sealer> sealer;
  if (options.encryption.enabled()) {
    absl::StatusOr<std::unique_ptr<persistence_internal::Sealer>> ring =
        persistence_internal::Sealer::Create(options.encryption, /*need_name_key=*/false);
    if (!ring.ok()) return ring.status();
    sealer = std::move(*ring);
  }
  // The store's own descriptor on the database file: it carries the lock
  // (on the file, whatever name it is opened by) and lets the file be checked
  // before SQLite touches it. Links are refused, not followed.
  // O_NONBLOCK: a FIFO at the path is refused below, not waited on.
  const int access = (options.read_only ? O_RDONLY : O_RDWR) | O_NONBLOCK;
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
  auto backend = std::make_unique<SqliteBackend>(path, options.read_only, db, fd, *has_table,
                                                 std::move(sealer));
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->backend = backend.get();
  impl->follower =
      std::make_unique<store_internal::StoreFollower>(std::move(backend), FollowerOptionsOf(path, options));
  return std::unique_ptr<SqliteCookieStore>(new SqliteCookieStore(std::move(impl)));
}


SqliteCookieStore::SqliteCookieStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

// The follower writes what is pending, then closes the database.
SqliteCookieStore::~SqliteCookieStore() = default;

absl::StatusOr<size_t> SqliteCookieStore::Attach(CookieJar* jar, std::string_view profile,
                                                 AttachReport* report) {
  return impl_->follower->Attach(jar, profile, report);
}

absl::Status SqliteCookieStore::Detach(CookieJar* jar) { return impl_->follower->Detach(jar); }

absl::Status SqliteCookieStore::Flush() { return impl_->follower->Flush(); }

void SqliteCookieStore::DiscardPending() { impl_->follower->DiscardPending(); }

absl::StatusOr<std::vector<std::string>> SqliteCookieStore::Profiles() {
  return impl_->follower->Profiles();
}

absl::Status SqliteCookieStore::DeleteProfile(std::string_view profile) {
  return impl_->follower->DeleteProfile(profile);
}

absl::Status SqliteCookieStore::last_error() { return impl_->follower->last_error(); }

const std::string& SqliteCookieStore::path() const { return impl_->path; }

}  // namespace cookiejar
