#include "cookiejar/sqlite_cookie_store.h"

#include <sqlite3.h>

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
  std::ofstream(path_, std::ios::binary) << std::string(8192, '\x5a');
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
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
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

}  // namespace
}  // namespace cookiejar
