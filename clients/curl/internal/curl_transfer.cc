#include "clients/curl/internal/curl_transfer.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace cookiejar {
namespace curl_internal {
namespace {

// Headers that describe a body: dropped with it when a redirect turns the
// request into a GET (WHATWG Fetch, "request-body-header name").
bool IsBodyHeader(std::string_view line) {
  for (std::string_view name : {"content-type:", "content-encoding:", "content-language:",
                                "content-location:", "content-length:"}) {
    if (absl::StartsWithIgnoreCase(AbslView(line), AbslView(name))) return true;
  }
  return false;
}

}  // namespace

CurlTransfer::CurlTransfer(CookieJar* jar, HttpRequest request)
    : cookies_(jar),
      request_(std::move(request)),
      follower_(
          [this] {
            CookieRequest first(request_.url);
            first.method = request_.method;
            first.context = request_.context;
            return first;
          }(),
          request_.max_redirects) {}

CurlTransfer::~CurlTransfer() { curl_slist_free_all(header_list_); }

size_t CurlTransfer::OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<CurlTransfer*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    transfer->headers_.clear();  // A new response (after 100 Continue, say).
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    // Django writes "Set-Cookie:  name=value": any run of spaces goes.
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    transfer->headers_.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

size_t CurlTransfer::OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<CurlTransfer*>(user)->body_.append(data, size * count);
  return size * count;
}

absl::Status CurlTransfer::Start(CURL* easy) {
  const CookieRequest& hop = follower_.request();
  absl::StatusOr<std::string> cookie_header = cookies_.CookieHeader(hop);
  if (!cookie_header.ok()) return cookie_header.status();
  hop_ = HttpHop();
  hop_.url = hop.url;
  hop_.method = hop.method;
  hop_.cookie_header = *std::move(cookie_header);
  headers_.clear();
  body_.clear();

  curl_slist_free_all(header_list_);
  header_list_ = nullptr;
  const bool send_body = follower_.keeps_body();
  for (const std::string& header : request_.headers) {
    if (absl::StartsWithIgnoreCase(header, "cookie:")) continue;
    if (!send_body && IsBodyHeader(header)) continue;
    header_list_ = curl_slist_append(header_list_, header.c_str());
  }
  if (!hop_.cookie_header.empty()) {
    header_list_ = curl_slist_append(header_list_, ("Cookie: " + hop_.cookie_header).c_str());
  }
  curl_easy_setopt(easy, CURLOPT_URL, hop.url.c_str());
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list_);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &CurlTransfer::OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &CurlTransfer::OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
  // The method, set in full each hop: the handle may have run another.
  const std::string& method = hop.method;
  const bool has_body = send_body && method != "GET" && method != "HEAD" &&
                        (method == "POST" || !request_.body.empty());
  curl_easy_setopt(easy, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, nullptr);
  } else if (has_body) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request_.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request_.body.data());
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method == "POST" ? nullptr : method.c_str());
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method == "GET" ? nullptr : method.c_str());
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CurlTransfer::Finish(CURL* easy, CURLcode result) {
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
  if (result != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(hop_.url, ": ", curl_easy_strerror(result)));
  }
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &hop_.status);
  // This hop's cookies are stored against this hop's URL before any next hop.
  std::string_view date;
  for (const auto& [name, value] : headers_) {
    if (absl::EqualsIgnoreCase(name, "set-cookie")) hop_.set_cookies.push_back(value);
    if (absl::EqualsIgnoreCase(name, "date")) date = value;
  }
  absl::StatusOr<std::vector<CookieInclusionStatus>> stored = cookies_.StoreResponse(
      follower_.request(), static_cast<int>(hop_.status), hop_.set_cookies, date);
  if (!stored.ok()) return stored.status();
  hop_.set_cookie_results = *std::move(stored);

  response_.status = hop_.status;
  response_.url = hop_.url;
  response_.body = std::move(body_);
  response_.headers = std::move(headers_);
  response_.hops.push_back(std::move(hop_));
  absl::StatusOr<RedirectFollower::Next> next =
      follower_.OnResponse(static_cast<int>(response_.status), response_.Header("Location"));
  if (!next.ok()) return next.status();
  return *next == RedirectFollower::Next::kDone;
}

}  // namespace curl_internal
}  // namespace cookiejar
