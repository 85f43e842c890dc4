#include "cookiejar/curl/curl_transfer.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace cookiejar {
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

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// The status code of a status line ("HTTP/1.1 200 OK", "HTTP/2 302"), or 0.
long StatusOf(std::string_view line) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos || line.size() < space + 4) return 0;
  long status = 0;
  for (char c : line.substr(space + 1, 3)) {
    if (c < '0' || c > '9') return 0;
    status = status * 10 + (c - '0');
  }
  return status;
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
  const size_t bytes = size * count;
  transfer->header_bytes_ += bytes;
  if (transfer->header_bytes_ > kMaxHeaderBytes) {
    transfer->stopped_ = absl::ResourceExhaustedError(absl::StrCat(
        transfer->hop_.url, ": response headers larger than ", kMaxHeaderBytes, " bytes"));
    return 0;  // Ends the transfer (CURLE_WRITE_ERROR).
  }
  std::string_view line(data, bytes);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  transfer->HeaderLine(line);
  return bytes;
}

void CurlTransfer::HeaderLine(std::string_view line) {
  HttpHeaders& headers = hop_.headers;
  if (line.substr(0, 5) == "HTTP/") {
    // A new response: the final one after interim 1xx responses (100
    // Continue, 103 Early Hints), whose headers browsers do not apply.
    headers.clear();
    status_ = StatusOf(line);
    headers_done_ = false;
    header_bytes_ = line.size();
  } else if (line.empty()) {
    headers_done_ = true;
  } else if (headers_done_) {
    // A trailer (after a chunked body): browsers take no cookies from them.
  } else if (IsSpace(line.front())) {
    // An obsolete line folding (RFC 9112 §5.2): the previous value goes on.
    if (!headers.empty()) absl::StrAppend(&headers.back().second, " ", AbslView(TrimSpace(line)));
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    // Django writes "Set-Cookie:  name=value": any run of spaces goes.
    headers.emplace_back(std::string(line.substr(0, colon)),
                         std::string(TrimSpace(line.substr(colon + 1))));
  }
}

bool CurlTransfer::IsFinalResponse() const {
  if (!RedirectFollower::IsRedirect(static_cast<int>(status_))) return true;
  for (const auto& [name, value] : hop_.headers) {
    if (absl::EqualsIgnoreCase(name, "location") && !value.empty()) return false;
  }
  return true;
}

size_t CurlTransfer::OnBody(char* data, size_t size, size_t count, void* user) {
  const size_t bytes = size * count;
  return static_cast<CurlTransfer*>(user)->Body(std::string_view(data, bytes)) ? bytes : 0;
}

bool CurlTransfer::Body(std::string_view data) {
  if (!IsFinalResponse()) return true;  // A redirect's body: nobody reads it.
  body_bytes_ += data.size();
  if (request_.max_body_bytes != 0 && body_bytes_ > request_.max_body_bytes) {
    stopped_ = absl::ResourceExhaustedError(absl::StrCat(
        hop_.url, ": body larger than ", request_.max_body_bytes, " bytes (max_body_bytes)"));
    return false;
  }
  if (!request_.on_body) {
    body_.append(data.data(), data.size());
  } else if (!request_.on_body(data)) {
    stopped_ = absl::CancelledError(absl::StrCat(hop_.url, ": stopped by on_body"));
    return false;
  }
  return true;
}

absl::Status CurlTransfer::Attach(CURL* easy) {
  const CookieRequest& hop = follower_.request();
  absl::StatusOr<ResolvedRequest> resolved = cookies_.Resolve(hop);
  if (!resolved.ok()) return resolved.status();
  resolved_ = *std::move(resolved);
  std::string cookie_header = cookies_.CookieHeader(*resolved_);
  if (response_.hops.empty() && request_.configure) request_.configure(easy);
  hop_ = HttpHop();
  hop_.url = hop.url;
  hop_.method = hop.method;
  hop_.cookie_header = std::move(cookie_header);
  status_ = 0;
  headers_done_ = false;
  header_bytes_ = 0;
  body_bytes_ = 0;
  body_.clear();
  stopped_ = absl::OkStatus();

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
  // A proxy's answer to CONNECT is not the server's response.
  curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
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

absl::StatusOr<CurlTransfer::Next> CurlTransfer::Finish(CURL* easy, CURLcode result) {
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
  if (!stopped_.ok()) return stopped_;
  if (!resolved_) return absl::FailedPreconditionError("CurlTransfer::Finish before Attach");
  if (result != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(hop_.url, ": ", curl_easy_strerror(result)));
  }
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &hop_.status);
  // This hop's cookies are stored against this hop's URL before any next hop.
  std::string_view date;
  for (const auto& [name, value] : hop_.headers) {
    if (absl::EqualsIgnoreCase(name, "set-cookie")) hop_.set_cookies.push_back(value);
    if (absl::EqualsIgnoreCase(name, "date")) date = value;
  }
  hop_.set_cookie_results =
      cookies_.StoreResponse(*resolved_, static_cast<int>(hop_.status), hop_.set_cookies, date);

  response_.status = hop_.status;
  response_.url = hop_.url;
  response_.body = std::move(body_);
  response_.headers = hop_.headers;
  response_.hops.push_back(std::move(hop_));
  absl::StatusOr<RedirectFollower::Next> next =
      follower_.OnResponse(static_cast<int>(response_.status), response_.Header("Location"));
  if (!next.ok()) return next.status();
  return *next == RedirectFollower::Next::kDone ? Next::kDone : Next::kFollow;
}

}  // namespace cookiejar
