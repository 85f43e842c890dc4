// The cookie databases of real browsers, read into a jar: Firefox's
// `cookies.sqlite` (moz_cookies) and the `Cookies` database of Chromium and
// the browsers built on it (Chrome, Edge, Brave...) on Linux.
//
// Reading never changes the browser's files and works while the browser
// runs: the database and its -wal (or -journal) are copied into a private
// temporary directory (owner-only, removed afterwards) and the copy is
// opened, so SQLite may recover the copy's write-ahead log without touching
// the original. Every outside value is bounded (file size, rows, field
// sizes) and checked; a row that does not make a valid cookie is reported
// and skipped, the others are still read.
//
// Fields, as each browser writes them:
//   Firefox  host (".d" for a domain cookie), path, name, value; expiry in
//            milliseconds since 1970 (schema 17, Firefox 153 as recorded) or
//            in seconds (older schemas), told apart by size: in seconds a
//            value above 10^11 would be after the year 5000, in milliseconds
//            one below it before 1973; creationTime and lastAccessed in microseconds
//            since 1970; sameSite 0 None, 1 Lax, 2 Strict, 256 (or a
//            unspecified; older schemas with a rawSameSite column: that
//            attribute (0 read as None for a Secure cookie, else
//            unspecified: they did not tell the two apart); schemeMap
//            bits 1 http, 2 https (the source scheme); originAttributes
//            "^partitionKey=(https,site[,port][,f])" percent-encoded (a CHIPS
//            or Total Cookie Protection partition; "f": a same-site request
//            under a cross-site frame). Cookies of containers
//            (userContextId), private windows and first-party isolation are
//            other jars: skipped and counted. Firefox keeps no session
//            cookies in this file and no Priority.
//   Chromium host_key (".d" for a domain cookie), name, path, value or
//            encrypted_value; creation_utc, expires_utc, last_access_utc in
//            microseconds since 1601-01-01 (expires_utc 0 or has_expires 0:
//            a session cookie); samesite -1 unspecified, 0 None, 1 Lax,
//            2 Strict; priority 0 Low, 1 Medium, 2 High; source_scheme
//            0 unset (taken from Secure), 1 http, 2 https; top_frame_site_key
//            and has_cross_site_ancestor (the partition).
//
// The two browsers set a partition's cross-site-ancestor bit in different
// cases (cookie_partition_key.h); the bit read is written the way the jar
// the cookies go to compares partitions (BrowserDatabaseOptions::
// partition_ancestors), so that its requests find them.
//
// Chromium's encrypted values: "v10" is AES-128-CBC under the fixed key
// Chromium uses when no keyring is available (PBKDF2-HMAC-SHA1 of "peanuts",
// salt "saltysalt", one iteration; --password-store=basic), decrypted with
// OpenSSL's libcrypto. From database version 24 on, the plaintext starts with
// the SHA-256 of the cookie's host_key, which is checked and removed. "v11"
// values are encrypted with a key derived the same way from a password that
// Chromium keeps in the desktop keyring: read over the Secret Service
// (libsecret; GNOME Keyring, KeePassXC...), the secret "Chromium Safe
// Storage" or "Chrome Safe Storage" (schema
// chrome_libsecret_os_crypt_password_v2, attribute application=chromium or
// chrome), looked up once, at the first v11 value, without prompting. When
// no keyring can be read, `keyring` says why (KeyringStatus) and the v11
// values are counted in `not_decrypted` and skipped; the other cookies are
// still read. As Chromium, a value that does not decrypt with its key is
// tried with the key of an empty password. KWallet (KDE) is not read.
//
// Example:
//   CookieJar jar;
//   absl::StatusOr<BrowserImport> chrome = ImportBrowser("chrome", "", &jar);
//   // chrome->location.path is the database of Chrome's default profile;
//   // chrome->report.imported cookies are in the jar, report.problems says
//   // why others are not, report.keyring whether the keyring's key was found.
//   // A file: ImportBrowserDatabase("/backup/Cookies", &jar).

#ifndef COOKIEJAR_FORMATS_BROWSER_DATABASES_H_
#define COOKIEJAR_FORMATS_BROWSER_DATABASES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/canonical_cookie.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookie_partition_key.h"

namespace cookiejar {

enum class BrowserDatabaseKind { kFirefox, kChromium };

// "firefox" or "chromium".
std::string_view BrowserDatabaseKindName(BrowserDatabaseKind kind);

// Where Chromium's "v11" values get their key.
enum class ChromiumKeyring {
  kSecretService,  // The desktop keyring over D-Bus, as Chromium on GNOME and others.
  kNone,           // Not looked up: v11 values are counted in `not_decrypted`.
};

// What looking up Chromium's key in the keyring found.
enum class KeyringStatus {
  kNotNeeded,        // No v11 value, or ChromiumKeyring::kNone.
  kFound,            // The key was read (v11 values that did not decrypt are problems).
  kNoSessionBus,     // No D-Bus session bus: a server, a container, ssh without a desktop.
  kNoSecretService,  // A session bus, but no keyring service on it.
  kLocked,           // The keyring holding the key is locked; cookiejar never prompts.
  kNoKey,            // The keyring has no key of this browser.
  kTimedOut,         // The keyring did not answer within keyring_timeout.
  kNotBuilt,         // This build has no Secret Service support (libsecret).
};

// "not_needed", "found", "no_session_bus", "no_secret_service", "locked",
// "no_key", "timed_out", "not_built".
std::string_view KeyringStatusName(KeyringStatus status);

struct BrowserDatabaseOptions {
  // Larger database (or -wal) files are refused.
  uint64_t max_file_bytes = uint64_t{256} << 20;
  // Rows read at most; the rest are counted in `rows_left_out`. Browsers
  // keep about 3,000 cookies; each row read is at most about 6 KB.
  size_t max_rows = 100000;
  // Rows described in `problems` at most (the rest are counted).
  size_t max_problems = 100;
  // How the cookies' partitions are to mark a cross-site ancestor: that of
  // the jar they go to (BrowserRules::partition_ancestors). Reading only:
  // ImportBrowserDatabase takes its jar's.
  CookiePartitionKey::Ancestors partition_ancestors =
      CookiePartitionKey::Ancestors::kFramesAndRequest;
  // Chromium's v11 values: where their key comes from.
  ChromiumKeyring keyring = ChromiumKeyring::kSecretService;
  // The "application" whose secret holds the key: "chromium", "chrome" (or
  // what a Chromium-based browser passes). Empty: "chrome" for a database
  // under a google-chrome folder, "chromium" under a chromium one, else both.
  std::vector<std::string> keyring_applications;
  // How long the keyring may take to answer (D-Bus may first start it).
  absl::Duration keyring_timeout = absl::Seconds(10);
};

struct BrowserDatabaseReport {
  BrowserDatabaseKind kind = BrowserDatabaseKind::kFirefox;
  // PRAGMA user_version (Firefox) or meta.version (Chromium).
  int64_t schema_version = 0;
  size_t rows = 0;           // Rows read.
  size_t imported = 0;       // Cookies that passed (and, importing, that the jar took).
  size_t expired = 0;        // Rows whose cookie had expired: skipped.
  size_t not_decrypted = 0;  // Chromium values encrypted with a key we do not have.
  size_t other_jars = 0;     // Firefox containers, private windows, first-party isolation.
  size_t rows_left_out = 0;  // Rows past max_rows.
  // One line per row that was skipped for another reason, or that could not
  // be decrypted ("row 12 (name for .example.com/path): reason"), and per
  // cookie the jar refused ("cookie 3 (...): refused by the jar: ...").
  std::vector<std::string> problems;
  size_t more_problems = 0;  // Problems past max_problems.
  // How the file was read, for people: "expiry in milliseconds (schema 17)".
  std::vector<std::string> notes;
  // Whether the keyring's key was looked up for v11 values, and what came of
  // it; keyring_message says why not, for people.
  KeyringStatus keyring = KeyringStatus::kNotNeeded;
  std::string keyring_message;
};

// Whether `path` is a Firefox or a Chromium cookie database (by its tables).
// A symbolic link is followed (only reading). Errors: missing (NotFound),
// unreadable (PermissionDenied), not a regular file (FailedPrecondition), not
// an SQLite database (FailedPrecondition), an SQLite database of something
// else (FailedPrecondition), corrupted (DataLoss).
absl::StatusOr<BrowserDatabaseKind> DetectBrowserDatabase(const std::string& path,
                                                    const BrowserDatabaseOptions& options = {});

// The cookies of the database at `path`, each checked as CanonicalCookie
// fields (not yet against a jar's rules), in creation order; expired ones
// too (a jar refuses them on import). `imported` counts them. Errors as
// DetectBrowserDatabase.
absl::StatusOr<std::vector<CanonicalCookie>> ReadBrowserDatabase(
    const std::string& path, BrowserDatabaseReport* report, const BrowserDatabaseOptions& options = {});

// Reads the database at `path` and imports each cookie with
// CookieJar::ImportCookie (its times kept, its partition in the jar's
// convention), so each passes the jar's Set-Cookie checks; what the jar
// refuses is added to `problems`.
absl::StatusOr<BrowserDatabaseReport> ImportBrowserDatabase(const std::string& path, CookieJar* jar,
                                                      const BrowserDatabaseOptions& options = {});

// Decrypts a Chromium `encrypted_value` of `host_key` written by a database
// of `schema_version` (version 24 on: with the SHA-256 of host_key first).
// Errors: "v11" and other key versions (FailedPrecondition: the key is in the
// keyring), a value that does not decrypt (DataLoss).
absl::StatusOr<std::string> DecryptChromiumValue(std::string_view encrypted,
                                                 std::string_view host_key, int64_t schema_version);

// The same, with the password the keyring holds for v11 values (the key is
// PBKDF2-HMAC-SHA1 of it, salt "saltysalt", one iteration, 16 bytes).
absl::StatusOr<std::string> DecryptChromiumValue(std::string_view encrypted,
                                                 std::string_view host_key, int64_t schema_version,
                                                 std::string_view keyring_password);

// Encrypts `value` as Chromium does with --password-store=basic ("v10"),
// for tests and for writing a database a Chromium can read.
absl::StatusOr<std::string> EncryptChromiumValue(std::string_view value, std::string_view host_key,
                                                 int64_t schema_version);

// Encrypts `value` as Chromium does with a keyring ("v11", the key from
// `keyring_password`).
absl::StatusOr<std::string> EncryptChromiumValue(std::string_view value, std::string_view host_key,
                                                 int64_t schema_version,
                                                 std::string_view keyring_password);

// ---- Finding the databases (Linux) ------------------------------------------
//
// Where each browser keeps its profiles, and which one it opens by default:
//   firefox   ~/.mozilla/firefox (also the Snap and Flatpak folders):
//             profiles.ini names the profiles; the default is the one of the
//             [Install...] section (Firefox 67 on), else the one marked
//             Default=1, else the only one. The database: cookies.sqlite.
//   chromium  $XDG_CONFIG_HOME/chromium (~/.config/chromium; also Snap and
//             Flatpak), and "chrome": $XDG_CONFIG_HOME/google-chrome: the
//             user-data folder's "Local State" lists the profiles
//             (profile.info_cache) and the last one used (profile.last_used,
//             else "Default"), which Chromium opens. The database:
//             Network/Cookies (Chromium 96 on), else Cookies.

struct BrowserDatabaseLocation {
  std::string browser;       // "firefox", "chromium" or "chrome".
  std::string profile;       // The profile's folder: "abcd.default-esr", "Default", "Profile 1".
  std::string display_name;  // What the browser shows: "default-esr", "Person 1" ("" if none).
  std::string path;          // The cookie database.
  bool is_default = false;   // The profile the browser opens.
};

struct BrowserSearchOptions {
  // The home folder searched: "" for $HOME, and then $XDG_CONFIG_HOME is
  // honoured. Another folder (tests, a user's backup) is searched as a home
  // whose configuration is in .config.
  std::string home;
};

// "firefox", "chromium", "chrome".
std::vector<std::string> KnownBrowsers();

// The profiles that have a cookie database, of `browser` ("" for every
// known one), each browser's default first. Errors: an unknown browser
// (InvalidArgument), no home folder (FailedPrecondition). Nothing installed
// is an empty list.
absl::StatusOr<std::vector<BrowserDatabaseLocation>> FindBrowserDatabases(
    std::string_view browser = "", const BrowserSearchOptions& options = {});

// The database of `browser`'s `profile` (its folder or display name), or of
// its default profile when `profile` is empty. NotFound names what was
// searched and the profiles there are.
absl::StatusOr<BrowserDatabaseLocation> FindBrowserDatabase(
    std::string_view browser, std::string_view profile = "",
    const BrowserSearchOptions& options = {});

// What ImportBrowser found and read.
struct BrowserImport {
  BrowserDatabaseLocation location;
  BrowserDatabaseReport report;
};

// A user's cookies in one call: finds `browser`'s `profile` (its default
// when empty; FindBrowserDatabase) and imports its database into `jar`
// (ImportBrowserDatabase), asking the keyring for that browser's own key
// unless options.keyring_applications names others. Errors: those of both.
//   absl::StatusOr<BrowserImport> firefox = ImportBrowser("firefox", "", &jar);
absl::StatusOr<BrowserImport> ImportBrowser(std::string_view browser, std::string_view profile,
                                            CookieJar* jar,
                                            const BrowserDatabaseOptions& options = {},
                                            const BrowserSearchOptions& search = {});

}  // namespace cookiejar

#endif  // COOKIEJAR_FORMATS_BROWSER_DATABASES_H_
