#include "tests/browser_replay.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/url.h"
#include "tests/test_data.h"

namespace cookiejar {
namespace testing {
namespace {

using Json = nlohmann::json;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::ostringstream text;
  text << file.rdbuf();
  *out = text.str();
  return true;
}

// A family may be split into <family>.json, <family>-2.json, ...
std::vector<Json> LoadFamily(const std::string& browser, const std::string& family,
                             std::string* error) {
  std::vector<Json> files;
  for (int part = 1;; ++part) {
    const std::string name = browser + "/" + family + (part == 1 ? "" : "-" + std::to_string(part)) +
                             ".json";
    std::string text;
    if (!ReadFile(TestDataPath("browsers/" + name), &text)) {
      if (part == 1) *error = "cannot read tests/data/browsers/" + name;
      break;
    }
    Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.contains("cases")) {
      *error = "not a recording: tests/data/browsers/" + name;
      return {};
    }
    files.push_back(std::move(json));
  }
  return files;
}

std::optional<std::string> OptionalString(const Json& value) {
  if (!value.is_string()) return std::nullopt;
  return value.get<std::string>();
}

// The recorded Cookie header: "" when none was sent.
std::string RecordedCookie(const Json& step) {
  if (step.contains("cookie_b64") && step["cookie_b64"].is_string()) {
    std::string bytes;
    absl::Base64Unescape(step["cookie_b64"].get<std::string>(), &bytes);
    return bytes;
  }
  return OptionalString(step.value("cookie", Json())).value_or("");
}

std::vector<std::string> SetCookieLines(const Json& step) {
  std::vector<std::string> lines;
  if (step.contains("set_cookie_b64") && step["set_cookie_b64"].is_array()) {
    for (const Json& line : step["set_cookie_b64"]) {
      std::string bytes;
      absl::Base64Unescape(line.get<std::string>(), &bytes);
      lines.push_back(std::move(bytes));
    }
  } else if (step.contains("set_cookie") && step["set_cookie"].is_array()) {
    for (const Json& line : step["set_cookie"]) lines.push_back(line.get<std::string>());
  }
  return lines;
}

absl::Time StepTime(const Json& step) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*SZ", step.value("time", ""), &time, &error)) {
    return absl::UnixEpoch();
  }
  return time;
}

bool SameOrigin(const Url& a, const Url& b) {
  return a.scheme() == b.scheme() && a.host() == b.host() && a.port() == b.port();
}

// The context of one recorded request, as the browser saw it.
struct StepContext {
  std::optional<Url> url;
  std::optional<Url> top_level;
  std::optional<Url> initiator;
  std::vector<Url> frames;
  std::vector<Url> redirect_chain;
  std::string method;
  bool navigation = false;

  CookieOptions Options(CookieApi api) const {
    CookieOptions options;
    options.api = api;
    options.top_level_navigation = navigation;
    options.method = method;
    if (initiator) options.initiator = &*initiator;
    if (!navigation && top_level) options.top_level_url = &*top_level;
    if (!frames.empty()) options.frame_ancestors = &frames;
    if (!redirect_chain.empty()) options.redirect_chain = &redirect_chain;
    return options;
  }
};

StepContext ContextOf(const Json& step) {
  StepContext context;
  auto parse = [](const Json& value) -> std::optional<Url> {
    std::optional<std::string> text = OptionalString(value);
    if (!text) return std::nullopt;
    absl::StatusOr<Url> url = Url::Parse(*text);
    if (!url.ok()) return std::nullopt;
    return *std::move(url);
  };
  context.url = parse(step.value("url", Json()));
  const std::string kind = step.value("kind", "");
  // A form submitted to the top-level browsing context is a top-level
  // navigation like a link click; one submitted in a frame navigates that
  // frame.
  const Json& ancestors = step.value("ancestors", Json::array());
  context.navigation = kind == "navigation" || (kind == "form" && ancestors.empty());
  context.method = step.value("method", "GET");
  if (!step.value("browser_initiated", false)) context.initiator = parse(step["initiator"]);
  context.top_level = parse(step.value("top_level_url", Json()));
  // ancestors: the top-level document first, then the frames below it down
  // to the one that made the request (or, for a frame's own navigation, its
  // parent).
  for (size_t i = 1; i < ancestors.size(); ++i) {
    if (std::optional<Url> frame = parse(ancestors[i])) context.frames.push_back(*frame);
  }
  for (const Json& hop : step.value("redirect_chain", Json::array())) {
    if (std::optional<Url> url = parse(hop)) context.redirect_chain.push_back(*url);
  }
  return context;
}

// "document.cookie 'js=1; Secure' written by ...": the line a script wrote.
std::optional<std::string> ScriptWrite(const std::string& note) {
  constexpr absl::string_view kPrefix = "document.cookie '";
  if (!absl::StartsWith(note, kPrefix)) return std::nullopt;
  const size_t end = note.find("' written by", kPrefix.size());
  if (end == std::string::npos) return std::nullopt;
  return note.substr(kPrefix.size(), end - kPrefix.size());
}

// What the browser's HTTP parser hands its cookie layer: an LF ends the
// header line in both browsers, and so does a bare CR in Chromium (what
// follows is another, malformed, header line). Firefox passes the CR on and
// its cookie layer refuses the line.
std::string HeaderLine(const std::string& value, bool cr_ends_line) {
  const size_t end = value.find_first_of(cr_ends_line ? "\r\n" : "\n");
  return end == std::string::npos ? value : value.substr(0, end);
}

}  // namespace

FamilyReplay ReplayFamily(const std::string& browser, const std::string& family,
                          const BrowserRules& profile) {
  FamilyReplay replay;
  replay.browser = browser;
  replay.family = family;
  const std::vector<Json> files = LoadFamily(browser, family, &replay.error);
  const bool cr_ends_line = browser == "chromium";
  for (const Json& file : files) {
    for (const Json& recorded : file["cases"]) {
      const std::string id = recorded.value("id", "");
      const std::string note = recorded.value("note", "");
      const Json& steps = recorded.value("steps", Json::array());
      FakeClock clock(steps.empty() ? absl::UnixEpoch() : StepTime(steps[0]));
      CookieJarOptions options;
      options.clock = &clock;
      options.rules = profile;
      CookieJar jar(options);
      // fetch(..., {credentials: "same-origin"}): no cookies either way for
      // another origin.
      const bool same_origin_credentials = absl::StrContains(note, "context fetch-same-origin");
      const std::optional<std::string> script_write = ScriptWrite(note);
      bool case_identical = true;
      for (size_t i = 0; i < steps.size(); ++i) {
        const Json& step = steps[i];
        clock.Set(StepTime(step));
        const StepContext context = ContextOf(step);
        const std::string kind = step.value("kind", "");
        bool credentials = true;
        if (same_origin_credentials && kind == "fetch" && context.initiator && context.url &&
            !SameOrigin(*context.initiator, *context.url)) {
          credentials = false;
        }
        const CookieOptions http = context.Options(CookieApi::kHttp);
        std::string sent;
        if (context.url && credentials) sent = jar.GetCookieHeader(*context.url, http);
        ReplayedStep replayed{id, note, i, kind, step.value("url", ""), RecordedCookie(step), sent};
        ++replay.steps;
        const bool navigation = context.navigation;
        if (navigation) ++replay.navigation_steps;
        if (replayed.browser == replayed.jar) {
          ++replay.identical_steps;
          if (navigation) ++replay.identical_navigation_steps;
        } else {
          case_identical = false;
          replay.differences.push_back(std::move(replayed));
        }
        if (!context.url || !credentials) continue;
        const std::vector<std::string> lines = SetCookieLines(step);
        // Both browsers fail the whole response when a Set-Cookie field has
        // a NUL byte.
        bool nul = false;
        for (const std::string& line : lines) nul = nul || line.find('\0') != std::string::npos;
        if (!nul) {
          for (const std::string& line : lines) {
            jar.SetCookie(*context.url, HeaderLine(line, cr_ends_line), http);
            // An LF at the very end, then the line's own CRLF: an empty
            // line, which ends the headers; later Set-Cookie lines are body.
            // (A CR there does not: both browsers read on.)
            if (!line.empty() && line.back() == '\n') break;
          }
        }
        // A document.cookie case: the script of the document loaded by the
        // step before the final check writes the cookie once it has loaded.
        if (script_write && i + 2 == steps.size()) {
          StepContext document = context;
          if (document.navigation) {
            document.navigation = false;
            document.top_level = document.url;
          }
          document.initiator.reset();
          document.redirect_chain.clear();
          jar.SetCookie(*document.url, *script_write, document.Options(CookieApi::kScript));
        }
      }
      ++replay.cases;
      if (case_identical) ++replay.identical_cases;
    }
  }
  return replay;
}

}  // namespace testing
}  // namespace cookiejar
