#include "cli/har_replay.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/absl_view.h"
#include "cookiejar/parsed_cookie.h"

namespace cookiejar {
namespace {

using nlohmann::json;

std::string Text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Every value of header `name` in a HAR headers array.
std::vector<std::string> Headers(const json& message, std::string_view name) {
  std::vector<std::string> values;
  auto headers = message.find("headers");
  if (headers == message.end() || !headers->is_array()) return values;
  for (const json& header : *headers) {
    if (!header.is_object()) continue;
    if (absl::EqualsIgnoreCase(Text(header, "name"), AbslView(name))) {
      values.push_back(Text(header, "value"));
    }
  }
  return values;
}

std::vector<std::string> Pairs(const std::string& header) {
  std::vector<std::string> pairs;
  for (absl::string_view pair : absl::StrSplit(header, ';', absl::SkipWhitespace())) {
    pairs.emplace_back(absl::StripAsciiWhitespace(pair));
  }
  return pairs;
}

// The instants a capture can hold: the years cookie dates can name.
const absl::Time kEarliest = absl::FromCivil(absl::CivilSecond(1601, 1, 1), absl::UTCTimeZone());
const absl::Time kLatest = absl::FromCivil(absl::CivilSecond(10000, 1, 1), absl::UTCTimeZone());

// The entry's start time; nullopt without a parseable one; an error for a
// time outside the years 1601 to 9999.
absl::StatusOr<std::optional<absl::Time>> StartTime(const json& entry, size_t index) {
  absl::Time time;
  std::string error;
  const std::string text = Text(entry, "startedDateTime");
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*S%Ez", text, &time, &error)) {
    return std::optional<absl::Time>();
  }
  if (time < kEarliest || time >= kLatest) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry ", index, ": startedDateTime \"", text.substr(0, 64),
        "\" is outside the years 1601 to 9999"));
  }
  return std::optional<absl::Time>(time);
}

// The reasons of `status`, for people, joined by "; ".
std::string Descriptions(const CookieInclusionStatus& status) {
  std::string text;
  for (int r = 0; r < static_cast<int>(CookieExclusionReason::kNumReasons); ++r) {
    const auto reason = static_cast<CookieExclusionReason>(r);
    if (!status.Has(reason)) continue;
    absl::StrAppend(&text, text.empty() ? "" : "; ", AbslView(ExclusionReasonDescription(reason)));
  }
  return text;
}

std::string PairOf(const CanonicalCookie& cookie) {
  return cookie.name.empty() ? cookie.value : cookie.name + "=" + cookie.value;
}

}  // namespace

absl::StatusOr<HarReplayResult> ReplayHar(std::string_view har_json, CookieJarOptions options,
                                          const HarProgress& progress) {
  const json har = json::parse(har_json.begin(), har_json.end(), nullptr, /*allow_exceptions=*/false);
  if (har.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (!har.is_object() || !har.contains("log") || !har["log"].is_object() ||
      !har["log"].contains("entries") || !har["log"]["entries"].is_array()) {
    return absl::InvalidArgumentError("not a HAR file: no log.entries array");
  }
  std::vector<const json*> entries;
  for (const json& entry : har["log"]["entries"]) {
    if (entry.is_object() && entry.contains("request") && entry["request"].is_object()) {
      entries.push_back(&entry);
    }
  }
  // Entries are meant to be in start order; make sure, keeping ties as they are.
  std::stable_sort(entries.begin(), entries.end(), [](const json* a, const json* b) {
    return Text(*a, "startedDateTime") < Text(*b, "startedDateTime");
  });

  FakeClock clock(absl::UnixEpoch());
  options.clock = &clock;
  CookieJar jar(options);
  HarReplayResult result;
  result.entries = har["log"]["entries"].size();
  std::map<std::string, std::string> page_urls;  // pageref -> the page's first URL.
  // "name=value" -> the entry whose Set-Cookie the jar refused, and why.
  std::map<std::string, std::pair<size_t, CookieInclusionStatus>> refused;

  for (size_t i = 0; i < entries.size(); ++i) {
    if (progress && (i % 500 == 0)) progress(i, entries.size());
    const json& entry = *entries[i];
    const json& request = entry["request"];
    absl::StatusOr<std::optional<absl::Time>> start = StartTime(entry, i);
    if (!start.ok()) return start.status();
    if (*start) clock.Set(**start);
    // A "document" is a top-level navigation; anything else of a page is a
    // subresource of the page's first URL.
    CookieRequest description(Text(request, "url"));
    description.method = Text(request, "method");
    if (description.method.empty()) description.method = "GET";
    const std::string pageref = Text(entry, "pageref");
    const bool first_of_page = !pageref.empty() && !page_urls.count(pageref);
    if (Text(entry, "_resourceType") == "document" || pageref.empty()) {
      description.context.top_level_navigation = true;
    } else {
      description.context.top_level_navigation = false;
      description.context.top_level_url = first_of_page ? description.url : page_urls[pageref];
    }
    absl::StatusOr<ResolvedRequest> resolved = jar.Resolve(description);
    if (!resolved.ok()) continue;  // data:, blob:, extensions...
    if (first_of_page) page_urls.emplace(pageref, description.url);
    const std::string& method = description.method;

    std::vector<std::string> sent = Headers(request, "cookie");
    std::string browser_header;
    for (const std::string& value : sent) {
      if (!browser_header.empty() && !value.empty()) browser_header += "; ";
      browser_header += value;
    }
    const std::string jar_header = jar.GetCookieHeader(*resolved);
    ++result.requests;
    if (browser_header == jar_header) {
      ++result.identical;
    } else {
      std::vector<std::string> browser_pairs = Pairs(browser_header), jar_pairs = Pairs(jar_header);
      std::vector<std::string> sorted_browser = browser_pairs, sorted_jar = jar_pairs;
      std::sort(sorted_browser.begin(), sorted_browser.end());
      std::sort(sorted_jar.begin(), sorted_jar.end());
      if (sorted_browser == sorted_jar) {
        ++result.same_cookies_other_order;
      } else {
        HarDifference difference{i,          method, resolved->url().Spec(), browser_header,
                                 jar_header, {},     *resolved};
        const std::vector<CookieJar::Explanation> explained =
            jar.Explain(*resolved, ExplainScope::kSite);
        for (const std::string& pair : sorted_browser) {
          if (std::binary_search(sorted_jar.begin(), sorted_jar.end(), pair)) continue;
          std::string why = "not in the jar: never set by a response in this HAR (set by "
                            "script, or from before the capture)";
          if (auto it = refused.find(pair); it != refused.end()) {
            why = absl::StrCat("entry ", it->second.first, " set it, and the jar refused it: ",
                               Descriptions(it->second.second));
          }
          for (const CookieJar::Explanation& e : explained) {
            if (PairOf(e.cookie) != pair) continue;
            why = "in the jar but not sent: " + Descriptions(e.status);
          }
          difference.details.push_back(absl::StrCat("browser sent ", pair, ", jar did not: ", why));
        }
        for (const std::string& pair : sorted_jar) {
          if (std::binary_search(sorted_browser.begin(), sorted_browser.end(), pair)) continue;
          difference.details.push_back(absl::StrCat(
              "jar sent ", pair,
              ", browser did not (deleted by script, blocked by the browser's settings, or a "
              "different rule)"));
        }
        result.differences.push_back(std::move(difference));
      }
    }

    if (entry.contains("response") && entry["response"].is_object()) {
      // The browser corrected Expires by the server's clock; so does the jar.
      const std::vector<std::string> dates = Headers(entry["response"], "date");
      const std::string_view date = dates.empty() ? std::string_view() : dates.front();
      for (const std::string& value : Headers(entry["response"], "set-cookie")) {
        // Some exporters fold several Set-Cookie headers into one with '\n'.
        for (absl::string_view line : absl::StrSplit(value, '\n', absl::SkipWhitespace())) {
          const CookieInclusionStatus status = jar.SetCookie(*resolved, StdView(line), date);
          ParsedCookie parsed;
          if (!status.IsInclude() && ParsedCookie::Parse(StdView(line), &parsed).IsInclude()) {
            const std::string pair = parsed.name.empty()
                                         ? std::string(parsed.value)
                                         : absl::StrCat(AbslView(parsed.name), "=",
                                                        AbslView(parsed.value));
            refused[pair] = {i, status};
          }
        }
      }
    }
  }
  if (progress) progress(entries.size(), entries.size());
  return result;
}

}  // namespace cookiejar
