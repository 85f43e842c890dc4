// cookiejar: the cookie jar from the command line. `cookiejar help` lists the
// commands; state is kept between calls with --jar FILE.

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/har_replay.h"
#include "cookiejar/canonical_host.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "cookiejar/sqlite_cookie_store.h"
#include "cookiejar/public_suffix_list.h"

namespace cookiejar {
namespace {

constexpr char kUsage[] =
    "usage: cookiejar [--jar FILE] [--profile NAME] [--browser NAME] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  get URL [--script]        the Cookie header a browser would send to URL\n"
    "  set URL SET-COOKIE...     store Set-Cookie header values received from URL\n"
    "  list                      the jar as a table\n"
    "  explain URL               every cookie, and whether and why it goes to URL\n"
    "  import FILE               load cookies.txt (FILE.txt) or a cookiejar store (other)\n"
    "  export FILE               write cookies.txt (FILE.txt) or a cookiejar store (other)\n"
    "  end-session               drop session cookies (the browser closed)\n"
    "  clear                     delete every cookie\n"
    "  replay FILE.har           compare a browser's HAR capture with this jar\n"
    "  psl HOST...               public suffix and registrable domain of hosts\n"
    "  help [COMMAND]            this text, or a command's\n"
    "\n"
    "options:\n"
    "  --jar FILE      keep the jar in FILE between calls: a cookies.txt when FILE\n"
    "                  ends in .txt, else a cookiejar SQLite store (all fields,\n"
    "                  session cookies included). Without --jar nothing is kept.\n"
    "  --profile NAME  limits and eviction: chromium (default), firefox,\n"
    "                  rfc6265-minimum or unlimited\n"
    "  --browser NAME  the profile inside a store (default: \"default\"); profiles\n"
    "                  never share cookies\n"
    "\n"
    "example:\n"
    "  cookiejar --jar bank.db set https://bank.example/login 'sessionid=abc; Secure; HttpOnly'\n"
    "  cookiejar --jar bank.db get https://bank.example/transfer\n";

const std::map<std::string, std::string>& CommandHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"get",
       "usage: cookiejar [--jar FILE] get URL [--script]\n"
       "Prints the Cookie header value a browser would send to URL (nothing when it\n"
       "would send none). With --script, what document.cookie shows instead (no\n"
       "HttpOnly cookies). The request is a top-level navigation typed by the user.\n"},
      {"set",
       "usage: cookiejar [--jar FILE] set URL SET-COOKIE...\n"
       "Stores each Set-Cookie header value as received from URL, and prints what\n"
       "happened to it. Exits with 1 if any was refused.\n"},
      {"list",
       "usage: cookiejar [--jar FILE] list\n"
       "Prints the jar as a table: domain (a leading dot for domain cookies), path,\n"
       "name, value (shortened), expiry and flags.\n"},
      {"explain",
       "usage: cookiejar [--jar FILE] explain URL\n"
       "Lists every cookie in the jar with whether it would be sent to URL and, if\n"
       "not, why.\n"},
      {"import",
       "usage: cookiejar [--jar FILE] import SOURCE\n"
       "Adds the cookies of SOURCE: a cookies.txt (curl, wget, browser exports) when\n"
       "it ends in .txt, else a cookiejar store (its --browser profile). Bad lines\n"
       "are reported with their number and skipped.\n"},
      {"export",
       "usage: cookiejar [--jar FILE] export DEST\n"
       "Writes the jar to DEST: cookies.txt when it ends in .txt (replaced\n"
       "atomically), else a cookiejar store (the --browser profile).\n"},
      {"end-session", "usage: cookiejar [--jar FILE] end-session\nDrops the session cookies.\n"},
      {"clear", "usage: cookiejar [--jar FILE] clear\nDeletes every cookie.\n"},
      {"replay",
       "usage: cookiejar replay FILE.har [--verbose]\n"
       "Replays a HAR capture through a fresh jar: each response's Set-Cookie goes\n"
       "in, and each request's Cookie header is compared with what the jar would\n"
       "send. Prints a summary and every difference with its reason (all of them\n"
       "with --verbose, else the first 20). Exits with 1 when headers differ.\n"},
      {"psl",
       "usage: cookiejar psl [--icann-only] [--list FILE] HOST...\n"
       "Shows each host's canonical form, public suffix and registrable domain.\n"
       "--icann-only ignores the list's PRIVATE section; --list reads a\n"
       "public_suffix_list.dat instead of the built-in one.\n"},
  };
  return *help;
}

int Fail(const std::string& message, int code = 1) {
  std::cerr << "cookiejar: " << message << "\n";
  return code;
}

int UsageError(const std::string& message) {
  std::cerr << "cookiejar: " << message << "\n\n" << kUsage;
  return 2;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Terminal columns of UTF-8 text (one per code point).
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
}

std::string Shorten(const std::string& value, size_t max) {
  if (DisplayWidth(value) <= max) return value;
  return value.substr(0, max - 3) + "...";
}

std::string Flags(const CanonicalCookie& c) {
  std::vector<std::string> flags;
  if (c.secure) flags.push_back("Secure");
  if (c.http_only) flags.push_back("HttpOnly");
  if (c.same_site != CookieSameSite::kUnspecified) {
    flags.push_back(absl::StrCat("SameSite=", std::string(SameSiteName(c.same_site))));
  }
  if (c.priority != CookiePriority::kMedium) {
    flags.push_back(absl::StrCat("Priority=", std::string(PriorityName(c.priority))));
  }
  if (c.partition_key) flags.push_back("Partitioned(" + c.partition_key->ToString() + ")");
  std::string joined;
  for (const std::string& f : flags) joined += (joined.empty() ? "" : " ") + f;
  return joined;
}

std::string Reasons(const CookieInclusionStatus& status) {
  if (status.IsInclude()) return "sent";
  std::string text = "not sent: ";
  bool first = true;
  for (int r = 0; r < static_cast<int>(CookieExclusionReason::kNumReasons); ++r) {
    const auto reason = static_cast<CookieExclusionReason>(r);
    if (!status.Has(reason)) continue;
    absl::StrAppend(&text, first ? "" : "; ", std::string(ExclusionReasonDescription(reason)));
    first = false;
  }
  return text;
}

// The jar of this invocation and where it is kept.
class Session {
 public:
  absl::Status Open(const std::string& jar_file, const std::string& browser, CookieJarOptions options) {
    jar_ = std::make_unique<CookieJar>(options);
    file_ = jar_file;
    browser_ = browser;
    if (file_.empty()) return absl::OkStatus();
    if (EndsWith(file_, ".txt")) {
      if (access(file_.c_str(), F_OK) != 0) return absl::OkStatus();  // Created on save.
      absl::StatusOr<CookiesTxtReport> report = ImportCookiesTxt(file_, jar_.get());
      if (!report.ok()) return report.status();
      for (const std::string& error : report->errors) std::cerr << file_ << ": " << error << "\n";
      return absl::OkStatus();
    }
    SqliteStoreOptions store_options;
    store_options.persist_session_cookies = true;  // One CLI session spans many calls.
    absl::StatusOr<std::unique_ptr<SqliteCookieStore>> store =
        SqliteCookieStore::Open(file_, store_options);
    if (!store.ok()) return store.status();
    store_ = *std::move(store);
    return store_->Attach(jar_.get(), browser_).status();
  }

  // Keeps the jar's state; for .txt files, rewrites the file.
  absl::Status Save() {
    if (file_.empty()) return absl::OkStatus();
    if (store_) return store_->Flush();
    return ExportCookiesTxt(*jar_, file_);
  }

  CookieJar& jar() { return *jar_; }
  bool kept() const { return !file_.empty(); }
  const std::string& browser() const { return browser_; }

 private:
  std::unique_ptr<CookieJar> jar_;
  std::unique_ptr<SqliteCookieStore> store_;  // Declared after jar_: destroyed first.
  std::string file_;
  std::string browser_;
};

absl::StatusOr<Url> ParseUrlArg(const std::string& text) { return Url::Parse(text); }

int Get(Session& session, const std::vector<std::string>& args) {
  bool script = false;
  std::vector<std::string> rest;
  for (const std::string& a : args) {
    if (a == "--script") {
      script = true;
    } else {
      rest.push_back(a);
    }
  }
  if (rest.size() != 1) return UsageError("get needs one URL");
  absl::StatusOr<Url> url = ParseUrlArg(rest[0]);
  if (!url.ok()) return Fail(std::string(url.status().message()));
  CookieOptions options = script ? CookieOptions::Script() : CookieOptions();
  options.top_level_navigation = !script;
  const std::string header = session.jar().GetCookieHeader(*url, options);
  if (!header.empty()) std::cout << header << "\n";
  absl::Status saved = session.Save();  // Last-access times.
  return saved.ok() ? 0 : Fail(std::string(saved.message()));
}

int Set(Session& session, const std::vector<std::string>& args) {
  if (args.size() < 2) return UsageError("set needs a URL and at least one Set-Cookie value");
  absl::StatusOr<Url> url = ParseUrlArg(args[0]);
  if (!url.ok()) return Fail(std::string(url.status().message()));
  CookieOptions options;
  options.top_level_navigation = true;
  int status = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    CookieInclusionStatus result = session.jar().SetCookie(*url, args[i], options);
    if (result.IsInclude()) {
      std::cout << "stored: " << args[i] << "\n";
    } else {
      std::cout << "refused (" << result.ToString() << "): " << args[i] << "\n";
      status = 1;
    }
  }
  if (!session.kept()) std::cerr << "cookiejar: no --jar FILE, so nothing is kept\n";
  absl::Status saved = session.Save();
  return saved.ok() ? status : Fail(std::string(saved.message()));
}

int List(Session& session) {
  std::vector<std::vector<std::string>> rows = {
      {"domain", "path", "name", "value", "expires (UTC)", "flags"}};
  for (const CanonicalCookie& c : session.jar().GetAllCookies()) {
    rows.push_back({(c.host_only ? "" : ".") + HostToUnicode(c.domain), c.path, c.name,
                    Shorten(c.value, 32),
                    c.IsPersistent()
                        ? absl::FormatTime("%Y-%m-%d %H:%M:%S", c.expiry, absl::UTCTimeZone())
                        : "session",
                    Flags(c)});
  }
  if (rows.size() == 1) {
    std::cout << "(the jar is empty)\n";
    return 0;
  }
  PrintTable(rows);
  return 0;
}

int Explain(Session& session, const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageError("explain needs one URL");
  absl::StatusOr<Url> url = ParseUrlArg(args[0]);
  if (!url.ok()) return Fail(std::string(url.status().message()));
  CookieOptions options;
  options.top_level_navigation = true;
  std::vector<std::vector<std::string>> rows = {{"name", "domain", "path", "verdict"}};
  for (const CookieJar::Explanation& e : session.jar().Explain(*url, options)) {
    rows.push_back({e.cookie.name, (e.cookie.host_only ? "" : ".") + e.cookie.domain,
                    e.cookie.path, Reasons(e.status)});
  }
  if (rows.size() == 1) {
    std::cout << "(the jar is empty)\n";
    return 0;
  }
  PrintTable(rows);
  return 0;
}

int Import(Session& session, const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageError("import needs one file");
  const std::string& source = args[0];
  size_t imported = 0;
  if (EndsWith(source, ".txt")) {
    absl::StatusOr<CookiesTxtReport> report = ImportCookiesTxt(source, &session.jar());
    if (!report.ok()) return Fail(std::string(report.status().message()));
    for (const std::string& error : report->errors) std::cerr << source << ": " << error << "\n";
    imported = report->imported;
  } else {
    absl::StatusOr<std::unique_ptr<SqliteCookieStore>> store = SqliteCookieStore::Open(source);
    if (!store.ok()) return Fail(std::string(store.status().message()));
    CookieJar staging;
    absl::StatusOr<size_t> loaded = (*store)->Attach(&staging, session.browser());
    if (!loaded.ok()) return Fail(std::string(loaded.status().message()));
    for (const CanonicalCookie& c : staging.GetAllCookies()) {
      imported += session.jar().ImportCookie(c).IsInclude();
    }
  }
  std::cout << "imported " << imported << " cookies\n";
  absl::Status saved = session.Save();
  return saved.ok() ? 0 : Fail(std::string(saved.message()));
}

int Export(Session& session, const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageError("export needs one file");
  const std::string& dest = args[0];
  const std::vector<CanonicalCookie> cookies = session.jar().GetAllCookies();
  if (EndsWith(dest, ".txt")) {
    absl::Status status = ExportCookiesTxt(session.jar(), dest);
    if (!status.ok()) return Fail(std::string(status.message()));
  } else {
    SqliteStoreOptions options;
    options.persist_session_cookies = true;
    absl::StatusOr<std::unique_ptr<SqliteCookieStore>> store = SqliteCookieStore::Open(dest, options);
    if (!store.ok()) return Fail(std::string(store.status().message()));
    CookieJarOptions unlimited;
    unlimited.limits = CookieLimits::Unlimited();
    CookieJar target(unlimited);
    absl::StatusOr<size_t> loaded = (*store)->Attach(&target, session.browser());
    if (!loaded.ok()) return Fail(std::string(loaded.status().message()));
    target.DeleteAll();
    for (const CanonicalCookie& c : cookies) target.ImportCookie(c);
    absl::Status flushed = (*store)->Flush();
    if (!flushed.ok()) return Fail(std::string(flushed.message()));
  }
  std::cout << "exported " << cookies.size() << " cookies to " << dest << "\n";
  return 0;
}

int Replay(const std::vector<std::string>& args, const CookieJarOptions& options) {
  bool verbose = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--verbose") {
      verbose = true;
    } else {
      files.push_back(a);
    }
  }
  if (files.size() != 1) return UsageError("replay needs one HAR file");
  std::ifstream file(files[0], std::ios::binary);
  if (!file) return Fail("cannot open " + files[0]);
  std::stringstream text;
  text << file.rdbuf();
  const bool show_progress = isatty(STDERR_FILENO);
  absl::StatusOr<HarReplayResult> result = ReplayHar(
      text.str(), options, [&](size_t done, size_t total) {
        if (show_progress && total > 1000) {
          std::cerr << "\rreplaying " << done << "/" << total << " entries" << std::flush;
          if (done == total) std::cerr << "\n";
        }
      });
  if (!result.ok()) return Fail(files[0] + ": " + std::string(result.status().message()));
  std::cout << absl::StrFormat(
      "%d entries, %d requests compared: %d identical, %d same cookies in another order, %d "
      "different\n",
      result->entries, result->requests, result->identical, result->same_cookies_other_order,
      result->differences.size());
  size_t shown = 0;
  for (const HarDifference& d : result->differences) {
    if (!verbose && shown++ == 20) {
      std::cout << "... " << result->differences.size() - 20 << " more (--verbose shows all)\n";
      break;
    }
    std::cout << "\nentry " << d.entry << ": " << d.method << " " << d.url << "\n"
              << "  browser: " << (d.browser_header.empty() ? "(no Cookie header)" : d.browser_header)
              << "\n  jar:     " << (d.jar_header.empty() ? "(no Cookie header)" : d.jar_header)
              << "\n";
    for (const std::string& detail : d.details) std::cout << "  - " << detail << "\n";
  }
  return result->differences.empty() ? 0 : 1;
}

int Psl(const std::vector<std::string>& args) {
  SuffixRules rules = SuffixRules::kIcannAndPrivate;
  std::unique_ptr<PublicSuffixList> loaded;
  std::vector<std::string> hosts;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--icann-only") {
      rules = SuffixRules::kIcannOnly;
    } else if (args[i] == "--list") {
      if (i + 1 == args.size()) return UsageError("--list needs a file");
      auto list = PublicSuffixList::Load(args[++i]);
      if (!list.ok()) return Fail(std::string(list.status().message()));
      loaded = *std::move(list);
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      return UsageError("unknown option " + args[i]);
    } else {
      hosts.push_back(args[i]);
    }
  }
  if (hosts.empty()) return UsageError("psl needs at least one host");
  const PublicSuffixList& psl = loaded ? *loaded : PublicSuffixList::Builtin();
  std::vector<std::vector<std::string>> rows = {
      {"host", "canonical", "public suffix", "registrable domain"}};
  int status = 0;
  for (const std::string& input : hosts) {
    absl::StatusOr<CanonicalHost> host = CanonicalizeHost(input);
    if (!host.ok()) {
      std::cerr << "cookiejar: " << host.status().message() << "\n";
      status = 1;
      continue;
    }
    std::vector<std::string> row = {input, host->name, "-", "-"};
    if (host->is_ip()) {
      row[2] = row[3] = "(IP address)";
    } else {
      std::string_view suffix = psl.PublicSuffix(host->name, rules);
      std::string_view registrable = psl.RegistrableDomain(host->name, rules);
      if (!suffix.empty()) row[2] = std::string(suffix);
      if (!registrable.empty()) row[3] = std::string(registrable);
    }
    rows.push_back(row);
  }
  if (rows.size() > 1) PrintTable(rows);
  return status;
}

int Main(int argc, char** argv) {
  std::string jar_file, browser = "default", command;
  CookieJarOptions options;
  std::vector<std::string> args;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--jar") {
      jar_file = value();
      if (jar_file.empty()) return UsageError("--jar needs a file");
    } else if (arg == "--browser") {
      browser = value();
      if (browser.empty()) return UsageError("--browser needs a name");
    } else if (arg == "--profile") {
      const std::string profile = value();
      if (profile == "chromium") {
        options.limits = CookieLimits::Chromium();
      } else if (profile == "firefox") {
        options.limits = CookieLimits::Firefox();
      } else if (profile == "rfc6265-minimum") {
        options.limits = CookieLimits::Rfc6265Minimum();
      } else if (profile == "unlimited") {
        options.limits = CookieLimits::Unlimited();
      } else {
        return UsageError("--profile must be chromium, firefox, rfc6265-minimum or unlimited");
      }
    } else if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (command.empty() && (arg.empty() || arg[0] != '-')) {
      command = arg;
    } else {
      args.push_back(arg);
    }
  }
  if (command == "help") {
    if (!args.empty() && CommandHelp().count(args[0])) {
      std::cout << CommandHelp().at(args[0]);
    } else {
      std::cout << kUsage;
    }
    return 0;
  }
  if (help || command.empty()) {
    if (CommandHelp().count(command)) {
      std::cout << CommandHelp().at(command);
    } else {
      std::cout << kUsage;
    }
    return command.empty() && !help ? 2 : 0;
  }
  if (command == "psl") return Psl(args);
  if (command == "replay") return Replay(args, options);
  if (!CommandHelp().count(command)) return UsageError("unknown command " + command);

  Session session;
  absl::Status opened = session.Open(jar_file, browser, options);
  if (!opened.ok()) return Fail(std::string(opened.message()));
  if (command == "get") return Get(session, args);
  if (command == "set") return Set(session, args);
  if (command == "list") return List(session);
  if (command == "explain") return Explain(session, args);
  if (command == "import") return Import(session, args);
  if (command == "export") return Export(session, args);
  if (command == "end-session" || command == "clear") {
    const size_t removed =
        command == "clear" ? session.jar().DeleteAll() : session.jar().EndSession();
    std::cout << "removed " << removed << " cookies\n";
    absl::Status saved = session.Save();
    return saved.ok() ? 0 : Fail(std::string(saved.message()));
  }
  return UsageError("unknown command " + command);
}

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) { return cookiejar::Main(argc, argv); }
