#include "cookiejar/cookies_txt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/absl_view.h"

namespace cookiejar {
namespace {

constexpr std::string_view kHttpOnlyPrefix = "#HttpOnly_";

bool ParseBool(absl::string_view field, bool* out) {
  if (field == "TRUE") {
    *out = true;
  } else if (field == "FALSE") {
    *out = false;
  } else {
    return false;
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
    return absl::StrCat("expected 7 TAB-separated fields, found ", fields.size());
  }
  bool include_subdomains, secure;
  if (!ParseBool(fields[1], &include_subdomains)) {
    return absl::StrCat("include-subdomains must be TRUE or FALSE, not \"", fields[1], "\"");
  }
  if (!ParseBool(fields[3], &secure)) {
    return absl::StrCat("secure must be TRUE or FALSE, not \"", fields[3], "\"");
  }
  int64_t expiry;
  if (!absl::SimpleAtoi(fields[4], &expiry) || expiry < 0) {
    return absl::StrCat("expiry must be Unix seconds, not \"", fields[4], "\"");
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
  cookie->expiry = expiry == 0 ? absl::InfiniteFuture() : absl::FromUnixSeconds(expiry);
  cookie->name = std::string(fields[5]);
  cookie->value = std::string(fields[6]);
  return "";
}

}  // namespace

CookiesTxtReport ImportCookiesTxtText(std::string_view text, CookieJar* jar) {
  CookiesTxtReport report;
  size_t line_number = 0;
  for (absl::string_view raw : absl::StrSplit(AbslView(text), '\n')) {
    ++line_number;
    std::string_view line = StdView(raw);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '#' && line.substr(0, kHttpOnlyPrefix.size()) != kHttpOnlyPrefix) continue;
    CanonicalCookie cookie;
    std::string error = ParseLine(line, &cookie);
    if (error.empty()) {
      // The file has no creation times: keep the file's order.
      CookieInclusionStatus status = jar->ImportCookie(cookie, CookieJar::ImportTimes::kNow);
      if (status.IsInclude()) {
        ++report.imported;
        continue;
      }
      error = status.ToString();
    }
    report.errors.push_back(absl::StrCat("line ", line_number, ": ", error));
  }
  return report;
}

absl::StatusOr<CookiesTxtReport> ImportCookiesTxt(const std::string& path, CookieJar* jar) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return ImportCookiesTxtText(text.str(), jar);
}

std::string FormatCookiesTxt(const std::vector<CanonicalCookie>& cookies) {
  std::string out =
      "# Netscape HTTP Cookie File\n"
      "# Written by cookiejar. Fields: domain, include-subdomains, path, secure,\n"
      "# expiry (Unix seconds, 0 for a session cookie), name, value.\n\n";
  for (const CanonicalCookie& c : cookies) {
    if (c.partition_key) continue;
    const int64_t expiry = c.IsPersistent() ? absl::ToUnixSeconds(c.expiry) : 0;
    absl::StrAppend(&out, c.http_only ? AbslView(kHttpOnlyPrefix) : "", c.host_only ? "" : ".",
                    c.domain, "\t", c.host_only ? "FALSE" : "TRUE", "\t", c.path, "\t",
                    c.secure ? "TRUE" : "FALSE", "\t", expiry,
                    "\t", c.name, "\t", c.value, "\n");
  }
  return out;
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  std::string temp = path + ".tmp-XXXXXX";
  const int fd = mkstemp(temp.data());
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
  return absl::OkStatus();
}

absl::Status ExportCookiesTxt(CookieJar& jar, const std::string& path) {
  return WriteFileAtomically(path, FormatCookiesTxt(jar.GetAllCookies()));
}

}  // namespace cookiejar
