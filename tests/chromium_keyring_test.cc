// Chromium's v11 values through a real desktop keyring. Run by
// tests/chromium_keyring_test.sh, which starts each scenario in its own
// environment: no session bus at all, a private D-Bus session without any
// keyring, and a private D-Bus session with a real gnome-keyring-daemon
// (unlocked with a test password) holding test keys that the script stored
// with secret-tool, as Chromium stores its own (label "Chromium Safe
// Storage", attribute application=chromium), then the same keyring locked.
//
// The script passes the keys in CHROMIUM_KEY and CHROME_KEY, and a fresh
// home folder in TEST_HOME. CHROMIUM_KEY is the key a real Chromium made
// and kept in gnome-keyring when it wrote tests/data/browser_stores/
// chromium_v11 (tools/browsers/record_stores.sh keyring): its database is
// read back through the keyring as a user's would be.

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cookiejar/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/formats/browser_databases.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string Hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) absl::StrAppend(&out, absl::Hex(c, absl::kZeroPad2));
  return out;
}

// A Chromium Cookies file (version 24, the columns every version has) at
// `path`, one row per (name, encrypted value), all for a.example.
void WriteChromiumDatabase(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& rows) {
  fs::create_directories(fs::path(path).parent_path());
  fs::remove(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql =
      "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);"
      "INSERT INTO meta VALUES ('version', '24');"
      "CREATE TABLE cookies(creation_utc INTEGER, host_key TEXT, name TEXT, value TEXT,"
      " encrypted_value BLOB, path TEXT, expires_utc INTEGER, is_secure INTEGER,"
      " is_httponly INTEGER, last_access_utc INTEGER);";
  int64_t creation = 13400000000000000;  // 2025-08-22, in Chromium's epoch.
  for (const auto& [name, encrypted] : rows) {
    ++creation;
    absl::StrAppend(&sql, "INSERT INTO cookies VALUES (", creation, ", 'a.example', '", name,
                    "', '', X'", Hex(encrypted), "', '/', 0, 0, 0, ", creation, ");");
  }
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::string V11(const std::string& value, const std::string& password) {
  return *EncryptChromiumValue(value, "a.example", 24, password);
}

// A profile of `browser_folder` (chromium, google-chrome) in TEST_HOME
// with a v10 value and two v11 ones, the second under another password.
std::string MakeProfile(const std::string& browser_folder, const std::string& password) {
  const std::string path = Env("TEST_HOME") + "/.config/" + browser_folder + "/Default/Cookies";
  WriteChromiumDatabase(path, {{"v10", *EncryptChromiumValue("basic", "a.example", 24)},
                               {"v11", V11("from-the-keyring", password)},
                               {"other", V11("another-key", "not-the-key")}});
  return path;
}

struct Imported {
  BrowserDatabaseReport report;
  std::string header;
  absl::Duration took;
};

Imported Import(const std::string& browser) {
  BrowserSearchOptions search;
  search.home = Env("TEST_HOME");
  absl::StatusOr<BrowserDatabaseLocation> location = FindBrowserDatabase(browser, "", search);
  EXPECT_TRUE(location.ok()) << location.status();
  Imported out;
  if (!location.ok()) return out;
  EXPECT_TRUE(location->is_default);
  BrowserDatabaseOptions options;
  // Generous: a loaded machine; a hang would show as kTimedOut.
  options.keyring_timeout = absl::Seconds(60);
  CookieJar jar;
  const absl::Time start = absl::Now();
  absl::StatusOr<BrowserDatabaseReport> report =
      ImportBrowserDatabase(location->path, &jar, options);
  out.took = absl::Now() - start;
  EXPECT_TRUE(report.ok()) << report.status();
  if (!report.ok()) return out;
  out.report = *report;
  out.header = *jar.GetCookieHeader("https://a.example/");
  return out;
}

// Without a keyring, the v10 value is read and each v11 one is reported
// with the reason, named.
void ExpectNoKeyring(const Imported& got, KeyringStatus status, const std::string& reason) {
  EXPECT_EQ(got.report.keyring, status) << got.report.keyring_message;
  EXPECT_THAT(got.report.keyring_message, HasSubstr(reason));
  EXPECT_EQ(got.report.imported, 1u);
  EXPECT_EQ(got.report.not_decrypted, 2u);
  EXPECT_EQ(got.header, "v10=basic");
  ASSERT_EQ(got.report.problems.size(), 2u);
  EXPECT_THAT(got.report.problems[0], HasSubstr("(v11)"));
  EXPECT_THAT(got.report.problems[0], HasSubstr(reason));
}

TEST(NoSessionBus, SaysSoAtOnceAndReadsTheRest) {
  ASSERT_EQ(Env("DBUS_SESSION_BUS_ADDRESS"), "");
  MakeProfile("chromium", Env("CHROMIUM_KEY"));
  const Imported got = Import("chromium");
  ExpectNoKeyring(got, KeyringStatus::kNoSessionBus, "no D-Bus session bus");
  EXPECT_EQ(KeyringStatusName(got.report.keyring), "no_session_bus");
}

TEST(NoSecretService, SaysSo) {
  ASSERT_NE(Env("DBUS_SESSION_BUS_ADDRESS"), "");
  MakeProfile("chromium", Env("CHROMIUM_KEY"));
  ExpectNoKeyring(Import("chromium"), KeyringStatus::kNoSecretService, "no Secret Service");
}

TEST(Keyring, DecryptsV11WithChromiumsKey) {
  MakeProfile("chromium", Env("CHROMIUM_KEY"));
  const Imported got = Import("chromium");
  EXPECT_EQ(got.report.keyring, KeyringStatus::kFound) << got.report.keyring_message;
  EXPECT_EQ(got.report.imported, 2u);
  EXPECT_EQ(got.report.not_decrypted, 0u);
  EXPECT_EQ(got.header, "v10=basic; v11=from-the-keyring");
  // A value under another key is a problem of its own row.
  ASSERT_EQ(got.report.problems.size(), 1u);
  EXPECT_THAT(got.report.problems[0], HasSubstr("row 3 (other for a.example/): v11: "));
}

// What a real Chromium 156 wrote with --password-store=gnome-libsecret:
// every value v11, under the key it made and left in the keyring. Each
// value read is the one Chromium reported over its automation protocol,
// and the jar sends what Chromium sent.
TEST(Keyring, ReadsTheDatabaseARealChromiumWroteWithItsKeyring) {
  const nlohmann::json recording = nlohmann::json::parse(
      testing::ReadTestData("browser_stores/chromium_v11/recording.json"));
  ASSERT_EQ(recording["keyring_password"], Env("CHROMIUM_KEY"));
  const std::string path = Env("TEST_HOME") + "/.config/chromium/Default/Cookies";
  fs::create_directories(fs::path(path).parent_path());
  fs::copy_file(testing::TestDataPath("browser_stores/chromium_v11/Cookies"), path,
                fs::copy_options::overwrite_existing);
  absl::Time finished;
  std::string error;
  ASSERT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ",
                              recording["provenance"]["finished"].get<std::string>(), &finished,
                              &error));
  FakeClock clock(finished);
  CookieJarOptions jar_options;
  jar_options.clock = &clock;
  CookieJar jar(jar_options);
  BrowserSearchOptions search;
  search.home = Env("TEST_HOME");
  absl::StatusOr<BrowserDatabaseLocation> location = FindBrowserDatabase("chromium", "", search);
  ASSERT_TRUE(location.ok()) << location.status();
  BrowserDatabaseOptions options;
  options.keyring_timeout = absl::Seconds(60);
  absl::StatusOr<BrowserDatabaseReport> report =
      ImportBrowserDatabase(location->path, &jar, options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->keyring, KeyringStatus::kFound) << report->keyring_message;
  EXPECT_EQ(report->not_decrypted, 0u);
  EXPECT_THAT(report->problems, ::testing::IsEmpty());
  const size_t v11 = recording["value_prefixes"]["v11"].get<size_t>();
  EXPECT_EQ(report->rows, v11);
  EXPECT_GT(v11, 10u);

  std::set<std::string> reported, imported;
  for (const nlohmann::json& c : recording["automation_cookies"]) {
    reported.insert(absl::StrCat(c["name"].get<std::string>(), "=", c["value"].get<std::string>(),
                                 " ", c["domain"].get<std::string>()));
  }
  for (const CanonicalCookie& c : jar.GetAllCookies()) {
    imported.insert(absl::StrCat(c.name, "=", c.value, " ", c.host_only ? "" : ".", c.domain));
  }
  EXPECT_EQ(imported, reported);
  const nlohmann::json& first = recording["requests_checking"][0];
  ASSERT_EQ(first["url"], "https://shop.example/");
  EXPECT_EQ(*jar.GetCookieHeader("https://shop.example/"), first["cookie"].get<std::string>());
}

TEST(Keyring, ChromeHasAKeyOfItsOwn) {
  ASSERT_NE(Env("CHROME_KEY"), Env("CHROMIUM_KEY"));
  MakeProfile("google-chrome", Env("CHROME_KEY"));
  const Imported got = Import("chrome");
  EXPECT_EQ(got.report.keyring, KeyringStatus::kFound) << got.report.keyring_message;
  EXPECT_EQ(got.header, "v10=basic; v11=from-the-keyring");
}

TEST(Keyring, ABrowserWithoutAKeyIsNamed) {
  const std::string path = Env("TEST_HOME") + "/elsewhere/Cookies";
  WriteChromiumDatabase(path, {{"v11", V11("x", Env("CHROMIUM_KEY"))}});
  BrowserDatabaseOptions options;
  options.keyring_applications = {"brave"};
  options.keyring_timeout = absl::Seconds(60);
  CookieJar jar;
  absl::StatusOr<BrowserDatabaseReport> report = ImportBrowserDatabase(path, &jar, options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->keyring, KeyringStatus::kNoKey);
  EXPECT_THAT(report->keyring_message, HasSubstr("application=brave"));
  EXPECT_EQ(report->not_decrypted, 1u);
}

TEST(LockedKeyring, SaysSoWithoutPrompting) {
  MakeProfile("chromium", Env("CHROMIUM_KEY"));
  ExpectNoKeyring(Import("chromium"), KeyringStatus::kLocked, "locked");
}

}  // namespace
}  // namespace cookiejar
