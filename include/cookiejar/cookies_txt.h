// The Netscape cookies.txt format that curl (-b/-c), wget and Python's
// MozillaCookieJar read and write, and that browser extensions export:
//
//   # Netscape HTTP Cookie File
//   .example.com	TRUE	/	FALSE	1767225600	id	42
//   #HttpOnly_www.example.com	FALSE	/cart	TRUE	0	cart	7,9
//
// One cookie a line, seven TAB-separated fields: domain (a leading dot for a
// domain cookie), include-subdomains (TRUE for a domain cookie), path,
// secure, expiry in Unix seconds (0: a session cookie), name, value. Lines
// starting with '#' are comments, except the "#HttpOnly_" prefix that marks
// an HttpOnly cookie. What the format cannot hold is not exported:
// partitioned cookies, and SameSite and Priority (imported cookies get the
// defaults).
//
// Example:
//   absl::StatusOr<CookiesTxtReport> report = ImportCookiesTxt("cookies.txt", &jar);
//   absl::Status status = ExportCookiesTxt(jar, "cookies.txt");

#ifndef COOKIEJAR_COOKIES_TXT_H_
#define COOKIEJAR_COOKIES_TXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {

struct CookiesTxtReport {
  size_t imported = 0;
  // One entry per line that was not imported: "line 7: expected 7
  // TAB-separated fields, found 3". The other lines are imported anyway.
  std::vector<std::string> errors;
};

// Imports every well-formed line of `text` into `jar` (CookieJar::ImportCookie).
CookiesTxtReport ImportCookiesTxtText(std::string_view text, CookieJar* jar);

// Reads and imports a file. An unreadable file is an error; bad lines are
// reported, not fatal.
absl::StatusOr<CookiesTxtReport> ImportCookiesTxt(const std::string& path, CookieJar* jar);

// The jar's unexpired, unpartitioned cookies in cookies.txt format, with the
// "# Netscape HTTP Cookie File" header.
std::string FormatCookiesTxt(const std::vector<CanonicalCookie>& cookies);

// Writes FormatCookiesTxt(jar.GetAllCookies()) to `path` through a temporary
// file in the same directory, flushed to disk and renamed over `path`, so a
// crash leaves either the old file or the new one, never half of one.
absl::Status ExportCookiesTxt(CookieJar& jar, const std::string& path);

// The same atomic write for any contents (used by the other file formats).
absl::Status WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIES_TXT_H_
