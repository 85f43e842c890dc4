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
#include <tuple>
#include <vector>

#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"
#include "common/micros.h"

namespace {

using cookiejar::CanonicalCookie;
using cookiejar::CookieInclusionStatus;
using cookiejar::CookieJar;

static_assert(COOKIEJAR_CONTEXT_CROSS_SITE ==
                  static_cast<int>(cookiejar::SameSiteContext::kCrossSite) &&
              COOKIEJAR_CONTEXT_LAX_METHOD_UNSAFE ==
                  static_cast<int>(cookiejar::SameSiteContext::kLaxMethodUnsafe) &&
              COOKIEJAR_CONTEXT_LAX == static_cast<int>(cookiejar::SameSiteContext::kLax) &&
              COOKIEJAR_CONTEXT_STRICT == static_cast<int>(cookiejar::SameSiteContext::kStrict),
              "the C API's context numbers are the C++ enum's");

thread_local std::string last_error;

void SetError(std::string message) { last_error = std::move(message); }

class CallbackClock : public cookiejar::Clock {
 public:
  CallbackClock(cookiejar_clock_fn fn, void* user) : fn_(fn), user_(user) {}
  // A callback may return anything; "now" is always a finite instant.
  absl::Time Now() const override { return cookiejar::micros::FiniteFromMicros(fn_(user_)); }

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

// The request `url` and `request` describe (NULL: a first-party HTTP
// request); false (with the error set) when a list is NULL with a count or
// holds a NULL.
bool Describe(const char* url, const cookiejar_request* request,
              cookiejar::CookieRequest* out) {
  out->url = url;
  // Without a description, CookieOptions' default: not a navigation.
  out->context.top_level_navigation = false;
  if (request == nullptr) return true;
  out->context.top_level_navigation = request->top_level_navigation != 0;
  if (request->script) out->api = cookiejar::CookieApi::kScript;
  if (request->top_level_url != nullptr) out->context.top_level_url = request->top_level_url;
  if (request->initiator_url != nullptr) out->context.initiator = request->initiator_url;
  if (request->method != nullptr) out->method = request->method;
  for (auto [texts, count, what, list] :
       {std::tuple{request->frame_ancestors, request->frame_ancestor_count, "frame_ancestors",
                   &out->context.frame_ancestors},
        std::tuple{request->redirect_chain, request->redirect_chain_length, "redirect_chain",
                   &out->redirect_chain}}) {
    if (count != 0 && texts == nullptr) {
      SetError(std::string(what) + " is NULL with a nonzero count");
      return false;
    }
    for (size_t i = 0; i < count; ++i) {
      if (texts[i] == nullptr) {
        SetError(std::string(what) + "[" + std::to_string(i) + "] is NULL");
        return false;
      }
      list->push_back(texts[i]);
    }
  }
  return true;
}

}  // namespace

struct cookiejar_jar {
  std::unique_ptr<CallbackClock> clock;  // Declared first: outlives the jar.
  std::unique_ptr<CookieJar> jar;
};

namespace {

// The request `url` and `request` describe, resolved by `jar`; nullopt
// (with the error set) when the description is bad or a URL does not parse.
std::optional<cookiejar::ResolvedRequest> Resolve(cookiejar_jar* jar, const char* url,
                                                  const cookiejar_request* request) {
  cookiejar::CookieRequest description;
  if (!Describe(url, request, &description)) return std::nullopt;
  absl::StatusOr<cookiejar::ResolvedRequest> resolved = jar->jar->Resolve(description);
  if (!resolved.ok()) {
    SetError(std::string(resolved.status().message()));
    return std::nullopt;
  }
  return *std::move(resolved);
}

}  // namespace

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
  std::optional<cookiejar::ResolvedRequest> resolved = Resolve(jar, url, request);
  if (!resolved) return COOKIEJAR_INVALID_URL;
  const CookieInclusionStatus status = jar->jar->SetCookie(
      *resolved, set_cookie,
      request != nullptr && request->server_date != nullptr ? request->server_date : "");
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
  std::optional<cookiejar::ResolvedRequest> resolved = Resolve(jar, url, request);
  if (!resolved) return COOKIEJAR_INVALID_URL;
  *header = Duplicate(jar->jar->GetCookieHeader(*resolved));
  return *header == nullptr ? COOKIEJAR_OUT_OF_MEMORY : COOKIEJAR_OK;
}

cookiejar_result cookiejar_resolve_request(cookiejar_jar* jar, const char* url,
                                           const cookiejar_request* request,
                                           cookiejar_resolved_request* resolved) {
  if (jar == nullptr || url == nullptr || resolved == nullptr) {
    SetError("a jar, a URL and a place for the result are needed");
    return COOKIEJAR_INVALID_ARGUMENT;
  }
  *resolved = cookiejar_resolved_request{};
  std::optional<cookiejar::ResolvedRequest> made = Resolve(jar, url, request);
  if (!made) return COOKIEJAR_INVALID_URL;
  char* partition_site = Duplicate(made->partition().top_level_site);
  if (partition_site == nullptr) return COOKIEJAR_OUT_OF_MEMORY;
  resolved->same_site = static_cast<int>(made->same_site_for_sending());
  resolved->same_site_for_setting = static_cast<int>(made->same_site_for_setting());
  resolved->third_party = made->third_party();
  resolved->partition_site = partition_site;
  resolved->partition_cross_site_ancestor = made->partition().cross_site_ancestor;
  return COOKIEJAR_OK;
}

const char* cookiejar_same_site_context_name(int context) {
  if (context < COOKIEJAR_CONTEXT_CROSS_SITE || context > COOKIEJAR_CONTEXT_STRICT) return nullptr;
  // Names are string literals: NUL-terminated.
  return cookiejar::SameSiteContextName(static_cast<cookiejar::SameSiteContext>(context)).data();
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
  std::optional<cookiejar::ResolvedRequest> resolved = Resolve(jar, url, request);
  if (!resolved) return COOKIEJAR_INVALID_URL;
  std::vector<CanonicalCookie> cookies;
  std::vector<uint32_t> reasons;
  for (CookieJar::Explanation& e : jar->jar->Explain(*resolved)) {
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
