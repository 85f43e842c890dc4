// The SQLite store with a key ring (SqliteStoreOptions::encryption): values
// are sealed at rest, a wrong ring is refused at Attach with nothing
// written, values in clear or under an older key are sealed again under the
// current one, and a value that does not open is reported and left alone.

#include <sqlite3.h>

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "cookiejar/sqlite_cookie_store.h"
#include "persistence/internal/sealing.h"

namespace cookiejar {
namespace {

using persistence_internal::Sealer;

StoreKeyRing Ring(std::vector<std::string> ids) {
  StoreKeyRing ring;
  for (const std::string& id : ids) ring.keys.push_back({id, std::string(32, id.back())});
  return ring;
}

class SqliteSealedStoreTest : public ::testing::Test {
 protected:
  SqliteSealedStoreTest() {
    static int counter = 0;
    path_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/sealed", ++counter, ".db");
  }

  // Writes cookies a=..., b=..., c=... of profile "p" with `ring`.
  void Write(const StoreKeyRing& ring) {
    SqliteStoreOptions options;
    options.encryption = ring;
    auto store = SqliteCookieStore::Open(path_, options);
    ASSERT_TRUE(store.ok()) << store.status();
    CookieJar jar;
    ASSERT_TRUE((*store)->Attach(&jar, "p").ok());
    for (const char* name : {"a", "b", "c"}) {
      jar.SetCookie("https://bank.example/", absl::StrCat(name, "=TOKEN-", name, "; Max-Age=3600"));
    }
    ASSERT_TRUE((*store)->Flush().ok());
    ASSERT_TRUE((*store)->Detach(&jar).ok());
  }

  // name -> the value column as stored ("clear:" or "sealed:<key id>").
  std::map<std::string, std::string> Stored() {
    std::map<std::string, std::string> out;
    sqlite3* db = nullptr;
    sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT name, value, typeof(value) FROM cookies;", -1, &stmt,
                           nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        const std::string value(static_cast<const char*>(sqlite3_column_blob(stmt, 1)),
                                sqlite3_column_bytes(stmt, 1));
        const std::string type = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
        out[name] = type == "blob" ? "sealed:" + std::string(Sealer::KeyIdOf(value))
                                   : absl::StrCat("clear:", value);
      }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  absl::StatusOr<size_t> Load(const StoreKeyRing& ring, CookieJar* jar,
                              AttachReport* report = nullptr) {
    SqliteStoreOptions options;
    options.encryption = ring;
    auto store = SqliteCookieStore::Open(path_, options);
    if (!store.ok()) return store.status();
    absl::StatusOr<size_t> loaded = (*store)->Attach(jar, "p", report);
    if (loaded.ok()) EXPECT_TRUE((*store)->Detach(jar).ok());
    return loaded;
  }

  std::string path_;
};

TEST_F(SqliteSealedStoreTest, ValuesAreSealedAtRest) {
  Write(Ring({"k1"}));
  EXPECT_EQ(Stored(), (std::map<std::string, std::string>{
                          {"a", "sealed:k1"}, {"b", "sealed:k1"}, {"c", "sealed:k1"}}));
  CookieJar jar;
  ASSERT_EQ(*Load(Ring({"k1"}), &jar), 3u);
  EXPECT_EQ(*jar.GetCookieHeader("https://bank.example/"), "a=TOKEN-a; b=TOKEN-b; c=TOKEN-c");
}

TEST_F(SqliteSealedStoreTest, AWrongRingIsRefusedAtAttachWithNothingWritten) {
  Write(Ring({"k1"}));
  const auto before = Stored();
  for (const StoreKeyRing& ring : {StoreKeyRing(), Ring({"k2"})}) {
    CookieJar jar;
    absl::Status status = Load(ring, &jar).status();
    EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "none of the 3 sealed values")) << status;
    EXPECT_EQ(jar.size(), 0u);
    EXPECT_EQ(Stored(), before);
  }
  // The same id, another secret.
  StoreKeyRing impostor = Ring({"k1"});
  impostor.keys[0].secret = std::string(32, 'x');
  CookieJar jar;
  EXPECT_TRUE(absl::IsFailedPrecondition(Load(impostor, &jar).status()));
  EXPECT_EQ(Stored(), before);
  // A malformed ring: at Open, without the secret.
  SqliteStoreOptions options;
  options.encryption = Ring({"k1"});
  options.encryption.keys[0].secret = "SECRET";
  absl::Status open = SqliteCookieStore::Open(path_, options).status();
  EXPECT_TRUE(absl::IsInvalidArgument(open)) << open;
  EXPECT_FALSE(absl::StrContains(open.message(), "SECRET"));
}

TEST_F(SqliteSealedStoreTest, ClearAndOldKeyValuesAreSealedAgainUnderTheCurrentKey) {
  Write(StoreKeyRing());
  EXPECT_EQ(Stored()["a"], "clear:TOKEN-a");
  {
    CookieJar jar;
    ASSERT_EQ(*Load(Ring({"k1"}), &jar), 3u);
  }
  EXPECT_EQ(Stored(), (std::map<std::string, std::string>{
                          {"a", "sealed:k1"}, {"b", "sealed:k1"}, {"c", "sealed:k1"}}));
  // Rotation: k2 seals, k1 still opens; then k1 retired.
  {
    CookieJar jar;
    ASSERT_EQ(*Load(Ring({"k2", "k1"}), &jar), 3u);
  }
  EXPECT_EQ(Stored(), (std::map<std::string, std::string>{
                          {"a", "sealed:k2"}, {"b", "sealed:k2"}, {"c", "sealed:k2"}}));
  CookieJar jar;
  ASSERT_EQ(*Load(Ring({"k2"}), &jar), 3u);
  EXPECT_EQ(*jar.GetCookieHeader("https://bank.example/"), "a=TOKEN-a; b=TOKEN-b; c=TOKEN-c");
}

TEST_F(SqliteSealedStoreTest, AValueThatDoesNotOpenIsReportedAndLeftAlone) {
  Write(Ring({"k1"}));
  // b's value moved to c's row (a valid value, of another cookie).
  Exec("UPDATE cookies SET value = (SELECT value FROM cookies WHERE name = 'b') "
       "WHERE name = 'c';");
  CookieJar jar;
  AttachReport report;
  absl::StatusOr<size_t> loaded = Load(Ring({"k1"}), &jar, &report);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, 2u);
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(report.refused[0], "c@bank.example/: sealed record does not open"))
      << report.refused[0];
  EXPECT_EQ(*jar.GetCookieHeader("https://bank.example/"), "a=TOKEN-a; b=TOKEN-b");
  EXPECT_EQ(Stored().size(), 3u);  // Still in the file.
}

}  // namespace
}  // namespace cookiejar
