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
// an HttpOnly cookie. The format has no SameSite, Priority, partition,
// creation or last-access time: CookiesTxtCannotHold says what a cookie
// would lose, and imported cookies get the defaults and are created in file
// order. Imported cookies pass the checks of Set-Cookie lines
// (CookieJar::ImportCookie).
//
// Example:
//   absl::StatusOr<CookiesTxtReport> report = ImportCookiesTxt("cookies.txt", &jar);
//   absl::Status status = ExportCookiesTxt(jar, "cookies.txt");
//
// CookiesTxtFile uses one file as the jar of several processes at once (the
// way curl -b/-c and the cookiejar CLI use it), without losing a change.

#ifndef COOKIEJAR_COOKIES_TXT_H_
#define COOKIEJAR_COOKIES_TXT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {

// What a cookies.txt may hold: bigger files, or more lines that are not
// blank (cookies, comments, lines that do not parse), are refused whole
// (FailedPrecondition) by ImportCookiesTxt and CookiesTxtFile, and left as
// they are; ImportCookiesTxtText reads the first kMaxCookiesTxtLines lines of
// a longer text and reports the rest as not read. This bounds what reading
// costs: at most about twice the text in memory.
inline constexpr size_t kMaxCookiesTxtBytes = size_t{64} << 20;
inline constexpr size_t kMaxCookiesTxtLines = 100000;

struct CookiesTxtReport {
  size_t imported = 0;
  // Lines whose cookie had expired (the only lines a rewrite drops).
  size_t expired = 0;
  // One entry per line that was not imported: "line 7: expected 7
  // TAB-separated fields, found 3". The other lines are imported anyway.
  std::vector<std::string> errors;
  // The text of every line a rewrite must keep as it was: cookies that were
  // not imported (for any reason but expiry) and comments other than the
  // format's header.
  std::vector<std::string> kept_lines;
};

// Whether `text` is a cookies.txt: empty, or starting with the Netscape
// header, or with at least one cookie line and nothing that is not a
// comment, a blank line or a cookie line. A file that is not must never be
// overwritten with cookies.
bool LooksLikeCookiesTxt(std::string_view text);

// What `cookie` would lose in a cookies.txt ("SameSite=Strict",
// "Partitioned", "Priority=High", "a tab in the value"), or "" when nothing.
std::string CookiesTxtCannotHold(const CanonicalCookie& cookie);

// Imports every well-formed line of `text` into `jar` (CookieJar::ImportCookie).
CookiesTxtReport ImportCookiesTxtText(std::string_view text, CookieJar* jar);

// Reads and imports a file. An unreadable file, one that is not a regular
// file (a FIFO or a device is refused without waiting for it) or one over the
// limits above is an error; bad lines are reported, not fatal.
absl::StatusOr<CookiesTxtReport> ImportCookiesTxt(const std::string& path, CookieJar* jar);

// `cookies` in cookies.txt format, with the "# Netscape HTTP Cookie File"
// header, then `kept_lines` as they were. Cookies the format cannot hold at
// all (partitioned ones) are left out; use CookiesTxtCannotHold first.
std::string FormatCookiesTxt(const std::vector<CanonicalCookie>& cookies,
                             const std::vector<std::string>& kept_lines = {});

// Writes FormatCookiesTxt(jar.GetAllCookies()) to `path` atomically
// (WriteFileAtomically). Refuses (FailedPrecondition) to replace a file that
// is not a cookies.txt.
absl::Status ExportCookiesTxt(CookieJar& jar, const std::string& path);

// Writes `contents` through a temporary file in the same directory, flushed
// to disk, readable by its owner only, and renamed over `path`, so a crash
// leaves either the old file or the new one, never half of one. A symbolic
// link at `path` is replaced, never followed.
absl::Status WriteFileAtomically(const std::string& path, std::string_view contents);

// A cookies.txt used as a jar between runs, by several processes at once.
//
// Writers take an exclusive lock (flock) on the file and hold it from Open
// to destruction, so that read-change-write cycles of different processes
// never interleave; a writer that finds the file replaced while it waited
// (another writer renamed its new version over it) locks the new file
// instead. Readers take no lock: a file is only ever replaced whole.
//
// Example (one `cookiejar set` run):
//   auto file = CookiesTxtFile::Open("jar.txt", {.lock_timeout = absl::Seconds(10)});
//   CookieJar jar;
//   (*file)->Load(&jar);
//   jar.SetCookie(url, line);
//   (*file)->Save(jar);   // Only when something changed.
class CookiesTxtFile {
 public:
  struct Options {
    // Load only; Save is an error.
    bool read_only = false;
    // How long Open waits for another writer. Zero: fail at once.
    absl::Duration lock_timeout = absl::ZeroDuration();
  };

  // Errors: a symbolic link, a directory or other non-regular file such as
  // a FIFO, never waited for (FailedPrecondition); over the limits above or
  // not a cookies.txt (FailedPrecondition, and the file is left alone); held by another writer past `lock_timeout`
  // (Unavailable); unreadable (PermissionDenied, NotFound). A missing file
  // is an empty jar; a writer creates it (owner-only), and removes it again
  // if it saves nothing.
  static absl::StatusOr<std::unique_ptr<CookiesTxtFile>> Open(const std::string& path,
                                                              Options options);
  ~CookiesTxtFile();
  CookiesTxtFile(const CookiesTxtFile&) = delete;
  CookiesTxtFile& operator=(const CookiesTxtFile&) = delete;

  // Imports the file's cookies into `jar` (ImportCookiesTxtText).
  CookiesTxtReport Load(CookieJar* jar);

  // Replaces the file with the jar's cookies and the lines Load kept.
  // Refuses (FailedPrecondition, nothing written) when a cookie would lose
  // something the format cannot hold, naming it.
  absl::Status Save(CookieJar& jar);

  const std::string& path() const { return path_; }

 private:
  CookiesTxtFile(std::string path, Options options, int fd, bool created, std::string text)
      : path_(std::move(path)), options_(options), fd_(fd), created_(created),
        text_(std::move(text)) {}

  const std::string path_;
  const Options options_;
  int fd_;  // -1 for a reader.
  bool created_;
  bool saved_ = false;
  std::string text_;
  std::vector<std::string> kept_lines_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIES_TXT_H_
