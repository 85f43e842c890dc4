#include "cookiejar/sqlite/sqlite_cookie_store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cookiejar {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SqliteCookieStoreTest : public ::testing::Test {
 protected:
  SqliteCookieStoreTest() : clock_(absl::FromUnixSeconds(1700000000)) {
    static int counter = 0;
    path_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/store", ++counter, ".db");
  }

  std::unique_ptr<CookieJar> NewJar() {
    CookieJarOptions options;
    options.clock = &clock_;
    return std::make_unique<CookieJar>(options);
  }

  std::unique_ptr<SqliteCookieStore> OpenStore(SqliteStoreOptions options = {}) {
    auto store = SqliteCookieStore::Open(path_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Rows in the file, read with a separate SQLite connection.
  int64_t RowCount() {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    int64_t count = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM cookies;", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return count;
  }

  static std::string Describe(const std::vector<CanonicalCookie>& cookies) {
    std::string text;
    for (const CanonicalCookie& c : cookies) {
      absl::StrAppend(&text, c.DebugString(), " created ", absl::FormatTime(c.creation), "\n");
    }
    return text;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  }
  static bool Exists(const std::string& path) {
    struct stat st;
    return lstat(path.c_str(), &st) == 0;
  }

  FakeClock clock_;
  std::string path_;
};

TEST_F(SqliteCookieStoreTest, CookiesSurviveARestart) {
  auto jar = NewJar();
  std::string before;
  {
    auto store = OpenStore();
    ASSERT_EQ(*store->Attach(jar.get(), "chrome"), 0u);
    jar->SetCookie("https://bank.test/", "sid=1; Max-Age=3600; Secure; HttpOnly; SameSite=Strict");
    jar->SetCookie("https://www.shop.test/cart", "cart=3,4; Domain=shop.test; Max-Age=60; Priority=High");
    jar->SetCookie("https://widget.test/", "w=1; Secure; Partitioned; Max-Age=60");
    ASSERT_TRUE(store->Flush().ok());
    before = Describe(jar->GetAllCookies());
  }
  auto restarted = NewJar();
  auto store = OpenStore();
  EXPECT_EQ(*store->Attach(restarted.get(), "chrome"), 3u);
  EXPECT_EQ(Describe(restarted->GetAllCookies()), before);
  EXPECT_EQ(*restarted->GetCookieHeader("https://bank.test/"), "sid=1");
}

TEST_F(SqliteCookieStoreTest, SessionCookiesAreNotKeptUnlessAsked) {
  {
    auto jar = NewJar();
    auto store = OpenStore();
    store->Attach(jar.get(), "p").IgnoreError();
    jar->SetCookie("https://a.test/", "session=1");
    jar->SetCookie("https://a.test/", "persistent=1; Max-Age=60");
  }
  EXPECT_EQ(RowCount(), 1);
  SqliteStoreOptions keep;
  keep.persist_session_cookies = true;
  {
    auto jar = NewJar();
    auto store = OpenStore(keep);
    store->Attach(jar.get(), "p").IgnoreError();
    jar->SetCookie("https://a.test/", "session=1");
  }
  EXPECT_EQ(RowCount(), 2);
}

TEST_F(SqliteCookieStoreTest, DeletionsAndOverwritesReachTheFile) {
  {
    auto jar = NewJar();
    auto store = OpenStore();
    store->Attach(jar.get(), "p").IgnoreError();
    jar->SetCookie("https://a.test/", "a=1; Max-Age=60");
    jar->SetCookie("https://a.test/", "b=1; Max-Age=60");
    ASSERT_TRUE(store->Flush().ok());
    jar->SetCookie("https://a.test/", "a=2; Max-Age=60");
    jar->SetCookie("https://a.test/", "b=; Max-Age=0");
  }
  auto jar = NewJar();
  auto store = OpenStore();
  store->Attach(jar.get(), "p").IgnoreError();
  EXPECT_EQ(*jar->GetCookieHeader("https://a.test/"), "a=2");
  EXPECT_EQ(RowCount(), 1);
}

TEST_F(SqliteCookieStoreTest, ProfilesInOneFileDoNotMix) {
  {
    auto chrome = NewJar(), firefox = NewJar();
    auto store = OpenStore();
    store->Attach(chrome.get(), "chrome").IgnoreError();
    store->Attach(firefox.get(), "firefox").IgnoreError();
    chrome->SetCookie("https://site.test/", "user=alice; Max-Age=60");
    firefox->SetCookie("https://site.test/", "user=bob; Max-Age=60");
  }
  auto store = OpenStore();
  EXPECT_THAT(*store->Profiles(), ElementsAre("chrome", "firefox"));
  auto chrome = NewJar(), firefox = NewJar();
  store->Attach(chrome.get(), "chrome").IgnoreError();
  store->Attach(firefox.get(), "firefox").IgnoreError();
  EXPECT_EQ(*chrome->GetCookieHeader("https://site.test/"), "user=alice");
  EXPECT_EQ(*firefox->GetCookieHeader("https://site.test/"), "user=bob");
  ASSERT_TRUE(store->DeleteProfile("firefox").ok());
  EXPECT_THAT(*store->Profiles(), ElementsAre("chrome"));
}

TEST_F(SqliteCookieStoreTest, WritesAfterABatchOfChanges) {
  SqliteStoreOptions options;
  options.flush_batch = 3;
  options.flush_interval = absl::Hours(1);
  auto jar = NewJar();
  auto store = OpenStore(options);
  store->Attach(jar.get(), "p").IgnoreError();
  jar->SetCookie("https://a.test/", "a=1; Max-Age=60");
  jar->SetCookie("https://a.test/", "b=1; Max-Age=60");
  EXPECT_EQ(RowCount(), 0);
  jar->SetCookie("https://a.test/", "c=1; Max-Age=60");
  for (int i = 0; i < 500 && RowCount() != 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(RowCount(), 3);
}

TEST_F(SqliteCookieStoreTest, WritesAfterTheInterval) {
  SqliteStoreOptions options;
  options.flush_interval = absl::Milliseconds(50);
  auto jar = NewJar();
  auto store = OpenStore(options);
  store->Attach(jar.get(), "p").IgnoreError();
  jar->SetCookie("https://a.test/", "a=1; Max-Age=60");
  for (int i = 0; i < 500 && RowCount() != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(RowCount(), 1);
}

TEST_F(SqliteCookieStoreTest, ExpiredRowsAreDroppedOnLoad) {
  {
    auto jar = NewJar();
    auto store = OpenStore();
    store->Attach(jar.get(), "p").IgnoreError();
    jar->SetCookie("https://a.test/", "short=1; Max-Age=60");
    jar->SetCookie("https://a.test/", "long=1; Max-Age=600");
  }
  clock_.Advance(absl::Seconds(61));
  {
    auto jar = NewJar();
    auto store = OpenStore();
    EXPECT_EQ(*store->Attach(jar.get(), "p"), 1u);
  }
  EXPECT_EQ(RowCount(), 1);
}

TEST_F(SqliteCookieStoreTest, CorruptedFileIsAClearError) {
  std::ofstream(path_, std::ios::binary)
      << std::string("SQLite format 3\0", 16) << std::string(8176, '\x5a');
  auto store = SqliteCookieStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path_));
  // The jar itself works without its store.
  auto jar = NewJar();
  EXPECT_TRUE(jar->SetCookie("https://a.test/", "a=1").IsInclude());
}

TEST_F(SqliteCookieStoreTest, ForeignDatabaseIsRefused) {
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE moz_cookies (id INTEGER);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = SqliteCookieStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("another program"));
}

TEST_F(SqliteCookieStoreTest, NewerSchemaIsRefused) {
  OpenStore().reset();
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 7;", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = SqliteCookieStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("schema version 7"));
}

TEST_F(SqliteCookieStoreTest, NegativeSchemaVersionIsRefused) {
  // Found by sqlite_store_fuzzer: a version below 0 indexed the migrations.
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = -3;", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = SqliteCookieStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("invalid schema version -3"));
}

TEST_F(SqliteCookieStoreTest, SecondOpenIsRefusedUntilTheFirstCloses) {
  auto first = OpenStore();
  auto second = SqliteCookieStore::Open(path_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("in use by another process"));
  first.reset();
  EXPECT_TRUE(SqliteCookieStore::Open(path_).ok());
}

TEST_F(SqliteCookieStoreTest, UncreatableFileIsAnError) {
  auto store = SqliteCookieStore::Open("/nonexistent-dir/cookies.db");
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("/nonexistent-dir/"));
}

TEST_F(SqliteCookieStoreTest, DetachWritesAndStopsFollowing) {
  auto jar = NewJar();
  auto store = OpenStore();
  store->Attach(jar.get(), "p").IgnoreError();
  jar->SetCookie("https://a.test/", "a=1; Max-Age=60");
  ASSERT_TRUE(store->Detach(jar.get()).ok());
  EXPECT_EQ(RowCount(), 1);
  jar->SetCookie("https://a.test/", "b=1; Max-Age=60");
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(RowCount(), 1);
}

TEST_F(SqliteCookieStoreTest, StoreAndJarMayEndInEitherOrder) {
  {
    auto store = OpenStore();
    auto jar = NewJar();  // Destroyed before the store.
    store->Attach(jar.get(), "p").IgnoreError();
    jar->SetCookie("https://a.test/", "a=1; Max-Age=60");
  }
  EXPECT_EQ(RowCount(), 1);
  auto jar = NewJar();
  {
    auto store = OpenStore();  // Destroyed before the jar.
    store->Attach(jar.get(), "p").IgnoreError();
  }
  // The jar goes on working; its changes no longer reach the closed store.
  EXPECT_TRUE(jar->SetCookie("https://a.test/", "b=1; Max-Age=60").IsInclude());
  EXPECT_EQ(RowCount(), 1);
}


// Reliability and security regressions (issue "nothing lost, nothing
// bypassed").

TEST_F(SqliteCookieStoreTest, AFileThatIsNotAStoreIsNeverTouched) {
  const std::string notes = "my notes\nline two\n";
  std::ofstream(path_, std::ios::binary) << notes;
  for (bool read_only : {false, true}) {
    SqliteStoreOptions options;
    options.read_only = read_only;
    auto store = SqliteCookieStore::Open(path_, options);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(store.status().message()), HasSubstr("not a cookie store"));
  }
  EXPECT_EQ(ReadFile(path_), notes);
  for (const char* suffix : {".lock", "-wal", "-shm", "-journal"}) {
    EXPECT_FALSE(Exists(path_ + suffix)) << suffix;
  }
  // Nor a directory, and nothing is created beside it.
  const std::string dir = path_ + ".d";
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  auto store = SqliteCookieStore::Open(dir);
  ASSERT_FALSE(store.ok());
  EXPECT_FALSE(Exists(dir + ".lock"));
}

TEST_F(SqliteCookieStoreTest, ALinkIsRefusedAndItsTargetUntouched) {
  const std::string victim = path_ + ".victim";
  std::ofstream(victim) << "secret=1\n";
  ASSERT_EQ(symlink(victim.c_str(), path_.c_str()), 0);
  auto store = SqliteCookieStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("symbolic link"));
  EXPECT_EQ(ReadFile(victim), "secret=1\n");
  // The old lock file beside the store is not used any more: a link planted
  // there does not truncate its target either.
  unlink(path_.c_str());
  ASSERT_EQ(symlink(victim.c_str(), (path_ + ".lock").c_str()), 0);
  ASSERT_NE(OpenStore(), nullptr);
  EXPECT_EQ(ReadFile(victim), "secret=1\n");
}

TEST_F(SqliteCookieStoreTest, TheLockFollowsTheFileUnderAnyName) {
  auto first = OpenStore();
  const std::string alias = path_ + ".alias";
  ASSERT_EQ(link(path_.c_str(), alias.c_str()), 0);
  auto second = SqliteCookieStore::Open(alias);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  // Readers wait for the writer too.
  SqliteStoreOptions reader;
  reader.read_only = true;
  EXPECT_EQ(SqliteCookieStore::Open(path_, reader).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(SqliteCookieStoreTest, ASecondWriterWaitsForTheFirst) {
  auto first = OpenStore();
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    first.reset();
  });
  SqliteStoreOptions patient;
  patient.lock_timeout = absl::Seconds(30);
  auto second = SqliteCookieStore::Open(path_, patient);
  closer.join();
  EXPECT_TRUE(second.ok()) << second.status();
}

TEST_F(SqliteCookieStoreTest, StoreFilesAreReadableByTheirOwnerOnly) {
  const mode_t old_umask = umask(022);
  {
    auto jar = NewJar();
    auto store = OpenStore();
    store->Attach(jar.get(), "p").IgnoreError();
    jar->SetCookie("https://a.test/", "sid=secret; Max-Age=60");
    ASSERT_TRUE(store->Flush().ok());
    for (const char* suffix : {"", "-wal", "-shm"}) {
      struct stat st;
      ASSERT_EQ(stat((path_ + suffix).c_str(), &st), 0) << suffix;
      EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
    }
  }
  // A store left world-readable by an older version is narrowed.
  chmod(path_.c_str(), 0644);
  OpenStore().reset();
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  umask(old_umask);
}

// Rows the jar does not load under another profile stay in the file.
TEST_F(SqliteCookieStoreTest, RowsTheJarRefusesAreKept) {
  {
    CookieJarOptions unlimited;
    unlimited.clock = &clock_;
    unlimited.rules = BrowserRules::Unlimited();
    CookieJar jar(unlimited);
    auto store = OpenStore();
    store->Attach(&jar, "p").IgnoreError();
    for (int i = 0; i < 180; ++i) {
      jar.SetCookie("https://a.test/", absl::StrCat("s", i, "=1; Secure; Max-Age=600"));
    }
    jar.SetCookie("https://a.test/", "plain=1; Max-Age=600");
  }
  ASSERT_EQ(RowCount(), 181);
  {
    // Firefox refuses a non-secure cookie when only Secure ones could make
    // room in a full site.
    CookieJarOptions firefox;
    firefox.clock = &clock_;
    firefox.rules = BrowserRules::Firefox();
    CookieJar jar(firefox);
    auto store = OpenStore();
    AttachReport report;
    EXPECT_EQ(*store->Attach(&jar, "p", &report), 180u);
    ASSERT_EQ(report.refused.size(), 1u);
    EXPECT_THAT(report.refused[0], HasSubstr("plain@a.test/: site_cookie_limit"));
  }
  EXPECT_EQ(RowCount(), 181);
}

// Cookies a jar evicts while it loads are deleted from the file as any
// eviction is; `clear` then leaves nothing behind.
TEST_F(SqliteCookieStoreTest, EvictionsWhileLoadingReachTheFile) {
  {
    CookieJarOptions unlimited;
    unlimited.clock = &clock_;
    unlimited.rules = BrowserRules::Unlimited();
    CookieJar jar(unlimited);
    auto store = OpenStore();
    store->Attach(&jar, "p").IgnoreError();
    for (int i = 0; i < 181; ++i) {
      jar.SetCookie("https://a.test/", absl::StrCat("c", i, "=1; Max-Age=600"));
    }
  }
  ASSERT_EQ(RowCount(), 181);
  {
    auto jar = NewJar();  // Chromium: 180 per site, purged to 150.
    auto store = OpenStore();
    AttachReport report;
    ASSERT_TRUE(store->Attach(jar.get(), "p", &report).ok());
    EXPECT_EQ(report.loaded, 181u);
    EXPECT_EQ(report.evicted, 31u);
    EXPECT_EQ(jar->size(), 150u);
    ASSERT_TRUE(store->Flush().ok());
    EXPECT_EQ(RowCount(), 150);
    EXPECT_EQ(jar->DeleteAll(), 150u);
  }
  EXPECT_EQ(RowCount(), 0);
}

TEST_F(SqliteCookieStoreTest, ReadOnlyLoadsAndWritesNothing) {
  {
    auto jar = NewJar();
    auto store = OpenStore();
    store->Attach(jar.get(), "p").IgnoreError();
    jar->SetCookie("https://a.test/", "a=1; Max-Age=60");
    jar->SetCookie("https://a.test/", "b=1; Max-Age=600");
  }
  const std::string before = ReadFile(path_);
  clock_.Advance(absl::Seconds(120));  // a=1 has expired.
  SqliteStoreOptions options;
  options.read_only = true;
  {
    auto jar = NewJar();
    auto store = OpenStore(options);
    AttachReport report;
    EXPECT_EQ(*store->Attach(jar.get(), "p", &report), 1u);
    EXPECT_EQ(report.expired, 1u);
    jar->SetCookie("https://a.test/", "c=1; Max-Age=60");
    jar->DeleteAll();
    EXPECT_TRUE(store->Flush().ok());
    // Two readers at once.
    auto other = OpenStore(options);
    EXPECT_NE(other, nullptr);
  }
  EXPECT_EQ(ReadFile(path_), before);
  EXPECT_FALSE(Exists(path_ + "-wal"));
  EXPECT_FALSE(Exists(path_ + "-shm"));
  // A missing file is not created.
  auto missing = SqliteCookieStore::Open(path_ + ".missing", options);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(Exists(path_ + ".missing"));
}

// A change delivered late (a slow listener ran before the store's) must not
// overwrite a newer one that a background flush already wrote.
TEST_F(SqliteCookieStoreTest, ALateChangeNeverOverwritesANewerOne) {
  SqliteStoreOptions options;
  options.flush_batch = 1;  // Flush at once in the background.
  auto jar = NewJar();
  std::atomic<int> seen{0};
  jar->AddChangeListener([&](const CookieChange&) {
    if (seen++ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  });
  auto store = OpenStore(options);
  store->Attach(jar.get(), "p").IgnoreError();
  std::thread first([&] { jar->SetCookie("https://a.test/", "a=old; Max-Age=600"); });
  while (seen.load() == 0) std::this_thread::yield();
  jar->SetCookie("https://a.test/", "a=new; Max-Age=600");
  first.join();
  ASSERT_TRUE(store->Flush().ok());
  store.reset();
  auto reloaded = NewJar();
  auto reopened = OpenStore();
  reopened->Attach(reloaded.get(), "p").IgnoreError();
  EXPECT_EQ(*jar->GetCookieHeader("https://a.test/"), "a=new");
  EXPECT_EQ(*reloaded->GetCookieHeader("https://a.test/"), "a=new");
}

TEST_F(SqliteCookieStoreTest, RowsWithExtremeTimesLoadSafely) {
  OpenStore().reset();
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  for (const char* times : {"-9223372036854775808, 9223372036854775807, -9223372036854775808",
                            "9223372036854775807, 9223372036854775806, 9223372036854775807",
                            "9223372036854775806, -9223372036854775807, 0",
                            "0, 9223372036854775806, 9223372036854775806"}) {
    static int n = 0;
    sqlite3_exec(db,
                 absl::StrCat("INSERT INTO cookies VALUES ('p', 'c", n++,
                              "', 'v', 'a.test', 1, '/', '', ", times, ", 0, 0, 0, 1, 0);")
                     .c_str(),
                 nullptr, nullptr, nullptr);
  }
  sqlite3_close(db);
  auto jar = NewJar();
  auto store = OpenStore();
  AttachReport report;
  ASSERT_TRUE(store->Attach(jar.get(), "p", &report).ok());
  EXPECT_EQ(report.loaded + report.expired + report.refused.size(), 4u);
  jar->SetCookie("https://a.test/", "new=1");
  jar->GetCookieHeader("https://a.test/").IgnoreError();
  for (const CanonicalCookie& c : jar->GetAllCookies()) {
    EXPECT_LE(c.creation, clock_.Now() + absl::Minutes(1) + absl::Milliseconds(1)) << c.name;
  }
}

TEST_F(SqliteCookieStoreTest, OneJarPerProfile) {
  auto a = NewJar(), b = NewJar();
  auto store = OpenStore();
  ASSERT_TRUE(store->Attach(a.get(), "p").ok());
  EXPECT_EQ(store->Attach(b.get(), "p").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store->Attach(b.get(), "q").ok());
}

}  // namespace
}  // namespace cookiejar
