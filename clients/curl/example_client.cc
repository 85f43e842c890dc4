// A libcurl program whose cookies live in a CookieJar: it fetches each URL
// given on the command line in turn, as one browser session, and prints for
// every hop what was sent and what the server set.
//
//   bazel run //clients/curl:example_client -- http://localhost:8000/set?a=1 http://localhost:8000/

#include <curl/curl.h>

#include <iostream>

#include "cookiejar/curl/curl_cookie_client.h"
#include "cookiejar/cookie_jar.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: example_client URL...\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  cookiejar::CookieJar jar;
  int status = 0;
  {
    cookiejar::CurlCookieClient client(&jar);
    curl_easy_setopt(client.easy(), CURLOPT_TIMEOUT, 20L);
    for (int i = 1; i < argc; ++i) {
      absl::StatusOr<cookiejar::HttpResponse> response =
          client.Fetch(cookiejar::HttpRequest{argv[i]});
      if (!response.ok()) {
        std::cerr << "example_client: " << response.status().message() << "\n";
        status = 1;
        continue;
      }
      for (const cookiejar::HttpHop& hop : response->hops) {
        std::cout << hop.method << " " << hop.url << " -> " << hop.status << "\n";
        if (!hop.cookie_header.empty()) std::cout << "  sent Cookie: " << hop.cookie_header << "\n";
        for (size_t c = 0; c < hop.set_cookies.size(); ++c) {
          std::cout << "  Set-Cookie: " << hop.set_cookies[c] << "  ["
                    << hop.set_cookie_results[c].ToString() << "]\n";
        }
      }
    }
  }
  curl_global_cleanup();
  return status;
}
