// The context of one cookie access, passed with every get and set: which API
// is asking and, for browser-grade SameSite, partitioning and third-party
// decisions, where the request sits in the browser. A default CookieOptions
// is a first-party HTTP request, which is what a plain HTTP client wants.
//
// Example, an image on news.example embedded in a page of blog.example:
//   Url page = *Url::Parse("https://blog.example/post");
//   CookieOptions options;
//   options.top_level_url = &page;
//   jar.GetCookieHeader(*Url::Parse("https://news.example/pixel.gif"), options);
//   // Only SameSite=None cookies of news.example (and those partitioned
//   // under blog.example) are sent.

#ifndef COOKIEJAR_COOKIE_OPTIONS_H_
#define COOKIEJAR_COOKIE_OPTIONS_H_

#include <string_view>
#include <vector>

namespace cookiejar {

class Url;

enum class CookieApi {
  // HTTP headers: Set-Cookie in, Cookie out. Sees HttpOnly cookies.
  kHttp,
  // The script API (document.cookie): never sees nor writes HttpOnly cookies.
  kScript,
};

struct CookieOptions {
  CookieApi api = CookieApi::kHttp;

  // A navigation of the top-level browsing context (the address bar). Its
  // response may set cookies of any SameSite value, and it is never
  // third-party.
  bool top_level_navigation = false;

  // For requests that are not top-level navigations (subresources, frames,
  // fetches) and for the script API: the URL of the top-level document.
  // nullptr: there is none, the request is first-party. Not owned.
  const Url* top_level_url = nullptr;

  // The URL of the page that started the request. nullptr: the user did
  // (typed address, bookmark), which counts as same-site. Not owned.
  const Url* initiator = nullptr;

  // The frames between the top-level document and the request, outermost
  // first, not counting the top-level document: for a request made by a
  // document in an iframe, that iframe and its parent frames; for an
  // iframe's own navigation, its parent frames; for the script API, the
  // frames above the document. nullptr or empty: the request
  // comes from the top-level document (or a client without frames). A frame
  // cross-site to the top level makes the request cross-site and third-party
  // even when it goes back to the top-level site (A -> B-frame -> A), and
  // puts partitioned cookies under a cross-site ancestor. Not owned.
  const std::vector<Url>* frame_ancestors = nullptr;

  // The HTTP method: SameSite=Lax cookies go on cross-site top-level
  // navigations only with a safe method (GET, HEAD, OPTIONS, TRACE).
  std::string_view method = "GET";

  // The earlier URLs of this request's redirect chain, oldest first; nullptr
  // or empty when the request was not redirected. A hop cross-site to the
  // site the request is compared with (the top-level page's, or the
  // navigation's own) makes the request cross-site, as in browsers: a
  // SameSite=Strict cookie is not sent after A -> B -> A. Not owned.
  const std::vector<Url>* redirect_chain = nullptr;

  // For Set-Cookie: the Date header of the response ("" when it had none).
  // Browsers correct an Expires date by the server's clock: a cookie that
  // expires in an hour by the server's clock expires in an hour here, however
  // far the two clocks are apart. Max-Age needs no correction. Not owned.
  std::string_view server_date;

  static CookieOptions Http() { return CookieOptions{}; }
  static CookieOptions Script() {
    CookieOptions options;
    options.api = CookieApi::kScript;
    return options;
  }
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_OPTIONS_H_
