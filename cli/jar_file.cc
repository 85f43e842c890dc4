#include "cli/jar_file.h"

#include <sys/stat.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "cli/terminal_text.h"

namespace cookiejar {
namespace {

bool IsEviction(CookieChangeCause cause) {
  return cause == CookieChangeCause::kEvictedSite || cause == CookieChangeCause::kEvictedGlobal ||
         cause == CookieChangeCause::kEvictedPartition;
}

// At most this many lines about one file, then a count.
constexpr size_t kMaxNotes = 10;

void AddNotes(const std::string& path, const std::vector<std::string>& lines,
              std::vector<std::string>* notes) {
  for (size_t i = 0; i < lines.size() && i < kMaxNotes; ++i) {
    notes->push_back(absl::StrCat(Printable(path, 200), ": ", Printable(lines[i], 200)));
  }
  if (lines.size() > kMaxNotes) {
    notes->push_back(absl::StrCat(Printable(path, 200), ": ... and ", lines.size() - kMaxNotes,
                                  " more"));
  }
}

}  // namespace

bool IsCookiesTxtPath(const std::string& path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".txt") == 0;
}

absl::StatusOr<std::unique_ptr<JarFile>> JarFile::Open(const Options& options,
                                                       std::vector<std::string>* notes) {
  std::unique_ptr<JarFile> file(new JarFile(options));
  file->jar_ = std::make_unique<CookieJar>(options.jar_options);
  JarFile* self = file.get();
  file->listener_ = file->jar_->AddChangeListener([self](const CookieChange& change) {
    if (self->loaded_.load()) {
      ++self->changes_;
    } else if (IsEviction(change.cause)) {
      ++self->evicted_on_load_;
    }
  });
  if (options.path.empty()) {
    file->loaded_ = true;
    return file;
  }
  const std::string shown = Printable(options.path, 200);
  struct stat st;
  if (!options.write && stat(options.path.c_str(), &st) != 0 && errno == ENOENT) {
    notes->push_back(absl::StrCat(shown, " does not exist (yet): the jar is empty"));
    file->loaded_ = true;
    return file;
  }
  if (IsCookiesTxtPath(options.path)) {
    CookiesTxtFile::Options txt_options;
    txt_options.read_only = !options.write;
    txt_options.lock_timeout = options.wait;
    absl::StatusOr<std::unique_ptr<CookiesTxtFile>> txt =
        CookiesTxtFile::Open(options.path, txt_options);
    if (!txt.ok()) return txt.status();
    file->txt_ = *std::move(txt);
    CookiesTxtReport report = file->txt_->Load(file->jar_.get());
    std::vector<std::string> lines;
    for (const std::string& error : report.errors) {
      lines.push_back(absl::StrCat(error, error.find("expired") != std::string::npos
                                              ? ""
                                              : " (not loaded; kept in the file)"));
    }
    AddNotes(options.path, lines, notes);
  } else {
    SqliteStoreOptions store_options;
    store_options.persist_session_cookies = true;  // One CLI session spans many calls.
    store_options.read_only = !options.write;
    store_options.lock_timeout = options.wait;
    // Only Save writes: a background flush could write what loading queued
    // (evictions) before the command knows whether it changes anything.
    store_options.flush_batch = SIZE_MAX;
    store_options.flush_interval = absl::Hours(24 * 365);
    // The queue holds only this command's own changes, all written by Save.
    store_options.max_pending = SIZE_MAX;
    absl::StatusOr<std::unique_ptr<SqliteCookieStore>> store =
        SqliteCookieStore::Open(options.path, store_options);
    if (!store.ok()) return store.status();
    file->store_ = *std::move(store);
    AttachReport report;
    absl::StatusOr<size_t> loaded =
        file->store_->Attach(file->jar_.get(), options.store_profile, &report);
    if (!loaded.ok()) return loaded.status();
    if (!report.refused.empty()) {
      notes->push_back(absl::StrCat(shown, ": ", report.refused.size(),
                                    " cookies not loaded under the ", options.rules_name,
                                    " rules (kept in the file):"));
      AddNotes(options.path, report.refused, notes);
    }
  }
  if (const size_t evicted = file->evicted_on_load_.load()) {
    notes->push_back(absl::StrCat(
        shown, ": ", evicted, " cookies are over the ", options.rules_name,
        " limits and were evicted on loading",
        options.write ? " (the file loses them only if this command saves a change)"
                      : " (the file is unchanged)"));
  }
  file->loaded_ = true;
  return file;
}

JarFile::~JarFile() {
  // Nothing changed: whatever loading queued (evictions, expired rows) is
  // not written either.
  if (store_ && changes_.load() == 0) store_->DiscardPending();
  store_.reset();
  if (jar_) jar_->RemoveChangeListener(listener_);
}

absl::Status JarFile::Save() {
  if (changes_.load() == 0 || !kept()) return absl::OkStatus();
  if (!options_.write) {
    return absl::FailedPreconditionError(
        absl::StrCat(options_.path, " was opened for reading only"));
  }
  if (txt_) return txt_->Save(*jar_);
  if (store_) {
    absl::Status status = store_->Flush();
    if (!status.ok()) store_->DiscardPending();
    return status;
  }
  return absl::OkStatus();
}

bool JarFile::IsThisFile(const std::string& path) const {
  struct stat a, b;
  return kept() && stat(options_.path.c_str(), &a) == 0 && stat(path.c_str(), &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace cookiejar
