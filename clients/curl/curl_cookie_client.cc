#include "cookiejar/curl_cookie_client.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "cookiejar/same_site.h"

namespace cookiejar {
namespace {

struct Exchange {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    exchange->headers.clear();  // A new response (after 100 Continue, say).
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    // Django writes "Set-Cookie:  name=value": any run of spaces goes.
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    exchange->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<Exchange*>(user)->body.append(data, size * count);
  return size * count;
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, AbslView(name))) return value;
  }
  return "";
}

CurlCookieClient::CurlCookieClient(CookieJar* jar) : jar_(jar), easy_(curl_easy_init()) {}

CurlCookieClient::~CurlCookieClient() { curl_easy_cleanup(easy_); }

absl::StatusOr<HttpResponse> CurlCookieClient::Fetch(const HttpRequest& request) {
  if (easy_ == nullptr) return absl::InternalError("curl_easy_init failed");
  absl::StatusOr<Url> current = Url::Parse(request.url);
  if (!current.ok()) return current.status();
  std::optional<Url> initiator, top_level;
  if (!request.initiator_url.empty()) {
    absl::StatusOr<Url> parsed = Url::Parse(request.initiator_url);
    if (!parsed.ok()) return parsed.status();
    initiator = *parsed;
  }
  if (!request.top_level_url.empty()) {
    absl::StatusOr<Url> parsed = Url::Parse(request.top_level_url);
    if (!parsed.ok()) return parsed.status();
    top_level = *parsed;
  }
  std::string method = absl::AsciiStrToUpper(request.method);
  std::string body = request.body;
  // The URLs the request went through: a redirect from another site makes
  // the next hop cross-site-initiated, as browsers treat redirect chains.
  std::vector<Url> chain;
  if (initiator) chain.push_back(*initiator);

  HttpResponse response;
  for (int hop = 0; hop <= request.max_redirects; ++hop) {
    const Url* hop_initiator = initiator ? &*initiator : nullptr;
    for (const Url& earlier : chain) {
      if (!IsSameSite(earlier, *current, PublicSuffixList::Builtin(), /*schemeful=*/true)) {
        hop_initiator = &earlier;
        break;
      }
    }
    CookieOptions options;
    options.top_level_navigation = request.top_level_navigation;
    options.initiator = hop_initiator;
    options.top_level_url = top_level ? &*top_level : nullptr;
    options.method = method;

    HttpHop record;
    record.url = current->Spec();
    record.method = method;
    record.cookie_header = jar_->GetCookieHeader(*current, options);

    curl_slist* headers = nullptr;
    for (const std::string& header : request.headers) {
      if (absl::StartsWithIgnoreCase(header, "cookie:")) continue;
      headers = curl_slist_append(headers, header.c_str());
    }
    if (!record.cookie_header.empty()) {
      headers = curl_slist_append(headers, ("Cookie: " + record.cookie_header).c_str());
    }
    Exchange exchange;
    curl_easy_setopt(easy_, CURLOPT_URL, record.url.c_str());
    curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, &exchange);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &exchange);
    if (method == "GET") {
      curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, nullptr);
    } else {
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
      curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method == "POST" ? nullptr : method.c_str());
    }
    const CURLcode result = curl_easy_perform(easy_);
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    if (result != CURLE_OK) {
      return absl::UnavailableError(
          absl::StrCat(record.url, ": ", curl_easy_strerror(result)));
    }
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &record.status);

    // Store this hop's cookies against this hop's URL, before following it.
    for (const auto& [name, value] : exchange.headers) {
      if (!absl::EqualsIgnoreCase(name, "set-cookie")) continue;
      record.set_cookies.push_back(value);
      record.set_cookie_results.push_back(jar_->SetCookie(*current, value, options));
    }
    response.status = record.status;
    response.url = record.url;
    response.body = std::move(exchange.body);
    response.headers = std::move(exchange.headers);
    response.hops.push_back(std::move(record));

    const std::string location = response.Header("Location");
    if (!IsRedirect(response.status) || location.empty()) return response;
    absl::StatusOr<Url> next = current->Resolve(location);
    if (!next.ok()) return next.status();
    if (response.status == 303 || ((response.status == 301 || response.status == 302) &&
                                   method == "POST")) {
      if (method != "HEAD") method = "GET";
      body.clear();
    }
    chain.push_back(*current);
    current = *std::move(next);
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("more than ", request.max_redirects, " redirects from ", request.url));
}

}  // namespace cookiejar
