// The files `cookiejar import` reads and `cookiejar export` writes, and how
// the command tells them apart (docs/cli.md, "Formats").
//
// Import looks at the content when no --format is given: an SQLite file is a
// Firefox cookies.sqlite or a Chromium Cookies database when it has their
// tables, else a cookiejar store; JSON text is a storageState or a
// cookie-editor array (told apart by its fields); anything else must be a
// cookies.txt. Export, whose file may not exist yet, goes by the name:
// ".txt" is a cookies.txt, ".json" a storageState, anything else a cookiejar
// store; --format cookie-editor picks the other JSON shape. Browser
// databases are read only: writing one would need the browser's own rules
// for its file (locks, schema versions, keyring keys).

#ifndef COOKIEJAR_CLI_FORMATS_H_
#define COOKIEJAR_CLI_FORMATS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {

enum class FileFormat { kCookiesTxt, kStore, kFirefox, kChromium, kStorageState, kCookieEditor };

// "cookies-txt", "store", "firefox", "chromium", "storage-state", "cookie-editor".
std::string_view FileFormatName(FileFormat format);
std::optional<FileFormat> FileFormatNamed(std::string_view name);
// The names, joined for messages: "cookies-txt, store, ...".
std::string FileFormatNames();

// The format of the existing file at `path`, by its content. Errors: missing,
// unreadable, a link or a directory (as the readers give them).
absl::StatusOr<FileFormat> DetectImportFormat(const std::string& path);

// The format an export to `path` writes by default.
FileFormat ExportFormatFor(const std::string& path);

struct ImportSummary {
  FileFormat format = FileFormat::kCookiesTxt;
  size_t imported = 0;
  size_t expired = 0;                 // Expired cookies skipped.
  size_t not_decrypted = 0;           // Chromium values encrypted with the keyring's key.
  size_t other_jars = 0;              // Firefox containers and private windows, skipped.
  size_t refused = 0;                 // Everything else that was not imported.
  size_t ignored_origins = 0;         // storageState localStorage, ignored.
  std::vector<std::string> problems;  // One line each, at most 100, then a count.
  std::vector<std::string> notes;     // How the file was read.
  // Chromium's v11 key: KeyringStatusName ("not_needed", "found", "locked"...).
  std::string keyring = "not_needed";
};

// When `source` names a browser ("firefox", "chromium", "chrome", or
// "BROWSER:PROFILE") and no file has that name: the path of that profile's
// database (the browser's default profile without ":PROFILE"). nullopt for
// anything else. Errors: no such profile (NotFound, naming those there are).
absl::StatusOr<std::optional<std::string>> BrowserDatabaseNamed(const std::string& source);

// Imports `path` (in `format`) into `jar`. `store_profile` names the profile
// of a cookiejar store; `wait` bounds the wait for a store's lock.
absl::StatusOr<ImportSummary> ImportFile(const std::string& path, FileFormat format, CookieJar& jar,
                                         const std::string& store_profile, absl::Duration wait);

struct ExportSummary {
  size_t written = 0;
  // One line per cookie that loses something or is left out.
  std::vector<std::string> losses;
};

// Writes the cookies of `jar` to `path` in `format` (replaced atomically,
// owner-only; a store's `store_profile` is replaced). An existing `path` must
// be a file of that format (FailedPrecondition otherwise, untouched). Browser
// databases cannot be written (InvalidArgument).
absl::StatusOr<ExportSummary> ExportFile(CookieJar& jar, const std::string& path,
                                         FileFormat format, const std::string& store_profile,
                                         absl::Duration wait);

}  // namespace cookiejar

#endif  // COOKIEJAR_CLI_FORMATS_H_
