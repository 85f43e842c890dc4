// FindBrowserDatabases: the profiles of the browsers installed for a user on
// Linux, as each browser finds them itself (browser_databases.h).

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/absl_view.h"
#include "cookiejar/formats/browser_databases.h"

namespace cookiejar {
namespace {

namespace fs = std::filesystem;

// profiles.ini and Local State are small; a larger file is not the browser's.
constexpr uintmax_t kMaxConfigBytes = 16 << 20;

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The whole file, or "" when it is missing, unreadable or too large.
std::string ReadSmallFile(const std::string& path) {
  std::error_code error;
  const uintmax_t size = fs::file_size(path, error);
  if (error || size > kMaxConfigBytes || !IsFile(path)) return "";
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

struct Folders {
  std::string home;
  std::string config;  // $XDG_CONFIG_HOME or home/.config.
};

absl::StatusOr<Folders> FoldersFor(const BrowserSearchOptions& options) {
  Folders folders;
  if (!options.home.empty()) {
    folders.home = options.home;
    folders.config = options.home + "/.config";
    return folders;
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    return absl::FailedPreconditionError("HOME is not set: no home folder to find browsers in");
  }
  folders.home = home;
  const char* config = std::getenv("XDG_CONFIG_HOME");
  // The XDG rule: only an absolute path counts.
  folders.config = config != nullptr && config[0] == '/' ? config : folders.home + "/.config";
  return folders;
}

// ---- Firefox -------------------------------------------------------------------

// The sections of an INI file, each a map of its keys.
std::vector<std::pair<std::string, std::map<std::string, std::string>>> ParseIni(
    const std::string& text) {
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> sections;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line[0] == ';' || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      sections.emplace_back(std::string(line.substr(1, line.size() - 2)),
                            std::map<std::string, std::string>());
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos || sections.empty()) continue;
    sections.back().second[std::string(absl::StripAsciiWhitespace(line.substr(0, eq)))] =
        std::string(absl::StripAsciiWhitespace(line.substr(eq + 1)));
  }
  return sections;
}

void FindFirefox(const Folders& folders, std::vector<BrowserDatabaseLocation>* out) {
  for (const std::string& root :
       {folders.home + "/.mozilla/firefox", folders.home + "/snap/firefox/common/.mozilla/firefox",
        folders.home + "/.var/app/org.mozilla.firefox/.mozilla/firefox"}) {
    const std::string ini = ReadSmallFile(root + "/profiles.ini");
    if (ini.empty()) continue;
    std::string install_default;  // A path as written in profiles.ini.
    std::vector<BrowserDatabaseLocation> found;
    std::vector<std::string> relative_paths;
    std::string marked_default;
    for (const auto& [name, keys] : ParseIni(ini)) {
      auto get = [&keys = keys](const char* key) {
        auto it = keys.find(key);
        return it == keys.end() ? std::string() : it->second;
      };
      if (absl::StartsWith(name, "Install")) {
        if (install_default.empty()) install_default = get("Default");
        continue;
      }
      if (!absl::StartsWith(name, "Profile")) continue;
      const std::string path = get("Path");
      if (path.empty()) continue;
      const bool relative = get("IsRelative") != "0";
      BrowserDatabaseLocation location;
      location.browser = "firefox";
      location.profile = relative ? path : fs::path(path).filename().string();
      location.display_name = get("Name");
      location.path = (relative ? root + "/" + path : path) + "/cookies.sqlite";
      if (get("Default") == "1") marked_default = path;
      relative_paths.push_back(path);
      found.push_back(std::move(location));
    }
    const std::string chosen = !install_default.empty() ? install_default
                               : !marked_default.empty() ? marked_default
                               : found.size() == 1      ? relative_paths[0]
                                                        : "";
    for (size_t i = 0; i < found.size(); ++i) {
      found[i].is_default = relative_paths[i] == chosen;
      if (IsFile(found[i].path)) out->push_back(std::move(found[i]));
    }
  }
}

// ---- Chromium and Chrome -----------------------------------------------------------

// The cookie database of a profile folder, or "".
std::string ChromiumCookies(const std::string& profile_dir) {
  for (const char* name : {"/Network/Cookies", "/Cookies"}) {
    if (IsFile(profile_dir + name)) return profile_dir + name;
  }
  return "";
}

void FindChromium(const std::string& browser, const std::vector<std::string>& roots,
                  std::vector<BrowserDatabaseLocation>* out) {
  for (const std::string& root : roots) {
    if (!IsDirectory(root)) continue;
    std::map<std::string, std::string> names;  // Folder -> display name.
    std::string last_used;
    const nlohmann::json state =
        nlohmann::json::parse(ReadSmallFile(root + "/Local State"), nullptr, false);
    if (state.is_object() && state.contains("profile") && state["profile"].is_object()) {
      const nlohmann::json& profile = state["profile"];
      if (profile.contains("last_used") && profile["last_used"].is_string()) {
        last_used = profile["last_used"].get<std::string>();
      }
      if (profile.contains("info_cache") && profile["info_cache"].is_object()) {
        for (const auto& [folder, info] : profile["info_cache"].items()) {
          names[folder] = info.is_object() && info.contains("name") && info["name"].is_string()
                              ? info["name"].get<std::string>()
                              : "";
        }
      }
    }
    // Folders Local State does not list (or no Local State): "Default" and
    // "Profile N", as Chromium names them.
    std::error_code error;
    for (const fs::directory_entry& entry : fs::directory_iterator(root, error)) {
      const std::string folder = entry.path().filename().string();
      if ((folder == "Default" || absl::StartsWith(folder, "Profile ")) && !names.count(folder)) {
        names[folder] = "";
      }
    }
    if (last_used.empty() || !names.count(last_used)) last_used = "Default";
    for (const auto& [folder, display_name] : names) {
      if (folder.find('/') != std::string::npos || folder == "." || folder == "..") continue;
      BrowserDatabaseLocation location;
      location.browser = browser;
      location.profile = folder;
      location.display_name = display_name;
      location.path = ChromiumCookies(root + "/" + folder);
      location.is_default = folder == last_used;
      if (!location.path.empty()) out->push_back(std::move(location));
    }
  }
}

}  // namespace

std::vector<std::string> KnownBrowsers() { return {"firefox", "chromium", "chrome"}; }

absl::StatusOr<std::vector<BrowserDatabaseLocation>> FindBrowserDatabases(
    std::string_view browser, const BrowserSearchOptions& options) {
  const std::vector<std::string> known = KnownBrowsers();
  if (!browser.empty() && std::find(known.begin(), known.end(), browser) == known.end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown browser \"", AbslView(browser),
                                                   "\" (", absl::StrJoin(known, ", "), ")"));
  }
  absl::StatusOr<Folders> folders = FoldersFor(options);
  if (!folders.ok()) return folders.status();
  std::vector<BrowserDatabaseLocation> out;
  for (const std::string& name : known) {
    if (!browser.empty() && browser != name) continue;
    std::vector<BrowserDatabaseLocation> found;
    if (name == "firefox") {
      FindFirefox(*folders, &found);
    } else if (name == "chromium") {
      FindChromium(name,
                   {folders->config + "/chromium", folders->home + "/snap/chromium/common/chromium",
                    folders->home + "/.var/app/org.chromium.Chromium/config/chromium"},
                   &found);
    } else {
      FindChromium(name,
                   {folders->config + "/google-chrome",
                    folders->home + "/.var/app/com.google.Chrome/config/google-chrome"},
                   &found);
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const BrowserDatabaseLocation& a, const BrowserDatabaseLocation& b) {
                       return a.is_default > b.is_default;
                     });
    for (BrowserDatabaseLocation& location : found) out.push_back(std::move(location));
  }
  return out;
}

absl::StatusOr<BrowserDatabaseLocation> FindBrowserDatabase(std::string_view browser,
                                                            std::string_view profile,
                                                            const BrowserSearchOptions& options) {
  if (browser.empty()) return absl::InvalidArgumentError("no browser named");
  absl::StatusOr<std::vector<BrowserDatabaseLocation>> all =
      FindBrowserDatabases(browser, options);
  if (!all.ok()) return all.status();
  std::vector<std::string> names;
  for (const BrowserDatabaseLocation& location : *all) {
    if (profile.empty() ? location.is_default
                        : (location.profile == profile || location.display_name == profile)) {
      return location;
    }
    names.push_back(location.display_name.empty()
                        ? location.profile
                        : absl::StrCat(location.profile, " (", location.display_name, ")"));
  }
  absl::StatusOr<Folders> folders = FoldersFor(options);
  const std::string where = folders.ok() ? folders->home : "";
  if (names.empty()) {
    return absl::NotFoundError(absl::StrCat("no ", AbslView(browser),
                                            " profile with a cookie database under ", where));
  }
  return absl::NotFoundError(absl::StrCat(
      profile.empty() ? absl::StrCat("no default ", AbslView(browser), " profile")
                      : absl::StrCat("no ", AbslView(browser), " profile \"", AbslView(profile),
                                     "\""),
      " under ", where, "; there are: ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<BrowserImport> ImportBrowser(std::string_view browser, std::string_view profile,
                                            CookieJar* jar, const BrowserDatabaseOptions& options,
                                            const BrowserSearchOptions& search) {
  absl::StatusOr<BrowserDatabaseLocation> location = FindBrowserDatabase(browser, profile, search);
  if (!location.ok()) return location.status();
  BrowserDatabaseOptions read = options;
  // The folder's name need not say whose it is (Snap, Flatpak): the
  // browser that was searched for does.
  if (read.keyring_applications.empty() && location->browser != "firefox") {
    read.keyring_applications = {location->browser};
  }
  absl::StatusOr<BrowserDatabaseReport> report = ImportBrowserDatabase(location->path, jar, read);
  if (!report.ok()) return report.status();
  return BrowserImport{*std::move(location), *std::move(report)};
}

}  // namespace cookiejar
