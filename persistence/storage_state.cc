#include "cookiejar/formats/storage_state.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "common/json_sax.h"
#include "cookiejar/canonical_host.h"
#include "persistence/internal/partition_site.h"

namespace cookiejar {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 32;
// Expiry seconds a file may name: up to the end of the year 9999.
constexpr double kLatestSeconds = 253402300800.0;
// A cookie object holds at most this many values (a DevTools cookie has
// about 17), and no string longer than this (the jar takes 4096 bytes of
// name and value, and 1024 of path); past either, it is skipped unread.
constexpr size_t kMaxCookieValues = 64;
constexpr size_t kMaxCookieStringBytes = 8192;

bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;  // Cut short.
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char d = text[i + k];
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// What reading one cookie object found wrong, or "".
class CookieReader {
 public:
  explicit CookieReader(const json& object) : object_(object) {}

  // Sets *out from a string field; false (and why_) when present and not a
  // string, or missing while required.
  bool String(const char* key, bool required, std::string* out) {
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) {
      if (required) Fail(absl::StrCat("no \"", key, "\""));
      return !required;
    }
    if (!it->is_string()) {
      Fail(absl::StrCat("\"", key, "\" is not a string"));
      return false;
    }
    *out = it->get_ref<const std::string&>();
    return true;
  }
  bool Bool(const char* key, bool* out) {
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return true;
    if (!it->is_boolean()) {
      Fail(absl::StrCat("\"", key, "\" is not true or false"));
      return false;
    }
    *out = it->get<bool>();
    return true;
  }
  // nullopt when missing or null.
  std::optional<double> Number(const char* key, bool* ok) {
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) {
      Fail(absl::StrCat("\"", key, "\" is not a number"));
      *ok = false;
      return std::nullopt;
    }
    const double value = it->get<double>();
    if (!std::isfinite(value)) {
      Fail(absl::StrCat("\"", key, "\" is not a finite number"));
      *ok = false;
      return std::nullopt;
    }
    return value;
  }
  bool Has(const char* key) const { return object_.contains(key); }
  const json* Find(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  void Fail(std::string why) {
    if (why_.empty()) why_ = std::move(why);
  }
  const std::string& why() const { return why_; }

 private:
  const json& object_;
  std::string why_;
};

bool IsCookieEditorShape(const json& object) {
  if (object.contains("hostOnly") || object.contains("expirationDate") ||
      object.contains("storeId")) {
    return true;
  }
  auto same_site = object.find("sameSite");
  return same_site != object.end() && same_site->is_string() &&
         (*same_site == "no_restriction" || *same_site == "lax" || *same_site == "strict" ||
          *same_site == "unspecified");
}

// The partition key of a "partitionKey" field: a site string, or an object
// {topLevelSite, hasCrossSiteAncestor} (Chromium's bit), its bit written in
// the convention `ancestors`.
bool ReadPartition(CookieReader& reader, const std::string& domain,
                   CookiePartitionKey::Ancestors ancestors, CanonicalCookie* cookie) {
  const json* field = reader.Find("partitionKey");
  if (field == nullptr || field->is_null()) return true;
  std::string site;
  std::optional<bool> ancestor;
  if (field->is_string()) {
    site = field->get<std::string>();
  } else if (field->is_object()) {
    auto top = field->find("topLevelSite");
    if (top == field->end() || !top->is_string()) {
      reader.Fail("\"partitionKey\" has no \"topLevelSite\" string");
      return false;
    }
    site = top->get<std::string>();
    auto bit = field->find("hasCrossSiteAncestor");
    if (bit != field->end() && bit->is_boolean()) ancestor = bit->get<bool>();
  } else {
    reader.Fail("\"partitionKey\" is neither a site nor an object");
    return false;
  }
  if (site.empty()) return true;  // Chrome's API writes "" for none.
  const size_t sep = site.find("://");
  const std::string scheme = site.substr(0, sep);
  absl::StatusOr<CanonicalHost> host = sep == std::string::npos
                                           ? absl::InvalidArgumentError("no scheme")
                                           : CanonicalizeHost(site.substr(sep + 3));
  if ((scheme != "https" && scheme != "http") || !host.ok()) {
    reader.Fail("\"partitionKey\" is not a site like https://example.com");
    return false;
  }
  site = scheme + "://" + host->name;
  cookie->partition_key = CookiePartitionKey{
      site, persistence_internal::AncestorBit(
                domain, site, ancestor, CookiePartitionKey::Ancestors::kFramesAndRequest, ancestors)};
  return true;
}

// Reads one cookie object into *cookie; returns "" or why not.
std::string ReadCookie(const json& object, CookiePartitionKey::Ancestors ancestors,
                       CanonicalCookie* cookie, JsonCookieFormat* shape) {
  if (!object.is_object()) return "not an object";
  const bool editor = IsCookieEditorShape(object);
  *shape = editor ? JsonCookieFormat::kCookieEditor : JsonCookieFormat::kStorageState;
  CookieReader reader(object);
  std::string domain, path = "/";
  bool ok = reader.String("name", true, &cookie->name) &&
            reader.String("value", true, &cookie->value) &&
            reader.String("domain", true, &domain) && reader.String("path", false, &path) &&
            reader.Bool("secure", &cookie->secure) && reader.Bool("httpOnly", &cookie->http_only);
  if (!ok) return reader.why();
  if (domain.empty()) return "\"domain\" is empty";
  bool domain_cookie = domain[0] == '.';
  if (editor && reader.Has("hostOnly")) {
    bool host_only = !domain_cookie;
    if (!reader.Bool("hostOnly", &host_only)) return reader.why();
    domain_cookie = !host_only;
  }
  absl::StatusOr<CanonicalHost> host =
      CanonicalizeHost(domain[0] == '.' ? std::string_view(domain).substr(1) : domain);
  if (!host.ok()) return absl::StrCat("invalid \"domain\": ", host.status().message());
  cookie->domain = host->name;
  cookie->host_only = !domain_cookie;
  if (path.empty() || path[0] != '/') return "\"path\" does not start with '/'";
  cookie->path = path;

  // Expiry: storageState "expires" (-1: session); CDP adds "session";
  // cookie-editor "expirationDate" (missing, or "session": true: session).
  bool session = false;
  if (!reader.Bool("session", &session)) return reader.why();
  std::optional<double> expires = reader.Number(editor ? "expirationDate" : "expires", &ok);
  if (!ok) return reader.why();
  if (!editor && !expires) expires = reader.Number("expirationDate", &ok);
  if (!ok) return reader.why();
  if (session || !expires || (!editor && *expires == -1)) {
    cookie->expiry = absl::InfiniteFuture();
  } else if (*expires < 0 || *expires >= kLatestSeconds) {
    return "the expiry is outside the years 1970 to 9999";
  } else {
    cookie->expiry = absl::FromUnixMicros(static_cast<int64_t>(std::llround(*expires * 1e6)));
  }

  std::string same_site;
  if (!reader.String("sameSite", false, &same_site)) return reader.why();
  const std::string lower = absl::AsciiStrToLower(same_site);
  if (lower.empty() || lower == "unspecified") {
    cookie->same_site = CookieSameSite::kUnspecified;
  } else if (lower == "strict") {
    cookie->same_site = CookieSameSite::kStrict;
  } else if (lower == "lax") {
    cookie->same_site = CookieSameSite::kLax;
  } else if (lower == "none" || lower == "no_restriction") {
    cookie->same_site = CookieSameSite::kNoRestriction;
  } else {
    return "\"sameSite\" is not Strict, Lax, None or unspecified";
  }
  std::string priority, scheme;
  if (!reader.String("priority", false, &priority) ||
      !reader.String("sourceScheme", false, &scheme)) {
    return reader.why();
  }
  if (priority == "Low") {
    cookie->priority = CookiePriority::kLow;
  } else if (priority == "High") {
    cookie->priority = CookiePriority::kHigh;
  } else if (!priority.empty() && priority != "Medium") {
    return "\"priority\" is not Low, Medium or High";
  }
  // Without a source scheme, a Secure cookie came from a secure origin.
  cookie->source_scheme = scheme == "NonSecure" || (scheme != "Secure" && !cookie->secure)
                              ? CookieSourceScheme::kNonSecure
                              : CookieSourceScheme::kSecure;
  if (!ReadPartition(reader, cookie->domain, ancestors, cookie)) return reader.why();
  return "";
}

void AddProblem(const JsonCookiesOptions& options, JsonCookiesReport* report, size_t index,
                const std::string& name, std::string_view why) {
  if (report->problems.size() >= options.max_problems) {
    ++report->more_problems;
    return;
  }
  report->problems.push_back(
      absl::StrCat("cookie ", index, " (", name.substr(0, 64), "): ", AbslView(why)));
}

std::string Describe(const CanonicalCookie& c) {
  return absl::StrCat(c.name.substr(0, 64), " for ", c.host_only ? "" : ".", c.domain,
                      c.path.substr(0, 64));
}

double Seconds(absl::Time t) { return static_cast<double>(absl::ToUnixMicros(t)) / 1e6; }

// Reads the cookies of a storageState or cookie-editor text in one pass,
// keeping one cookie object at a time: each is built (its first
// kMaxCookieValues values, with strings of at most kMaxCookieStringBytes),
// read with ReadCookie and dropped. The rest of the document (localStorage,
// unknown fields) is counted or skipped unbuilt. The first limit stops it.
class CookieListReader : public JsonSaxReader {
 public:
  CookieListReader(const JsonCookiesOptions& options, JsonCookiesReport* report,
                   std::vector<CanonicalCookie>* cookies)
      : JsonSaxReader(kMaxDepth), options_(options), report_(report), cookies_(cookies) {}

  absl::Status Read(std::string_view text) {
    absl::Status status = Parse(text);
    if (!status.ok()) return status;
    if (list_depth_ == 0) {
      return absl::InvalidArgumentError(
          "a JSON object without a \"cookies\" array: not a storageState");
    }
    return absl::OkStatus();
  }

 private:
  bool OnStart(bool object) override {
    const int d = depth();
    if (in_cookie_) {
      // A field of the cookie (partitionKey is an object); anything nested
      // deeper keeps only its type, enough for ReadCookie to say what is
      // wrong with it.
      const bool keep = object && d == list_depth_ + 2;
      if (!Put(object ? json::object() : json::array(), keep ? d : 0) || !keep) SkipContent();
      return true;
    }
    if (d == 1) {
      root_object_ = object;
      if (!object) list_depth_ = 1;
      list_open_ = !object;
      return true;
    }
    if (list_open_ && d == list_depth_ + 1) {
      if (!NewEntry()) return false;
      if (object) {
        in_cookie_ = true;
        cookie_ = json::object();
        open_ = {{&cookie_, d}};
        values_ = 0;
        dropped_.clear();
      } else {
        Problem("", "not an object");
        SkipContent();
      }
      return true;
    }
    if (root_object_ && d == 2 && root_key_ == "cookies" && !object) {
      if (list_depth_ > 0) return Stop(absl::InvalidArgumentError("two \"cookies\" arrays"));
      list_depth_ = 2;
      list_open_ = true;
      return true;
    }
    if (root_object_ && d == 2 && root_key_ == "origins" && !object) {
      origins_depth_ = 2;
      return true;
    }
    if (origins_depth_ > 0 && d == origins_depth_ + 1) ++report_->origins;
    SkipContent();
    return true;
  }

  bool OnKey(std::string& key) override {
    if (in_cookie_) {
      key_ = key.size() <= kMaxCookieStringBytes ? std::move(key) : std::string("(a long key)");
    } else if (root_object_ && depth() == 1) {
      root_key_ = key.size() <= 16 ? std::move(key) : std::string();
    }
    return true;
  }

  bool OnValue(json value) override {
    const int d = depth();
    if (in_cookie_) {
      if (value.is_string() && value.get_ref<const std::string&>().size() > kMaxCookieStringBytes) {
        Drop(absl::StrCat("\"", key_.substr(0, 64), "\" is longer than ", kMaxCookieStringBytes,
                          " bytes"));
        return true;
      }
      Put(std::move(value), 0);
      return true;
    }
    if (d == 0) {
      return Stop(absl::InvalidArgumentError(
          "neither a storageState object nor an array of cookie objects"));
    }
    if (list_open_ && d == list_depth_) {
      if (!NewEntry()) return false;
      Problem("", "not an object");
    } else if (origins_depth_ > 0 && d == origins_depth_) {
      ++report_->origins;
    }
    return true;
  }

  bool OnEnd() override {
    const int d = depth();
    if (in_cookie_) {
      if (open_.back().second == d) open_.pop_back();
      if (d == list_depth_ + 1) EndCookie();
      return true;
    }
    if (list_open_ && d == list_depth_) list_open_ = false;
    if (d == origins_depth_) origins_depth_ = 0;
    return true;
  }

  // Counts one more entry of the list; false (and stops) past the limit.
  bool NewEntry() {
    if (report_->entries == options_.max_cookies) {
      return Stop(absl::InvalidArgumentError(
          absl::StrCat("more than ", options_.max_cookies, " cookies")));
    }
    ++report_->entries;
    return true;
  }

  // Adds `value` to the cookie's innermost open object under key_ (an
  // object that stays open to take values when `open_depth` > 0);
  // false once the cookie has too many values.
  bool Put(json value, int open_depth) {
    if (!dropped_.empty()) return false;
    if (++values_ > kMaxCookieValues) {
      Drop(absl::StrCat("more than ", kMaxCookieValues, " fields"));
      return false;
    }
    // Only objects stay open: values are keyed.
    json* slot = &((*open_.back().first)[key_] = std::move(value));
    if (open_depth > 0) open_.push_back({slot, open_depth});
    return true;
  }

  // The cookie is skipped for `why`; the rest of it is read but not kept.
  void Drop(std::string why) {
    if (dropped_.empty()) dropped_ = std::move(why);
  }

  void EndCookie() {
    in_cookie_ = false;
    CanonicalCookie cookie;
    JsonCookieFormat shape = JsonCookieFormat::kStorageState;
    std::string why = dropped_;
    if (why.empty()) {
      why = ReadCookie(cookie_, options_.partition_ancestors, &cookie, &shape);
    } else if (auto name = cookie_.find("name"); name != cookie_.end() && name->is_string()) {
      cookie.name = name->get<std::string>();
    }
    if (report_->entries == 1) report_->format = shape;
    if (!why.empty()) {
      Problem(cookie.name, why);
    } else {
      cookies_->push_back(std::move(cookie));
    }
    cookie_ = json();
    open_.clear();
  }

  void Problem(const std::string& name, std::string_view why) {
    AddProblem(options_, report_, report_->entries, name, why);
  }

  const JsonCookiesOptions& options_;
  JsonCookiesReport* report_;
  std::vector<CanonicalCookie>* cookies_;
  bool root_object_ = false;
  std::string root_key_;
  int list_depth_ = 0;     // Of the array of cookies; 0 before it.
  bool list_open_ = false;
  int origins_depth_ = 0;  // Of the storageState's origins array, while read.
  // The cookie object being read, and its containers open to take values
  // (with their depths).
  bool in_cookie_ = false;
  json cookie_;
  std::vector<std::pair<json*, int>> open_;
  std::string key_;
  size_t values_ = 0;
  std::string dropped_;  // Why the cookie being read is skipped.
};

}  // namespace

std::string_view JsonCookieFormatName(JsonCookieFormat format) {
  return format == JsonCookieFormat::kStorageState ? "storage-state" : "cookie-editor";
}

absl::StatusOr<std::vector<CanonicalCookie>> ParseJsonCookies(std::string_view text,
                                                              JsonCookiesReport* report,
                                                              const JsonCookiesOptions& options) {
  JsonCookiesReport scratch;
  if (report == nullptr) report = &scratch;
  *report = JsonCookiesReport();
  if (text.size() > options.max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the JSON text is larger than ", options.max_bytes, " bytes"));
  }
  std::vector<CanonicalCookie> cookies;
  CookieListReader reader(options, report, &cookies);
  absl::Status status = reader.Read(text);
  if (!status.ok()) return status;
  report->imported = cookies.size();
  return cookies;
}

absl::StatusOr<JsonCookiesReport> ImportJsonCookies(std::string_view text, CookieJar* jar,
                                                    const JsonCookiesOptions& options) {
  JsonCookiesReport report;
  JsonCookiesOptions parse_options = options;
  parse_options.partition_ancestors = jar->rules().partition_ancestors;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies =
      ParseJsonCookies(text, &report, parse_options);
  if (!cookies.ok()) return cookies.status();
  report.imported = 0;
  size_t index = 0;
  for (const CanonicalCookie& cookie : *cookies) {
    ++index;
    const CookieInclusionStatus status = jar->ImportCookie(cookie, CookieJar::ImportTimes::kNow);
    if (status.IsInclude()) {
      ++report.imported;
    } else if (status.Has(CookieExclusionReason::kExpired)) {
      ++report.expired;
    } else {
      AddProblem(options, &report, index, cookie.name,
                 absl::StrCat("refused by the jar: ", status.ToString()));
    }
  }
  return report;
}

JsonCookiesExport FormatJsonCookies(const std::vector<CanonicalCookie>& cookies,
                                    JsonCookieFormat format,
                                    CookiePartitionKey::Ancestors partition_ancestors) {
  JsonCookiesExport out;
  json list = json::array();
  const bool editor = format == JsonCookieFormat::kCookieEditor;
  for (const CanonicalCookie& c : cookies) {
    const std::string partition = c.partition_key ? c.partition_key->top_level_site : "";
    if (!IsUtf8(c.name) || !IsUtf8(c.value) || !IsUtf8(c.path) || !IsUtf8(partition)) {
      out.losses.push_back(absl::StrCat(
          Describe(c), ": left out (bytes that are not UTF-8: JSON text cannot hold them)"));
      continue;
    }
    std::vector<std::string> lost;
    if (c.priority != CookiePriority::kMedium) {
      lost.push_back(absl::StrCat("Priority=", AbslView(PriorityName(c.priority))));
    }
    // Read back, the source scheme follows Secure (see ReadCookie).
    const CookieSourceScheme read_back =
        c.secure ? CookieSourceScheme::kSecure : CookieSourceScheme::kNonSecure;
    if (c.source_scheme != read_back) {
      lost.push_back(c.source_scheme == CookieSourceScheme::kSecure
                         ? "its source scheme (set over https, read back as http)"
                         : "its source scheme (set over http, read back as https)");
    }
    json cookie = json::object();
    const std::string domain = (c.host_only ? "" : ".") + c.domain;
    cookie["name"] = c.name;
    cookie["value"] = c.value;
    cookie["domain"] = domain;
    if (editor) cookie["hostOnly"] = c.host_only;
    cookie["path"] = c.path;
    if (editor) {
      cookie["session"] = !c.IsPersistent();
      if (c.IsPersistent()) cookie["expirationDate"] = Seconds(c.expiry);
    } else {
      cookie["expires"] = c.IsPersistent() ? Seconds(c.expiry) : -1.0;
    }
    cookie["httpOnly"] = c.http_only;
    cookie["secure"] = c.secure;
    switch (c.same_site) {
      case CookieSameSite::kStrict:
        cookie["sameSite"] = editor ? "strict" : "Strict";
        break;
      case CookieSameSite::kLax:
        cookie["sameSite"] = editor ? "lax" : "Lax";
        break;
      case CookieSameSite::kNoRestriction:
        cookie["sameSite"] = editor ? "no_restriction" : "None";
        break;
      case CookieSameSite::kUnspecified:
        // storageState: no attribute (Playwright's addCookies leaves it
        // unset, as the browser then does).
        if (editor) cookie["sameSite"] = "unspecified";
        break;
    }
    if (c.partition_key) {
      // Both formats are Chromium's: its bit, or its site alone.
      const bool bit = persistence_internal::AncestorBit(
          c.domain, partition, c.partition_key->cross_site_ancestor, partition_ancestors,
          CookiePartitionKey::Ancestors::kFramesAndRequest);
      if (editor) {
        cookie["partitionKey"] = {{"topLevelSite", partition}, {"hasCrossSiteAncestor", bit}};
      } else {
        cookie["partitionKey"] = partition;
        // Read back, the site alone gives Chromium's bit for no cross-site
        // frame (see ReadPartition).
        if (bit != persistence_internal::EmbeddedCrossSite(c.domain, partition)) {
          lost.push_back(absl::StrCat("the partition's cross-site ancestor bit (",
                                      c.partition_key->cross_site_ancestor ? "set" : "clear", ")"));
        }
      }
    }
    if (!lost.empty()) {
      std::string what;
      for (const std::string& l : lost) absl::StrAppend(&what, what.empty() ? "" : ", ", l);
      out.losses.push_back(absl::StrCat(Describe(c), ": loses ", what, " (",
                                        AbslView(JsonCookieFormatName(format)),
                                        " cannot hold it)"));
    }
    list.push_back(std::move(cookie));
    ++out.written;
  }
  json document = list;
  if (!editor) document = {{"cookies", std::move(list)}, {"origins", json::array()}};
  out.text = document.dump(2) + "\n";
  return out;
}

}  // namespace cookiejar
