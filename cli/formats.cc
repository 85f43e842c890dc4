#include "cli/formats.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/absl_view.h"
#include "common/user_file.h"
#include "cookiejar/formats/browser_databases.h"
#include "cookiejar/cookies_txt.h"
#include "cookiejar/formats/storage_state.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"

namespace cookiejar {
namespace {

// The largest JSON or cookies.txt file read whole (JsonCookiesOptions,
// kMaxCookiesTxtBytes).
constexpr size_t kMaxTextFile = size_t{64} << 20;
// What detection reads: enough for the SQLite header and for the leading
// whitespace of any JSON a person or a tool writes.
constexpr size_t kDetectionBytes = 64 * 1024;
// Problems listed one by one; the rest are counted.
constexpr size_t kMaxProblems = 100;

struct Named {
  FileFormat format;
  std::string_view name;
};
constexpr Named kNames[] = {
    {FileFormat::kCookiesTxt, "cookies-txt"},
    {FileFormat::kStore, "store"},
    {FileFormat::kFirefox, "firefox"},
    {FileFormat::kChromium, "chromium"},
    {FileFormat::kStorageState, "storage-state"},
    {FileFormat::kCookieEditor, "cookie-editor"},
};

absl::StatusOr<std::string> ReadFile(const std::string& path, size_t max) {
  return user_file::Read(path, user_file::Limits{max});
}

bool StartsAsJson(std::string_view whole) {
  absl::string_view text = AbslView(whole);
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // A BOM.
  text = absl::StripLeadingAsciiWhitespace(text);
  return !text.empty() && (text[0] == '{' || text[0] == '[');
}

void AddProblems(const std::vector<std::string>& lines, size_t more, ImportSummary* out) {
  for (const std::string& line : lines) {
    if (out->problems.size() < kMaxProblems) out->problems.push_back(line);
  }
  if (more > 0) out->problems.push_back(absl::StrCat("... and ", more, " more"));
}

absl::StatusOr<ImportSummary> ImportBrowser(const std::string& path, CookieJar& jar,
                                            ImportSummary out) {
  BrowserDatabaseOptions options;
  // Under a Chrome profile, Chrome's key; under a Chromium one, Chromium's.
  absl::StatusOr<std::vector<BrowserDatabaseLocation>> known = FindBrowserDatabases();
  if (known.ok()) {
    for (const BrowserDatabaseLocation& location : *known) {
      if (location.path == path && location.browser != "firefox") {
        options.keyring_applications = {location.browser};
      }
    }
  }
  absl::StatusOr<BrowserDatabaseReport> report = ImportBrowserDatabase(path, &jar, options);
  if (!report.ok()) return report.status();
  const FileFormat found =
      report->kind == BrowserDatabaseKind::kFirefox ? FileFormat::kFirefox : FileFormat::kChromium;
  if (found != out.format) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is a ", AbslView(BrowserDatabaseKindName(report->kind)),
                     " database, not ", AbslView(FileFormatName(out.format))));
  }
  out.imported = report->imported;
  out.expired = report->expired;
  out.not_decrypted = report->not_decrypted;
  out.other_jars = report->other_jars;
  out.refused = report->problems.size() + report->more_problems - report->not_decrypted +
                report->rows_left_out;
  AddProblems(report->problems, report->more_problems, &out);
  out.notes = report->notes;
  out.keyring = std::string(KeyringStatusName(report->keyring));
  if (report->not_decrypted > 0) {
    out.notes.push_back(absl::StrCat(
        report->not_decrypted, " values are encrypted with the desktop keyring's key (v11): ",
        report->keyring_message.empty() ? "not looked up" : report->keyring_message,
        " [", AbslView(KeyringStatusName(report->keyring)),
        "]; Chromium started with --password-store=basic writes values without it (v10)"));
  }
  if (report->other_jars > 0) {
    out.notes.push_back(
        absl::StrCat(report->other_jars, " cookies of containers or private windows were skipped"));
  }
  if (report->rows_left_out > 0) {
    out.notes.push_back(absl::StrCat(report->rows_left_out, " rows past the first ", report->rows,
                                     " were not read"));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> BrowserDatabaseNamed(const std::string& source) {
  const size_t colon = source.find(':');
  const std::string browser = source.substr(0, colon);
  const std::vector<std::string> known = KnownBrowsers();
  if (std::find(known.begin(), known.end(), browser) == known.end()) return std::nullopt;
  struct stat st;
  if (stat(source.c_str(), &st) == 0) return std::nullopt;  // A file of that name.
  absl::StatusOr<BrowserDatabaseLocation> location = FindBrowserDatabase(
      browser, colon == std::string::npos ? "" : std::string_view(source).substr(colon + 1));
  if (!location.ok()) return location.status();
  return std::optional<std::string>(location->path);
}

std::string_view FileFormatName(FileFormat format) {
  for (const Named& n : kNames) {
    if (n.format == format) return n.name;
  }
  return "?";
}

std::optional<FileFormat> FileFormatNamed(std::string_view name) {
  for (const Named& n : kNames) {
    if (n.name == name) return n.format;
  }
  return std::nullopt;
}

std::string FileFormatNames() {
  std::vector<std::string> names;
  for (const Named& n : kNames) names.emplace_back(n.name);
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<FileFormat> DetectImportFormat(const std::string& path) {
  // Only the first bytes are read (the importer reads the file once more,
  // whole): an SQLite header, or the first character that is not
  // whitespace.
  // Any size here: each format's reader has its own limit.
  absl::StatusOr<user_file::File> file = user_file::Open(path, user_file::Limits{UINT64_MAX});
  if (!file.ok()) return file.status();
  absl::StatusOr<std::string> head = file->ReadHead(kDetectionBytes);
  if (!head.ok()) return head.status();
  if (head->size() >= 16 && std::memcmp(head->data(), "SQLite format 3", 16) == 0) {
    absl::StatusOr<BrowserDatabaseKind> kind = DetectBrowserDatabase(path);
    if (kind.ok()) {
      return *kind == BrowserDatabaseKind::kFirefox ? FileFormat::kFirefox : FileFormat::kChromium;
    }
    return FileFormat::kStore;  // The store says what else it is not.
  }
  if (file->size() > kMaxTextFile) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is larger than ", kMaxTextFile, " bytes"));
  }
  // The shape of JSON cookies is told while they are read (ImportFile).
  return StartsAsJson(*head) ? FileFormat::kStorageState : FileFormat::kCookiesTxt;
}

FileFormat ExportFormatFor(const std::string& path) {
  if (absl::EndsWith(path, ".txt")) return FileFormat::kCookiesTxt;
  if (absl::EndsWith(path, ".json")) return FileFormat::kStorageState;
  return FileFormat::kStore;
}

absl::StatusOr<ImportSummary> ImportFile(const std::string& path, FileFormat format, CookieJar& jar,
                                         const std::string& store_profile, absl::Duration wait) {
  ImportSummary out;
  out.format = format;
  switch (format) {
    case FileFormat::kFirefox:
    case FileFormat::kChromium:
      return ImportBrowser(path, jar, std::move(out));
    case FileFormat::kStorageState:
    case FileFormat::kCookieEditor: {
      absl::StatusOr<std::string> text = ReadFile(path, kMaxTextFile);
      if (!text.ok()) return text.status();
      absl::StatusOr<JsonCookiesReport> report = ImportJsonCookies(*text, &jar);
      if (!report.ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            path, " is not a storageState or cookie-editor file: ", report.status().message()));
      }
      // The shape the cookies were read in (either is read, whichever was
      // named).
      if (report->entries > 0) {
        out.format = report->format == JsonCookieFormat::kStorageState ? FileFormat::kStorageState
                                                                        : FileFormat::kCookieEditor;
      }
      out.imported = report->imported;
      out.expired = report->expired;
      out.ignored_origins = report->origins;
      out.refused = report->problems.size() + report->more_problems;
      AddProblems(report->problems, report->more_problems, &out);
      if (report->origins > 0) {
        out.notes.push_back(
            absl::StrCat(report->origins, " origins with localStorage ignored (not cookies)"));
      }
      return out;
    }
    case FileFormat::kCookiesTxt: {
      CookiesTxtFile::Options options;
      options.read_only = true;
      absl::StatusOr<std::unique_ptr<CookiesTxtFile>> txt = CookiesTxtFile::Open(path, options);
      if (!txt.ok()) return txt.status();
      CookiesTxtReport report = (*txt)->Load(&jar);
      out.imported = report.imported;
      out.expired = report.expired;
      out.refused = report.errors.size() - report.expired;
      AddProblems(report.errors, 0, &out);
      return out;
    }
    case FileFormat::kStore: {
      SqliteStoreOptions options;
      options.read_only = true;
      options.lock_timeout = wait;
      absl::StatusOr<std::unique_ptr<SqliteCookieStore>> store =
          SqliteCookieStore::Open(path, options);
      if (!store.ok()) return store.status();
      // Every cookie of the profile, whatever the jar's own limits: then each
      // goes through the jar's checks.
      CookieJarOptions everything;
      everything.rules = BrowserRules::Unlimited();
      CookieJar staging(everything);
      AttachReport report;
      absl::StatusOr<size_t> loaded = (*store)->Attach(&staging, store_profile, &report);
      if (!loaded.ok()) return loaded.status();
      std::vector<std::string> problems;
      for (const CanonicalCookie& c : staging.GetAllCookies()) {
        const CookieInclusionStatus status = jar.ImportCookie(c);
        if (status.IsInclude()) {
          ++out.imported;
        } else if (status.Has(CookieExclusionReason::kExpired)) {
          ++out.expired;
        } else {
          ++out.refused;
          problems.push_back(absl::StrCat("not imported (", status.ToString(), "): ", c.name,
                                          " for ", c.host_only ? "" : ".", c.domain));
        }
      }
      out.expired += report.expired;
      out.refused += report.refused.size();
      for (const std::string& r : report.refused) problems.push_back(r);
      AddProblems(problems, 0, &out);
      return out;
    }
  }
  return absl::InvalidArgumentError("unknown format");
}

absl::StatusOr<ExportSummary> ExportFile(CookieJar& jar, const std::string& path,
                                         FileFormat format, const std::string& store_profile,
                                         absl::Duration wait) {
  const std::vector<CanonicalCookie> cookies = jar.GetAllCookies();
  ExportSummary out;
  switch (format) {
    case FileFormat::kFirefox:
    case FileFormat::kChromium:
      return absl::InvalidArgumentError(absl::StrCat(
          "cookiejar reads ", AbslView(FileFormatName(format)),
          " databases but does not write them; export to storage-state or cookies-txt"));
    case FileFormat::kStorageState:
    case FileFormat::kCookieEditor: {
      const JsonCookieFormat json_format = format == FileFormat::kStorageState
                                               ? JsonCookieFormat::kStorageState
                                               : JsonCookieFormat::kCookieEditor;
      absl::StatusOr<std::string> existing = ReadFile(path, kMaxTextFile);
      if (existing.ok()) {
        JsonCookiesReport report;
        if (!ParseJsonCookies(*existing, &report).ok() ||
            (report.entries > 0 && report.format != json_format)) {
          return absl::FailedPreconditionError(
              absl::StrCat(path, " is not a ", AbslView(JsonCookieFormatName(json_format)),
                           " file; it is left as it is"));
        }
      } else if (existing.status().code() != absl::StatusCode::kNotFound) {
        return existing.status();
      }
      JsonCookiesExport json =
          FormatJsonCookies(cookies, json_format, jar.rules().partition_ancestors);
      absl::Status status = WriteFileAtomically(path, json.text);
      if (!status.ok()) return status;
      out.written = json.written;
      out.losses = std::move(json.losses);
      return out;
    }
    case FileFormat::kCookiesTxt: {
      std::vector<CanonicalCookie> kept;
      for (const CanonicalCookie& c : cookies) {
        const std::string lost = CookiesTxtCannotHold(c);
        const std::string who = absl::StrCat(c.name, " for ", c.host_only ? "" : ".", c.domain);
        if (c.partition_key) {
          out.losses.push_back(who + ": left out (a cookies.txt cannot hold partitioned cookies)");
          continue;
        }
        if (!lost.empty())
          out.losses.push_back(who + ": loses " + lost + " (a cookies.txt cannot hold it)");
        kept.push_back(c);
      }
      absl::StatusOr<std::string> existing = ReadFile(path, kMaxTextFile);
      if (existing.ok() && !LooksLikeCookiesTxt(*existing)) {
        return absl::FailedPreconditionError(path +
                                             " is not a cookies.txt file; it is left as it is");
      }
      if (!existing.ok() && existing.status().code() != absl::StatusCode::kNotFound) {
        return existing.status();
      }
      absl::Status status = WriteFileAtomically(path, FormatCookiesTxt(kept));
      if (!status.ok()) return status;
      out.written = kept.size();
      return out;
    }
    case FileFormat::kStore: {
      SqliteStoreOptions options;
      options.persist_session_cookies = true;
      options.lock_timeout = wait;
      options.max_pending = SIZE_MAX;  // An export is whole or nothing.
      absl::StatusOr<std::unique_ptr<SqliteCookieStore>> store =
          SqliteCookieStore::Open(path, options);
      if (!store.ok()) return store.status();
      CookieJarOptions everything;
      everything.rules = BrowserRules::Unlimited();
      CookieJar target(everything);
      absl::StatusOr<size_t> loaded = (*store)->Attach(&target, store_profile);
      if (!loaded.ok()) return loaded.status();
      target.DeleteAll();
      for (const CanonicalCookie& c : cookies) {
        if (target.ImportCookie(c).IsInclude()) ++out.written;
      }
      absl::Status flushed = (*store)->Flush();
      if (!flushed.ok()) {
        (*store)->DiscardPending();
        return absl::Status(flushed.code(), absl::StrCat(flushed.message(), "; nothing was saved"));
      }
      return out;
    }
  }
  return absl::InvalidArgumentError("unknown format");
}

}  // namespace cookiejar
