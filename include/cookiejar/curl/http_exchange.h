// One request through the libcurl adapters and what came back of it, hop by
// hop: the types CurlCookieClient, CurlMultiClient and CurlTransfer share.

#ifndef COOKIEJAR_CURL_HTTP_EXCHANGE_H_
#define COOKIEJAR_CURL_HTTP_EXCHANGE_H_

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cookiejar/cookie_inclusion_status.h"
#include "cookiejar/http_cookies.h"

namespace cookiejar {

// Header fields of one response, in the order received, names as the server
// wrote them.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  HttpRequest() = default;
  explicit HttpRequest(std::string request_url) : url(std::move(request_url)) {}

  std::string url;  // Sent as given, query included.
  // GET, HEAD (no body is read), POST, PUT, DELETE, OPTIONS, or any other.
  std::string method = "GET";
  std::string body;                  // Sent with any method but GET and HEAD.
  std::vector<std::string> headers;  // Extra "Name: value" lines (a Cookie line is replaced).
  RequestContext context;            // Browser context for SameSite (http_cookies.h).
  int max_redirects = 20;

  // Options of this request's own (a proxy for this request only, a
  // timeout...), applied once to the easy handle before the first hop,
  // after the client's and the session's. CurlMultiClient resets its
  // handles between transfers, so they end with the request;
  // CurlCookieClient's one handle keeps them, as it keeps every option.
  std::function<void(CURL* easy)> configure;

  // Streaming: each piece of the final response's body, as it arrives,
  // instead of collecting it in HttpResponse::body. Bodies of redirects are
  // dropped unread. Return false to stop the transfer (Cancelled).
  std::function<bool(std::string_view data)> on_body;

  // The most body bytes taken from the final response, collected or
  // streamed: a longer body ends the transfer with ResourceExhausted. A
  // crawler should set what it can afford; 0 means no limit.
  std::size_t max_body_bytes = std::size_t{64} << 20;
};

// One request/response exchange of a redirect chain.
struct HttpHop {
  std::string url;
  std::string method;
  long status = 0;
  std::string cookie_header;             // What was sent ("" = no Cookie header).
  std::vector<std::string> set_cookies;  // Set-Cookie values received, in order.
  std::vector<CookieInclusionStatus> set_cookie_results;  // The jar's verdict on each.
  // Every header field of the response (interim 1xx responses, a proxy's
  // CONNECT answer and trailers left out).
  HttpHeaders headers;
};

struct HttpResponse {
  long status = 0;
  std::string url;   // Of the last hop.
  std::string body;  // Of the last hop; empty when HttpRequest::on_body took it.
  HttpHeaders headers;        // Of the last hop (as hops.back().headers).
  std::vector<HttpHop> hops;  // Every exchange, redirects included.

  // The first header of the last response called `name` (ASCII
  // case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CURL_HTTP_EXCHANGE_H_
