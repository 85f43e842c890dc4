// The C API (include/cookiejar/cookiejar_c.h): each function converts its
// arguments, calls the C++ API, and converts the result back. Nothing here
// decides anything about cookies.

#include "cookiejar/cookiejar_c.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "common/micros.h"

namespace {

using cookiejar::CanonicalCookie;
using cookiejar::CookieInclusionStatus;
using cookiejar::CookieJar;

thread_local std::string last_error;

void SetError(std::string message) { last_error = std::move(message); }

class CallbackClock : public cookiejar::Clock {
 public:
  CallbackClock(cookiejar_clock_fn fn, void* user) : fn_(fn), user_(user) {}
  absl::Time Now() const override { return cookiejar::micros::FromMicros(fn_(user_)); }

 private:
  cookiejar_clock_fn fn_;
  void* user_;
};

// A copy of `text` that the caller frees with cookiejar_free.
char* Duplicate(std::string_view text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) return nullptr;
  // An empty view may have a null data(), which memcpy must not see.
  if (!text.empty()) std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

uint32_t ReasonBits(const CookieInclusionStatus& status) {
  uint32_t bits = 0;
  for (int r = 0; r < static_cast<int>(cookiejar::CookieExclusionReason::kNumReasons); ++r) {
    if (status.Has(static_cast<cookiejar::CookieExclusionReason>(r))) bits |= uint32_t{1} << r;
  }
  return bits;
}

// A request's context, with the URLs it points to kept alive.
struct Context {
  cookiejar::CookieOptions options;
  std::optional<cookiejar::Url> top_level;
  std::optional<cookiejar::Url> initiator;
  std::vector<cookiejar::Url> frames;
  std::vector<cookiejar::Url> chain;
  std::string method;
  std::string server_date;
};

// Parses `count` URLs into `*out`; false (with the error set) when one is
// NULL or does not parse.
bool ParseUrls(const char* const* texts, size_t count, const char* what,
               std::vector<cookiejar::Url>* out) {
  if (count == 0) return true;
  if (texts == nullptr) {
    SetError(std::string(what) + " is NULL with a nonzero count");
    return false;
  }
  for (size_t i = 0; i < count; ++i) {
    absl::StatusOr<cookiejar::Url> url =
        cookiejar::Url::Parse(texts[i] == nullptr ? "" : texts[i]);
    if (!url.ok()) {
      SetError(std::string(what) + ": " + std::string(url.status().message()));
      return false;
    }
    out->push_back(*std::move(url));
  }
  return true;
}

// Fills `*context` from `request`; false (with the error set) for a bad URL.
bool MakeContext(const cookiejar_request* request, Context* context) {
  if (request == nullptr) return true;
  cookiejar::CookieOptions& options = context->options;
  options.top_level_navigation = request->top_level_navigation != 0;
  if (request->script) options.api = cookiejar::CookieApi::kScript;
  for (auto [text, slot] : {std::pair{request->top_level_url, &context->top_level},
                            std::pair{request->initiator_url, &context->initiator}}) {
    if (text == nullptr) continue;
    absl::StatusOr<cookiejar::Url> url = cookiejar::Url::Parse(text);
    if (!url.ok()) {
      SetError(std::string(url.status().message()));
      return false;
    }
    *slot = *std::move(url);
  }
  if (context->top_level) options.top_level_url = &*context->top_level;
  if (context->initiator) options.initiator = &*context->initiator;
  if (request->method != nullptr) {
    context->method = request->method;
    options.method = context->method;
  }
  if (!ParseUrls(request->frame_ancestors, request->frame_ancestor_count, "frame_ancestors",
                 &context->frames) ||
      !ParseUrls(request->redirect_chain, request->redirect_chain_length, "redirect_chain",
                 &context->chain)) {
    return false;
  }
  if (!context->frames.empty()) options.frame_ancestors = &context->frames;
  if (!context->chain.empty()) options.redirect_chain = &context->chain;
  if (request->server_date != nullptr) {
    context->server_date = request->server_date;
    options.server_date = context->server_date;
  }
  return true;
}

// The request's URL and context; false (with the error set) for a bad URL.
bool ReadRequest(const absl::StatusOr<cookiejar::Url>& url, const cookiejar_request* request,
                 Context* context) {
  if (!url.ok()) {
    SetError(std::string(url.status().message()));
    return false;
  }
  return MakeContext(request, context);
}


}  // namespace

struct cookiejar_jar {
  std::unique_ptr<CallbackClock> clock;  // Declared first: outlives the jar.
  std::unique_ptr<CookieJar> jar;
};

// Owns the strings its cookiejar_cookie entries point to.
struct cookiejar_cookie_list {
  std::vector<CanonicalCookie> cookies;
  std::vector<std::string> partitions;
  std::vector<cookiejar_cookie> entries;
};

namespace {

cookiejar_cookie_list* MakeList(std::vector<CanonicalCookie> cookies,
                                const std::vector<uint32_t>& reasons) {
  auto* list = new (std::nothrow) cookiejar_cookie_list;
  if (list == nullptr) return nullptr;
  list->cookies = std::move(cookies);
  list->partitions.reserve(list->cookies.size());
  for (size_t i = 0; i < list->cookies.size(); ++i) {
    const CanonicalCookie& c = list->cookies[i];
    list->partitions.push_back(c.partition_key ? c.partition_key->top_level_site : "");
    cookiejar_cookie entry;
    entry.name = c.name.c_str();
    entry.value = c.value.c_str();
    entry.domain = c.domain.c_str();
    entry.path = c.path.c_str();
    entry.expiry_us = cookiejar::micros::ToMicros(c.expiry);
    entry.creation_us = cookiejar::micros::ToMicros(c.creation);
    entry.last_access_us = cookiejar::micros::ToMicros(c.last_access);
    entry.host_only = c.host_only;
    entry.secure = c.secure;
    entry.http_only = c.http_only;
    entry.same_site = static_cast<int>(c.same_site);
    entry.priority = static_cast<int>(c.priority);
    entry.partition_site = c.partition_key ? list->partitions.back().c_str() : nullptr;
    entry.reasons = i < reasons.size() ? reasons[i] : 0;
    list->entries.push_back(entry);
  }
  return list;
}

}  // namespace

extern "C" {

const char* cookiejar_version(void) { return COOKIEJAR_VERSION; }

const char* cookiejar_last_error(void) { return last_error.c_str(); }

void cookiejar_free(void* pointer) { std::free(pointer); }

cookiejar_jar* cookiejar_jar_new(const char* rules) {
  return cookiejar_jar_new_with_clock(rules, nullptr, nullptr);
}

cookiejar_jar* cookiejar_jar_new_with_clock(const char* rules, cookiejar_clock_fn clock,
                                            void* user) {
  std::optional<cookiejar::BrowserRules> named =
      cookiejar::BrowserRules::Named(rules == nullptr ? "chromium" : rules);
  if (!named) {
    SetError(std::string("unknown rules \"") + rules + "\"");
    return nullptr;
  }
  auto* handle = new (std::nothrow) cookiejar_jar;
  if (handle == nullptr) return nullptr;
  cookiejar::CookieJarOptions options;
  options.rules = *std::move(named);
  if (clock != nullptr) {
    handle->clock = std::make_unique<CallbackClock>(clock, user);
    options.clock = handle->clock.get();
  }
  handle->jar = std::make_unique<CookieJar>(options);
  return handle;
}

void cookiejar_jar_free(cookiejar_jar* jar) { delete jar; }

cookiejar_result cookiejar_set_cookie(cookiejar_jar* jar, const char* url, const char* set_cookie,
                                      const cookiejar_request* request, uint32_t* reasons) {
  if (reasons != nullptr) *reasons = 0;
  if (jar == nullptr || url == nullptr || set_cookie == nullptr) {
    SetError("a jar, a URL and a Set-Cookie value are needed");
    return COOKIEJAR_INVALID_ARGUMENT;
  }
  absl::StatusOr<cookiejar::Url> parsed = cookiejar::Url::Parse(url);
  Context context;
  if (!ReadRequest(parsed, request, &context)) return COOKIEJAR_INVALID_URL;
  const CookieInclusionStatus status = jar->jar->SetCookie(*parsed, set_cookie, context.options);
  if (reasons != nullptr) *reasons = ReasonBits(status);
  return status.IsInclude() ? COOKIEJAR_OK : COOKIEJAR_REFUSED;
}

cookiejar_result cookiejar_cookie_header(cookiejar_jar* jar, const char* url,
                                         const cookiejar_request* request, char** header) {
  if (jar == nullptr || url == nullptr || header == nullptr) {
    SetError("a jar, a URL and a place for the header are needed");
    return COOKIEJAR_INVALID_ARGUMENT;
  }
  *header = nullptr;
  absl::StatusOr<cookiejar::Url> parsed = cookiejar::Url::Parse(url);
  Context context;
  if (!ReadRequest(parsed, request, &context)) return COOKIEJAR_INVALID_URL;
  *header = Duplicate(jar->jar->GetCookieHeader(*parsed, context.options));
  return *header == nullptr ? COOKIEJAR_OUT_OF_MEMORY : COOKIEJAR_OK;
}

const char* cookiejar_reason_name(int bit) {
  if (bit < 0 || bit >= static_cast<int>(cookiejar::CookieExclusionReason::kNumReasons)) {
    return nullptr;
  }
  // Names are string literals: NUL-terminated.
  return cookiejar::ExclusionReasonName(static_cast<cookiejar::CookieExclusionReason>(bit)).data();
}

char* cookiejar_reasons_string(uint32_t reasons) {
  CookieInclusionStatus status;
  for (int r = 0; r < static_cast<int>(cookiejar::CookieExclusionReason::kNumReasons); ++r) {
    if (reasons & (uint32_t{1} << r)) status.Add(static_cast<cookiejar::CookieExclusionReason>(r));
  }
  return Duplicate(status.ToString());
}

size_t cookiejar_cookie_list_size(const cookiejar_cookie_list* list) {
  return list == nullptr ? 0 : list->entries.size();
}

const cookiejar_cookie* cookiejar_cookie_list_at(const cookiejar_cookie_list* list, size_t index) {
  if (list == nullptr || index >= list->entries.size()) return nullptr;
  return &list->entries[index];
}

void cookiejar_cookie_list_free(cookiejar_cookie_list* list) { delete list; }

cookiejar_result cookiejar_all_cookies(cookiejar_jar* jar, cookiejar_cookie_list** list) {
  if (jar == nullptr || list == nullptr) {
    SetError("a jar and a place for the list are needed");
    return COOKIEJAR_INVALID_ARGUMENT;
  }
  *list = MakeList(jar->jar->GetAllCookies(), {});
  return *list == nullptr ? COOKIEJAR_OUT_OF_MEMORY : COOKIEJAR_OK;
}

cookiejar_result cookiejar_explain(cookiejar_jar* jar, const char* url,
                                   const cookiejar_request* request,
                                   cookiejar_cookie_list** list) {
  if (jar == nullptr || url == nullptr || list == nullptr) {
    SetError("a jar, a URL and a place for the list are needed");
    return COOKIEJAR_INVALID_ARGUMENT;
  }
  *list = nullptr;
  absl::StatusOr<cookiejar::Url> parsed = cookiejar::Url::Parse(url);
  Context context;
  if (!ReadRequest(parsed, request, &context)) return COOKIEJAR_INVALID_URL;
  std::vector<CanonicalCookie> cookies;
  std::vector<uint32_t> reasons;
  for (CookieJar::Explanation& e : jar->jar->Explain(*parsed, context.options)) {
    cookies.push_back(std::move(e.cookie));
    reasons.push_back(ReasonBits(e.status));
  }
  *list = MakeList(std::move(cookies), reasons);
  return *list == nullptr ? COOKIEJAR_OUT_OF_MEMORY : COOKIEJAR_OK;
}

size_t cookiejar_size(cookiejar_jar* jar) { return jar == nullptr ? 0 : jar->jar->size(); }

size_t cookiejar_end_session(cookiejar_jar* jar) {
  return jar == nullptr ? 0 : jar->jar->EndSession();
}

size_t cookiejar_clear(cookiejar_jar* jar) { return jar == nullptr ? 0 : jar->jar->DeleteAll(); }

cookiejar_result cookiejar_load_cookies_txt(cookiejar_jar* jar, const char* path,
                                            size_t* imported) {
  if (imported != nullptr) *imported = 0;
  if (jar == nullptr || path == nullptr) {
    SetError("a jar and a path are needed");
    return COOKIEJAR_INVALID_ARGUMENT;
  }
  if (access(path, F_OK) != 0) {
    SetError(std::string("cannot open ") + path + ": " + std::strerror(errno));
    return COOKIEJAR_FILE_ERROR;
  }
  cookiejar::CookiesTxtFile::Options options;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<cookiejar::CookiesTxtFile>> file =
      cookiejar::CookiesTxtFile::Open(path, options);
  if (!file.ok()) {
    SetError(std::string(file.status().message()));
    return COOKIEJAR_FILE_ERROR;
  }
  const cookiejar::CookiesTxtReport report = (*file)->Load(jar->jar.get());
  if (imported != nullptr) *imported = report.imported;
  return COOKIEJAR_OK;
}

cookiejar_result cookiejar_save_cookies_txt(cookiejar_jar* jar, const char* path) {
  if (jar == nullptr || path == nullptr) {
    SetError("a jar and a path are needed");
    return COOKIEJAR_INVALID_ARGUMENT;
  }
  absl::StatusOr<std::unique_ptr<cookiejar::CookiesTxtFile>> file =
      cookiejar::CookiesTxtFile::Open(path, cookiejar::CookiesTxtFile::Options());
  absl::Status status = file.ok() ? (*file)->Save(*jar->jar) : file.status();
  if (!status.ok()) {
    SetError(std::string(status.message()));
    return COOKIEJAR_FILE_ERROR;
  }
  return COOKIEJAR_OK;
}

}  // extern "C"
