#include "cookiejar/cookies_txt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "persistence/internal/file_lock.h"
#include "common/absl_view.h"
#include "common/user_file.h"

namespace cookiejar {
namespace {

constexpr std::string_view kHttpOnlyPrefix = "#HttpOnly_";

// curl reads the flags without regard to case; hand-made files and some
// exporters write "true"/"false".
bool ParseBool(absl::string_view field, bool* out) {
  if (absl::EqualsIgnoreCase(field, "TRUE")) {
    *out = true;
  } else if (absl::EqualsIgnoreCase(field, "FALSE")) {
    *out = false;
  } else {
    return false;
  }
  return true;
}

// The expiry field in its dialects: Unix seconds; 0 (curl, wget, yt-dlp,
// browser extensions) or nothing at all (Python's MozillaCookieJar with
// ignore_discard=True) for a session cookie; seconds with a fraction
// (exporters that print a chrome.cookies expirationDate as it is), of which
// the fraction is dropped. A negative number is an instant before 1970:
// expired, as curl and Python read it. Returns false when the field is none
// of these.
bool ParseExpiry(absl::string_view field, absl::Time* out) {
  if (field.empty()) {
    *out = absl::InfiniteFuture();
    return true;
  }
  const size_t dot = field.find('.');
  if (dot != absl::string_view::npos) {
    const absl::string_view fraction = field.substr(dot + 1);
    if (fraction.empty() || fraction.find_first_not_of("0123456789") != absl::string_view::npos) {
      return false;
    }
    field = field.substr(0, dot);
  }
  int64_t seconds;
  if (!absl::SimpleAtoi(field, &seconds)) return false;
  if (seconds == 0) {
    *out = absl::InfiniteFuture();
  } else if (seconds < 0) {
    *out = absl::UnixEpoch() - absl::Seconds(1);
  } else {
    *out = absl::FromUnixSeconds(seconds);
  }
  return true;
}

// Parses one cookie line into *cookie or returns why it cannot be.
std::string ParseLine(std::string_view line, CanonicalCookie* cookie) {
  bool http_only = false;
  if (line.substr(0, kHttpOnlyPrefix.size()) == kHttpOnlyPrefix) {
    http_only = true;
    line.remove_prefix(kHttpOnlyPrefix.size());
  }
  std::vector<absl::string_view> fields = absl::StrSplit(AbslView(line), '\t');
  // curl writes six fields when the value is empty.
  if (fields.size() == 6) fields.push_back(absl::string_view());
  if (fields.size() != 7) {
    std::string error = absl::StrCat("expected 7 TAB-separated fields, found ", fields.size());
    // Copied from a web page or an editor that turned the TABs into spaces.
    if (fields.size() == 1 &&
        std::vector<absl::string_view>(absl::StrSplit(AbslView(line), ' ', absl::SkipEmpty()))
                .size() >= 6) {
      absl::StrAppend(&error, " (the fields are separated by spaces, not TABs)");
    }
    return error;
  }
  bool include_subdomains, secure;
  if (!ParseBool(fields[1], &include_subdomains)) {
    return absl::StrCat("include-subdomains must be TRUE or FALSE, not \"", fields[1], "\"");
  }
  if (!ParseBool(fields[3], &secure)) {
    return absl::StrCat("secure must be TRUE or FALSE, not \"", fields[3], "\"");
  }
  absl::Time expiry;
  if (!ParseExpiry(fields[4], &expiry)) {
    return absl::StrCat("expiry must be Unix seconds (0 or empty for a session cookie), not \"",
                        fields[4].substr(0, 40), "\"");
  }
  absl::string_view domain = fields[0];
  if (domain.empty()) return "empty domain";
  // A leading dot and include-subdomains both mean a domain cookie; files
  // written by hand often have only one of the two.
  const bool dotted = domain.front() == '.';
  cookie->host_only = !(dotted || include_subdomains);
  cookie->domain = std::string(dotted ? domain.substr(1) : domain);
  cookie->path = std::string(fields[2]);
  cookie->secure = secure;
  cookie->http_only = http_only;
  cookie->expiry = expiry;
  cookie->name = std::string(fields[5]);
  cookie->value = std::string(fields[6]);
  return "";
}

// Our own header lines, recognized so that a rewrite does not repeat them.
constexpr std::string_view kHeader[] = {
    "# Netscape HTTP Cookie File",
    "# Written by cookiejar. Fields: domain, include-subdomains, path, secure,",
    "# expiry (Unix seconds, 0 for a session cookie), name, value.",
};

bool IsHeaderLine(std::string_view line) {
  if (line.substr(0, 13) == "# Netscape HT" || line == "# HTTP Cookie File") return true;
  for (std::string_view header : kHeader) {
    if (line == header) return true;
  }
  return false;
}

// Calls `f(line)` for each line of `text`, without its line end, until it
// returns false. No list of lines is built: 64 MiB of line ends would make
// one of a gigabyte.
template <typename F>
void ForEachLine(std::string_view text, F f) {
  // A byte-order mark, as Windows editors save UTF-8.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!f(line)) return;
  }
}

// A line of nothing but spaces and TABs.
bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// Python's MozillaCookieJar also takes a '#' after spaces as a comment.
bool IsComment(std::string_view line) {
  if (line.substr(0, kHttpOnlyPrefix.size()) == kHttpOnlyPrefix) return false;
  const size_t first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] == '#';
}

// Why `text` is more than a cookies.txt may be (kMaxCookiesTxtBytes,
// kMaxCookiesTxtLines), or "".
std::string OverLimits(std::string_view text) {
  if (text.size() > kMaxCookiesTxtBytes) {
    return absl::StrCat("larger than ", kMaxCookiesTxtBytes, " bytes");
  }
  size_t lines = 0;
  ForEachLine(text, [&](std::string_view line) {
    return IsBlank(line) || IsHeaderLine(line) || ++lines <= kMaxCookiesTxtLines;
  });
  if (lines > kMaxCookiesTxtLines) {
    return absl::StrCat("more than ", kMaxCookiesTxtLines, " lines that are not blank");
  }
  return "";
}

}  // namespace

CookiesTxtReport ImportCookiesTxtText(std::string_view text, CookieJar* jar) {
  CookiesTxtReport report;
  size_t line_number = 0, lines = 0;
  ForEachLine(text, [&](std::string_view line) {
    ++line_number;
    if (IsBlank(line) || IsHeaderLine(line)) return true;
    if (++lines > kMaxCookiesTxtLines) {
      report.errors.push_back(absl::StrCat("line ", line_number, ": more than ",
                                           kMaxCookiesTxtLines,
                                           " lines; this line and the rest were not read"));
      return false;
    }
    if (IsComment(line)) {
      report.kept_lines.emplace_back(line);
      return true;
    }
    CanonicalCookie cookie;
    std::string error = ParseLine(line, &cookie);
    if (error.empty()) {
      // The file has no creation times: keep the file's order.
      CookieInclusionStatus status = jar->ImportCookie(cookie, CookieJar::ImportTimes::kNow);
      if (status.IsInclude()) {
        ++report.imported;
        return true;
      }
      error = status.ToString();
      if (status.HasOnly(CookieExclusionReason::kExpired)) {
        ++report.expired;
        report.errors.push_back(absl::StrCat("line ", line_number, ": ", error));
        return true;  // The only line a rewrite may drop.
      }
    }
    report.errors.push_back(absl::StrCat("line ", line_number, ": ", error));
    report.kept_lines.emplace_back(line);
    return true;
  });
  return report;
}

absl::StatusOr<CookiesTxtReport> ImportCookiesTxt(const std::string& path, CookieJar* jar) {
  absl::StatusOr<std::string> text =
      user_file::Read(path, user_file::Limits{kMaxCookiesTxtBytes});
  if (!text.ok()) return text.status();
  if (const std::string over = OverLimits(*text); !over.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is ", over));
  }
  return ImportCookiesTxtText(*text, jar);
}

bool LooksLikeCookiesTxt(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return false;
  size_t cookie_lines = 0, other_lines = 0;
  bool header = false;
  ForEachLine(text, [&](std::string_view line) {
    if (IsHeaderLine(line)) {
      header = true;
      return false;
    }
    if (IsBlank(line) || IsComment(line)) return true;
    CanonicalCookie cookie;
    ++(ParseLine(line, &cookie).empty() ? cookie_lines : other_lines);
    return true;
  });
  if (header) return true;
  // Without the header: mostly cookie lines (a hand-written file may have a
  // bad one), or nothing but blanks (an empty jar). Notes and other tables
  // are not cookie files.
  if (cookie_lines == 0) return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  return other_lines <= cookie_lines;
}

std::string CookiesTxtCannotHold(const CanonicalCookie& c) {
  std::vector<std::string> lost;
  if (c.partition_key) lost.push_back("Partitioned");
  if (c.same_site != CookieSameSite::kUnspecified) {
    lost.push_back(absl::StrCat("SameSite=", AbslView(SameSiteName(c.same_site))));
  }
  if (c.priority != CookiePriority::kMedium) {
    lost.push_back(absl::StrCat("Priority=", AbslView(PriorityName(c.priority))));
  }
  for (const auto& [field, text] : {std::pair<const char*, const std::string&>{"name", c.name},
                                   {"value", c.value},
                                   {"path", c.path}}) {
    if (text.find('\t') != std::string::npos) lost.push_back(absl::StrCat("a tab in the ", field));
  }
  return absl::StrJoin(lost, ", ");
}

std::string FormatCookiesTxt(const std::vector<CanonicalCookie>& cookies,
                             const std::vector<std::string>& kept_lines) {
  std::string out = absl::StrCat(AbslView(kHeader[0]), "\n", AbslView(kHeader[1]), "\n",
                                 AbslView(kHeader[2]), "\n\n");
  for (const CanonicalCookie& c : cookies) {
    if (c.partition_key) continue;
    const int64_t expiry = c.IsPersistent() ? absl::ToUnixSeconds(c.expiry) : 0;
    absl::StrAppend(&out, c.http_only ? AbslView(kHttpOnlyPrefix) : "", c.host_only ? "" : ".",
                    c.domain, "\t", c.host_only ? "FALSE" : "TRUE", "\t", c.path, "\t",
                    c.secure ? "TRUE" : "FALSE", "\t", expiry, "\t", c.name, "\t", c.value, "\n");
  }
  for (const std::string& line : kept_lines) absl::StrAppend(&out, line, "\n");
  return out;
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  std::string temp = path + ".tmp-XXXXXX";
  const int fd = mkostemp(temp.data(), O_CLOEXEC);  // Created 0600.
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create a file next to ", path, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      close(fd);
      unlink(temp.c_str());
      return absl::DataLossError(absl::StrCat("cannot write ", temp, ": ", why));
    }
    written += static_cast<size_t>(n);
  }
  if (fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    close(fd);
    unlink(temp.c_str());
    return absl::DataLossError(absl::StrCat("cannot flush ", temp, ": ", why));
  }
  close(fd);
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    unlink(temp.c_str());
    return absl::DataLossError(absl::StrCat("cannot replace ", path, ": ", why));
  }
  // The rename itself is on disk once the directory is.
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return absl::OkStatus();
}

namespace {

absl::Status NotACookieFile(const std::string& path) {
  return absl::FailedPreconditionError(
      absl::StrCat(path, " is not a cookies.txt file; it is left as it is"));
}

// The text of a cookies.txt read whole, or why it cannot be one (and is
// left alone).
absl::StatusOr<std::string> CheckedText(absl::StatusOr<std::string> text,
                                        const std::string& path) {
  if (!text.ok()) return text.status();
  if (const std::string over = OverLimits(*text); !over.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is ", over, "; it is left as it is"));
  }
  if (!LooksLikeCookiesTxt(*text)) return NotACookieFile(path);
  return text;
}

}  // namespace

absl::Status ExportCookiesTxt(CookieJar& jar, const std::string& path) {
  absl::StatusOr<std::string> existing =
      CheckedText(user_file::Read(path, user_file::Limits{kMaxCookiesTxtBytes}), path);
  if (!existing.ok() && existing.status().code() != absl::StatusCode::kNotFound) {
    return existing.status();
  }
  return WriteFileAtomically(path, FormatCookiesTxt(jar.GetAllCookies()));
}

absl::StatusOr<std::unique_ptr<CookiesTxtFile>> CookiesTxtFile::Open(const std::string& path,
                                                                     Options options) {
  using persistence_internal::OpenError;
  if (options.read_only) {
    // A file is only ever replaced whole, so a reader needs no lock.
    absl::StatusOr<std::string> text =
        CheckedText(user_file::Read(path, user_file::Limits{kMaxCookiesTxtBytes}), path);
    if (text.status().code() == absl::StatusCode::kNotFound) {
      return std::unique_ptr<CookiesTxtFile>(new CookiesTxtFile(path, options, -1, false, ""));
    }
    if (!text.ok()) return text.status();
    return std::unique_ptr<CookiesTxtFile>(
        new CookiesTxtFile(path, options, -1, false, *std::move(text)));
  }
  const absl::Time deadline = absl::Now() + options.lock_timeout;
  for (;;) {
    bool created = false;
    // O_NONBLOCK: a FIFO at the path must not hold the writer up.
    int fd = open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 && errno == ENOENT) {
      fd = open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_CREAT | O_EXCL,
                0600);
      created = fd >= 0;
      if (fd < 0 && errno == EEXIST) continue;
    }
    if (fd < 0) return OpenError(path, errno);
    struct stat st;
    absl::Status regular = user_file::CheckRegular(fd, path, kMaxCookiesTxtBytes);
    if (!regular.ok() || fstat(fd, &st) != 0) {
      close(fd);
      return regular.ok() ? OpenError(path, errno) : regular;
    }
    absl::Status locked = persistence_internal::LockFile(
        fd, path, /*shared=*/false, std::max(absl::ZeroDuration(), deadline - absl::Now()));
    if (!locked.ok()) {
      if (created) unlink(path.c_str());
      close(fd);
      return locked;
    }
    // Another writer may have replaced (or removed) the file while we
    // waited: then the lock we hold is on a file nobody reads any more.
    struct stat now;
    if (lstat(path.c_str(), &now) != 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
      close(fd);
      continue;
    }
    absl::StatusOr<std::string> text =
        CheckedText(user_file::ReadAll(fd, path, kMaxCookiesTxtBytes), path);
    if (!text.ok()) {
      close(fd);
      return text.status();
    }
    return std::unique_ptr<CookiesTxtFile>(
        new CookiesTxtFile(path, options, fd, created, *std::move(text)));
  }
}

CookiesTxtFile::~CookiesTxtFile() {
  if (fd_ < 0) return;
  // A file this writer created and never filled goes again: the command
  // changed nothing, so it leaves nothing behind.
  if (created_ && !saved_) unlink(path_.c_str());
  close(fd_);  // Releases the lock, after any rename.
}

CookiesTxtReport CookiesTxtFile::Load(CookieJar* jar) {
  CookiesTxtReport report = ImportCookiesTxtText(text_, jar);
  kept_lines_ = report.kept_lines;
  return report;
}

absl::Status CookiesTxtFile::Save(CookieJar& jar) {
  if (fd_ < 0) {
    return absl::FailedPreconditionError(absl::StrCat(path_, " was opened read-only"));
  }
  const std::vector<CanonicalCookie> cookies = jar.GetAllCookies();
  for (const CanonicalCookie& c : cookies) {
    const std::string lost = CookiesTxtCannotHold(c);
    if (!lost.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("a cookies.txt cannot hold ", lost, " of cookie \"", c.name, "\" (",
                       c.domain, "); nothing was written"));
    }
  }
  absl::Status status = WriteFileAtomically(path_, FormatCookiesTxt(cookies, kept_lines_));
  if (status.ok()) saved_ = true;
  return status;
}

}  // namespace cookiejar
