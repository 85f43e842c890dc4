// Cookies as JSON, in the two shapes people carry sessions in:
//
//   - Playwright's storageState (context.storageState(), `newContext({
//     storageState })`), which Puppeteer scripts use too:
//       {"cookies": [{"name": "sid", "value": "1", "domain": ".example.com",
//                     "path": "/", "expires": 1767225600.5, "httpOnly": true,
//                     "secure": true, "sameSite": "Lax",
//                     "partitionKey": "https://news.example"}],
//        "origins": [...]}
//     "domain" has a leading dot for a domain cookie; "expires" is Unix
//     seconds, -1 for a session cookie; "sameSite" is Strict, Lax or None
//     (missing: unspecified). Reading also accepts the DevTools protocol's
//     cookie objects (Puppeteer's page.cookies(), CDP Storage.getCookies):
//     "priority" (Low, Medium, High), "sourceScheme" (Secure, NonSecure,
//     Unset), "session", and "partitionKey" as an object {"topLevelSite",
//     "hasCrossSiteAncestor"}; a bare array of them is read as well.
//   - The cookie-editor array (the Cookie-Editor and EditThisCookie browser
//     extensions, chrome.cookies objects):
//       [{"domain": ".example.com", "hostOnly": false, "path": "/",
//         "name": "sid", "value": "1", "secure": true, "httpOnly": true,
//         "sameSite": "lax", "session": false, "expirationDate": 1767225600}]
//     "sameSite" is no_restriction, lax, strict or unspecified.
//
// Neither shape has creation or last-access times: imported cookies are
// created now, in the file's order (CookieJar::ImportTimes::kNow), which
// keeps their order in the Cookie header. Each passes the Set-Cookie checks
// (CookieJar::ImportCookie). localStorage ("origins") is not cookies: it is
// ignored on import (counted) and written empty.
//
// What a shape cannot hold is reported by the exporter, cookie by cookie,
// never dropped silently: Priority (both), the source scheme (neither has
// it: a cookie reads back as set over https when Secure, else over http, so
// a cookie without Secure set over https loses it), a partition whose cross-site
// ancestor bit differs from what the cookie's own site implies (a
// partitionKey string carries only the top-level site), and bytes that are
// not UTF-8 (JSON text cannot hold them: such a cookie is left out).
//
// A partition's cross-site-ancestor bit in these files is Chromium's (set for
// every cookie of another site than the top-level one, and under a
// cross-site frame); a Firefox jar sets it in fewer cases
// (cookie_partition_key.h). The bit is converted from and to the convention
// of the jar (BrowserRules::partition_ancestors).
//
// Example:
//   absl::StatusOr<JsonCookiesReport> report = ImportJsonCookies(text, &jar);
//   JsonCookiesExport out = FormatJsonCookies(
//       jar.GetAllCookies(), JsonCookieFormat::kStorageState, jar.rules().partition_ancestors);
//   // out.text is the file; out.losses says what each cookie lost.

#ifndef COOKIEJAR_FORMATS_STORAGE_STATE_H_
#define COOKIEJAR_FORMATS_STORAGE_STATE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cookiejar/canonical_cookie.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookie_partition_key.h"

namespace cookiejar {

enum class JsonCookieFormat {
  kStorageState,  // Playwright's storageState (and CDP cookie objects).
  kCookieEditor,  // The cookie-editor array.
};

// "storage-state" or "cookie-editor".
std::string_view JsonCookieFormatName(JsonCookieFormat format);

struct JsonCookiesOptions {
  // Longer texts are refused, as are arrays and objects nested deeper than 32.
  size_t max_bytes = size_t{64} << 20;
  // Cookies read at most; more is an error (no half-read session).
  size_t max_cookies = 100000;
  // Problems described at most (the rest are counted).
  size_t max_problems = 100;
  // How the cookies' partitions are to mark a cross-site ancestor: that of
  // the jar they go to (BrowserRules::partition_ancestors). Reading only:
  // ImportJsonCookies takes its jar's.
  CookiePartitionKey::Ancestors partition_ancestors =
      CookiePartitionKey::Ancestors::kFramesAndRequest;
};

struct JsonCookiesReport {
  // The shape of the first cookie (a file mixing both is read all the same).
  JsonCookieFormat format = JsonCookieFormat::kStorageState;
  size_t entries = 0;   // Cookie objects in the file.
  size_t imported = 0;  // Cookies read (and, importing, that the jar took).
  size_t expired = 0;   // Cookies that had expired when imported: skipped.
  size_t origins = 0;   // storageState origins (localStorage), ignored.
  // One line per cookie skipped: "cookie 3 (sid): \"expires\" is not a number".
  std::vector<std::string> problems;
  size_t more_problems = 0;
};

// Reads the cookies of `text` (either shape, told apart by its fields).
// Errors: not JSON, too large or too deep, or neither shape
// (InvalidArgument). A cookie with a bad field is reported and skipped.
absl::StatusOr<std::vector<CanonicalCookie>> ParseJsonCookies(
    std::string_view text, JsonCookiesReport* report, const JsonCookiesOptions& options = {});

// Reads `text` and imports each cookie (CookieJar::ImportCookie with
// ImportTimes::kNow); what the jar refuses is added to `problems`.
absl::StatusOr<JsonCookiesReport> ImportJsonCookies(std::string_view text, CookieJar* jar,
                                                    const JsonCookiesOptions& options = {});

struct JsonCookiesExport {
  std::string text;  // The file, ending with a newline.
  size_t written = 0;
  // One line per cookie that lost something or was left out:
  // "sid for .example.com/: Priority=High (the format has no Priority)".
  std::vector<std::string> losses;
};

// `cookies` in `format`, in their order. `partition_ancestors`: how their
// partitions mark a cross-site ancestor (the BrowserRules::
// partition_ancestors of the jar they come from).
JsonCookiesExport FormatJsonCookies(
    const std::vector<CanonicalCookie>& cookies, JsonCookieFormat format,
    CookiePartitionKey::Ancestors partition_ancestors =
        CookiePartitionKey::Ancestors::kFramesAndRequest);

}  // namespace cookiejar

#endif  // COOKIEJAR_FORMATS_STORAGE_STATE_H_
