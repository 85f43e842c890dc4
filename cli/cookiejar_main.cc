// cookiejar: the cookie jar from the command line. `cookiejar help` lists the
// commands; state is kept between calls with --jar FILE (cli/jar_file.h).

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "cli/exit_codes.h"
#include "cli/formats.h"
#include "cli/har_replay.h"
#include "cli/jar_file.h"
#include "cli/json_output.h"
#include "cli/response_headers.h"
#include "cli/standard_input.h"
#include "cli/terminal_text.h"
#include "common/absl_view.h"
#include "common/user_file.h"
#include "cookiejar/canonical_host.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "cookiejar/http_cookies.h"
#include "cookiejar/parsed_cookie.h"
#include "cookiejar/public_suffix_list.h"
#include "cookiejar/redirect_follower.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"

namespace cookiejar {
namespace {

// How much of a user's value an error message repeats.
constexpr size_t kShownChars = 80;

constexpr char kUsage[] =
    "usage: cookiejar [--jar FILE] [--profile NAME] [--rules BROWSER] [--wait SECONDS]\n"
    "                 [--json] COMMAND [ARGS]\n"
    "       cookiejar --version\n"
    "\n"
    "commands:\n"
    "  get URL [--script]        the Cookie header a browser would send to URL\n"
    "  set URL SET-COOKIE...     store Set-Cookie header values received from URL\n"
    "  ingest URL [--location]   store the cookies of the raw response headers on\n"
    "                            standard input (curl -D -), every redirect hop\n"
    "  list [--wide]             the jar as a table\n"
    "  explain URL               every cookie, and whether and why it goes to URL\n"
    "    (get, set and explain take the request's context: --top-level URL for a\n"
    "    subresource of that page, --initiator URL, --method METHOD)\n"
    "  import SOURCE [--format F]  add the cookies of a cookies.txt, a cookiejar\n"
    "                            store, a Firefox cookies.sqlite, a Chromium Cookies\n"
    "                            file, a storageState or cookie-editor JSON file\n"
    "  export DEST [--format F]  write the jar to a cookies.txt (DEST.txt), a\n"
    "                            storageState (DEST.json), a cookie-editor JSON or\n"
    "                            a cookiejar store (other names)\n"
    "  end-session               drop session cookies (the browser closed)\n"
    "  clear                     delete every cookie\n"
    "  replay FILE.har           compare a browser's HAR capture with this jar\n"
    "  psl HOST...               public suffix and registrable domain of hosts\n"
    "  help [COMMAND]            this text, or a command's\n"
    "\n"
    "options:\n"
    "  --jar FILE        keep the jar in FILE between calls: a cookies.txt when FILE\n"
    "                    ends in .txt, else a cookiejar SQLite store (all fields,\n"
    "                    session cookies included). Without --jar nothing is kept.\n"
    "                    Commands that only read never write the file; commands\n"
    "                    that change the jar lock it, so parallel calls are safe.\n"
    "  --profile NAME    the profile inside a store (default: \"default\"):\n"
    "                    profiles never share cookies\n"
    "  --rules BROWSER   the browser whose rules the jar follows: chromium\n"
    "                    (default), firefox, rfc6265-minimum or unlimited\n"
    "  --wait SECONDS    how long to wait for another process using the jar file\n"
    "                    (default 10; 0 fails at once)\n"
    "  --json            print one JSON document on stdout (docs/cli.md lists its\n"
    "                    fields); messages stay on stderr, exit codes are the same\n"
    "  --version         print the version\n"
    "  --                what follows is not an option (a Set-Cookie value that\n"
    "                    starts with '-')\n"
    "  -                 standard input, wherever a value or a file is read\n"
    "                    (set URL -, import -, replay -, psl --list -); read up to\n"
    "                    a limit (1 MiB of headers, 64 MiB for a file)\n"
    "  Old names, kept until 3.0: --emulate BROWSER is --rules BROWSER;\n"
    "  --browser NAME is --profile NAME; --profile chromium|firefox|\n"
    "  rfc6265-minimum|unlimited without --rules names a profile and warns that\n"
    "  the rules are chosen with --rules.\n"
    "\n"
    "exit codes:\n"
    "  0  done\n"
    "  1  the command said no: a cookie was refused, a URL or host is invalid,\n"
    "     replayed headers differ\n"
    "  2  wrong command line: unknown command or option, missing or extra argument\n"
    "  3  the jar file stayed in use by another process for longer than --wait\n"
    "  4  a file cannot be used: missing, unreadable, a link or a directory, not\n"
    "     a cookie jar, corrupted, or of a newer version\n"
    "  5  the change could not be saved (disk full, no permission); nothing was\n"
    "     changed\n"
    "\n"
    "example:\n"
    "  cookiejar --jar bank.db set https://bank.example/login 'sessionid=abc; Secure; HttpOnly'\n"
    "  cookiejar --jar bank.db get https://bank.example/transfer\n"
    "  cookiejar --jar session.db import ~/.mozilla/firefox/x.default/cookies.sqlite\n"
    "  cookiejar --jar session.db export state.json     # Playwright storageState\n"
    "  curl -s -o page.html -D - https://shop.example/ | cookiejar --jar shop.db ingest https://shop.example/\n";

enum class JarUse { kNone, kRead, kWrite };

// The request context of get, set and explain (RequestRead).
#define CLI_CONTEXT_OPTIONS "--top-level", "--initiator", "--method"
#define CLI_CONTEXT_HELP                                                                   \
  "CONTEXT: the request is a top-level navigation typed by the user, unless\n"        \
  "  --top-level URL   it is a subresource (image, script, fetch, frame) of the\n"   \
  "                    page URL (third-party when URL is of another site)\n"         \
  "  --initiator URL   the page that started it (a link, a form) is URL\n"           \
  "  --method METHOD   its HTTP method (default GET)\n"

struct Command {
  std::string name;
  std::string help;
  size_t min_args;
  size_t max_args;                  // SIZE_MAX: any number.
  std::set<std::string> flags;      // Command options without a value.
  std::set<std::string> valued;     // Command options with a value.
  JarUse jar;
};

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"get",
       "usage: cookiejar [--jar FILE] get URL [--script] [CONTEXT]\n"
       "Prints the Cookie header value a browser would send to URL (nothing when it\n"
       "would send none). With --script, what document.cookie shows instead (no\n"
       "HttpOnly cookies). Only reads the jar: last-access times are not written\n"
       "back.\n" CLI_CONTEXT_HELP,
       1, 1, {"--script"}, {CLI_CONTEXT_OPTIONS}, JarUse::kRead},
      {"set",
       "usage: cookiejar [--jar FILE] set URL SET-COOKIE... [CONTEXT]\n"
       "Stores each Set-Cookie header value as received from URL, and prints what\n"
       "happened to it. Exit code 1 if any was refused. A cookies.txt jar refuses\n"
       "cookies whose SameSite, Priority or partition it cannot keep.\n"
       "SET-COOKIE - reads the values from standard input, one a line (a leading\n"
       "\"Set-Cookie:\" is dropped; empty lines are skipped; at most 1 MiB).\n"
       CLI_CONTEXT_HELP,
       2, SIZE_MAX, {}, {CLI_CONTEXT_OPTIONS}, JarUse::kWrite},
      {"ingest",
       "usage: cookiejar [--jar FILE] ingest URL [--location]\n"
       "Reads the raw headers of HTTP responses from standard input, as\n"
       "`curl -D -` (or curl -i) writes them, and stores the Set-Cookie headers\n"
       "of each, with its Date header correcting Expires as browsers do. URL is\n"
       "the URL requested first; when curl followed redirects (-L), each\n"
       "further response is taken as the answer to its predecessor's Location.\n"
       "Interim responses (1xx) set no cookies; a 2xx response that other\n"
       "responses follow is a proxy's answer to CONNECT, and its cookies are the\n"
       "proxy's: skipped. A body after the last headers (curl -i) is ignored.\n"
       "Prints what happened to each cookie (exit code 1 if any was refused).\n"
       "With --location, prints only the URL the last response redirects to\n"
       "(its Location resolved; nothing when it is not a redirect), and refused\n"
       "cookies on stderr: the next URL of a shell loop that follows redirects\n"
       "with the jar's cookies on every hop (docs/cli.md). At most 1 MiB of\n"
       "headers is read.\n",
       1, 1, {"--location"}, {}, JarUse::kWrite},
      {"list",
       "usage: cookiejar [--jar FILE] list [--wide]\n"
       "Prints the jar as a table: domain (a leading dot for domain cookies, in\n"
       "ASCII: punycode for internationalized names), path, name, value, expiry and\n"
       "flags. Values longer than 32 characters (names 40, paths 60) are shortened\n"
       "unless --wide is given; --json always gives them whole. Control bytes are\n"
       "shown as \\xNN.\n",
       0, 0, {"--wide"}, {}, JarUse::kRead},
      {"explain",
       "usage: cookiejar [--jar FILE] explain URL [CONTEXT]\n"
       "Says what the jar decides about the request (its SameSite context, whether\n"
       "it is third-party, its partition), then lists every cookie in the jar with\n"
       "whether it would be sent to URL and, if not, why.\n" CLI_CONTEXT_HELP,
       1, 1, {}, {CLI_CONTEXT_OPTIONS}, JarUse::kRead},
      {"import",
       "usage: cookiejar --jar FILE import SOURCE [--format FORMAT]\n"
       "Adds the cookies of SOURCE to the jar. The format is read from the content\n"
       "unless --format says it: cookies-txt (curl, wget, browser extensions),\n"
       "store (a cookiejar store: its --profile), firefox (a profile's\n"
       "cookies.sqlite), chromium (a Chromium or Chrome profile's Cookies file;\n"
       "values encrypted with the keyring's key are reported and skipped),\n"
       "storage-state (Playwright, Puppeteer) or cookie-editor (a JSON array).\n"
       "Browser files are read from a private copy while the browser may run,\n"
       "and never changed. Every cookie passes the jar's Set-Cookie checks; what\n"
       "is refused is listed on stderr (exit code 1). Needs --jar: without it\n"
       "nothing would be kept. SOURCE - reads standard input (at most 64 MiB).\n",
       1, 1, {}, {"--format"}, JarUse::kWrite},
      {"export",
       "usage: cookiejar [--jar FILE] export DEST [--format FORMAT]\n"
       "Writes the jar to DEST, replaced atomically and readable by its owner only:\n"
       "a cookies.txt when DEST ends in .txt, a Playwright storageState when it\n"
       "ends in .json, else a cookiejar store (the --profile profile, replaced).\n"
       "--format cookies-txt, storage-state, cookie-editor or store chooses\n"
       "instead. Each cookie that loses something the format cannot hold\n"
       "(SameSite, Priority, a partition, bytes that are not UTF-8) is listed on\n"
       "stderr with what it loses. DEST may not be the jar itself, and an existing\n"
       "DEST must be a file of the same format.\n",
       1, 1, {}, {"--format"}, JarUse::kRead},
      {"end-session",
       "usage: cookiejar [--jar FILE] end-session\nDrops the session cookies.\n", 0, 0, {}, {},
       JarUse::kWrite},
      {"clear", "usage: cookiejar [--jar FILE] clear\nDeletes every cookie.\n", 0, 0, {}, {},
       JarUse::kWrite},
      {"replay",
       "usage: cookiejar replay FILE.har [--verbose]\n"
       "Replays a HAR capture through a fresh jar: each response's Set-Cookie goes\n"
       "in, and each request's Cookie header is compared with what the jar would\n"
       "send. Prints a summary and every difference with its reason (all of them\n"
       "with --verbose, else the first 20). Exit code 1 when headers differ.\n",
       1, 1, {"--verbose"}, {}, JarUse::kNone},
      {"psl",
       "usage: cookiejar psl [--icann-only] [--list FILE] HOST...\n"
       "Shows each host's canonical form, public suffix and registrable domain.\n"
       "--icann-only ignores the list's PRIVATE section; --list reads a\n"
       "public_suffix_list.dat instead of the built-in one.\n",
       1, SIZE_MAX, {"--icann-only"}, {"--list"}, JarUse::kNone},
      {"help",
       "usage: cookiejar help [COMMAND]\nPrints the general help (with the exit codes), or a "
       "command's.\n",
       0, 1, {}, {}, JarUse::kNone},
  };
  return *commands;
}

const Command* FindCommand(const std::string& name) {
  for (const Command& command : Commands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// A status's message, ready to print.
std::string Message(const absl::Status& status, size_t max_chars = 400) {
  return Printable(std::string_view(status.message().data(), status.message().size()), max_chars);
}

// The name of an exit code in --json output ("error": {"kind"}).
std::string_view ExitCodeName(int code) {
  switch (code) {
    case kExitOk: return "done";
    case kExitRefused: return "refused";
    case kExitUsage: return "usage";
    case kExitBusy: return "busy";
    case kExitBadFile: return "bad_file";
    case kExitNotSaved: return "not_saved";
  }
  return "unknown";
}

// With --json, a run prints one document on stdout, whatever happens: the
// command's result (Reply), and the error that ended the run, if one did,
// as "error": {"exit_code", "kind", "message"} beside it (a change made and
// then not saved has both). Printed once, when the run ends (FinishJson).
struct JsonReply {
  bool on = false;
  std::optional<nlohmann::json> document;
  std::optional<nlohmann::json> error;
};
JsonReply& TheReply() {
  static JsonReply* reply = new JsonReply;
  return *reply;
}

void Reply(nlohmann::json document) { TheReply().document = std::move(document); }

int Fail(const std::string& message, int code) {
  std::cerr << "cookiejar: " << message << "\n";
  JsonReply& reply = TheReply();
  if (reply.on && !reply.error) {
    nlohmann::json error = nlohmann::json::object();
    error["exit_code"] = code;
    error["kind"] = std::string(ExitCodeName(code));
    SetText(error, "message", message);
    reply.error = std::move(error);
  }
  return code;
}

int UsageError(const std::string& message) {
  Fail(message, kExitUsage);
  std::cerr << "(cookiejar help lists the commands and options)\n";
  return kExitUsage;
}

// Prints the --json document of a run that ends with `code`.
int FinishJson(int code) {
  JsonReply& reply = TheReply();
  if (!reply.on) return code;
  if (!reply.error && code != kExitOk && !reply.document) {
    Fail(absl::StrCat("failed (exit code ", code, ")"), code);
  }
  nlohmann::json document = reply.document ? *std::move(reply.document) : nlohmann::json::object();
  if (reply.error) document["error"] = *std::move(reply.error);
  PrintJson(document);
  return code;
}

// The exit code for a file that could not be opened or loaded.
int FileError(const absl::Status& status) {
  return Fail(Message(status, 400),
              status.code() == absl::StatusCode::kUnavailable ? kExitBusy : kExitBadFile);
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
  return absl::StrJoin(flags, " ");
}

std::string Reasons(const CookieInclusionStatus& status) {
  if (status.IsInclude()) return "sent";
  std::vector<std::string> reasons;
  for (int r = 0; r < static_cast<int>(CookieExclusionReason::kNumReasons); ++r) {
    const auto reason = static_cast<CookieExclusionReason>(r);
    if (status.Has(reason)) reasons.emplace_back(ExclusionReasonDescription(reason));
  }
  return "not sent: " + absl::StrJoin(reasons, "; ");
}

std::string DomainColumn(const CanonicalCookie& c) {
  return Printable((c.host_only ? "" : ".") + c.domain);
}

// The parsed command line.
struct Invocation {
  std::string jar_file;
  std::string store_profile = "default";
  std::string rules = "chromium";
  CookieJarOptions options;
  absl::Duration wait = absl::Seconds(10);
  bool help = false;
  bool json = false;
  bool version = false;
  const Command* command = nullptr;
  std::vector<std::string> args;
  std::set<std::string> flags;
  std::map<std::string, std::string> values;
  // Standard input, read before the jar is opened (ReadInput).
  std::string input;
  bool input_truncated = false;
};

// Parses argv strictly: every option must be known (globally or to the
// command), take its value, and appear once; positional arguments must fit
// the command. Returns an exit code on error, after printing why.
std::optional<int> Parse(int argc, char** argv, Invocation* out) {
  std::vector<std::string> positional;
  std::vector<std::string> options;  // Command options, checked once the command is known.
  std::set<std::string> seen;
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (only_positional || arg.empty() || arg[0] != '-' || arg == "-") {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      out->help = true;
      continue;
    }
    if (arg == "--json" || arg == "--version") {
      if (!seen.insert(arg).second) return UsageError(arg + " given twice");
      (arg == "--json" ? out->json : out->version) = true;
      continue;
    }
    const bool global = arg == "--jar" || arg == "--browser" || arg == "--profile" ||
                        arg == "--rules" || arg == "--emulate" || arg == "--wait";
    if (!global) {
      options.push_back(arg);
      // The value of a command option that takes one (checked against the
      // command below).
      bool valued = false;
      for (const Command& command : Commands()) valued |= command.valued.count(arg) > 0;
      if (valued && i + 1 < argc) options.push_back(argv[++i]);
      continue;
    }
    if (!seen.insert(arg).second) return UsageError(arg + " given twice");
    if (i + 1 == argc) return UsageError(arg + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--jar") {
      if (value.empty()) return UsageError("--jar needs a file");
      if (value == "-") {
        return UsageError("--jar - : the jar is read and written in place, so it cannot be "
                          "standard input (import - reads cookies from it)");
      }
      out->jar_file = value;
    } else if (arg == "--browser" || arg == "--profile") {
      if (seen.count("--browser") && seen.count("--profile")) {
        return UsageError("--browser is the old name of --profile: give one of them");
      }
      if (value.empty()) return UsageError(arg + " needs a name");
      out->store_profile = value;
    } else if (arg == "--wait") {
      double seconds;
      if (!absl::SimpleAtod(value, &seconds) || !(seconds >= 0) || seconds > 86400) {
        return UsageError("--wait needs a number of seconds from 0 to 86400, not \"" +
                          Printable(value, kShownChars) + "\"");
      }
      out->wait = absl::Seconds(seconds);
    } else {
      if (seen.count("--rules") && seen.count("--emulate")) {
        return UsageError("--emulate is the old name of --rules: give one of them");
      }
      out->rules = value;
      std::optional<BrowserRules> rules = BrowserRules::Named(value);
      if (rules) {
        out->options.rules = *std::move(rules);
      } else {
        return UsageError(arg + " must be chromium, firefox, rfc6265-minimum or unlimited, not \"" +
                          Printable(value, kShownChars) + "\"");
      }
    }
  }
  // The old spellings (before 1.1 --browser named the profile and --profile
  // the rules): one name for one thing now, with a word for old scripts.
  if (seen.count("--browser")) {
    std::cerr << "cookiejar: --browser is now called --profile (the old name works until 3.0)\n";
  }
  if (seen.count("--emulate")) {
    std::cerr << "cookiejar: --emulate is now called --rules (the old name works until 3.0)\n";
  }
  if (seen.count("--profile") && !seen.count("--rules") && !seen.count("--emulate") &&
      BrowserRules::Named(out->store_profile)) {
    std::cerr << "cookiejar: --profile " << Printable(out->store_profile, kShownChars)
              << " names the profile inside the store; to choose the browser rules (what "
                 "--profile did before 1.1) use --rules "
              << Printable(out->store_profile, kShownChars) << "\n";
  }
  if (out->version) {
    if (!positional.empty()) return UsageError("--version takes no command");
    return std::nullopt;
  }
  if (positional.empty()) {
    if (out->help) {
      out->command = FindCommand("help");
      return std::nullopt;
    }
    if (!out->json) std::cerr << kUsage;
    return UsageError("no command given");
  }
  out->command = FindCommand(positional[0]);
  if (out->command == nullptr) {
    return UsageError("unknown command \"" + Printable(positional[0], kShownChars) + "\"");
  }
  const Command& command = *out->command;
  for (size_t i = 0; i < options.size(); ++i) {
    const std::string& option = options[i];
    if (command.flags.count(option)) {
      if (!out->flags.insert(option).second) return UsageError(option + " given twice");
    } else if (command.valued.count(option)) {
      if (i + 1 == options.size()) return UsageError(option + " needs a value");
      out->values[option] = options[++i];
    } else {
      return UsageError("unknown option " + Printable(option, kShownChars) + " for " +
                        command.name);
    }
  }
  out->args.assign(positional.begin() + 1, positional.end());
  if (out->help) return std::nullopt;
  if (out->args.size() < command.min_args || out->args.size() > command.max_args) {
    std::string expected = command.min_args == command.max_args
                               ? absl::StrCat(command.min_args)
                               : command.max_args == SIZE_MAX
                                     ? absl::StrCat("at least ", command.min_args)
                                     : absl::StrCat(command.min_args, " or ", command.max_args);
    return UsageError(absl::StrCat(command.name, " takes ", expected, " argument",
                                   expected == "1" ? "" : "s", ", not ", out->args.size(),
                                   out->args.size() > command.max_args
                                       ? " (extra: \"" +
                                             Printable(out->args[command.max_args], kShownChars) +
                                             "\")"
                                       : "",
                                   "\n", command.help));
  }
  if (command.jar == JarUse::kNone && !out->jar_file.empty()) {
    return UsageError(command.name + " does not use a jar; --jar has no effect on it");
  }
  return std::nullopt;
}

using nlohmann::json;

// The request to the command's URL argument in the context its options
// describe (CLI_CONTEXT_OPTIONS, --script), resolved by the jar.
absl::StatusOr<ResolvedRequest> RequestArg(const Invocation& in, const CookieJar& jar) {
  CookieRequest request(in.args[0]);
  auto value = [&](const char* option) {
    auto it = in.values.find(option);
    return it == in.values.end() ? std::string() : it->second;
  };
  if (in.flags.count("--script") > 0) {
    request.api = CookieApi::kScript;
    // A document's script, not a navigation.
    request.context.top_level_navigation = false;
  }
  request.context.top_level_url = value("--top-level");
  if (!request.context.top_level_url.empty()) request.context.top_level_navigation = false;
  request.context.initiator = value("--initiator");
  if (in.values.count("--method")) {
    request.method = value("--method");
    if (request.method.empty()) return absl::InvalidArgumentError("--method: the method is empty");
  }
  return jar.Resolve(request);
}

int Get(const Invocation& in, JarFile& file) {
  absl::StatusOr<ResolvedRequest> request = RequestArg(in, file.jar());
  if (!request.ok()) return Fail(Message(request.status()), kExitRefused);
  if (in.json) {
    // The cookies first: GetCookieHeader would update their access times.
    json cookies = json::array();
    for (const CanonicalCookie& c : file.jar().GetCookies(*request)) {
      cookies.push_back(CookieJson(c));
    }
    json out = json::object();
    SetText(out, "url", in.args[0]);
    SetText(out, "header", file.jar().GetCookieHeader(*request));
    out["cookies"] = std::move(cookies);
    out["request"] = ResolvedJson(*request);
    Reply(out);
    return kExitOk;
  }
  const std::string header = file.jar().GetCookieHeader(*request);
  if (!header.empty()) std::cout << header << "\n";
  return kExitOk;
}

// Why a cookies.txt jar cannot keep the cookie of `line`, or "".
std::string CookiesTxtRefusal(const std::string& line) {
  ParsedCookie parsed;
  if (!ParsedCookie::Parse(line, &parsed).IsInclude()) return "";  // The jar says why.
  CanonicalCookie shape;
  shape.name = std::string(parsed.name);
  shape.value = std::string(parsed.value);
  shape.same_site = parsed.SameSite();
  shape.priority = parsed.Priority();
  if (parsed.partitioned) shape.partition_key = CookiePartitionKey{};
  if (parsed.path) shape.path = std::string(*parsed.path);
  return CookiesTxtCannotHold(shape);
}

// The Set-Cookie values of `set`: its arguments, with `-` replaced by the
// lines of standard input.
void SetCookieValues(const Invocation& in, std::vector<std::string>* values) {
  for (size_t i = 1; i < in.args.size(); ++i) {
    if (in.args[i] != "-") {
      values->push_back(in.args[i]);
      continue;
    }
    for (absl::string_view line : absl::StrSplit(in.input, '\n')) {
      if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
      if (absl::StartsWithIgnoreCase(line, "set-cookie:")) {
        line = absl::StripLeadingAsciiWhitespace(line.substr(11));
      }
      if (!line.empty()) values->emplace_back(line);
    }
  }
}

int Set(const Invocation& in, JarFile& file) {
  absl::StatusOr<ResolvedRequest> request = RequestArg(in, file.jar());
  if (!request.ok()) return Fail(Message(request.status()), kExitRefused);
  std::vector<std::string> lines;
  SetCookieValues(in, &lines);
  int status = kExitOk;
  json results = json::array();
  for (const std::string& line : lines) {
    const std::string shown = Printable(line, kShownChars);
    json result = json::object();
    SetText(result, "set_cookie", line);
    if (file.is_txt()) {
      const std::string lost = CookiesTxtRefusal(line);
      if (!lost.empty()) {
        const std::string why = "a cookies.txt jar cannot keep " + lost + "; use a .db jar";
        if (in.json) {
          result["stored"] = false;
          result["reasons"] = json::array({"cookies_txt_cannot_hold"});
          SetText(result, "message", why);
          results.push_back(std::move(result));
        } else {
          std::cout << "refused (" << why << "): " << shown << "\n";
        }
        status = kExitRefused;
        continue;
      }
    }
    CookieInclusionStatus outcome = file.jar().SetCookie(*request, line);
    if (in.json) {
      result["stored"] = outcome.IsInclude();
      result["reasons"] = ReasonsJson(outcome);
      results.push_back(std::move(result));
    } else if (outcome.IsInclude()) {
      std::cout << "stored: " << shown << "\n";
    } else {
      std::cout << "refused (" << outcome.ToString() << "): " << shown << "\n";
    }
    if (!outcome.IsInclude()) status = kExitRefused;
  }
  if (in.json) {
    json out = json::object();
    SetText(out, "url", in.args[0]);
    out["request"] = ResolvedJson(*request);
    out["results"] = std::move(results);
    out["kept"] = file.kept();
    Reply(out);
  }
  if (!file.kept()) std::cerr << "cookiejar: no --jar FILE, so nothing is kept\n";
  return status;
}

// ingest: the responses on standard input, hop by hop.
int Ingest(const Invocation& in, JarFile& file) {
  absl::StatusOr<Url> url = Url::Parse(in.args[0]);
  if (!url.ok()) return Fail(Message(url.status()), kExitRefused);
  const bool location_only = in.flags.count("--location") > 0;
  absl::StatusOr<std::vector<RawResponse>> responses =
      ParseResponseHeaders(in.input, in.input_truncated);
  if (!responses.ok()) {
    if (responses.status().code() == absl::StatusCode::kResourceExhausted) {
      return Fail(Message(responses.status()) + " (" + SizeText(kMaxStandardInputHeaders) +
                      "); nothing was stored",
                  kExitBadFile);
    }
    return Fail(Message(responses.status()) + "; nothing was stored", kExitBadFile);
  }
  HttpCookies cookies(&file.jar());
  RedirectFollower follower(CookieRequest(in.args[0]));
  int status = kExitOk;
  std::string next_url;
  json hops = json::array();
  std::ostream& report = location_only ? std::cerr : std::cout;
  for (size_t i = 0; i < responses->size(); ++i) {
    const RawResponse& response = (*responses)[i];
    const bool last = i + 1 == responses->size();
    const CookieRequest& request = follower.request();
    json hop = json::object();
    SetText(hop, "url", request.url);
    hop["status"] = response.status;
    std::string skipped;
    if (response.status < 200) {
      skipped = "interim";
    } else if (response.status < 300 && !last) {
      skipped = "proxy_connect";
    }
    json results = json::array();
    if (skipped.empty()) {
      // What a cookies.txt jar cannot keep is refused before the jar sees it.
      std::vector<std::string> kept_lines;
      std::vector<std::string> lost(response.set_cookies.size());
      for (size_t c = 0; c < response.set_cookies.size(); ++c) {
        if (file.is_txt()) lost[c] = CookiesTxtRefusal(response.set_cookies[c]);
        if (lost[c].empty()) kept_lines.push_back(response.set_cookies[c]);
      }
      absl::StatusOr<std::vector<CookieInclusionStatus>> verdicts =
          cookies.StoreResponse(request, response.status, kept_lines, response.date);
      if (!verdicts.ok()) return Fail(Message(verdicts.status()), kExitRefused);
      if (!location_only && !in.json && !response.set_cookies.empty()) {
        std::cout << response.status << " " << Printable(request.url, 200) << "\n";
      }
      size_t next_verdict = 0;
      for (size_t c = 0; c < response.set_cookies.size(); ++c) {
        const std::string& line = response.set_cookies[c];
        json result = json::object();
        SetText(result, "set_cookie", line);
        std::string refusal;
        if (!lost[c].empty()) {
          refusal = "a cookies.txt jar cannot keep " + lost[c] + "; use a .db jar";
          result["stored"] = false;
          result["reasons"] = json::array({"cookies_txt_cannot_hold"});
          SetText(result, "message", refusal);
        } else {
          const CookieInclusionStatus& verdict = (*verdicts)[next_verdict++];
          result["stored"] = verdict.IsInclude();
          result["reasons"] = ReasonsJson(verdict);
          if (!verdict.IsInclude()) refusal = verdict.ToString();
        }
        if (!refusal.empty()) status = kExitRefused;
        if (in.json) {
          results.push_back(std::move(result));
        } else if (!refusal.empty()) {
          report << "  refused (" << refusal << "): " << Printable(line, kShownChars) << "\n";
        } else if (!location_only) {
          std::cout << "  stored: " << Printable(line, kShownChars) << "\n";
        }
      }
    } else {
      hop["skipped"] = skipped;
    }
    hop["results"] = std::move(results);
    hops.push_back(std::move(hop));
    if (!skipped.empty()) continue;
    // The next response answers the Location of this one; a final status
    // followed by more responses (an authentication retry) the same URL.
    absl::StatusOr<RedirectFollower::Next> next =
        follower.OnResponse(response.status, response.location);
    if (!next.ok()) {
      std::cerr << "cookiejar: response " << i + 1 << " (" << response.status
                << "): " << Message(next.status()) << "\n";
      status = kExitRefused;
      break;
    }
    if (last && *next == RedirectFollower::Next::kFollow) next_url = follower.request().url;
  }
  if (in.json) {
    json out = json::object();
    SetText(out, "url", in.args[0]);
    out["responses"] = std::move(hops);
    if (next_url.empty()) {
      out["location"] = nullptr;
    } else {
      SetText(out, "location", next_url);
    }
    out["kept"] = file.kept();
    Reply(out);
  } else if (location_only && !next_url.empty()) {
    std::cout << next_url << "\n";
  }
  if (!file.kept()) std::cerr << "cookiejar: no --jar FILE, so nothing is kept\n";
  return status;
}

int List(const Invocation& in, JarFile& file) {
  const std::vector<CanonicalCookie> cookies = file.jar().GetAllCookies();
  if (in.json) {
    json list = json::array();
    for (const CanonicalCookie& c : cookies) list.push_back(CookieJson(c));
    Reply({{"cookies", std::move(list)}});
    return kExitOk;
  }
  const bool wide = in.flags.count("--wide") > 0;
  std::vector<std::vector<std::string>> rows = {
      {"domain", "path", "name", "value", "expires (UTC)", "flags"}};
  for (const CanonicalCookie& c : cookies) {
    rows.push_back({DomainColumn(c), Printable(c.path, wide ? 0 : 60),
                    Printable(c.name, wide ? 0 : 40), Printable(c.value, wide ? 0 : 32),
                    c.IsPersistent()
                        ? absl::FormatTime("%Y-%m-%d %H:%M:%S", c.expiry, absl::UTCTimeZone())
                        : "session",
                    Flags(c)});
  }
  if (rows.size() == 1) {
    std::cout << "(the jar is empty)\n";
    return kExitOk;
  }
  PrintTable(rows);
  return kExitOk;
}

int Explain(const Invocation& in, JarFile& file) {
  absl::StatusOr<ResolvedRequest> request = RequestArg(in, file.jar());
  if (!request.ok()) return Fail(Message(request.status()), kExitRefused);
  const std::vector<CookieJar::Explanation> explained = file.jar().Explain(*request);
  if (in.json) {
    json list = json::array();
    for (const CookieJar::Explanation& e : explained) {
      list.push_back({{"cookie", CookieJson(e.cookie)},
                      {"sent", e.status.IsInclude()},
                      {"reasons", ReasonsJson(e.status)}});
    }
    json out = json::object();
    SetText(out, "url", in.args[0]);
    out["request"] = ResolvedJson(*request);
    out["cookies"] = std::move(list);
    Reply(out);
    return kExitOk;
  }
  std::cout << "request: " << request->ToString() << "\n";
  std::vector<std::vector<std::string>> rows = {{"name", "domain", "path", "verdict"}};
  for (const CookieJar::Explanation& e : explained) {
    rows.push_back({Printable(e.cookie.name, 40), DomainColumn(e.cookie),
                    Printable(e.cookie.path, 60), Reasons(e.status)});
  }
  if (rows.size() == 1) {
    std::cout << "(the jar is empty)\n";
    return kExitOk;
  }
  PrintTable(rows);
  return kExitOk;
}

// The --format of import or export, if given; an exit code when it is wrong.
std::optional<int> FormatOption(const Invocation& in, std::optional<FileFormat>* format) {
  auto it = in.values.find("--format");
  if (it == in.values.end()) return std::nullopt;
  *format = FileFormatNamed(it->second);
  if (!*format) {
    return UsageError("--format must be one of " + FileFormatNames() + ", not \"" +
                      Printable(it->second, kShownChars) + "\"");
  }
  return std::nullopt;
}

// Standard input copied to a private file (an owner-only folder of its own),
// so that every format import reads, SQLite databases included, can come
// from `-`. Removed when this object goes.
class StandardInputFile {
 public:
  ~StandardInputFile() {
    if (!path_.empty()) unlink(path_.c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
  }

  absl::Status Write(const std::string& text) {
    const char* tmp = getenv("TMPDIR");
    std::string dir = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/cookiejar-XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) {
      return absl::UnavailableError("cannot make a temporary folder for standard input");
    }
    dir_ = dir;
    path_ = dir_ + "/stdin";
    std::ofstream out(path_, std::ios::binary);
    out << text;
    out.close();
    if (!out) return absl::UnavailableError("cannot copy standard input to " + path_);
    return absl::OkStatus();
  }

  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

int Import(const Invocation& in, JarFile& file) {
  if (!file.kept()) return UsageError("import needs --jar FILE: without it nothing is kept");
  StandardInputFile input;
  const bool from_input = in.args[0] == "-";
  if (from_input) {
    absl::Status read = input.Write(in.input);
    if (!read.ok()) return FileError(read);
  }
  std::string source = from_input ? input.path() : in.args[0];
  if (!from_input && file.IsThisFile(source)) {
    return UsageError("import: the source is the jar itself");
  }
  std::optional<FileFormat> format;
  if (std::optional<int> error = FormatOption(in, &format)) return *error;
  // "firefox", "chrome:Work": a browser's own profile, found as it finds it
  // (unless a file has that name).
  absl::StatusOr<std::optional<std::string>> browser = BrowserDatabaseNamed(source);
  if (!browser.ok()) return FileError(browser.status());
  if (*browser) {
    std::cerr << "cookiejar: " << Printable(source, 200) << ": " << Printable(**browser, 400)
              << "\n";
    source = **browser;
  }
  if (!format) {
    absl::StatusOr<FileFormat> detected = DetectImportFormat(source);
    if (!detected.ok()) return FileError(detected.status());
    format = *detected;
  }
  absl::StatusOr<ImportSummary> summary =
      ImportFile(source, *format, file.jar(), in.store_profile, in.wait);
  if (!summary.ok()) return FileError(summary.status());
  const std::string shown = from_input ? "standard input" : Printable(source, 200);
  for (const std::string& note : summary->notes) {
    std::cerr << "cookiejar: " << shown << ": " << Printable(note, 400) << "\n";
  }
  for (const std::string& problem : summary->problems) {
    std::cerr << shown << ": " << Printable(problem, 300) << "\n";
  }
  const size_t not_imported = summary->refused + summary->not_decrypted;
  if (in.json) {
    json out = json::object();
    SetText(out, "source", in.args[0]);
    out["format"] = std::string(FileFormatName(summary->format));
    out["imported"] = summary->imported;
    out["refused"] = summary->refused;
    out["expired"] = summary->expired;
    out["not_decrypted"] = summary->not_decrypted;
    out["other_jars"] = summary->other_jars;
    out["keyring"] = summary->keyring;
    json problems = json::array();
    for (const std::string& p : summary->problems) {
      json line = json::object();
      SetText(line, "text", p);
      problems.push_back(line["text"]);
    }
    out["problems"] = std::move(problems);
    Reply(out);
  } else {
    std::cout << "imported " << summary->imported << " cookies from "
              << FileFormatName(summary->format)
              << (summary->refused ? absl::StrCat(", refused ", summary->refused) : "")
              << (summary->not_decrypted
                      ? absl::StrCat(", ", summary->not_decrypted, " not decryptable")
                      : "")
              << (summary->expired ? absl::StrCat(", ", summary->expired, " expired") : "")
              << "\n";
  }
  return not_imported ? kExitRefused : kExitOk;
}

int Export(const Invocation& in, JarFile& file) {
  const std::string& dest = in.args[0];
  if (file.IsThisFile(dest)) {
    return UsageError("export: the destination is the jar itself (--jar " +
                      Printable(dest, 200) + ")");
  }
  std::optional<FileFormat> format;
  if (std::optional<int> error = FormatOption(in, &format)) return *error;
  if (!format) format = ExportFormatFor(dest);
  if (*format == FileFormat::kFirefox || *format == FileFormat::kChromium) {
    return UsageError(absl::StrCat("export cannot write ", AbslView(FileFormatName(*format)),
                                   " databases (import reads them); use storage-state or "
                                   "cookies-txt"));
  }
  absl::StatusOr<ExportSummary> summary =
      ExportFile(file.jar(), dest, *format, in.store_profile, in.wait);
  if (!summary.ok()) {
    const absl::StatusCode code = summary.status().code();
    if (code == absl::StatusCode::kUnavailable) return FileError(summary.status());
    return Fail(Message(summary.status(), 400),
                code == absl::StatusCode::kFailedPrecondition || code == absl::StatusCode::kDataLoss
                    ? kExitBadFile
                    : kExitNotSaved);
  }
  // A large jar may lose something in every cookie: the first lines, then
  // a count (--json lists them all).
  constexpr size_t kShownLosses = 20;
  for (size_t i = 0; i < summary->losses.size() && i < kShownLosses; ++i) {
    std::cerr << "cookiejar: " << Printable(summary->losses[i], 300) << "\n";
  }
  if (summary->losses.size() > kShownLosses) {
    std::cerr << "cookiejar: ... and " << summary->losses.size() - kShownLosses
              << " more cookies lose something (--json lists them all)\n";
  }
  if (in.json) {
    json out = json::object();
    SetText(out, "destination", dest);
    out["format"] = std::string(FileFormatName(*format));
    out["written"] = summary->written;
    json losses = json::array();
    for (const std::string& loss : summary->losses) {
      json line = json::object();
      SetText(line, "text", loss);
      losses.push_back(line["text"]);
    }
    out["losses"] = std::move(losses);
    Reply(out);
  } else {
    std::cout << "exported " << summary->written << " cookies to " << Printable(dest, 200) << " ("
              << FileFormatName(*format) << ")\n";
  }
  return kExitOk;
}

int Replay(const Invocation& in) {
  const std::string& path = in.args[0];
  std::string har;
  if (path == "-") {
    absl::StatusOr<std::string> text = ReadStandardInput(kMaxStandardInputFile, "HAR");
    if (!text.ok()) return Fail(Message(text.status()), kExitBadFile);
    har = *std::move(text);
  } else {
    absl::StatusOr<std::string> text = user_file::Read(path, user_file::Limits{kMaxHarBytes});
    if (!text.ok()) return FileError(text.status());
    har = *std::move(text);
  }
  const bool show_progress = isatty(STDERR_FILENO);
  absl::StatusOr<HarReplayResult> result = ReplayHar(
      har, in.options, [&](size_t done, size_t total) {
        if (show_progress && total > 1000) {
          std::cerr << "\rreplaying " << done << "/" << total << " entries" << std::flush;
          if (done == total) std::cerr << "\n";
        }
      });
  if (!result.ok()) {
    return Fail(Printable(path, 200) + ": " + Message(result.status(), 400),
                kExitBadFile);
  }
  const int status = result->differences.empty() ? kExitOk : kExitRefused;
  if (in.json) {
    json differences = json::array();
    for (const HarDifference& d : result->differences) {
      json item = json::object();
      item["entry"] = d.entry;
      SetText(item, "method", d.method);
      SetText(item, "url", d.url);
      SetText(item, "browser_header", d.browser_header);
      SetText(item, "jar_header", d.jar_header);
      item["request"] = ResolvedJson(d.request);
      json details = json::array();
      for (const std::string& detail : d.details) {
        json line = json::object();
        SetText(line, "text", detail);
        details.push_back(line["text"]);
      }
      item["details"] = std::move(details);
      differences.push_back(std::move(item));
    }
    Reply({{"entries", result->entries},
               {"requests", result->requests},
               {"identical", result->identical},
               {"same_cookies_other_order", result->same_cookies_other_order},
               {"different", result->differences.size()},
               {"differences", std::move(differences)}});
    return status;
  }
  std::cout << absl::StrFormat(
      "%d entries, %d requests compared: %d identical, %d same cookies in another order, %d "
      "different\n",
      result->entries, result->requests, result->identical, result->same_cookies_other_order,
      result->differences.size());
  const bool verbose = in.flags.count("--verbose") > 0;
  size_t shown = 0;
  for (const HarDifference& d : result->differences) {
    if (!verbose && shown++ == 20) {
      std::cout << "... " << result->differences.size() - 20 << " more (--verbose shows all)\n";
      break;
    }
    std::cout << "\nentry " << d.entry << ": " << Printable(d.method, 20) << " "
              << Printable(d.url, 200) << "\n"
              << "  browser: "
              << (d.browser_header.empty() ? "(no Cookie header)" : Printable(d.browser_header, 400))
              << "\n  jar:     "
              << (d.jar_header.empty() ? "(no Cookie header)" : Printable(d.jar_header, 400))
              << "\n  request: " << d.request.ToString() << "\n";
    for (const std::string& detail : d.details) std::cout << "  - " << Printable(detail, 400) << "\n";
  }
  return status;
}

int Psl(const Invocation& in) {
  const SuffixRules rules =
      in.flags.count("--icann-only") ? SuffixRules::kIcannOnly : SuffixRules::kIcannAndPrivate;
  std::unique_ptr<PublicSuffixList> loaded;
  if (auto list = in.values.find("--list"); list != in.values.end()) {
    absl::StatusOr<std::unique_ptr<PublicSuffixList>> parsed;
    if (list->second == "-") {
      absl::StatusOr<std::string> text =
          ReadStandardInput(kMaxStandardInputFile, "a public suffix list");
      if (!text.ok()) return Fail(Message(text.status(), 400), kExitBadFile);
      parsed = PublicSuffixList::Parse(*text);
    } else {
      parsed = PublicSuffixList::Load(list->second);
    }
    if (!parsed.ok()) return Fail(Message(parsed.status(), 400), kExitBadFile);
    loaded = *std::move(parsed);
  }
  const PublicSuffixList& psl = loaded ? *loaded : PublicSuffixList::Builtin();
  std::vector<std::vector<std::string>> rows = {
      {"host", "canonical", "public suffix", "registrable domain"}};
  json hosts = json::array();
  int status = kExitOk;
  for (const std::string& input : in.args) {
    json item = json::object();
    SetText(item, "input", input);
    absl::StatusOr<CanonicalHost> host = CanonicalizeHost(input);
    if (!host.ok()) {
      if (in.json) {
        item["error"] = ValidUtf8(std::string(host.status().message()));
        hosts.push_back(std::move(item));
      }
      std::cerr << "cookiejar: " << Message(host.status(), 400) << "\n";
      status = kExitRefused;
      continue;
    }
    std::vector<std::string> row = {Printable(input, kShownChars), host->name, "-", "-"};
    item["canonical"] = host->name;
    item["ip"] = host->is_ip();
    item["public_suffix"] = nullptr;
    item["registrable_domain"] = nullptr;
    if (host->is_ip()) {
      row[2] = row[3] = "(IP address)";
    } else {
      std::string_view suffix = psl.PublicSuffix(host->name, rules);
      std::string_view registrable = psl.RegistrableDomain(host->name, rules);
      if (!suffix.empty()) row[2] = item["public_suffix"] = std::string(suffix);
      if (!registrable.empty()) row[3] = item["registrable_domain"] = std::string(registrable);
    }
    rows.push_back(row);
    hosts.push_back(std::move(item));
  }
  if (in.json) {
    Reply({{"hosts", std::move(hosts)}});
  } else if (rows.size() > 1) {
    PrintTable(rows);
  }
  return status;
}

// Whether --json is among the options: known before the rest is parsed, so
// that a wrong command line is a JSON document too.
bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    if (std::string_view(argv[i]) == "--json") return true;
  }
  return false;
}

int Help(const Invocation& in, const std::string& topic) {
  const Command* about = topic.empty() ? nullptr : FindCommand(topic);
  if (!topic.empty() && about == nullptr) {
    return UsageError("no help for unknown command \"" + Printable(topic, kShownChars) + "\"");
  }
  if (!in.json) {
    std::cout << (about ? about->help : kUsage);
    return kExitOk;
  }
  json out = json::object();
  if (about) {
    out["command"] = about->name;
    out["usage"] = about->help;
  } else {
    out["usage"] = kUsage;
    json commands = json::array();
    for (const Command& command : Commands()) {
      commands.push_back({{"name", command.name}, {"usage", command.help}});
    }
    out["commands"] = std::move(commands);
    json codes = json::array();
    for (int code = kExitOk; code <= kExitNotSaved; ++code) {
      codes.push_back({{"exit_code", code}, {"kind", std::string(ExitCodeName(code))}});
    }
    out["exit_codes"] = std::move(codes);
  }
  Reply(std::move(out));
  return kExitOk;
}

// Reads the standard input a command takes (ingest, set URL -, import -)
// before the jar is opened: a writer holds the jar's lock from then on, and
// in `curl -H "Cookie: $(cookiejar get URL)" URL | cookiejar ingest URL` the
// get upstream must read the jar while ingest waits for its input.
std::optional<int> ReadInput(Invocation* in) {
  const std::string& name = in->command->name;
  const size_t dashes =
      name == "import" || name == "set"
          ? static_cast<size_t>(std::count(in->args.begin() + (name == "set" ? 1 : 0),
                                           in->args.end(), "-"))
          : 0;
  if (dashes > 1) return UsageError(name + ": - (standard input) given twice");
  if (name != "ingest" && dashes == 0) return std::nullopt;
  absl::StatusOr<std::string> text =
      name == "ingest" ? ReadStandardInput(kMaxStandardInputHeaders, "response headers",
                                           &in->input_truncated)
      : name == "set"  ? ReadStandardInput(kMaxStandardInputHeaders, "Set-Cookie lines")
                       : ReadStandardInput(kMaxStandardInputFile, "a file to import");
  if (!text.ok()) return Fail(Message(text.status()), kExitBadFile);
  in->input = *std::move(text);
  return std::nullopt;
}

int Main(int argc, char** argv) {
  Invocation in;
  TheReply().on = WantsJson(argc, argv);
  if (std::optional<int> error = Parse(argc, argv, &in)) return *error;
  if (in.version) {
    if (in.json) {
      Reply({{"version", COOKIEJAR_VERSION}});
    } else {
      std::cout << "cookiejar " << COOKIEJAR_VERSION << "\n";
    }
    return kExitOk;
  }
  const Command& command = *in.command;
  if (command.name == "help" || in.help) {
    return Help(in, command.name == "help" ? (in.args.empty() ? "" : in.args[0]) : command.name);
  }
  if (command.name == "psl") return Psl(in);
  if (command.name == "replay") return Replay(in);

  if (std::optional<int> error = ReadInput(&in)) return *error;
  JarFile::Options options;
  options.path = in.jar_file;
  options.store_profile = in.store_profile;
  options.rules_name = in.rules;
  options.write = command.jar == JarUse::kWrite;
  options.wait = in.wait;
  options.jar_options = in.options;
  std::vector<std::string> notes;
  absl::StatusOr<std::unique_ptr<JarFile>> file = JarFile::Open(options, &notes);
  for (const std::string& note : notes) std::cerr << "cookiejar: " << note << "\n";
  if (!file.ok()) return FileError(file.status());
  JarFile& jar_file = **file;

  int status = kExitOk;
  if (command.name == "get") {
    status = Get(in, jar_file);
  } else if (command.name == "set") {
    status = Set(in, jar_file);
  } else if (command.name == "ingest") {
    status = Ingest(in, jar_file);
  } else if (command.name == "list") {
    status = List(in, jar_file);
  } else if (command.name == "explain") {
    status = Explain(in, jar_file);
  } else if (command.name == "import") {
    status = Import(in, jar_file);
  } else if (command.name == "export") {
    status = Export(in, jar_file);
  } else if (command.name == "end-session" || command.name == "clear") {
    const size_t removed =
        command.name == "clear" ? jar_file.jar().DeleteAll() : jar_file.jar().EndSession();
    if (in.json) {
      Reply({{"removed", removed}});
    } else {
      std::cout << "removed " << removed << " cookies\n";
    }
  }
  if (status == kExitUsage) return status;
  if (command.jar == JarUse::kWrite) {
    absl::Status saved = jar_file.Save();
    if (!saved.ok()) {
      return Fail(Message(saved, 400) +
                      (saved.code() == absl::StatusCode::kFailedPrecondition ? ""
                                                                             : "; nothing was saved"),
                  saved.code() == absl::StatusCode::kFailedPrecondition ? kExitRefused
                                                                        : kExitNotSaved);
    }
  }
  return status;
}

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) { return cookiejar::FinishJson(cookiejar::Main(argc, argv)); }
