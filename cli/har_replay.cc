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
#include "common/json_sax.h"
#include "cookiejar/parsed_cookie.h"

namespace cookiejar {
namespace {

using nlohmann::json;

// What replaying needs of one entry, taken from the text while it is read;
// the rest (bodies, timings, initiators) is skipped unbuilt.
struct HarEntry {
  std::string started;  // startedDateTime
  std::string pageref;
  std::string resource_type;  // Chromium's _resourceType.
  std::string method;
  std::string url;
  std::string cookie_header;  // The request's Cookie headers, joined.
  bool has_response = false;
  std::vector<std::string> set_cookies;  // The response's Set-Cookie headers.
  std::optional<std::string> date;       // Its first Date header.
};

// Reads log.entries of a HAR text in one pass (common/json_sax.h): the
// entries with a request object, the count of all of them, and nothing else.
// Where a field appears twice, the last one counts (as when the text is read
// into a tree).
class HarReader : public JsonSaxReader {
 public:
  HarReader() : JsonSaxReader(kMaxHarDepth) {}

  absl::Status Read(std::string_view text) {
    absl::Status status = Parse(text);
    if (!status.ok()) return status;
    if (!found_entries_) return absl::InvalidArgumentError("not a HAR file: no log.entries array");
    return absl::OkStatus();
  }

  size_t count() const { return count_; }
  std::vector<HarEntry>& entries() { return entries_; }

 private:
  // The containers read; all others are skipped.
  enum class In {
    kRoot, kLog, kEntries, kEntry, kRequest, kResponse, kRequestHeaders, kResponseHeaders,
    kHeader,
  };

  bool OnStart(bool object) override {
    std::optional<In> now;
    if (depth() == 1) {
      if (object) now = In::kRoot;
    } else {
      const In parent = in_.back().where;
      if (parent == In::kEntries) {
        if (!CountEntry()) return false;
        if (object) {
          entry_ = HarEntry();
          has_request_ = false;
          now = In::kEntry;
        }
      } else if (parent == In::kRequestHeaders || parent == In::kResponseHeaders) {
        if (object) {
          header_name_.clear();
          header_value_.clear();
          now = In::kHeader;
        }
      } else if (object && parent == In::kRoot && key_ == "log") {
        now = In::kLog;
      } else if (!object && parent == In::kLog && key_ == "entries") {
        found_entries_ = true;
        entries_.clear();
        count_ = 0;
        now = In::kEntries;
      } else if (object && parent == In::kEntry && key_ == "request") {
        Clear(parent);
        has_request_ = true;
        now = In::kRequest;
      } else if (object && parent == In::kEntry && key_ == "response") {
        Clear(parent);
        entry_.has_response = true;
        now = In::kResponse;
      } else if (!object && parent == In::kRequest && key_ == "headers") {
        Clear(parent);
        now = In::kRequestHeaders;
      } else if (!object && parent == In::kResponse && key_ == "headers") {
        Clear(parent);
        now = In::kResponseHeaders;
      } else {
        Clear(parent);  // A field read is not a container.
      }
    }
    if (now) {
      in_.push_back({*now, depth()});
    } else {
      SkipContent();
    }
    return true;
  }

  bool OnKey(std::string& key) override {
    static constexpr std::string_view kRead[] = {
        "log",    "entries", "startedDateTime", "pageref", "_resourceType", "request",
        "response", "method", "url",            "headers", "name",          "value"};
    key_ = "?";  // Not a field read.
    for (std::string_view name : kRead) {
      if (key == name) key_ = std::move(key);
    }
    return true;
  }

  bool OnValue(json value) override {
    if (depth() == 0) return true;  // Not a HAR: said at the end.
    const In parent = in_.back().where;
    if (parent == In::kEntries) return CountEntry();
    std::string* field = Field(parent);
    if (field != nullptr && value.is_string()) {
      *field = std::move(value.get_ref<std::string&>());
    } else {
      Clear(parent);
    }
    return true;
  }

  bool OnEnd() override {
    if (in_.empty() || in_.back().depth != depth()) return true;  // Skipped.
    const In closing = in_.back().where;
    in_.pop_back();
    if (closing == In::kHeader) {
      EndHeader(in_.back().where == In::kRequestHeaders);
    } else if (closing == In::kEntry && has_request_) {
      entries_.push_back(std::move(entry_));
    }
    return true;
  }

  bool CountEntry() {
    if (count_ == kMaxHarEntries) {
      return Stop(
          absl::InvalidArgumentError(absl::StrCat("more than ", kMaxHarEntries, " entries")));
    }
    ++count_;
    return true;
  }

  // The string that the value of key_ in `parent` sets, if any.
  std::string* Field(In parent) {
    switch (parent) {
      case In::kEntry:
        if (key_ == "startedDateTime") return &entry_.started;
        if (key_ == "pageref") return &entry_.pageref;
        if (key_ == "_resourceType") return &entry_.resource_type;
        return nullptr;
      case In::kRequest:
        if (key_ == "method") return &entry_.method;
        if (key_ == "url") return &entry_.url;
        return nullptr;
      case In::kHeader:
        if (key_ == "name") return &header_name_;
        if (key_ == "value") return &header_value_;
        return nullptr;
      default:
        return nullptr;
    }
  }

  // Forgets what the field key_ of `parent` held (it comes again, or holds
  // what is not read: a number where a text is expected reads as none).
  void Clear(In parent) {
    if (std::string* field = Field(parent)) field->clear();
    if (parent == In::kEntry && key_ == "request") {
      has_request_ = false;
      entry_.method.clear();
      entry_.url.clear();
      entry_.cookie_header.clear();
    } else if (parent == In::kEntry && key_ == "response") {
      entry_.has_response = false;
      entry_.set_cookies.clear();
      entry_.date.reset();
    } else if (parent == In::kRequest && key_ == "headers") {
      entry_.cookie_header.clear();
    } else if (parent == In::kResponse && key_ == "headers") {
      entry_.set_cookies.clear();
      entry_.date.reset();
    }
  }

  void EndHeader(bool request) {
    if (request) {
      if (!absl::EqualsIgnoreCase(header_name_, "cookie")) return;
      if (!entry_.cookie_header.empty() && !header_value_.empty()) entry_.cookie_header += "; ";
      entry_.cookie_header += header_value_;
    } else if (absl::EqualsIgnoreCase(header_name_, "set-cookie")) {
      entry_.set_cookies.push_back(std::move(header_value_));
    } else if (absl::EqualsIgnoreCase(header_name_, "date") && !entry_.date) {
      entry_.date = std::move(header_value_);
    }
  }

  struct Open {
    In where;
    int depth;
  };
  std::vector<Open> in_;  // The containers being read, innermost last.
  std::string key_;       // The key of what comes next ("?": a field not read).
  bool found_entries_ = false;
  size_t count_ = 0;  // Elements of log.entries, whatever they are.
  std::vector<HarEntry> entries_;
  HarEntry entry_;
  bool has_request_ = false;
  std::string header_name_, header_value_;
};

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
absl::StatusOr<std::optional<absl::Time>> StartTime(const std::string& text, size_t index) {
  absl::Time time;
  std::string error;
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
  if (har_json.size() > kMaxHarBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the HAR text is larger than ", kMaxHarBytes, " bytes"));
  }
  HarReader reader;
  absl::Status read = reader.Read(har_json);
  if (!read.ok()) return read;
  std::vector<HarEntry>& entries = reader.entries();
  // Entries are meant to be in start order; make sure, keeping ties as they are.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const HarEntry& a, const HarEntry& b) { return a.started < b.started; });

  FakeClock clock(absl::UnixEpoch());
  options.clock = &clock;
  CookieJar jar(options);
  HarReplayResult result;
  result.entries = reader.count();
  std::map<std::string, std::string> page_urls;  // pageref -> the page's first URL.
  // "name=value" -> the entry whose Set-Cookie the jar refused, and why.
  std::map<std::string, std::pair<size_t, CookieInclusionStatus>> refused;

  for (size_t i = 0; i < entries.size(); ++i) {
    if (progress && (i % 500 == 0)) progress(i, entries.size());
    const HarEntry& entry = entries[i];
    absl::StatusOr<std::optional<absl::Time>> start = StartTime(entry.started, i);
    if (!start.ok()) return start.status();
    if (*start) clock.Set(**start);
    // A "document" is a top-level navigation; anything else of a page is a
    // subresource of the page's first URL.
    CookieRequest description(entry.url);
    description.method = entry.method;
    if (description.method.empty()) description.method = "GET";
    const std::string& pageref = entry.pageref;
    const bool first_of_page = !pageref.empty() && !page_urls.count(pageref);
    if (entry.resource_type == "document" || pageref.empty()) {
      description.context.top_level_navigation = true;
    } else {
      description.context.top_level_navigation = false;
      description.context.top_level_url = first_of_page ? description.url : page_urls[pageref];
    }
    absl::StatusOr<ResolvedRequest> resolved = jar.Resolve(description);
    if (!resolved.ok()) continue;  // data:, blob:, extensions...
    if (first_of_page) page_urls.emplace(pageref, description.url);
    const std::string& method = description.method;

    const std::string& browser_header = entry.cookie_header;
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

    if (entry.has_response) {
      // The browser corrected Expires by the server's clock; so does the jar.
      const std::string_view date = entry.date ? std::string_view(*entry.date) : std::string_view();
      for (const std::string& value : entry.set_cookies) {
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
