// The browser database readers against the files real browsers wrote
// (tests/data/browser_stores/, recorded by tools/browsers/record_stores.sh):
// every field of every cookie is compared with what the browser itself
// reported over its automation protocol, and a jar loaded from the file sends
// the Cookie headers the browser sent. Then made-up databases for what the
// recordings do not have: keyring-encrypted values, containers, old schemas,
// hostile files.

#include "cookiejar/formats/browser_databases.h"

#include "cookiejar/browser_stores.h"  // The deprecated names, tested below.

#include <sqlite3.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_jar.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

json Recording(const std::string& browser) {
  return json::parse(testing::ReadTestData("browser_stores/" + browser + "/recording.json"));
}

std::string ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// A copy of a recorded database (and its -wal) in a directory of its own, as
// it lies in a browser profile (the runfiles are links).
std::string CopyFixture(const std::string& relative_dir, const std::string& name,
                        const std::string& to) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + to;
  fs::create_directories(dir);
  for (const std::string suffix : {"", "-wal", "-journal"}) {
    const std::string from = testing::TestDataPath(relative_dir + "/" + name + suffix);
    if (fs::exists(from)) {
      fs::copy_file(from, dir + "/" + name + suffix, fs::copy_options::overwrite_existing);
    }
  }
  return dir + "/" + name;
}

absl::Time ParseIso(const std::string& text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", text, &t, &error)) << text;
  return t;
}

// The browser's own fields for one cookie, as expected CanonicalCookie values.
struct Expected {
  std::string domain;
  bool host_only;
  std::string path, value;
  absl::Time expiry;
  bool secure, http_only;
  CookieSameSite same_site;
  CookiePriority priority = CookiePriority::kMedium;
  CookieSourceScheme source_scheme;
  std::optional<CookiePartitionKey> partition;
  std::optional<absl::Time> creation, last_access;
};

CookieSameSite SameSiteNamed(const std::string& name) {
  if (name == "Strict") return CookieSameSite::kStrict;
  if (name == "Lax") return CookieSameSite::kLax;
  if (name == "None") return CookieSameSite::kNoRestriction;
  return CookieSameSite::kUnspecified;
}

// Firefox's nsICookie fields (Services.cookies.cookies over Marionette).
std::map<std::string, Expected> FromFirefox(const json& reported) {
  std::map<std::string, Expected> out;
  for (const json& c : reported) {
    if (c["isSession"].get<bool>()) continue;  // Firefox keeps these out of the file.
    Expected e;
    const std::string host = c["host"];
    e.host_only = !c["isDomain"].get<bool>();
    e.domain = e.host_only ? host : host.substr(1);
    e.path = c["path"];
    e.value = c["value"];
    e.expiry = absl::FromUnixMillis(c["expiry"].get<int64_t>());
    e.secure = c["isSecure"];
    e.http_only = c["isHttpOnly"];
    const int same_site = c["sameSite"];
    e.same_site = same_site == 0   ? CookieSameSite::kNoRestriction
                  : same_site == 1 ? CookieSameSite::kLax
                  : same_site == 2 ? CookieSameSite::kStrict
                                   : CookieSameSite::kUnspecified;
    e.source_scheme = c["schemeMap"].get<int>() == 2 ? CookieSourceScheme::kSecure
                                                     : CookieSourceScheme::kNonSecure;
    const std::string key = c["originAttributes"]["partitionKey"];
    if (!key.empty()) {
      // "(https,news.test)": every partitioned cookie recorded is a
      // widget.other.test cookie embedded in news.test, cross-site, which
      // Firefox's key does not mark ("f" is for a same-site request under a
      // cross-site frame) and Chromium's does, the bit ReadBrowserDatabase
      // writes by default.
      EXPECT_EQ(key, "(https,news.test)");
      EXPECT_EQ(host, "widget.other.test");
      e.partition = CookiePartitionKey{"https://news.test", true};
    }
    e.creation = absl::FromUnixMicros(c["creationTime"].get<int64_t>());
    e.last_access = absl::FromUnixMicros(c["lastAccessed"].get<int64_t>());
    out[c["name"].get<std::string>()] = e;
  }
  return out;
}

// Chromium's DevTools cookie objects (Storage.getCookies).
std::map<std::string, Expected> FromChromium(const json& reported) {
  std::map<std::string, Expected> out;
  for (const json& c : reported) {
    Expected e;
    const std::string domain = c["domain"];
    e.host_only = domain[0] != '.';
    e.domain = e.host_only ? domain : domain.substr(1);
    e.path = c["path"];
    e.value = c["value"];
    e.expiry = c["session"].get<bool>()
                   ? absl::InfiniteFuture()
                   : absl::FromUnixMicros(std::llround(c["expires"].get<double>() * 1e6));
    e.secure = c["secure"];
    e.http_only = c["httpOnly"];
    e.same_site = SameSiteNamed(c.value("sameSite", "Unspecified"));
    const std::string priority = c["priority"];
    e.priority = priority == "Low"    ? CookiePriority::kLow
                 : priority == "High" ? CookiePriority::kHigh
                                      : CookiePriority::kMedium;
    e.source_scheme = c["sourceScheme"] == "Secure" ? CookieSourceScheme::kSecure
                                                    : CookieSourceScheme::kNonSecure;
    if (c.contains("partitionKey")) {
      e.partition = CookiePartitionKey{c["partitionKey"]["topLevelSite"],
                                       c["partitionKey"]["hasCrossSiteAncestor"]};
    }
    out[c["name"].get<std::string>()] = e;
  }
  return out;
}

void ExpectSameCookies(const std::vector<CanonicalCookie>& cookies,
                       const std::map<std::string, Expected>& expected) {
  std::set<std::string> seen;
  for (const CanonicalCookie& c : cookies) {
    SCOPED_TRACE(c.name);
    auto it = expected.find(c.name);
    ASSERT_NE(it, expected.end()) << "not reported by the browser";
    seen.insert(c.name);
    const Expected& e = it->second;
    EXPECT_EQ(c.domain, e.domain);
    EXPECT_EQ(c.host_only, e.host_only);
    EXPECT_EQ(c.path, e.path);
    EXPECT_EQ(c.value, e.value);
    if (e.expiry == absl::InfiniteFuture()) {
      EXPECT_FALSE(c.IsPersistent());
    } else {
      // CDP's seconds are a double: a microsecond either way.
      EXPECT_LE(absl::AbsDuration(c.expiry - e.expiry), absl::Microseconds(1))
          << c.expiry << " vs " << e.expiry;
    }
    EXPECT_EQ(c.secure, e.secure);
    EXPECT_EQ(c.http_only, e.http_only);
    EXPECT_EQ(c.same_site, e.same_site);
    EXPECT_EQ(c.priority, e.priority);
    EXPECT_EQ(c.source_scheme, e.source_scheme);
    EXPECT_EQ(c.partition_key.has_value(), e.partition.has_value());
    if (c.partition_key && e.partition) EXPECT_EQ(*c.partition_key, *e.partition);
    if (e.creation) EXPECT_EQ(c.creation, *e.creation);
    if (e.last_access) EXPECT_EQ(c.last_access, *e.last_access);
  }
  EXPECT_EQ(seen.size(), expected.size());
}

TEST(FirefoxDatabase, EveryFieldAsFirefoxReportedIt) {
  const json recording = Recording("firefox");
  const std::string db = CopyFixture("browser_stores/firefox", "cookies.sqlite", "ff-closed");
  BrowserDatabaseReport report;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserDatabase(db, &report);
  ASSERT_TRUE(cookies.ok()) << cookies.status();
  EXPECT_EQ(report.kind, BrowserDatabaseKind::kFirefox);
  EXPECT_EQ(report.schema_version, 17);
  EXPECT_TRUE(report.problems.empty()) << absl::StrJoin(report.problems, "\n");
  EXPECT_THAT(report.notes.at(0), HasSubstr("expiry in milliseconds"));
  ExpectSameCookies(*cookies, FromFirefox(recording["automation_cookies"]));
}

TEST(FirefoxDatabase, ReadsTheFileFirefoxHasOpenWithItsWalAndChangesNothing) {
  const json recording = Recording("firefox");
  const std::string db = CopyFixture("browser_stores/firefox/open", "cookies.sqlite", "ff-open");
  // The copy taken while Firefox ran: the cookies are still in the -wal.
  ASSERT_TRUE(fs::exists(db + "-wal"));
  const std::string before = ReadBytes(db), wal_before = ReadBytes(db + "-wal");
  BrowserDatabaseReport report;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserDatabase(db, &report);
  ASSERT_TRUE(cookies.ok()) << cookies.status();
  ExpectSameCookies(*cookies, FromFirefox(recording["automation_cookies"]));
  EXPECT_EQ(ReadBytes(db), before);
  EXPECT_EQ(ReadBytes(db + "-wal"), wal_before);
  EXPECT_FALSE(fs::exists(db + "-shm"));
  EXPECT_EQ(
      std::distance(fs::directory_iterator(fs::path(db).parent_path()), fs::directory_iterator()),
      2);
}

TEST(ChromiumDatabase, EveryFieldAsChromiumReportedIt) {
  const json recording = Recording("chromium");
  for (const std::string dir : {"browser_stores/chromium", "browser_stores/chromium/open"}) {
    SCOPED_TRACE(dir);
    const std::string db = CopyFixture(dir, "Cookies", "cr-" + std::to_string(dir.size()));
    const std::string before = ReadBytes(db);
    BrowserDatabaseReport report;
    absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserDatabase(db, &report);
    ASSERT_TRUE(cookies.ok()) << cookies.status();
    EXPECT_EQ(report.kind, BrowserDatabaseKind::kChromium);
    EXPECT_EQ(report.schema_version, 24);
    EXPECT_EQ(report.not_decrypted, 0u);
    EXPECT_TRUE(report.problems.empty()) << absl::StrJoin(report.problems, "\n");
    // Every value was encrypted (v10, with the domain's SHA-256 inside).
    EXPECT_THAT(report.notes.at(0), HasSubstr("18 values decrypted (v10), 0 stored in clear"));
    ExpectSameCookies(*cookies, FromChromium(recording["automation_cookies"]));
    EXPECT_EQ(ReadBytes(db), before);
  }
}

// Replays the recorded check requests against `jar`: each must carry the
// Cookie header the browser sent, except cookies in `not_in_file`.
void ExpectBrowserHeaders(CookieJar& jar, const json& requests,
                          const std::set<std::string>& not_in_file) {
  std::optional<Url> top;
  int compared = 0;
  for (const json& request : requests) {
    SCOPED_TRACE(request["url"].get<std::string>());
    absl::StatusOr<Url> url = Url::Parse(request["url"].get<std::string>());
    ASSERT_TRUE(url.ok());
    CookieOptions options;
    // Browsers send Sec-Fetch-Dest to secure origins only; every http://
    // request recorded is a top-level navigation.
    const std::string dest =
        request["sec_fetch_dest"].is_null() ? "document" : request["sec_fetch_dest"];
    if (dest == "document") {
      options.top_level_navigation = true;
      top = *url;
    } else {
      ASSERT_EQ(dest, "iframe");
      options.top_level_url = &*top;
      options.initiator = &*top;
    }
    std::vector<std::string> sent;
    if (!request["cookie"].is_null()) {
      for (absl::string_view pair : absl::StrSplit(request["cookie"].get<std::string>(), "; ")) {
        if (!not_in_file.count(std::string(pair.substr(0, pair.find('='))))) {
          sent.emplace_back(pair);
        }
      }
    }
    EXPECT_EQ(jar.GetCookieHeader(*url, options), absl::StrJoin(sent, "; "));
    ++compared;
  }
  EXPECT_EQ(compared, 6);
}

TEST(FirefoxDatabase, AJarLoadedFromTheFileSendsWhatFirefoxSent) {
  const json recording = Recording("firefox");
  FakeClock clock(ParseIso(recording["provenance"]["finished"]));
  CookieJarOptions options;
  options.clock = &clock;
  options.rules = BrowserRules::Firefox();
  CookieJar jar(options);
  absl::StatusOr<BrowserDatabaseReport> report = ImportBrowserDatabase(
      CopyFixture("browser_stores/firefox", "cookies.sqlite", "ff-headers"), &jar);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->imported, report->rows);
  std::set<std::string> session;
  for (const json& c : recording["automation_cookies"]) {
    if (c["isSession"].get<bool>()) session.insert(c["name"].get<std::string>());
  }
  EXPECT_EQ(session, (std::set<std::string>{"sid", "wwwsession"}));
  ExpectBrowserHeaders(jar, recording["requests_checking"], session);
}

TEST(ChromiumDatabase, AJarLoadedFromTheFileSendsWhatChromiumSent) {
  const json recording = Recording("chromium");
  FakeClock clock(ParseIso(recording["provenance"]["finished"]));
  CookieJarOptions options;
  options.clock = &clock;
  CookieJar jar(options);
  absl::StatusOr<BrowserDatabaseReport> report =
      ImportBrowserDatabase(CopyFixture("browser_stores/chromium", "Cookies", "cr-headers"), &jar);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->imported, 18u);
  ExpectBrowserHeaders(jar, recording["requests_checking"], {});
}

// The two browsers mark the recorded partition (widget.other.test under
// news.test) differently: each file loaded into the other browser's jar
// still sends its partitioned cookies to the recorded frame, and the other
// requests what the browser sent.
TEST(BrowserDatabases, PartitionsFollowTheConventionOfTheJarTheyGoTo) {
  for (const std::string browser : {"firefox", "chromium"}) {
    SCOPED_TRACE(browser);
    const bool firefox = browser == "firefox";
    const json recording = Recording(browser);
    const std::string db =
        firefox ? CopyFixture("browser_stores/firefox", "cookies.sqlite", "ff-in-chromium")
                : CopyFixture("browser_stores/chromium", "Cookies", "cr-in-firefox");
    FakeClock clock(ParseIso(recording["provenance"]["finished"]));
    CookieJarOptions options;
    options.clock = &clock;
    options.rules = firefox ? BrowserRules::Chromium() : BrowserRules::Firefox();
    BrowserDatabaseOptions read;
    read.partition_ancestors = options.rules.partition_ancestors;
    absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserDatabase(db, nullptr, read);
    ASSERT_TRUE(cookies.ok()) << cookies.status();
    size_t partitioned = 0;
    for (const CanonicalCookie& c : *cookies) {
      if (!c.partition_key) continue;
      ++partitioned;
      // Chromium's bit for a cross-site frame, Firefox's for none.
      EXPECT_EQ(*c.partition_key, (CookiePartitionKey{"https://news.test", firefox})) << c.name;
    }
    EXPECT_EQ(partitioned, firefox ? 2u : 1u);
    CookieJar jar(options);
    absl::StatusOr<BrowserDatabaseReport> report = ImportBrowserDatabase(db, &jar);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->imported, report->rows);
    EXPECT_TRUE(report->problems.empty()) << absl::StrJoin(report->problems, "\n");
    const std::set<std::string> session =
        firefox ? std::set<std::string>{"sid", "wwwsession"} : std::set<std::string>{};
    ExpectBrowserHeaders(jar, recording["requests_checking"], session);
  }
}

TEST(ChromiumDatabase, ExpiredCookiesAreCountedNotImported) {
  const json recording = Recording("chromium");
  // A day after the recording only the day-long and week-long cookies and
  // the capped one live on; session cookies too.
  FakeClock clock(ParseIso(recording["provenance"]["finished"]) + absl::Hours(25));
  CookieJarOptions options;
  options.clock = &clock;
  CookieJar jar(options);
  absl::StatusOr<BrowserDatabaseReport> report =
      ImportBrowserDatabase(CopyFixture("browser_stores/chromium", "Cookies", "cr-late"), &jar);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->imported + report->expired, 18u);
  std::set<std::string> names;
  for (const CanonicalCookie& c : jar.GetAllCookies()) names.insert(c.name);
  EXPECT_EQ(names, (std::set<std::string>{"sid", "wide", "longexp", "wwwsession"}));
}

TEST(ChromiumCrypto, V10RoundTripsAndChecksTheDomainHash) {
  for (int64_t version : {23, 24}) {
    absl::StatusOr<std::string> encrypted =
        EncryptChromiumValue("caf\xC3\xA9", ".a.example", version);
    ASSERT_TRUE(encrypted.ok());
    EXPECT_EQ(encrypted->substr(0, 3), "v10");
    EXPECT_EQ((encrypted->size() - 3) % 16, 0u);
    absl::StatusOr<std::string> plain = DecryptChromiumValue(*encrypted, ".a.example", version);
    ASSERT_TRUE(plain.ok()) << plain.status();
    EXPECT_EQ(*plain, "caf\xC3\xA9");
  }
  absl::StatusOr<std::string> encrypted = EncryptChromiumValue("x", "a.example", 24);
  // Another domain's value (a row moved to another host) is refused.
  EXPECT_EQ(DecryptChromiumValue(*encrypted, "b.example", 24).status().code(),
            absl::StatusCode::kDataLoss);
  // A damaged value fails its padding check.
  std::string damaged = *encrypted;
  damaged.back() ^= 0x55;
  EXPECT_FALSE(DecryptChromiumValue(damaged, "a.example", 24).ok());
  EXPECT_EQ(DecryptChromiumValue("v10abc", "a.example", 24).status().code(),
            absl::StatusCode::kDataLoss);
  absl::StatusOr<std::string> keyring = DecryptChromiumValue("v11" + std::string(32, 'k'), "a", 24);
  EXPECT_EQ(keyring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(keyring.status().message()), HasSubstr("keyring"));
  // Values from before encryption are read as they are.
  EXPECT_EQ(*DecryptChromiumValue("plain", "a", 24), "plain");
}

// ---- Made-up databases ------------------------------------------------------

class MadeUpDatabase : public ::testing::Test {
 protected:
  std::string Make(const std::string& name, const std::vector<std::string>& sql) {
    const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
    fs::remove(path);
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    for (const std::string& statement : sql) {
      char* error = nullptr;
      EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error), SQLITE_OK)
          << (error ? error : "") << " in " << statement;
      sqlite3_free(error);
    }
    sqlite3_close(db);
    return path;
  }

  static std::string Hex(const std::string& bytes) {
    std::string out;
    for (unsigned char c : bytes) absl::StrAppend(&out, absl::Hex(c, absl::kZeroPad2));
    return out;
  }

  // A Chromium version-24 database with one row per (name, encrypted value).
  std::string Chromium(const std::string& name,
                       const std::vector<std::pair<std::string, std::string>>& rows) {
    std::vector<std::string> sql = {
        "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);",
        "INSERT INTO meta VALUES ('version', '24');",
        "CREATE TABLE cookies(creation_utc INTEGER NOT NULL,host_key TEXT NOT NULL,"
        "top_frame_site_key TEXT NOT NULL,name TEXT NOT NULL,value TEXT NOT NULL,"
        "encrypted_value BLOB NOT NULL,path TEXT NOT NULL,expires_utc INTEGER NOT NULL,"
        "is_secure INTEGER NOT NULL,is_httponly INTEGER NOT NULL,last_access_utc INTEGER NOT "
        "NULL,has_expires INTEGER NOT NULL,is_persistent INTEGER NOT NULL,priority INTEGER NOT "
        "NULL,samesite INTEGER NOT NULL,source_scheme INTEGER NOT NULL,source_port INTEGER NOT "
        "NULL,last_update_utc INTEGER NOT NULL,source_type INTEGER NOT NULL,"
        "has_cross_site_ancestor INTEGER NOT NULL);"};
    int64_t creation = 13400000000000000;  // 2025-08-22, in Chromium's epoch.
    for (const auto& [cookie, encrypted] : rows) {
      sql.push_back(absl::StrCat("INSERT INTO cookies VALUES (", ++creation, ", 'a.example', '', '",
                                 cookie, "', '', X'", Hex(encrypted), "', '/', 0, 1, 0, ", creation,
                                 ", 0, 0, 1, -1, 2, 443, 0, 0, 0);"));
    }
    return Make(name, sql);
  }
};

TEST_F(MadeUpDatabase, KeyringValuesAreReportedAndTheRestImported) {
  const std::string db =
      Chromium("keyring.db", {{"open", *EncryptChromiumValue("1", "a.example", 24)},
                              {"locked", "v11" + std::string(32, '\x7f')},
                              {"clear", "legacy"},
                              {"bad", "v10" + std::string(16, 'x')}});
  CookieJar jar;
  absl::StatusOr<BrowserDatabaseReport> report = ImportBrowserDatabase(db, &jar);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows, 4u);
  EXPECT_EQ(report->imported, 2u);
  EXPECT_EQ(report->not_decrypted, 1u);
  ASSERT_EQ(report->problems.size(), 2u);
  EXPECT_THAT(report->problems[0], HasSubstr("row 2 (locked for a.example/): encrypted with a key "
                                             "from the desktop keyring (v11)"));
  EXPECT_THAT(report->problems[1], HasSubstr("row 4 (bad for a.example/)"));
  EXPECT_EQ(*jar.GetCookieHeader("https://a.example/"), "open=1; clear=legacy");
}

TEST_F(MadeUpDatabase, FirefoxContainersOldSchemasAndBadRows) {
  // Schema 12: expiry in seconds, a rawSameSite column.
  const std::string db = Make(
      "old.sqlite",
      {"PRAGMA user_version = 12;",
       "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL "
       "DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed "
       "INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement "
       "INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0, schemeMap "
       "INTEGER DEFAULT 0);",
       "INSERT INTO moz_cookies VALUES (1, '', 'plain', 'v', '.a.example', '/', 4102444800, "
       "1700000000000000, 1700000000000000, 0, 0, 0, 0, 0, 1);",
       "INSERT INTO moz_cookies VALUES (2, '', 'strict', 'v', 'a.example', '/', 4102444800, "
       "1700000000000001, 1700000000000001, 1, 1, 0, 2, 2, 2);",
       "INSERT INTO moz_cookies VALUES (3, '^userContextId=2', 'work', 'v', 'a.example', '/', "
       "4102444800, 1700000000000002, 1700000000000002, 0, 0, 0, 0, 0, 2);",
       "INSERT INTO moz_cookies VALUES (4, '', 'nopath', 'v', 'a.example', 'x', 4102444800, "
       "1700000000000003, 1700000000000003, 0, 0, 0, 0, 0, 2);",
       "INSERT INTO moz_cookies VALUES (5, '^partitionKey=%28https%2Ca.example%2Cf%29', 'chip', "
       "'v', 'a.example', '/', 4102444800, 1700000000000004, 1700000000000004, 1, 0, 0, 0, 0, "
       "2);",
       "INSERT INTO moz_cookies VALUES (6, '^bogus=1', 'odd', 'v', 'a.example', '/', 4102444800, "
       "1700000000000005, 1700000000000005, 0, 0, 0, 0, 0, 2);"});
  BrowserDatabaseReport report;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserDatabase(db, &report);
  ASSERT_TRUE(cookies.ok()) << cookies.status();
  EXPECT_EQ(report.rows, 6u);
  EXPECT_EQ(report.other_jars, 1u);
  ASSERT_EQ(cookies->size(), 3u);
  const CanonicalCookie& plain = (*cookies)[0];
  EXPECT_EQ(plain.domain, "a.example");
  EXPECT_FALSE(plain.host_only);
  EXPECT_EQ(plain.expiry, absl::FromUnixSeconds(4102444800));
  EXPECT_EQ(plain.same_site, CookieSameSite::kUnspecified);
  EXPECT_EQ(plain.source_scheme, CookieSourceScheme::kNonSecure);
  const CanonicalCookie& strict = (*cookies)[1];
  EXPECT_EQ(strict.same_site, CookieSameSite::kStrict);
  EXPECT_EQ(strict.source_scheme, CookieSourceScheme::kSecure);
  EXPECT_TRUE(strict.http_only);
  const CanonicalCookie& chip = (*cookies)[2];
  ASSERT_TRUE(chip.partition_key.has_value());
  EXPECT_EQ(*chip.partition_key, (CookiePartitionKey{"https://a.example", true}));
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_THAT(report.problems[0], HasSubstr("row 4 (nopath for a.examplex): the path"));
  EXPECT_THAT(report.problems[1], HasSubstr("unknown origin attribute bogus"));
  EXPECT_THAT(report.notes.at(0), HasSubstr("schema 12; expiry in seconds"));
}

TEST_F(MadeUpDatabase, WhatIsNotABrowserDatabaseIsRefusedClearly) {
  const std::string dir = std::getenv("TEST_TMPDIR");
  std::ofstream(dir + "/text.sqlite") << "# Netscape HTTP Cookie File\n";
  EXPECT_THAT(std::string(DetectBrowserDatabase(dir + "/text.sqlite").status().message()),
              HasSubstr("is not an SQLite database"));
  const std::string other = Make("other.db", {"CREATE TABLE t(x);"});
  EXPECT_THAT(std::string(DetectBrowserDatabase(other).status().message()),
              HasSubstr("not a Firefox cookies.sqlite or a Chromium Cookies file"));
  EXPECT_EQ(DetectBrowserDatabase(dir + "/missing").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(DetectBrowserDatabase(dir).status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string old_chromium = Make(
      "old_chromium",
      {"CREATE TABLE meta(key, value);", "INSERT INTO meta VALUES ('version', '5');",
       "CREATE TABLE cookies(creation_utc, host_key, name, value, path, expires_utc, secure);"});
  absl::StatusOr<std::vector<CanonicalCookie>> read = ReadBrowserDatabase(old_chromium, nullptr);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("version 5 is not supported"));
}

TEST_F(MadeUpDatabase, HostileFilesAreBounded) {
  // A field larger than SQLite is allowed to hand over: an error, not a crash.
  const std::string huge = Chromium("huge.db", {{"big", std::string(2 << 20, 'x')}});
  EXPECT_EQ(ReadBrowserDatabase(huge, nullptr).status().code(), absl::StatusCode::kDataLoss);
  // More rows than allowed: the first ones are read, the rest counted.
  std::vector<std::pair<std::string, std::string>> rows;
  for (int i = 0; i < 50; ++i) rows.push_back({absl::StrCat("c", i), absl::StrCat("plain", i)});
  const std::string many = Chromium("many.db", rows);
  BrowserDatabaseOptions options;
  options.max_rows = 10;
  options.max_problems = 0;
  BrowserDatabaseReport report;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserDatabase(many, &report, options);
  ASSERT_TRUE(cookies.ok());
  EXPECT_EQ(cookies->size(), 10u);
  EXPECT_EQ(report.rows_left_out, 40u);
  // A file larger than allowed is not copied at all.
  options.max_file_bytes = 1000;
  EXPECT_THAT(std::string(ReadBrowserDatabase(many, nullptr, options).status().message()),
              HasSubstr("larger than 1000 bytes"));
  // A truncated database is corrupted, not a crash.
  const std::string bytes = ReadBytes(many);
  const std::string cut = std::string(std::getenv("TEST_TMPDIR")) + "/cut.db";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_FALSE(ReadBrowserDatabase(cut, nullptr).ok());
}

// ---- Finding the databases ----------------------------------------------------

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

// A home folder laid out as the browsers lay theirs out.
std::string MakeHome() {
  const std::string home = std::string(std::getenv("TEST_TMPDIR")) + "/home";
  fs::remove_all(home);
  const std::string firefox = home + "/.mozilla/firefox";
  // Firefox 67 on: the [Install...] section names the default; the older
  // Default=1 mark is on another profile.
  WriteFile(firefox + "/profiles.ini",
            "[Install4F96D1932A9F858E]\nDefault=abcd.default-release\nLocked=1\n\n"
            "[Profile1]\nName=default-release\nIsRelative=1\nPath=abcd.default-release\n\n"
            "[Profile0]\nName=default\nIsRelative=1\nPath=wxyz.default\nDefault=1\n\n"
            "[Profile2]\nName=empty\nIsRelative=1\nPath=none.empty\n\n"
            "[General]\nStartWithLastProfile=1\nVersion=2\n");
  for (const char* profile : {"abcd.default-release", "wxyz.default"}) {
    fs::create_directories(firefox + "/" + profile);
    fs::copy_file(testing::TestDataPath("browser_stores/firefox/cookies.sqlite"),
                  firefox + "/" + profile + "/cookies.sqlite");
  }
  const std::string chromium = home + "/.config/chromium";
  WriteFile(chromium + "/Local State",
            R"({"profile": {"last_used": "Profile 1", "info_cache": {)"
            R"("Default": {"name": "Person 1"}, "Profile 1": {"name": "Work"}}}})");
  // Before Chromium 96 the file was in the profile folder itself.
  for (const char* file : {"/Default/Cookies", "/Profile 1/Network/Cookies"}) {
    fs::create_directories(fs::path(chromium + file).parent_path());
    fs::copy_file(testing::TestDataPath("browser_stores/chromium/Cookies"), chromium + file);
  }
  // No Local State: the "Default" folder.
  const std::string chrome = home + "/.config/google-chrome/Default/Network/Cookies";
  fs::create_directories(fs::path(chrome).parent_path());
  fs::copy_file(testing::TestDataPath("browser_stores/chromium/Cookies"), chrome);
  return home;
}

TEST(FindBrowserDatabases, EachBrowsersProfilesWithItsDefaultFirst) {
  BrowserSearchOptions options;
  options.home = MakeHome();
  absl::StatusOr<std::vector<BrowserDatabaseLocation>> all = FindBrowserDatabases("", options);
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> found;
  for (const BrowserDatabaseLocation& l : *all) {
    found.push_back(absl::StrCat(l.browser, ":", l.profile, ":", l.display_name, ":",
                                 l.is_default ? "default" : "-", ":",
                                 l.path.substr(options.home.size())));
  }
  EXPECT_THAT(found,
              ::testing::ElementsAre(
                  "firefox:abcd.default-release:default-release:default:/.mozilla/firefox/"
                  "abcd.default-release/cookies.sqlite",
                  "firefox:wxyz.default:default:-:/.mozilla/firefox/wxyz.default/cookies.sqlite",
                  "chromium:Profile 1:Work:default:/.config/chromium/Profile 1/Network/Cookies",
                  "chromium:Default:Person 1:-:/.config/chromium/Default/Cookies",
                  "chrome:Default::default:/.config/google-chrome/Default/Network/Cookies"));
}

TEST(FindBrowserDatabases, OneProfileByNameOrTheDefault) {
  BrowserSearchOptions options;
  options.home = MakeHome();
  absl::StatusOr<BrowserDatabaseLocation> work = FindBrowserDatabase("chromium", "", options);
  ASSERT_TRUE(work.ok()) << work.status();
  EXPECT_EQ(work->profile, "Profile 1");
  absl::StatusOr<BrowserDatabaseLocation> person = FindBrowserDatabase("chromium", "Person 1", options);
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(person->profile, "Default");
  // And it reads.
  CookieJar jar;
  absl::StatusOr<BrowserDatabaseReport> report = ImportBrowserDatabase(person->path, &jar);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GT(report->imported, 0u);

  absl::StatusOr<BrowserDatabaseLocation> missing = FindBrowserDatabase("firefox", "nope", options);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("there are: abcd.default-release (default-release), wxyz.default (default)"));
  EXPECT_EQ(FindBrowserDatabases("netscape", options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.home = std::string(std::getenv("TEST_TMPDIR")) + "/nobody";
  absl::StatusOr<std::vector<BrowserDatabaseLocation>> none = FindBrowserDatabases("", options);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ImportBrowser, FindsTheProfileAndImportsIt) {
  BrowserSearchOptions search;
  search.home = MakeHome();
  CookieJar jar;
  absl::StatusOr<BrowserImport> work = ImportBrowser("chromium", "", &jar, {}, search);
  ASSERT_TRUE(work.ok()) << work.status();
  EXPECT_EQ(work->location.profile, "Profile 1");
  EXPECT_EQ(work->report.kind, BrowserDatabaseKind::kChromium);
  EXPECT_EQ(work->report.imported + work->report.expired, 18u);
  EXPECT_EQ(work->report.keyring, KeyringStatus::kNotNeeded);  // Only v10 values.
  EXPECT_EQ(jar.size(), work->report.imported);
  absl::StatusOr<BrowserImport> firefox = ImportBrowser("firefox", "default", &jar, {}, search);
  ASSERT_TRUE(firefox.ok()) << firefox.status();
  EXPECT_EQ(firefox->location.profile, "wxyz.default");
  EXPECT_EQ(firefox->report.kind, BrowserDatabaseKind::kFirefox);
  absl::StatusOr<BrowserImport> missing = ImportBrowser("chrome", "Work", &jar, {}, search);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("there are: Default"));
}

// The names of 1.x (browser_stores.h) keep working for one release.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST(BrowserDatabases, TheDeprecatedNamesStillWork) {
  const std::string db = CopyFixture("browser_stores/chromium", "Cookies", "deprecated");
  BrowserStoreReport report;
  absl::StatusOr<BrowserStoreKind> kind = DetectBrowserStore(db);
  ASSERT_TRUE(kind.ok()) << kind.status();
  EXPECT_EQ(BrowserStoreKindName(*kind), "chromium");
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserStore(db, &report);
  ASSERT_TRUE(cookies.ok()) << cookies.status();
  CookieJar jar;
  BrowserStoreOptions options;
  absl::StatusOr<BrowserStoreReport> imported = ImportBrowserStore(db, &jar, options);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->rows, cookies->size());
}
#pragma GCC diagnostic pop

}  // namespace
}  // namespace cookiejar
