// storageState and cookie-editor JSON. The recordings in
// tests/data/browser_stores/storage_state/ (tools/browsers/record_stores.sh
// state) decide what the files mean: a storageState taken from a real
// Chromium login must make our jar send what Chromium sent, and the
// storageState we export, given to a real Chromium the way Playwright gives
// it, made Chromium send the headers our jar sends.

#include "cookiejar/formats/storage_state.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cookiejar/browser_rules.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/url.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

json Recording(const std::string& name) {
  return json::parse(testing::ReadTestData("browser_stores/storage_state/" + name));
}

absl::Time ParseIso(const std::string& text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", text, &t, &error)) << text;
  return t;
}

// Every recorded request is a top-level navigation typed by the user.
void ExpectHeaders(CookieJar& jar, const json& requests) {
  ASSERT_FALSE(requests.empty());
  for (const json& request : requests) {
    SCOPED_TRACE(request["url"].get<std::string>());
    CookieOptions options;
    options.top_level_navigation = true;
    absl::StatusOr<std::string> header =
        jar.GetCookieHeader(request["url"].get<std::string>(), options);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(*header, request["cookie"].is_null() ? "" : request["cookie"].get<std::string>());
  }
}

TEST(StorageState, ARealChromiumLoginContinuesInOurJar) {
  const json recording = Recording("chromium_login.json");
  FakeClock clock(ParseIso(recording["provenance"]["started"]) + absl::Seconds(30));
  CookieJarOptions options;
  options.clock = &clock;
  CookieJar jar(options);
  absl::StatusOr<JsonCookiesReport> report =
      ImportJsonCookies(recording["storage_state"].dump(), &jar);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->format, JsonCookieFormat::kStorageState);
  EXPECT_EQ(report->entries, 16u);
  EXPECT_EQ(report->imported, 16u);
  EXPECT_TRUE(report->problems.empty()) << absl::StrJoin(report->problems, "\n");
  ExpectHeaders(jar, recording["requests_checking"]);
}

// The jar the recorder made with `cookiejar set` (same URLs, same lines).
void SetRecordedCookies(const json& recording, CookieJar* jar) {
  CookieOptions options;
  options.top_level_navigation = true;
  for (const json& step : recording["set"]) {
    for (const json& line : step["set_cookie"]) {
      ASSERT_TRUE(jar->SetCookie(step["url"].get<std::string>(), line.get<std::string>(), options)
                      .IsInclude())
          << line;
    }
  }
}

TEST(StorageState, OurExportIsWhatWeGaveChromium) {
  const json recording = Recording("our_export.json");
  FakeClock clock(ParseIso(recording["provenance"]["started"]));
  CookieJarOptions options;
  options.clock = &clock;
  CookieJar jar(options);
  SetRecordedCookies(recording, &jar);
  JsonCookiesExport out = FormatJsonCookies(jar.GetAllCookies(), JsonCookieFormat::kStorageState);
  // Chromium read these two back as set over http (chromium_stored:
  // "sourceScheme": "NonSecure"), and we said so.
  EXPECT_THAT(out.losses,
              ElementsAre(HasSubstr("lang for bank.example/: loses its source scheme (set over "
                                    "https, read back as http)"),
                          HasSubstr("wide for .bank.example/: loses its source scheme")));
  for (const json& c : recording["chromium_stored"]) {
    EXPECT_EQ(c["sourceScheme"], c["secure"].get<bool>() ? "Secure" : "NonSecure") << c;
  }
  EXPECT_EQ(out.written, 7u);
  EXPECT_EQ(json::parse(out.text), recording["exported"]);
}

TEST(StorageState, ChromiumStoredEveryExportedCookieAsWeWroteIt) {
  const json recording = Recording("our_export.json");
  const json& exported = recording["exported"]["cookies"];
  const json& stored = recording["chromium_stored"];
  ASSERT_EQ(stored.size(), exported.size());
  for (const json& ours : exported) {
    SCOPED_TRACE(ours["name"].get<std::string>());
    const json* theirs = nullptr;
    for (const json& c : stored) {
      if (c["name"] == ours["name"] && c["domain"] == ours["domain"]) theirs = &c;
    }
    ASSERT_NE(theirs, nullptr);
    // (JSON numbers compare by value: Chromium's -1 is our -1.0.)
    for (const char* field : {"value", "path", "expires", "httpOnly", "secure"}) {
      EXPECT_EQ((*theirs)[field], ours[field]) << field;
    }
    // A cookie without SameSite in our file has none in Chromium either.
    EXPECT_EQ(theirs->value("sameSite", ""), ours.value("sameSite", ""));
  }
}

TEST(StorageState, ChromiumSentWhatOurJarSends) {
  const json recording = Recording("our_export.json");
  FakeClock clock(ParseIso(recording["provenance"]["started"]));
  CookieJarOptions options;
  options.clock = &clock;
  // The jar that made the export...
  CookieJar ours(options);
  SetRecordedCookies(recording, &ours);
  ExpectHeaders(ours, recording["requests_checking"]);
  // ...and one loaded back from it.
  CookieJar loaded(options);
  absl::StatusOr<JsonCookiesReport> report =
      ImportJsonCookies(recording["exported"].dump(), &loaded);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->imported, 7u);
  ExpectHeaders(loaded, recording["requests_checking"]);
}

// ---- Round trips --------------------------------------------------------------

std::vector<CanonicalCookie> Sample(CookieJar& jar) {
  CookieOptions top;
  top.top_level_navigation = true;
  for (const char* line :
       {"sid=1; Secure; HttpOnly; SameSite=Strict", "pref=a b; Max-Age=3600; Domain=a.example",
        "lax=1; SameSite=Lax", "none=1; Secure; SameSite=None; Path=/api", "hi=1; Priority=High",
        "utf=caf\xC3\xA9; Max-Age=60"}) {
    EXPECT_TRUE(jar.SetCookie("https://www.a.example/", line, top).IsInclude()) << line;
  }
  EXPECT_TRUE(jar.SetCookie("http://www.a.example/", "plain=1", top).IsInclude());
  // A CHIPS cookie of an embedded widget.example under news.example.
  absl::StatusOr<Url> top_url = Url::Parse("https://news.example/");
  CookieOptions embedded;
  embedded.top_level_url = &*top_url;
  EXPECT_TRUE(jar.SetCookie("https://widget.example/", "chip=1; Secure; SameSite=None; Partitioned",
                            embedded)
                  .IsInclude());
  return jar.GetAllCookies();
}

// Everything but the times, which neither format keeps.
std::string Fields(const CanonicalCookie& c) {
  return absl::StrCat(
      c.name, "=", c.value, " ", c.host_only ? "" : ".", c.domain, c.path,
      " expires=", c.IsPersistent() ? absl::ToUnixMicros(c.expiry) : -1, c.secure ? " secure" : "",
      c.http_only ? " httponly" : "", " samesite=", static_cast<int>(c.same_site),
      " priority=", static_cast<int>(c.priority), " scheme=", static_cast<int>(c.source_scheme),
      c.partition_key ? " partition=" + c.partition_key->ToString() : "");
}

TEST(JsonRoundTrip, EachFormatKeepsWhatItCanAndSaysWhatItCannot) {
  for (JsonCookieFormat format :
       {JsonCookieFormat::kStorageState, JsonCookieFormat::kCookieEditor}) {
    SCOPED_TRACE(JsonCookieFormatName(format));
    FakeClock clock(absl::FromUnixSeconds(1800000000));
    CookieJarOptions options;
    options.clock = &clock;
    CookieJar source(options);
    const std::vector<CanonicalCookie> cookies = Sample(source);
    ASSERT_EQ(cookies.size(), 8u);
    JsonCookiesExport out = FormatJsonCookies(cookies, format);
    EXPECT_EQ(out.written, 8u);
    // Set over https without Secure: pref, lax, hi, utf lose their source
    // scheme; hi its Priority too.
    EXPECT_THAT(out.losses,
                ElementsAre(HasSubstr("pref for .a.example/: loses its source scheme (set over "
                                      "https, read back as http)"),
                            HasSubstr("lax for www.a.example/: loses its source scheme"),
                            HasSubstr("hi for www.a.example/: loses Priority=High, its source "
                                      "scheme"),
                            HasSubstr("utf for www.a.example/: loses its source scheme")));
    CookieJar target(options);
    absl::StatusOr<JsonCookiesReport> report = ImportJsonCookies(out.text, &target);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->format, format);
    EXPECT_EQ(report->imported, 8u);
    std::vector<std::string> before, after;
    for (CanonicalCookie c : cookies) {
      // What the losses above said.
      c.priority = CookiePriority::kMedium;
      if (!c.secure) c.source_scheme = CookieSourceScheme::kNonSecure;
      before.push_back(Fields(c));
    }
    for (const CanonicalCookie& c : target.GetAllCookies()) after.push_back(Fields(c));
    EXPECT_EQ(after, before);
    // The same header, order included.
    EXPECT_EQ(*target.GetCookieHeader("https://www.a.example/api"),
              *source.GetCookieHeader("https://www.a.example/api"));
  }
}

TEST(JsonRoundTrip, BytesThatAreNotUtf8AreLeftOutAndSaid) {
  CookieJar jar;
  ASSERT_TRUE(jar.SetCookie("https://a.example/", "bin=\xFF\xFE; Secure").IsInclude());
  ASSERT_TRUE(jar.SetCookie("https://a.example/", "ok=1; Secure").IsInclude());
  JsonCookiesExport out = FormatJsonCookies(jar.GetAllCookies(), JsonCookieFormat::kStorageState);
  EXPECT_EQ(out.written, 1u);
  EXPECT_THAT(out.losses,
              ElementsAre(HasSubstr("bin for a.example/: left out (bytes that are not UTF-8")));
  EXPECT_EQ(json::parse(out.text)["cookies"].size(), 1u);
}

// A partition's cross-site-ancestor bit is Chromium's in both formats; a
// Firefox jar marks a frame of another site directly under the top level
// without it. Exported from a Firefox jar and read back into each browser's
// jar, the cookie is still sent to that frame, and nothing is said lost.
TEST(JsonRoundTrip, PartitionsAreWrittenAsChromiumAndReadAsTheJar) {
  const Url top = *Url::Parse("https://news.example/");
  const Url widget = *Url::Parse("https://widget.example/");
  CookieOptions embedded;
  embedded.top_level_url = &top;
  CookieJarOptions firefox_options;
  firefox_options.rules = BrowserRules::Firefox();
  CookieJar firefox(firefox_options);
  ASSERT_TRUE(
      firefox.SetCookie(widget, "chip=1; Secure; SameSite=None; Partitioned", embedded).IsInclude());
  ASSERT_EQ(firefox.GetAllCookies().size(), 1u);
  EXPECT_EQ(*firefox.GetAllCookies()[0].partition_key,
            (CookiePartitionKey{"https://news.example", false}));
  for (JsonCookieFormat format :
       {JsonCookieFormat::kStorageState, JsonCookieFormat::kCookieEditor}) {
    SCOPED_TRACE(JsonCookieFormatName(format));
    JsonCookiesExport out = FormatJsonCookies(firefox.GetAllCookies(), format,
                                              firefox.rules().partition_ancestors);
    EXPECT_EQ(out.written, 1u);
    EXPECT_TRUE(out.losses.empty()) << absl::StrJoin(out.losses, "\n");
    const json written = json::parse(out.text);
    const json& key = format == JsonCookieFormat::kStorageState
                          ? written["cookies"][0]["partitionKey"]
                          : written[0]["partitionKey"];
    if (format == JsonCookieFormat::kStorageState) {
      EXPECT_EQ(key, "https://news.example");
    } else {
      EXPECT_EQ(key, json({{"topLevelSite", "https://news.example"},
                           {"hasCrossSiteAncestor", true}}));
    }
    for (const BrowserRules& profile : {BrowserRules::Firefox(), BrowserRules::Chromium()}) {
      SCOPED_TRACE(profile.name);
      CookieJarOptions options;
      options.rules = profile;
      CookieJar target(options);
      absl::StatusOr<JsonCookiesReport> report = ImportJsonCookies(out.text, &target);
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_EQ(report->imported, 1u);
      ASSERT_EQ(target.GetAllCookies().size(), 1u);
      EXPECT_EQ(*target.GetAllCookies()[0].partition_key,
                (CookiePartitionKey{"https://news.example", profile.name == "chromium"}));
      EXPECT_EQ(target.GetCookieHeader(widget, embedded), "chip=1");
    }
  }
}

TEST(CookieEditor, ReadsTheExtensionsShape) {
  // As Cookie-Editor (Chrome) exports it: chrome.cookies.Cookie objects.
  const std::string text = R"([
{"domain": ".github.example", "expirationDate": 1893456000.123456, "hostOnly": false,
 "httpOnly": false, "name": "_octo", "path": "/", "sameSite": "lax", "secure": true,
 "session": false, "storeId": "0", "value": "GH1.1"},
{"domain": "github.example", "hostOnly": true, "httpOnly": true, "name": "user_session",
 "path": "/", "sameSite": "strict", "secure": true, "session": true, "storeId": "0",
 "value": "abc"},
{"domain": "github.example", "hostOnly": true, "httpOnly": false, "name": "tz", "path": "/",
 "sameSite": "unspecified", "secure": false, "session": true, "value": "Europe%2FParis"},
{"domain": "widget.example", "hostOnly": true, "name": "chip", "path": "/", "secure": true,
 "sameSite": "no_restriction", "session": true, "value": "1",
 "partitionKey": {"topLevelSite": "https://news.example", "hasCrossSiteAncestor": false}}
])";
  JsonCookiesReport report;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ParseJsonCookies(text, &report);
  ASSERT_TRUE(cookies.ok()) << cookies.status();
  EXPECT_EQ(report.format, JsonCookieFormat::kCookieEditor);
  ASSERT_EQ(cookies->size(), 4u);
  const CanonicalCookie& octo = (*cookies)[0];
  EXPECT_EQ(octo.domain, "github.example");
  EXPECT_FALSE(octo.host_only);
  EXPECT_EQ(octo.expiry, absl::FromUnixMicros(1893456000123456));
  EXPECT_EQ(octo.same_site, CookieSameSite::kLax);
  EXPECT_EQ(octo.source_scheme, CookieSourceScheme::kSecure);
  const CanonicalCookie& session = (*cookies)[1];
  EXPECT_TRUE(session.host_only);
  EXPECT_FALSE(session.IsPersistent());
  EXPECT_TRUE(session.http_only);
  EXPECT_EQ(session.same_site, CookieSameSite::kStrict);
  EXPECT_EQ((*cookies)[2].same_site, CookieSameSite::kUnspecified);
  EXPECT_EQ((*cookies)[2].source_scheme, CookieSourceScheme::kNonSecure);
  ASSERT_TRUE((*cookies)[3].partition_key.has_value());
  EXPECT_EQ(*(*cookies)[3].partition_key, (CookiePartitionKey{"https://news.example", false}));
}

TEST(StorageState, ReadsDevToolsCookieObjects) {
  // Puppeteer's page.cookies() / CDP: priority, sourceScheme, partitionKey object.
  const std::string text = R"([{"name": "a", "value": "1", "domain": "x.example", "path": "/",
    "expires": -1, "size": 2, "httpOnly": false, "secure": true, "session": true,
    "priority": "High", "sourceScheme": "Secure", "sourcePort": 443,
    "partitionKey": {"topLevelSite": "https://top.example", "hasCrossSiteAncestor": true}}])";
  JsonCookiesReport report;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ParseJsonCookies(text, &report);
  ASSERT_TRUE(cookies.ok()) << cookies.status();
  EXPECT_EQ(report.format, JsonCookieFormat::kStorageState);
  ASSERT_EQ(cookies->size(), 1u);
  EXPECT_EQ((*cookies)[0].priority, CookiePriority::kHigh);
  EXPECT_EQ((*cookies)[0].same_site, CookieSameSite::kUnspecified);
  EXPECT_EQ(*(*cookies)[0].partition_key, (CookiePartitionKey{"https://top.example", true}));
}

TEST(JsonCookies, BadInputIsBoundedAndNamed) {
  JsonCookiesReport report;
  EXPECT_EQ(ParseJsonCookies("{ not json", &report).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ParseJsonCookies(std::string(100000, '['), &report).status().message()),
              HasSubstr("deeper than 32"));
  EXPECT_THAT(std::string(ParseJsonCookies(R"({"origins": []})", &report).status().message()),
              HasSubstr("without a \"cookies\" array"));
  EXPECT_FALSE(ParseJsonCookies("42", &report).ok());
  JsonCookiesOptions small;
  small.max_cookies = 2;
  EXPECT_FALSE(ParseJsonCookies(R"([{}, {}, {}])", &report, small).ok());
  small.max_bytes = 4;
  EXPECT_THAT(std::string(ParseJsonCookies("[ {} ]", &report, small).status().message()),
              HasSubstr("larger than 4 bytes"));

  // A bad field costs that cookie only, and says which field.
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ParseJsonCookies(R"({"cookies": [
    {"name": "a", "value": "1", "domain": "a.example", "expires": "soon"},
    {"name": "b", "value": 2, "domain": "a.example"},
    {"name": "c", "value": "3", "domain": "a.example", "sameSite": "Sometimes"},
    {"name": "d", "value": "4", "domain": "a.example", "expires": 1e300},
    {"name": "e", "value": "5", "domain": "a..example"},
    {"name": "f", "value": "6", "domain": "a.example", "path": "nope"},
    {"name": "g", "value": "7", "domain": "a.example", "partitionKey": "news.example"},
    {"name": "ok", "value": "8", "domain": "a.example"}], "origins": [{"origin": "x"}]})",
                                                                          &report);
  ASSERT_TRUE(cookies.ok());
  EXPECT_EQ(cookies->size(), 1u);
  EXPECT_EQ(report.origins, 1u);
  EXPECT_THAT(report.problems,
              ElementsAre(HasSubstr("cookie 1 (a): \"expires\" is not a number"),
                          HasSubstr("cookie 2 (b): \"value\" is not a string"),
                          HasSubstr("cookie 3 (c): \"sameSite\" is not Strict"),
                          HasSubstr("cookie 4 (d): the expiry is outside"),
                          HasSubstr("cookie 5 (e): invalid \"domain\""),
                          HasSubstr("cookie 6 (f): \"path\" does not start with '/'"),
                          HasSubstr("cookie 7 (g): \"partitionKey\" is not a site")));

  // What the jar refuses is said too: a __Host- cookie with a Domain.
  CookieJar jar;
  absl::StatusOr<JsonCookiesReport> imported = ImportJsonCookies(
      R"([{"name": "__Host-x", "value": "1", "domain": ".a.example", "secure": true},
          {"name": "old", "value": "1", "domain": "a.example", "expires": 1000}])",
      &jar);
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->imported, 0u);
  EXPECT_EQ(imported->expired, 1u);
  EXPECT_THAT(imported->problems,
              ElementsAre(HasSubstr("cookie 1 (__Host-x): refused by the jar")));
}

}  // namespace
}  // namespace cookiejar
