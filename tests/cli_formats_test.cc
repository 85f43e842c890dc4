// The cookiejar command with the files people bring (browser databases,
// storageState and cookie-editor JSON), its --json output, --version, and the
// renamed options (--profile for the store's profile, --rules for the
// browser rules, the old spellings kept with a warning).

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cookiejar/formats/browser_databases.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/subprocess.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

class CliFormatsTest : public ::testing::Test {
 protected:
  CliFormatsTest() {
    binary_ = std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/cli/cookiejar";
    static int counter = 0;
    dir_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/case", ++counter);
    fs::create_directories(dir_);
  }

  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), binary_);
    return testing::RunCommand(args);
  }

  // Runs with --json and parses stdout (one document, or the test fails).
  json RunJson(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.begin(), "--json");
    testing::CommandResult result = Run(args);
    EXPECT_EQ(result.exit_code, expected_exit) << result.error;
    json document = json::parse(result.output, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(document.is_discarded()) << result.output;
    return document;
  }

  static std::string Read(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  }

  std::string binary_, dir_;
};

TEST_F(CliFormatsTest, ImportsTheRecordedBrowserDatabases) {
  struct Case {
    std::string file;
    const char* format;
    size_t rows;
  };
  for (const Case& c : {Case{"browser_stores/firefox/cookies.sqlite", "firefox", 17},
                        Case{"browser_stores/chromium/Cookies", "chromium", 18}}) {
    SCOPED_TRACE(c.file);
    const std::string jar = dir_ + "/" + c.format + ".db";
    json report = RunJson({"--jar", jar, "import", testing::TestDataPath(c.file)});
    EXPECT_EQ(report["format"], c.format);
    // The recording ages: cookies that expired since are counted, not lost.
    EXPECT_EQ(report["imported"].get<size_t>() + report["expired"].get<size_t>(), c.rows);
    EXPECT_EQ(report["refused"], 0);
    EXPECT_EQ(report["not_decrypted"], 0);
    // The one cookie whose expiry was capped at 400 days is there until 2028.
    EXPECT_THAT(Run({"--jar", jar, "get", "https://shop.example/"}).output, HasSubstr("longexp=1"));
  }
}

// The file: Python's MozillaCookieJar.save(ignore_discard=True)
// leaves the expiry of session cookies empty (tests/data/cookies_txt).
TEST_F(CliFormatsTest, ImportsEveryCookieOfPythonsCookiesTxt) {
  json report = RunJson({"--jar", dir_ + "/jar.db", "import",
                         testing::TestDataPath("cookies_txt/python_mozilla.txt")});
  EXPECT_EQ(report["format"], "cookies-txt");
  EXPECT_EQ(report["imported"], 9);
  EXPECT_EQ(report["refused"], 0);
  const std::string header =
      Run({"--jar", dir_ + "/jar.db", "get", "http://www.dialects.test/"}).output;
  EXPECT_THAT(header, HasSubstr("session=s1"));
  EXPECT_THAT(header, HasSubstr("domain_session=d3"));
}

// "chromium" names the browser's default profile, found as Chromium finds it.
TEST_F(CliFormatsTest, ImportsABrowserByName) {
  const std::string home = dir_ + "/home";
  const std::string profile = home + "/.config/chromium/Default/Network";
  fs::create_directories(profile);
  fs::copy_file(testing::TestDataPath("browser_stores/chromium/Cookies"), profile + "/Cookies");
  std::vector<std::string> env = {"env", "HOME=" + home, "XDG_CONFIG_HOME=", binary_};
  std::vector<std::string> args = env;
  for (const char* a : {"--json", "--jar", "", "import", "chromium"}) args.push_back(a);
  args[env.size() + 2] = dir_ + "/jar.db";
  testing::CommandResult result = testing::RunCommand(args);
  EXPECT_EQ(result.exit_code, 0) << result.error;
  EXPECT_THAT(result.error, HasSubstr("/.config/chromium/Default/Network/Cookies"));
  json report = json::parse(result.output, nullptr, false);
  EXPECT_EQ(report["format"], "chromium");
  EXPECT_EQ(report["keyring"], "not_needed");
  args.back() = "chromium:Work";
  result = testing::RunCommand(args);
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_THAT(result.error, HasSubstr("there are: Default"));
}

TEST_F(CliFormatsTest, ReadingAnOpenFirefoxDatabaseChangesNothing) {
  for (const char* name : {"cookies.sqlite", "cookies.sqlite-wal"}) {
    fs::copy_file(testing::TestDataPath(std::string("browser_stores/firefox/open/") + name),
                  dir_ + "/" + name);
  }
  const std::string db = dir_ + "/cookies.sqlite";
  const std::string before = Read(db), wal = Read(db + "-wal");
  testing::CommandResult result = Run({"--jar", dir_ + "/jar.db", "import", db});
  EXPECT_THAT(result.output, HasSubstr("from firefox"));
  EXPECT_EQ(Read(db), before);
  EXPECT_EQ(Read(db + "-wal"), wal);
  EXPECT_FALSE(fs::exists(db + "-shm"));
}

TEST_F(CliFormatsTest, KeyringValuesAreReportedAndTheRestImported) {
  const std::string db = dir_ + "/Cookies";
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  std::string sql =
      "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);"
      "INSERT INTO meta VALUES ('version', '24');"
      "CREATE TABLE cookies(creation_utc INTEGER, host_key TEXT, top_frame_site_key TEXT, name "
      "TEXT, value TEXT, encrypted_value BLOB, path TEXT, expires_utc INTEGER, is_secure "
      "INTEGER, is_httponly INTEGER, last_access_utc INTEGER, has_expires INTEGER, "
      "is_persistent INTEGER, priority INTEGER, samesite INTEGER, source_scheme INTEGER);";
  const std::string v10 = *EncryptChromiumValue("alice", "a.example", 24);
  std::string hex;
  for (unsigned char ch : v10) absl::StrAppend(&hex, absl::Hex(ch, absl::kZeroPad2));
  absl::StrAppend(&sql,
                  "INSERT INTO cookies VALUES (13400000000000000, 'a.example', '', 'user', '', X'",
                  hex, "', '/', 0, 0, 0, 13400000000000000, 0, 0, 1, -1, 2);",
                  "INSERT INTO cookies VALUES (13400000000000001, 'a.example', '', 'token', '', "
                  "X'763131",
                  std::string(64, 'a'), "', '/', 0, 0, 0, 13400000000000001, 0, 0, 1, -1, 2);");
  ASSERT_EQ(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(handle);
  const std::string jar = dir_ + "/jar.db";
  testing::CommandResult result = Run({"--jar", jar, "import", db});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.output, HasSubstr("imported 1 cookies from chromium, 1 not decryptable"));
  EXPECT_THAT(result.error,
              HasSubstr("token for a.example/): encrypted with a key from the desktop "
                        "keyring (v11)"));
  EXPECT_THAT(result.error, HasSubstr("--password-store=basic"));
  EXPECT_EQ(Run({"--jar", jar, "get", "http://a.example/"}).output, "user=alice\n");
}

TEST_F(CliFormatsTest, StorageStateAndCookieEditorRoundTrip) {
  const std::string jar = dir_ + "/jar.db";
  ASSERT_EQ(Run({"--jar", jar, "set", "https://app.example/login",
                 "sid=1; Secure; HttpOnly; SameSite=Strict", "theme=dark; Max-Age=3600",
                 "hi=1; Secure; Priority=High"})
                .exit_code,
            0);
  const std::string state = dir_ + "/state.json";
  testing::CommandResult exported = Run({"--jar", jar, "export", state});
  EXPECT_EQ(exported.exit_code, 0) << exported.error;
  EXPECT_THAT(exported.output, HasSubstr("exported 3 cookies to"));
  EXPECT_THAT(exported.output, HasSubstr("(storage-state)"));
  // What the format cannot hold is named, cookie by cookie.
  EXPECT_THAT(exported.error, HasSubstr("hi for app.example/: loses Priority=High"));
  EXPECT_THAT(exported.error, HasSubstr("theme for app.example/: loses its source scheme"));
  struct stat st;
  ASSERT_EQ(stat(state.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const json file = json::parse(Read(state));
  EXPECT_EQ(file["cookies"].size(), 3u);
  EXPECT_EQ(file["origins"], json::array());

  const std::string editor = dir_ + "/editor.json";
  EXPECT_EQ(Run({"--jar", jar, "export", editor, "--format", "cookie-editor"}).exit_code, 0);
  EXPECT_TRUE(json::parse(Read(editor)).is_array());

  for (const std::string& source : {state, editor}) {
    SCOPED_TRACE(source);
    const std::string back = source + ".db";
    testing::CommandResult imported = Run({"--jar", back, "import", source});
    EXPECT_EQ(imported.exit_code, 0) << imported.error;
    EXPECT_THAT(imported.output,
                HasSubstr("imported 3 cookies from " +
                          std::string(source == state ? "storage-state" : "cookie-editor")));
    EXPECT_EQ(Run({"--jar", back, "get", "https://app.example/"}).output,
              "sid=1; theme=dark; hi=1\n");
  }
  // The wrong shape for an existing file: refused, the file left alone.
  EXPECT_EQ(Run({"--jar", jar, "export", editor}).exit_code, 4);
  EXPECT_TRUE(json::parse(Read(editor)).is_array());
  const std::string notes = dir_ + "/notes.json";
  std::ofstream(notes) << "{\"my\": \"notes\"}";
  testing::CommandResult refused = Run({"--jar", jar, "export", notes});
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_THAT(refused.error, HasSubstr("is not a storage-state file; it is left as it is"));
  EXPECT_EQ(Read(notes), "{\"my\": \"notes\"}");
}

TEST_F(CliFormatsTest, FormatOptionIsStrict) {
  const std::string jar = dir_ + "/jar.db";
  testing::CommandResult bogus = Run({"--jar", jar, "import", dir_ + "/x", "--format", "xml"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_THAT(bogus.error, HasSubstr("--format must be one of cookies-txt, store, firefox"));
  testing::CommandResult browser =
      Run({"--jar", jar, "export", dir_ + "/Cookies", "--format", "chromium"});
  EXPECT_EQ(browser.exit_code, 2);
  EXPECT_THAT(browser.error, HasSubstr("export cannot write chromium databases"));
  EXPECT_FALSE(fs::exists(dir_ + "/Cookies"));
  // A file that is not what --format says.
  const std::string txt = dir_ + "/in.txt";
  std::ofstream(txt) << "a.example\tFALSE\t/\tFALSE\t0\ta\t1\n";
  EXPECT_EQ(Run({"--jar", jar, "import", txt, "--format", "firefox"}).exit_code, 4);
  EXPECT_EQ(Run({"--jar", jar, "import", txt, "--format", "storage-state"}).exit_code, 4);
  EXPECT_EQ(Run({"--jar", jar, "import", txt}).exit_code, 0);
}

TEST_F(CliFormatsTest, JsonOutputOfEachCommand) {
  const std::string jar = dir_ + "/jar.db";
  json set = RunJson(
      {"--jar", jar, "set", "http://shop.example/cart", "cart=1; Path=/cart", "sid=1; Secure"}, 1);
  EXPECT_EQ(set["url"], "http://shop.example/cart");
  EXPECT_EQ(set["kept"], true);
  ASSERT_EQ(set["results"].size(), 2u);
  EXPECT_EQ(set["results"][0]["set_cookie"], "cart=1; Path=/cart");
  EXPECT_EQ(set["results"][0]["stored"], true);
  EXPECT_EQ(set["results"][0]["reasons"], json::array());
  EXPECT_EQ(set["results"][1]["stored"], false);
  EXPECT_EQ(set["results"][1]["reasons"], json::array({"secure_only"}));

  RunJson({"--jar", jar, "set", "https://shop.example/", "sid=2; Secure; SameSite=Lax",
           std::string(100, 'v') + "=long"});
  json get = RunJson({"--jar", jar, "get", "https://shop.example/cart/x"});
  EXPECT_EQ(get["header"], "cart=1; sid=2; " + std::string(100, 'v') + "=long");
  ASSERT_EQ(get["cookies"].size(), 3u);
  const json& cart = get["cookies"][0];
  EXPECT_EQ(cart["name"], "cart");
  EXPECT_EQ(cart["domain"], "shop.example");
  EXPECT_EQ(cart["host_only"], true);
  EXPECT_EQ(cart["path"], "/cart");
  EXPECT_TRUE(cart["expires"].is_null());
  EXPECT_TRUE(cart["creation"].is_string());
  EXPECT_EQ(cart["same_site"], "Unspecified");
  EXPECT_EQ(cart["priority"], "Medium");
  EXPECT_EQ(cart["source_scheme"], "non-secure");
  EXPECT_TRUE(cart["partition"].is_null());
  EXPECT_EQ(get["cookies"][1]["same_site"], "Lax");

  json list = RunJson({"--jar", jar, "list"});
  EXPECT_EQ(list["cookies"].size(), 3u);
  json explain = RunJson({"--jar", jar, "explain", "http://shop.example/"});
  ASSERT_EQ(explain["cookies"].size(), 3u);
  bool saw_secure = false;
  for (const json& e : explain["cookies"]) {
    if (e["cookie"]["name"] == "sid") {
      saw_secure = true;
      EXPECT_EQ(e["sent"], false);
      EXPECT_EQ(e["reasons"], json::array({"secure_only"}));
    }
  }
  EXPECT_TRUE(saw_secure);

  json psl = RunJson({"psl", "www.example.co.uk", "127.0.0.1", "a..b"}, 1);
  ASSERT_EQ(psl["hosts"].size(), 3u);
  EXPECT_EQ(psl["hosts"][0]["public_suffix"], "co.uk");
  EXPECT_EQ(psl["hosts"][0]["registrable_domain"], "example.co.uk");
  EXPECT_EQ(psl["hosts"][1]["ip"], true);
  EXPECT_TRUE(psl["hosts"][2].contains("error"));

  json replay = RunJson({"replay", testing::TestDataPath("har/shop.har")}, 1);
  EXPECT_EQ(replay["requests"], 9);
  EXPECT_EQ(replay["identical"], 6);
  EXPECT_EQ(replay["different"], 2);
  EXPECT_EQ(replay["differences"].size(), 2u);
  EXPECT_TRUE(replay["differences"][0].contains("browser_header"));

  json cleared = RunJson({"--jar", jar, "clear"});
  EXPECT_EQ(cleared["removed"], 3);
}

TEST_F(CliFormatsTest, JsonCarriesBytesThatAreNotUtf8Exactly) {
  const std::string jar = dir_ + "/jar.db";
  ASSERT_EQ(Run({"--jar", jar, "set", "https://a.example/", "bin=\xFF\x01z"}).exit_code, 1);
  ASSERT_EQ(Run({"--jar", jar, "set", "https://a.example/", "bin=\xFFz"}).exit_code, 0);
  json list = RunJson({"--jar", jar, "list"});
  ASSERT_EQ(list["cookies"].size(), 1u);
  EXPECT_EQ(list["cookies"][0]["value"], "\xEF\xBF\xBDz");
  EXPECT_EQ(list["cookies"][0]["value_base64"], "/3o=");
}

TEST_F(CliFormatsTest, ListIsWideOnRequest) {
  const std::string jar = dir_ + "/jar.db";
  const std::string value(50, 'x');
  Run({"--jar", jar, "set", "https://a.example/", "v=" + value});
  EXPECT_THAT(Run({"--jar", jar, "list"}).output, Not(HasSubstr(value)));
  EXPECT_THAT(Run({"--jar", jar, "list"}).output, HasSubstr("...(50 bytes)"));
  EXPECT_THAT(Run({"--jar", jar, "list", "--wide"}).output, HasSubstr(value));
}

TEST_F(CliFormatsTest, VersionAndHelp) {
  testing::CommandResult version = Run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.output, ::testing::MatchesRegex("cookiejar [0-9]+\\.[0-9]+\\.[0-9]+\n"));
  EXPECT_EQ(Run({"--version", "list"}).exit_code, 2);
  for (const char* command : {"get", "set", "list", "explain", "import", "export", "end-session",
                              "clear", "replay", "psl", "help"}) {
    testing::CommandResult help = Run({"help", command});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_THAT(help.output, HasSubstr(std::string("usage: cookiejar")));
  }
  EXPECT_THAT(Run({"help", "import"}).output, HasSubstr("storage-state"));
  const std::string general = Run({"help"}).output;
  EXPECT_THAT(general, HasSubstr("exit codes:"));
  EXPECT_THAT(general, HasSubstr("--rules BROWSER"));
}

TEST_F(CliFormatsTest, ProfileNamesTheContainerAndRulesTheBrowser) {
  const std::string jar = dir_ + "/jar.db";
  // 25 cookies for one site: Chromium keeps them all, RFC 6265's minimum
  // limits 20.
  std::vector<std::string> set = {"set", "https://a.example/"};
  for (int i = 0; i < 25; ++i) set.push_back(absl::StrCat("c", i, "=1"));
  std::vector<std::string> chromium = {"--jar", jar, "--profile", "c"};
  chromium.insert(chromium.end(), set.begin(), set.end());
  ASSERT_EQ(Run(chromium).exit_code, 0);
  std::vector<std::string> minimum = {"--jar", jar,       "--profile",
                                      "m",     "--rules", "rfc6265-minimum"};
  minimum.insert(minimum.end(), set.begin(), set.end());
  ASSERT_EQ(Run(minimum).exit_code, 0);
  EXPECT_EQ(RunJson({"--jar", jar, "--profile", "c", "list"})["cookies"].size(), 25u);
  EXPECT_EQ(RunJson({"--jar", jar, "--profile", "m", "list"})["cookies"].size(), 20u);

  // The old name of --profile still works, and says it is old.
  testing::CommandResult old_name = Run({"--jar", jar, "--browser", "m", "list"});
  EXPECT_EQ(old_name.exit_code, 0);
  EXPECT_THAT(old_name.output, HasSubstr("c24"));
  EXPECT_THAT(old_name.error, HasSubstr("--browser is now called --profile"));
  EXPECT_EQ(Run({"--browser", "c", "--profile", "c", "list"}).exit_code, 2);

  // --profile with a browser's name: a profile of that name (what it means
  // now), with a word on how to get the old meaning.
  testing::CommandResult behaviour =
      Run({"--jar", jar, "--profile", "firefox", "set", "https://b.example/", "x=1"});
  EXPECT_EQ(behaviour.exit_code, 0);
  EXPECT_THAT(behaviour.error, HasSubstr("use --rules firefox"));
  testing::CommandResult explicit_rules = Run(
      {"--jar", jar, "--profile", "firefox", "--rules", "chromium", "get", "https://b.example/"});
  EXPECT_EQ(explicit_rules.output, "x=1\n");
  EXPECT_THAT(explicit_rules.error, Not(HasSubstr("--rules")));
  EXPECT_EQ(Run({"--rules", "netscape", "list"}).exit_code, 2);

  // The 1.1 name of --rules still works, and says it is old.
  testing::CommandResult emulate =
      Run({"--jar", jar, "--profile", "m", "--emulate", "rfc6265-minimum", "list"});
  EXPECT_EQ(emulate.exit_code, 0);
  EXPECT_THAT(emulate.error, HasSubstr("--emulate is now called --rules"));
  EXPECT_EQ(Run({"--emulate", "netscape", "list"}).exit_code, 2);
  EXPECT_EQ(Run({"--emulate", "firefox", "--rules", "firefox", "list"}).exit_code, 2);
}

}  // namespace
}  // namespace cookiejar
