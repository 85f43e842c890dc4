// Deprecated: the path of this header before 2.0; include
// "cookiejar/curl/curl_cookie_client.h". Removed in 3.0.
#ifndef COOKIEJAR_CURL_COOKIE_CLIENT_H_
#define COOKIEJAR_CURL_COOKIE_CLIENT_H_
#include "cookiejar/curl/curl_cookie_client.h"
#endif  // COOKIEJAR_CURL_COOKIE_CLIENT_H_
