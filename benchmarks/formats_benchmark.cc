// How long importing a browser's cookies takes: a Chromium Cookies database
// (every value v10-encrypted, as --password-store=basic writes them), a
// Firefox cookies.sqlite, and a storageState, each of N cookies spread over
// N/30 sites (browsers keep about 3,000 in all). Reading includes the private
// copy of the file; importing adds CookieJar::ImportCookie. Compare the
// per-cookie times of one run (items_per_second), and N=300 with N=3000 for
// growth.
//
//   bazel run --config=opt //benchmarks:formats_benchmark

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "cookiejar/formats/browser_databases.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/formats/storage_state.h"

namespace cookiejar {
namespace {

constexpr int64_t kWindowsEpochOffsetUs = 11644473600LL * 1000000;
constexpr int64_t kNowUs = 1795952836000000;  // 2026-11-29.

std::string TempPath(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  return absl::StrCat(tmp ? tmp : "/tmp", "/formats_benchmark.", getpid(), ".", name);
}

void Exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
}

std::string Host(int i) { return absl::StrCat("site", i / 30, ".example"); }

// A Chromium (version 24) or Firefox (schema 17) database of `n` cookies.
const std::string& Database(bool chromium, int n) {
  static auto* made = new std::map<std::pair<bool, int>, std::string>;
  std::string& path = (*made)[{chromium, n}];
  if (!path.empty()) return path;
  path = TempPath(absl::StrCat(chromium ? "Cookies" : "cookies.sqlite", n));
  unlink(path.c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
  Exec(db, "BEGIN;");
  if (chromium) {
    Exec(db,
         "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);"
         "INSERT INTO meta VALUES ('version', '24');"
         "CREATE TABLE cookies(creation_utc INTEGER NOT NULL, host_key TEXT NOT NULL, "
         "top_frame_site_key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, "
         "encrypted_value BLOB NOT NULL, path TEXT NOT NULL, expires_utc INTEGER NOT NULL, "
         "is_secure INTEGER NOT NULL, is_httponly INTEGER NOT NULL, last_access_utc INTEGER NOT "
         "NULL, has_expires INTEGER NOT NULL, is_persistent INTEGER NOT NULL, priority INTEGER "
         "NOT NULL, samesite INTEGER NOT NULL, source_scheme INTEGER NOT NULL, source_port "
         "INTEGER NOT NULL, last_update_utc INTEGER NOT NULL, source_type INTEGER NOT NULL, "
         "has_cross_site_ancestor INTEGER NOT NULL);");
  } else {
    Exec(db,
         "PRAGMA user_version = 17;"
         "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL "
         "DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed "
         "INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement "
         "INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, "
         "isPartitionedAttributeSet INTEGER DEFAULT 0, updateTime INTEGER);");
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(
      db,
      chromium ? "INSERT INTO cookies VALUES (?1, ?2, '', ?3, '', ?4, '/', ?5, 1, 0, ?1, 1, 1, 1, "
                 "-1, 2, 443, ?1, 0, 0);"
               : "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, "
                 "creationTime, isSecure, isHttpOnly, sameSite, schemeMap) VALUES (?3, ?4, ?2, "
                 "'/', ?5, ?1, ?1, 1, 0, 256, 2);",
      -1, &insert, nullptr);
  for (int i = 0; i < n; ++i) {
    const int64_t creation = kNowUs - 1000000 + i;
    const std::string host = Host(i);
    const std::string value = absl::StrCat("v", i, "-0123456789abcdef0123456789");
    sqlite3_bind_int64(insert, 1, chromium ? creation + kWindowsEpochOffsetUs : creation);
    sqlite3_bind_text(insert, 2, host.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, absl::StrCat("c", i).c_str(), -1, SQLITE_TRANSIENT);
    if (chromium) {
      const std::string encrypted = *EncryptChromiumValue(value, host, 24);
      sqlite3_bind_blob(insert, 4, encrypted.data(), static_cast<int>(encrypted.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 5, kNowUs + kWindowsEpochOffsetUs + 86400000000);
    } else {
      sqlite3_bind_text(insert, 4, value.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 5, kNowUs / 1000 + 86400000);
    }
    if (sqlite3_step(insert) != SQLITE_DONE) std::abort();
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  Exec(db, "COMMIT;");
  sqlite3_close(db);
  return path;
}

void ReadStore(benchmark::State& state, bool chromium) {
  const std::string& path = Database(chromium, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    BrowserDatabaseReport report;
    absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserDatabase(path, &report);
    if (!cookies.ok() || cookies->size() != static_cast<size_t>(state.range(0))) std::abort();
    benchmark::DoNotOptimize(cookies->data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ReadChromium(benchmark::State& state) { ReadStore(state, true); }
void BM_ReadFirefox(benchmark::State& state) { ReadStore(state, false); }
BENCHMARK(BM_ReadChromium)->Arg(300)->Arg(3000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadFirefox)->Arg(300)->Arg(3000)->Unit(benchmark::kMillisecond);

void BM_ImportChromium(benchmark::State& state) {
  const std::string& path = Database(true, static_cast<int>(state.range(0)));
  FakeClock clock(absl::FromUnixMicros(kNowUs));
  for (auto _ : state) {
    CookieJarOptions options;
    options.clock = &clock;
    CookieJar jar(options);
    absl::StatusOr<BrowserDatabaseReport> report = ImportBrowserDatabase(path, &jar);
    if (!report.ok() || report->imported != static_cast<size_t>(state.range(0))) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ImportChromium)->Arg(3000)->Unit(benchmark::kMillisecond);

// The v10 decryption alone, per value.
void BM_DecryptV10(benchmark::State& state) {
  const std::string encrypted =
      *EncryptChromiumValue("v1-0123456789abcdef0123456789", "site0.example", 24);
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecryptChromiumValue(encrypted, "site0.example", 24));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecryptV10);

std::vector<CanonicalCookie> JarCookies(int n) {
  CookieJarOptions options;
  options.rules = BrowserRules::Unlimited();
  CookieJar jar(options);
  for (int i = 0; i < n; ++i) {
    jar.SetCookie(absl::StrCat("https://", Host(i), "/"),
                  absl::StrCat("c", i, "=v", i, "-0123456789abcdef; Secure; Max-Age=86400"));
  }
  return jar.GetAllCookies();
}

void BM_StorageStateFormat(benchmark::State& state) {
  const std::vector<CanonicalCookie> cookies = JarCookies(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(FormatJsonCookies(cookies, JsonCookieFormat::kStorageState).text);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StorageStateFormat)->Arg(3000)->Unit(benchmark::kMillisecond);

void BM_StorageStateImport(benchmark::State& state) {
  const std::string text = FormatJsonCookies(JarCookies(static_cast<int>(state.range(0))),
                                             JsonCookieFormat::kStorageState)
                               .text;
  for (auto _ : state) {
    CookieJar jar;
    absl::StatusOr<JsonCookiesReport> report = ImportJsonCookies(text, &jar);
    if (!report.ok() || report->imported != static_cast<size_t>(state.range(0))) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StorageStateImport)->Arg(3000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cookiejar

BENCHMARK_MAIN();
