// The jar of one cookiejar run, kept between runs in a file named by --jar:
// a cookies.txt when the name ends in ".txt", else a cookiejar SQLite store.
//
// Commands that only read (get, list, explain, export) open the file
// read-only: they never write, take no exclusive lock and create nothing.
// Commands that change the jar hold the file's lock from opening to closing
// (waiting up to --wait for another process) and write only when the jar
// changed; evictions that the profile's limits make while loading are
// written with the first real change, never by a command that changed
// nothing.

#ifndef COOKIEJAR_CLI_JAR_FILE_H_
#define COOKIEJAR_CLI_JAR_FILE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"

namespace cookiejar {

class JarFile {
 public:
  struct Options {
    std::string path;           // "" keeps nothing: an empty jar for this run.
    std::string store_profile;  // The profile inside a store.
    std::string rules_name;     // The browser rules' name, for messages.
    bool write = false;
    absl::Duration wait = absl::Seconds(10);
    CookieJarOptions jar_options;
  };

  // Opens and loads the file; what loading left out is described in
  // `*notes` (lines for the user). Errors as CookiesTxtFile::Open and
  // SqliteCookieStore::Open give them.
  static absl::StatusOr<std::unique_ptr<JarFile>> Open(const Options& options,
                                                       std::vector<std::string>* notes);
  ~JarFile();

  CookieJar& jar() { return *jar_; }
  bool kept() const { return !options_.path.empty(); }
  bool is_txt() const { return txt_ != nullptr; }
  // Changes made to the jar since it was loaded.
  size_t changes() const { return changes_.load(); }

  // Writes the changes made since loading, if any (an error for a read-only
  // file that changed). On error nothing is written.
  absl::Status Save();

  // Whether `path` names this run's jar file (the same file, by identity).
  bool IsThisFile(const std::string& path) const;

 private:
  explicit JarFile(Options options) : options_(std::move(options)) {}

  const Options options_;
  std::unique_ptr<CookieJar> jar_;
  // Declared after the jar: closed before it.
  std::unique_ptr<SqliteCookieStore> store_;
  std::unique_ptr<CookiesTxtFile> txt_;
  std::atomic<bool> loaded_{false};
  std::atomic<size_t> changes_{0};
  std::atomic<size_t> evicted_on_load_{0};
  uint64_t listener_ = 0;
};

// True when `path` names a cookies.txt jar rather than a store.
bool IsCookiesTxtPath(const std::string& path);

}  // namespace cookiejar

#endif  // COOKIEJAR_CLI_JAR_FILE_H_
