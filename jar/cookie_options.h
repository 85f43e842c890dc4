// The context of one cookie access: which API is asking. Passed with every
// get and set. (The SameSite request context joins it with the browser
// policies.)

#ifndef COOKIEJAR_JAR_COOKIE_OPTIONS_H_
#define COOKIEJAR_JAR_COOKIE_OPTIONS_H_

namespace cookiejar {

enum class CookieApi {
  // HTTP headers: Set-Cookie in, Cookie out. Sees HttpOnly cookies.
  kHttp,
  // The script API (document.cookie): never sees nor writes HttpOnly cookies.
  kScript,
};

struct CookieOptions {
  CookieApi api = CookieApi::kHttp;

  static CookieOptions Http() { return CookieOptions{}; }
  static CookieOptions Script() {
    CookieOptions options;
    options.api = CookieApi::kScript;
    return options;
  }
};

}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_COOKIE_OPTIONS_H_
