#include "cookiejar/formats/browser_databases.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/absl_view.h"
#include "common/user_file.h"
#include "cookiejar/canonical_host.h"
#include "persistence/internal/partition_site.h"
#include "persistence/internal/secret_service.h"

namespace cookiejar {
namespace {

// Microseconds from 1601-01-01 (Chromium's epoch) to 1970-01-01.
constexpr int64_t kWindowsEpochOffsetUs = 11644473600LL * 1000000;
// The instants a browser database may name: 1970 to the end of year 9999.
constexpr int64_t kLatestUs = 253402300800LL * 1000000;
// A Firefox expiry above this is in milliseconds: in seconds it would be
// after the year 5000, in milliseconds below it before 1973.
constexpr int64_t kMillisecondsFrom = 100000000000LL;
// Bytes SQLite may return for one field; longer ones make the read fail.
constexpr int kMaxFieldBytes = 1 << 20;
// A Chromium ciphertext longer than this cannot hold a cookie value.
constexpr size_t kMaxCiphertext = 64 * 1024;
constexpr size_t kMaxHostBytes = 1024;
constexpr size_t kMaxPathBytes = 1024;

// ---- Reading a copy --------------------------------------------------------

// A private directory with copies of a database and its companions, removed
// on destruction.
class PrivateCopy {
 public:
  ~PrivateCopy() {
    if (dir_.empty()) return;
    // The copies and what SQLite made beside them.
    for (const char* suffix : {"", "-wal", "-journal", "-shm"}) unlink((db_ + suffix).c_str());
    rmdir(dir_.c_str());
  }
  const std::string& db() const { return db_; }

  // Copies `path` (which must be an SQLite database) and its -wal or
  // -journal, if any.
  static absl::StatusOr<std::unique_ptr<PrivateCopy>> Make(const std::string& path,
                                                           uint64_t max_bytes) {
    auto copy = std::unique_ptr<PrivateCopy>(new PrivateCopy());
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/cookiejar-import-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {  // Made 0700.
      return absl::InternalError(
          absl::StrCat("cannot make a temporary directory: ", std::strerror(errno)));
    }
    copy->dir_ = pattern;
    copy->db_ = copy->dir_ + "/db";
    absl::Status status = copy->CopyFile(path, copy->db_, max_bytes, /*required=*/true);
    if (!status.ok()) return status;
    for (const char* suffix : {"-wal", "-journal"}) {
      status = copy->CopyFile(path + suffix, copy->db_ + suffix, max_bytes, /*required=*/false);
      if (!status.ok()) return status;
    }
    return copy;
  }

 private:
  PrivateCopy() = default;

  absl::Status CopyFile(const std::string& from, const std::string& to, uint64_t max_bytes,
                        bool required) {
    // Reading follows a link (a profile may be linked from elsewhere); only
    // a regular file is read.
    absl::StatusOr<user_file::File> file = user_file::Open(from, user_file::Limits{max_bytes});
    if (!file.ok()) {
      if (!required && file.status().code() == absl::StatusCode::kNotFound) {
        return absl::OkStatus();
      }
      return file.status();
    }
    const int in = file->fd();
    const int out = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (out < 0) {
      return absl::InternalError(absl::StrCat("cannot write ", to, ": ", std::strerror(errno)));
    }
    char buffer[1 << 16];
    uint64_t total = 0;
    absl::Status status;
    while (status.ok()) {
      const ssize_t n = read(in, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = absl::PermissionDeniedError(
            absl::StrCat("cannot read ", from, ": ", std::strerror(errno)));
        break;
      }
      if (n == 0) break;
      total += n;
      if (total > max_bytes) {  // It grew while we read it.
        status = absl::FailedPreconditionError(
            absl::StrCat(from, " is larger than ", max_bytes, " bytes"));
        break;
      }
      for (ssize_t done = 0; done < n;) {
        const ssize_t w = write(out, buffer + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          status =
              absl::InternalError(absl::StrCat("cannot write ", to, ": ", std::strerror(errno)));
          break;
        }
        done += w;
      }
    }
    if (close(out) != 0 && status.ok()) {
      status = absl::InternalError(absl::StrCat("cannot write ", to, ": ", std::strerror(errno)));
    }
    return status;
  }

  std::string dir_;
  std::string db_;
};

class Database {
 public:
  ~Database() { sqlite3_close_v2(db_); }
  sqlite3* get() const { return db_; }

  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& copy,
                                                        const std::string& shown) {
    auto database = std::unique_ptr<Database>(new Database());
    // Read-write: SQLite may have to recover the copied -wal or roll back
    // the copied -journal. It is our private copy.
    const int rc = sqlite3_open_v2(copy.c_str(), &database->db_,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr);
    if (rc != SQLITE_OK) {
      return absl::FailedPreconditionError(
          absl::StrCat(shown, " cannot be opened as an SQLite database: ", sqlite3_errstr(rc)));
    }
    sqlite3* db = database->db_;
    // A hostile file must not run code (triggers, views with functions) or
    // hand us huge fields.
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, kMaxFieldBytes);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1 << 16);
    sqlite3_exec(db, "PRAGMA mmap_size=0; PRAGMA cell_size_check=ON;", nullptr, nullptr, nullptr);
    return database;
  }

 private:
  Database() = default;
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    status_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  bool ok() const { return status_ == SQLITE_OK; }
  int Step() { return sqlite3_step(stmt_); }
  std::string Text(int i) {
    const void* blob = sqlite3_column_blob(stmt_, i);
    const int size = sqlite3_column_bytes(stmt_, i);
    return blob ? std::string(static_cast<const char*>(blob), size) : std::string();
  }
  int64_t Int(int i) { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int status_;
};

absl::Status Corrupted(sqlite3* db, const std::string& shown) {
  return absl::DataLossError(
      absl::StrCat(shown, " is corrupted or unreadable: ", sqlite3_errmsg(db)));
}

// The columns of `table`.
absl::StatusOr<std::set<std::string>> Columns(sqlite3* db, const std::string& table,
                                              const std::string& shown) {
  Statement stmt(db, "SELECT name FROM pragma_table_info('" + table + "');");
  if (!stmt.ok()) return Corrupted(db, shown);
  std::set<std::string> columns;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW && columns.size() < 1000) columns.insert(stmt.Text(0));
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Corrupted(db, shown);
  return columns;
}

absl::StatusOr<BrowserDatabaseKind> Detect(sqlite3* db, const std::string& shown) {
  Statement stmt(db, "SELECT name FROM sqlite_master WHERE type = 'table';");
  if (!stmt.ok()) return Corrupted(db, shown);
  std::set<std::string> tables;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW && tables.size() < 1000) tables.insert(stmt.Text(0));
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Corrupted(db, shown);
  if (tables.count("moz_cookies")) return BrowserDatabaseKind::kFirefox;
  if (tables.count("cookies") && tables.count("meta")) return BrowserDatabaseKind::kChromium;
  return absl::FailedPreconditionError(absl::StrCat(
      shown, " is an SQLite database but not a Firefox cookies.sqlite or a Chromium Cookies file"));
}

absl::Status CheckSqliteHeader(const std::string& path, uint64_t max_bytes) {
  absl::StatusOr<user_file::File> file = user_file::Open(path, user_file::Limits{max_bytes});
  absl::StatusOr<std::string> header = file.ok() ? file->ReadHead(16) : file.status();
  if (!header.ok()) return header.status();
  if (*header != std::string_view("SQLite format 3\0", 16)) {
    return absl::FailedPreconditionError(path + " is not an SQLite database");
  }
  return absl::OkStatus();
}

// ---- Rows --------------------------------------------------------------------

// Collects what a reader says about rows, within the limits.
class Problems {
 public:
  Problems(BrowserDatabaseReport* report, size_t max) : report_(report), max_(max) {}
  void Add(std::string_view what, size_t row, const std::string& name, const std::string& host,
           const std::string& path, std::string_view reason) {
    if (report_->problems.size() >= max_) {
      ++report_->more_problems;
      return;
    }
    report_->problems.push_back(absl::StrCat(AbslView(what), " ", row, " (", name.substr(0, 64),
                                             " for ", host.substr(0, 128), path.substr(0, 64),
                                             "): ", AbslView(reason)));
  }

 private:
  BrowserDatabaseReport* report_;
  size_t max_;
};

// Checks and fills the fields every browser has. Returns "" or why not.
std::string FillCommon(const std::string& host, const std::string& path, const std::string& name,
                       CanonicalCookie* cookie) {
  if (host.empty() || host.size() > kMaxHostBytes) return "the host is empty or too long";
  if (name.size() > kMaxNameValueBytes) return "the name is too long";
  if (path.empty() || path[0] != '/' || path.size() > kMaxPathBytes) {
    return "the path is not an absolute path of at most 1024 bytes";
  }
  const bool domain = host[0] == '.';
  absl::StatusOr<CanonicalHost> canonical = CanonicalizeHost(domain ? host.substr(1) : host);
  if (!canonical.ok()) return absl::StrCat("invalid host: ", canonical.status().message());
  cookie->domain = canonical->name;
  cookie->host_only = !domain;
  cookie->path = path;
  cookie->name = name;
  return "";
}

bool TimeInRange(int64_t unix_us) { return unix_us >= 0 && unix_us < kLatestUs; }

// ---- Firefox -----------------------------------------------------------------

// Percent-decodes an originAttributes suffix value.
std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    int hi, lo;
    auto hex = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (text[i] == '%' && i + 2 < text.size() && (hi = hex(text[i + 1])) >= 0 &&
        (lo = hex(text[i + 2])) >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Reads "^partitionKey=%28https%2Csite.example%29&userContextId=1"; the
// partition's bit is written in the convention `ancestors`.
// Returns "" and sets *partition / *other_jar, or why the row is refused.
std::string ParseOriginAttributes(const std::string& text, const std::string& cookie_domain,
                                  CookiePartitionKey::Ancestors ancestors,
                                  std::optional<CookiePartitionKey>* partition, bool* other_jar) {
  *other_jar = false;
  if (text.empty()) return "";
  if (text[0] != '^' || text.size() > 4096) return "unreadable originAttributes";
  for (absl::string_view pair : absl::StrSplit(absl::string_view(text).substr(1), '&')) {
    const size_t eq = pair.find('=');
    if (eq == absl::string_view::npos) return "unreadable originAttributes";
    const std::string key(pair.substr(0, eq));
    const std::string value =
        PercentDecode(std::string_view(pair.data() + eq + 1, pair.size() - eq - 1));
    if (key == "partitionKey") {
      // "(scheme,host[,port][,f])": the top-level site, "f" for a frame with
      // a cross-site ancestor.
      if (value.size() < 5 || value.front() != '(' || value.back() != ')') {
        return "unreadable partitionKey";
      }
      std::vector<std::string> parts = absl::StrSplit(value.substr(1, value.size() - 2), ',');
      if (parts.size() < 2 || parts.size() > 4 || (parts[0] != "https" && parts[0] != "http")) {
        return "unreadable partitionKey";
      }
      absl::StatusOr<CanonicalHost> site = CanonicalizeHost(parts[1]);
      if (!site.ok()) return "invalid partitionKey site";
      bool ancestor = false;
      for (size_t i = 2; i < parts.size(); ++i) {
        int port;
        if (parts[i] == "f") {
          ancestor = true;
        } else if (!absl::SimpleAtoi(parts[i], &port)) {
          return "unreadable partitionKey";
        }
      }
      // Firefox marks only A-in-B-in-A frames (kFramesOnly).
      const std::string top = parts[0] + "://" + site->name;
      *partition = CookiePartitionKey{
          top, persistence_internal::AncestorBit(cookie_domain, top, ancestor,
                                                 CookiePartitionKey::Ancestors::kFramesOnly,
                                                 ancestors)};
    } else if (key == "userContextId" || key == "privateBrowsingId" || key == "firstPartyDomain" ||
               key == "geckoViewSessionContextId" || key == "inIsolatedMozBrowser") {
      if (!value.empty() && value != "0") *other_jar = true;
    } else {
      return absl::StrCat("unknown origin attribute ", key.substr(0, 40));
    }
  }
  return "";
}

// The column, or a constant when this schema lacks it.
std::string Column(const std::set<std::string>& columns, const std::string& name,
                   const std::string& fallback) {
  return columns.count(name) ? name : fallback;
}

absl::StatusOr<std::vector<CanonicalCookie>> ReadFirefox(sqlite3* db, const std::string& shown,
                                                         const BrowserDatabaseOptions& options,
                                                         BrowserDatabaseReport* report) {
  {
    Statement version(db, "PRAGMA user_version;");
    if (!version.ok() || version.Step() != SQLITE_ROW) return Corrupted(db, shown);
    report->schema_version = version.Int(0);
  }
  absl::StatusOr<std::set<std::string>> columns = Columns(db, "moz_cookies", shown);
  if (!columns.ok()) return columns.status();
  for (const char* needed : {"name", "value", "host", "path", "expiry", "isSecure", "isHttpOnly"}) {
    if (!columns->count(needed)) {
      return absl::FailedPreconditionError(absl::StrCat(shown, ": moz_cookies has no column ",
                                                        needed, " (schema ", report->schema_version,
                                                        " is not supported)"));
    }
  }
  const bool raw_same_site = columns->count("rawSameSite") > 0;
  const std::string sql = absl::StrCat(
      "SELECT name, value, host, path, expiry, ", Column(*columns, "creationTime", "0"), ", ",
      Column(*columns, "lastAccessed", "0"), ", isSecure, isHttpOnly, ",
      Column(*columns, "sameSite", "256"), ", ", Column(*columns, "rawSameSite", "0"), ", ",
      Column(*columns, "schemeMap", "0"), ", ", Column(*columns, "originAttributes", "''"),
      " FROM moz_cookies ORDER BY ", Column(*columns, "creationTime", "rowid"), ";");
  Statement stmt(db, sql);
  if (!stmt.ok()) return Corrupted(db, shown);
  Problems problems(report, options.max_problems);
  std::vector<CanonicalCookie> cookies;
  bool milliseconds = false, seconds = false;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    if (report->rows == options.max_rows) {
      ++report->rows_left_out;
      continue;
    }
    const size_t row = ++report->rows;
    const std::string name = stmt.Text(0), host = stmt.Text(2), path = stmt.Text(3);
    CanonicalCookie cookie;
    std::string why = FillCommon(host, path, name, &cookie);
    if (why.empty()) {
      cookie.value = stmt.Text(1);
      if (cookie.name.size() + cookie.value.size() > kMaxNameValueBytes) {
        why = "the name and value are longer than 4096 bytes";
      }
    }
    int64_t expiry = stmt.Int(4);
    // Milliseconds from here on.
    if (expiry > kMillisecondsFrom) {
      milliseconds = true;
    } else if (expiry > 0) {
      seconds = true;
      expiry *= 1000;
    }
    const int64_t creation = stmt.Int(5), last_access = stmt.Int(6);
    if (why.empty() &&
        (!TimeInRange(creation) || !TimeInRange(last_access) || expiry > kLatestUs / 1000)) {
      why = "a time outside the years 1970 to 9999";
    }
    if (why.empty()) {
      cookie.expiry = absl::FromUnixMillis(std::max<int64_t>(expiry, 0));
      cookie.creation = absl::FromUnixMicros(creation);
      cookie.last_access = absl::FromUnixMicros(last_access);
      cookie.secure = stmt.Int(7) != 0;
      cookie.http_only = stmt.Int(8) != 0;
      const int64_t same_site = stmt.Int(9);
      if (raw_same_site) {
        // Before schema 16, 0 meant both "None" and "no attribute".
        const int64_t raw = stmt.Int(10);
        cookie.same_site = raw == 2                          ? CookieSameSite::kStrict
                           : raw == 1                        ? CookieSameSite::kLax
                           : same_site == 0 && cookie.secure ? CookieSameSite::kNoRestriction
                                                             : CookieSameSite::kUnspecified;
      } else {
        cookie.same_site = same_site == 0   ? CookieSameSite::kNoRestriction
                           : same_site == 1 ? CookieSameSite::kLax
                           : same_site == 2 ? CookieSameSite::kStrict
                                            : CookieSameSite::kUnspecified;
      }
      const int64_t scheme_map = stmt.Int(11);
      cookie.source_scheme = (scheme_map & 2) && !(scheme_map & 1) ? CookieSourceScheme::kSecure
                             : scheme_map == 0 && cookie.secure    ? CookieSourceScheme::kSecure
                                                                   : CookieSourceScheme::kNonSecure;
      bool other_jar = false;
      why = ParseOriginAttributes(stmt.Text(12), cookie.domain, options.partition_ancestors,
                                  &cookie.partition_key, &other_jar);
      if (why.empty() && other_jar) {
        ++report->other_jars;
        continue;
      }
    }
    if (!why.empty()) {
      problems.Add("row", row, name, host, path, why);
      continue;
    }
    cookies.push_back(std::move(cookie));
  }
  if (rc != SQLITE_DONE) return Corrupted(db, shown);
  report->imported = cookies.size();
  report->notes.push_back(
      absl::StrCat("Firefox cookies.sqlite, schema ", report->schema_version, "; expiry in ",
                   milliseconds && seconds ? "milliseconds and seconds (both seen)"
                   : seconds               ? "seconds"
                                           : "milliseconds"));
  return cookies;
}

// ---- Chromium ----------------------------------------------------------------

// A key as Chromium derives one from a password: PBKDF2-HMAC-SHA1, salt
// "saltysalt", one iteration, 16 bytes (components/os_crypt/sync/
// os_crypt_linux.cc). v10: the password "peanuts"; v11: the keyring's.
using AesKey = std::array<unsigned char, 16>;

AesKey DeriveKey(std::string_view password) {
  AesKey key;
  static const unsigned char kSalt[] = "saltysalt";
  PKCS5_PBKDF2_HMAC_SHA1(password.data(), static_cast<int>(password.size()), kSalt, 9,
                         /*iter=*/1, static_cast<int>(key.size()), key.data());
  return key;
}

const AesKey& PeanutsKey() {
  static const AesKey key = DeriveKey("peanuts");
  return key;
}

// Chromium tries this one when a value does not decrypt with its own key
// (crbug.com/40055416: values once written with an empty password).
const AesKey& EmptyPasswordKey() {
  static const AesKey key = DeriveKey("");
  return key;
}

constexpr unsigned char kIv[16] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
                                   ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
// From this database version on, values start with the SHA-256 of host_key.
constexpr int64_t kDomainHashVersion = 24;

struct CipherContext {
  CipherContext() : ctx(EVP_CIPHER_CTX_new()) {}
  ~CipherContext() { EVP_CIPHER_CTX_free(ctx); }
  EVP_CIPHER_CTX* ctx;
};

absl::StatusOr<std::string> Aes128Cbc(std::string_view input, bool encrypt, const AesKey& key) {
  CipherContext c;
  if (c.ctx == nullptr || EVP_CipherInit_ex(c.ctx, EVP_aes_128_cbc(), nullptr, key.data(), kIv,
                                            encrypt ? 1 : 0) != 1) {
    return absl::InternalError("OpenSSL cannot set up AES-128-CBC");
  }
  std::string out(input.size() + 16, '\0');
  int n = 0, tail = 0;
  if (EVP_CipherUpdate(c.ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                       reinterpret_cast<const unsigned char*>(input.data()),
                       static_cast<int>(input.size())) != 1 ||
      EVP_CipherFinal_ex(c.ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &tail) != 1) {
    return absl::DataLossError("the value does not decrypt with its key");
  }
  out.resize(n + tail);
  return out;
}

std::string Sha256(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

// Decrypts a v10 value, or a v11 one with the first of `v11_keys` that
// decrypts it (the empty password's key last, as Chromium).
absl::StatusOr<std::string> DecryptWithKeys(std::string_view encrypted, std::string_view host_key,
                                            int64_t schema_version,
                                            const std::vector<AesKey>& v11_keys) {
  if (encrypted.size() < 3 ||
      (encrypted.substr(0, 3) != "v10" && encrypted.substr(0, 3) != "v11")) {
    // Chromium reads a value without a version prefix as clear text (values
    // written before encryption).
    return std::string(encrypted);
  }
  const bool v11 = encrypted.substr(0, 3) == "v11";
  if (v11 && v11_keys.empty()) {
    return absl::FailedPreconditionError(
        "encrypted with a key from the desktop keyring (v11): not decryptable without it");
  }
  const std::string_view ciphertext = encrypted.substr(3);
  if (ciphertext.empty() || ciphertext.size() % 16 != 0 || ciphertext.size() > kMaxCiphertext) {
    return absl::DataLossError("the encrypted value is not whole AES blocks");
  }
  std::vector<const AesKey*> keys;
  if (v11) {
    for (const AesKey& key : v11_keys) keys.push_back(&key);
  } else {
    keys.push_back(&PeanutsKey());
  }
  keys.push_back(&EmptyPasswordKey());
  absl::Status last;
  for (const AesKey* key : keys) {
    absl::StatusOr<std::string> plaintext = Aes128Cbc(ciphertext, /*encrypt=*/false, *key);
    if (!plaintext.ok()) {
      last = plaintext.status();
      continue;
    }
    if (schema_version >= kDomainHashVersion) {
      // The hash also tells a right key from a wrong one whose padding
      // happened to look valid.
      if (plaintext->size() < SHA256_DIGEST_LENGTH ||
          plaintext->compare(0, SHA256_DIGEST_LENGTH, Sha256(host_key)) != 0) {
        last = absl::DataLossError("the decrypted value does not start with its domain's SHA-256");
        continue;
      }
      plaintext->erase(0, SHA256_DIGEST_LENGTH);
    }
    return plaintext;
  }
  return absl::DataLossError(absl::StrCat(v11 ? "v11: " : "v10: ", last.message()));
}

absl::StatusOr<std::string> EncryptWithKey(std::string_view value, std::string_view host_key,
                                           int64_t schema_version, std::string_view prefix,
                                           const AesKey& key) {
  if (value.size() > kMaxCiphertext - 64) return absl::InvalidArgumentError("value too long");
  std::string plaintext = schema_version >= kDomainHashVersion
                              ? Sha256(host_key) + std::string(value)
                              : std::string(value);
  absl::StatusOr<std::string> ciphertext = Aes128Cbc(plaintext, /*encrypt=*/true, key);
  if (!ciphertext.ok()) return ciphertext.status();
  return std::string(prefix) + *ciphertext;
}

// Chromium's time (microseconds since 1601), as Unix microseconds, or
// nullopt outside 1970-9999.
std::optional<int64_t> FromChromiumTime(int64_t t) {
  if (t < kWindowsEpochOffsetUs || t - kWindowsEpochOffsetUs >= kLatestUs) return std::nullopt;
  return t - kWindowsEpochOffsetUs;
}

// Whose secret holds the key of the database at `path`.
std::vector<std::string> KeyringApplications(const std::string& path,
                                             const BrowserDatabaseOptions& options) {
  if (!options.keyring_applications.empty()) return options.keyring_applications;
  if (path.find("/google-chrome") != std::string::npos) return {"chrome"};
  if (path.find("/chromium") != std::string::npos) return {"chromium"};
  return {"chromium", "chrome"};
}

absl::StatusOr<std::vector<CanonicalCookie>> ReadChromium(sqlite3* db, const std::string& shown,
                                                          const BrowserDatabaseOptions& options,
                                                          BrowserDatabaseReport* report) {
  {
    Statement version(db, "SELECT value FROM meta WHERE key = 'version';");
    if (!version.ok()) return Corrupted(db, shown);
    const int rc = version.Step();
    int64_t number = 0;
    if (rc == SQLITE_ROW && absl::SimpleAtoi(version.Text(0), &number)) {
      report->schema_version = number;
    } else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      return Corrupted(db, shown);
    }
  }
  absl::StatusOr<std::set<std::string>> columns = Columns(db, "cookies", shown);
  if (!columns.ok()) return columns.status();
  for (const char* needed : {"creation_utc", "host_key", "name", "value", "encrypted_value", "path",
                             "expires_utc", "is_secure", "is_httponly", "last_access_utc"}) {
    if (!columns->count(needed)) {
      return absl::FailedPreconditionError(absl::StrCat(shown, ": cookies has no column ", needed,
                                                        " (version ", report->schema_version,
                                                        " is not supported)"));
    }
  }
  const std::string sql = absl::StrCat(
      "SELECT creation_utc, host_key, name, value, encrypted_value, path, expires_utc, "
      "is_secure, is_httponly, last_access_utc, ",
      Column(*columns, "has_expires", "1"), ", ", Column(*columns, "is_persistent", "1"), ", ",
      Column(*columns, "priority", "1"), ", ", Column(*columns, "samesite", "-1"), ", ",
      Column(*columns, "source_scheme", "0"), ", ", Column(*columns, "top_frame_site_key", "''"),
      ", ", Column(*columns, "has_cross_site_ancestor", "-1"),
      " FROM cookies ORDER BY creation_utc;");
  Statement stmt(db, sql);
  if (!stmt.ok()) return Corrupted(db, shown);
  Problems problems(report, options.max_problems);
  std::vector<CanonicalCookie> cookies;
  size_t decrypted = 0, decrypted_v11 = 0, plain = 0;
  std::vector<AesKey> v11_keys;
  bool looked_up = false;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    if (report->rows == options.max_rows) {
      ++report->rows_left_out;
      continue;
    }
    const size_t row = ++report->rows;
    const std::string host = stmt.Text(1), name = stmt.Text(2), path = stmt.Text(5);
    CanonicalCookie cookie;
    std::string why = FillCommon(host, path, name, &cookie);
    if (why.empty()) {
      const std::string encrypted = stmt.Text(4);
      if (encrypted.empty()) {
        cookie.value = stmt.Text(3);
        ++plain;
      } else {
        const bool v11 = encrypted.substr(0, 3) == "v11";
        if (v11 && !looked_up && options.keyring == ChromiumKeyring::kSecretService) {
          looked_up = true;
          persistence_internal::KeyringLookup found =
              persistence_internal::LookUpChromiumPasswords(KeyringApplications(shown, options),
                                                            options.keyring_timeout);
          report->keyring = found.status;
          report->keyring_message = found.message;
          for (const std::string& password : found.passwords) {
            v11_keys.push_back(DeriveKey(password));
          }
        }
        absl::StatusOr<std::string> value =
            DecryptWithKeys(encrypted, host, report->schema_version, v11_keys);
        if (value.ok()) {
          cookie.value = *std::move(value);
          ++(v11 ? decrypted_v11 : decrypted);
        } else {
          if (value.status().code() == absl::StatusCode::kFailedPrecondition) {
            ++report->not_decrypted;
          }
          why = std::string(value.status().message());
          if (v11 && !report->keyring_message.empty() && v11_keys.empty()) {
            absl::StrAppend(&why, " (", report->keyring_message, ")");
          }
        }
      }
      if (why.empty() && cookie.name.size() + cookie.value.size() > kMaxNameValueBytes) {
        why = "the name and value are longer than 4096 bytes";
      }
    }
    const std::optional<int64_t> creation = FromChromiumTime(stmt.Int(0));
    const std::optional<int64_t> last_access = FromChromiumTime(stmt.Int(9));
    const int64_t expires = stmt.Int(6);
    const bool persistent = stmt.Int(10) != 0 && stmt.Int(11) != 0 && expires != 0;
    const std::optional<int64_t> expiry = FromChromiumTime(expires);
    if (why.empty() && (!creation || !last_access || (persistent && !expiry))) {
      why = "a time outside the years 1970 to 9999";
    }
    if (why.empty()) {
      cookie.creation = absl::FromUnixMicros(*creation);
      cookie.last_access = absl::FromUnixMicros(*last_access);
      cookie.expiry = persistent ? absl::FromUnixMicros(*expiry) : absl::InfiniteFuture();
      cookie.secure = stmt.Int(7) != 0;
      cookie.http_only = stmt.Int(8) != 0;
      const int64_t priority = stmt.Int(12), same_site = stmt.Int(13), scheme = stmt.Int(14);
      cookie.priority = priority == 0   ? CookiePriority::kLow
                        : priority == 2 ? CookiePriority::kHigh
                                        : CookiePriority::kMedium;
      cookie.same_site = same_site == 0   ? CookieSameSite::kNoRestriction
                         : same_site == 1 ? CookieSameSite::kLax
                         : same_site == 2 ? CookieSameSite::kStrict
                                          : CookieSameSite::kUnspecified;
      cookie.source_scheme = scheme == 2 || (scheme == 0 && cookie.secure)
                                 ? CookieSourceScheme::kSecure
                                 : CookieSourceScheme::kNonSecure;
      const std::string site = stmt.Text(15);
      if (!site.empty()) {
        const size_t sep = site.find("://");
        const std::string scheme_part = site.substr(0, sep);
        absl::StatusOr<CanonicalHost> site_host = sep == std::string::npos
                                                      ? absl::InvalidArgumentError("no scheme")
                                                      : CanonicalizeHost(site.substr(sep + 3));
        if ((scheme_part != "https" && scheme_part != "http") || !site_host.ok() ||
            site.size() > kMaxHostBytes) {
          why = "unreadable top_frame_site_key";
        } else {
          // -1: before the column (version 20 or so), the site alone.
          const std::string top = scheme_part + "://" + site_host->name;
          const int64_t ancestor = stmt.Int(16);
          cookie.partition_key = CookiePartitionKey{
              top, persistence_internal::AncestorBit(
                       cookie.domain, top,
                       ancestor < 0 ? std::nullopt : std::optional<bool>(ancestor != 0),
                       CookiePartitionKey::Ancestors::kFramesAndRequest,
                       options.partition_ancestors)};
        }
      }
    }
    if (!why.empty()) {
      problems.Add("row", row, name, host, path, why);
      continue;
    }
    cookies.push_back(std::move(cookie));
  }
  if (rc != SQLITE_DONE) return Corrupted(db, shown);
  report->imported = cookies.size();
  report->notes.push_back(absl::StrCat(
      "Chromium Cookies, version ", report->schema_version, "; ", decrypted,
      " values decrypted (v10), ",
      looked_up || decrypted_v11 > 0 ? absl::StrCat(decrypted_v11, " with the keyring's key (v11), ")
                                     : "",
      plain, " stored in clear"));
  return cookies;
}

}  // namespace

std::string_view KeyringStatusName(KeyringStatus status) {
  switch (status) {
    case KeyringStatus::kNotNeeded: return "not_needed";
    case KeyringStatus::kFound: return "found";
    case KeyringStatus::kNoSessionBus: return "no_session_bus";
    case KeyringStatus::kNoSecretService: return "no_secret_service";
    case KeyringStatus::kLocked: return "locked";
    case KeyringStatus::kNoKey: return "no_key";
    case KeyringStatus::kTimedOut: return "timed_out";
    case KeyringStatus::kNotBuilt: return "not_built";
  }
  return "?";
}

std::string_view BrowserDatabaseKindName(BrowserDatabaseKind kind) {
  return kind == BrowserDatabaseKind::kFirefox ? "firefox" : "chromium";
}

absl::StatusOr<std::string> DecryptChromiumValue(std::string_view encrypted,
                                                 std::string_view host_key,
                                                 int64_t schema_version) {
  return DecryptWithKeys(encrypted, host_key, schema_version, {});
}

absl::StatusOr<std::string> DecryptChromiumValue(std::string_view encrypted,
                                                 std::string_view host_key, int64_t schema_version,
                                                 std::string_view keyring_password) {
  return DecryptWithKeys(encrypted, host_key, schema_version, {DeriveKey(keyring_password)});
}

absl::StatusOr<std::string> EncryptChromiumValue(std::string_view value, std::string_view host_key,
                                                 int64_t schema_version) {
  return EncryptWithKey(value, host_key, schema_version, "v10", PeanutsKey());
}

absl::StatusOr<std::string> EncryptChromiumValue(std::string_view value, std::string_view host_key,
                                                 int64_t schema_version,
                                                 std::string_view keyring_password) {
  return EncryptWithKey(value, host_key, schema_version, "v11", DeriveKey(keyring_password));
}

absl::StatusOr<BrowserDatabaseKind> DetectBrowserDatabase(const std::string& path,
                                                    const BrowserDatabaseOptions& options) {
  absl::Status header = CheckSqliteHeader(path, options.max_file_bytes);
  if (!header.ok()) return header;
  absl::StatusOr<std::unique_ptr<PrivateCopy>> copy =
      PrivateCopy::Make(path, options.max_file_bytes);
  if (!copy.ok()) return copy.status();
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open((*copy)->db(), path);
  if (!db.ok()) return db.status();
  return Detect((*db)->get(), path);
}

absl::StatusOr<std::vector<CanonicalCookie>> ReadBrowserDatabase(const std::string& path,
                                                              BrowserDatabaseReport* report,
                                                              const BrowserDatabaseOptions& options) {
  BrowserDatabaseReport scratch;
  if (report == nullptr) report = &scratch;
  *report = BrowserDatabaseReport();
  absl::Status header = CheckSqliteHeader(path, options.max_file_bytes);
  if (!header.ok()) return header;
  absl::StatusOr<std::unique_ptr<PrivateCopy>> copy =
      PrivateCopy::Make(path, options.max_file_bytes);
  if (!copy.ok()) return copy.status();
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open((*copy)->db(), path);
  if (!db.ok()) return db.status();
  absl::StatusOr<BrowserDatabaseKind> kind = Detect((*db)->get(), path);
  if (!kind.ok()) return kind.status();
  report->kind = *kind;
  return *kind == BrowserDatabaseKind::kFirefox ? ReadFirefox((*db)->get(), path, options, report)
                                             : ReadChromium((*db)->get(), path, options, report);
}

absl::StatusOr<BrowserDatabaseReport> ImportBrowserDatabase(const std::string& path, CookieJar* jar,
                                                      const BrowserDatabaseOptions& options) {
  BrowserDatabaseReport report;
  BrowserDatabaseOptions read_options = options;
  read_options.partition_ancestors = jar->rules().partition_ancestors;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies =
      ReadBrowserDatabase(path, &report, read_options);
  if (!cookies.ok()) return cookies.status();
  Problems problems(&report, options.max_problems);
  report.imported = 0;
  size_t index = 0;
  for (const CanonicalCookie& cookie : *cookies) {
    ++index;
    const CookieInclusionStatus status = jar->ImportCookie(cookie);
    if (status.IsInclude()) {
      ++report.imported;
    } else if (status.Has(CookieExclusionReason::kExpired)) {
      ++report.expired;
    } else {
      problems.Add("cookie", index, cookie.name, (cookie.host_only ? "" : ".") + cookie.domain,
                   cookie.path, absl::StrCat("refused by the jar: ", status.ToString()));
    }
  }
  return report;
}

}  // namespace cookiejar
