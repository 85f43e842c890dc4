// A crawler with one session per proxy, in a poll() loop of its own: each
// session is a jar (a browser profile) whose transfers all go through its
// proxy, on connections of its own; every URL is fetched by every session.
// The part between the [crawler] marks is the example of docs/http-clients.md
// (tests/client_examples_test.cc checks that they agree, and runs this).
//
//   bazel run //clients/curl:crawler_example -- http://proxy-1:3128 http://proxy-2:3128 -- URL...

#include <poll.h>

#include <deque>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cookiejar/curl/curl_multi_client.h"

using cookiejar::CookieJar;
using cookiejar::CurlMultiClient;
using cookiejar::HttpRequest;
using cookiejar::HttpResponse;

int main(int argc, char** argv) {
  std::vector<std::string> proxies, urls;
  bool after_dashes = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--" && !after_dashes) {
      after_dashes = true;
    } else {
      (after_dashes ? urls : proxies).push_back(argv[i]);
    }
  }
  if (proxies.empty() || urls.empty()) {
    std::cerr << "usage: crawler_example PROXY... -- URL...\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  {
    // [crawler]
    std::deque<CookieJar> jars(proxies.size());  // One browser profile per proxy.
    std::map<curl_socket_t, short> watched;      // The sockets curl wants watched,
    long timer_ms = -1;                          // and when it wants to be called.
    CurlMultiClient::Options options;
    options.socket_function = [&](curl_socket_t fd, int what) {
      watched[fd] = (what & CURL_POLL_IN ? POLLIN : 0) | (what & CURL_POLL_OUT ? POLLOUT : 0);
      if (what == CURL_POLL_REMOVE) watched.erase(fd);
    };
    options.timer_function = [&](long ms) { timer_ms = ms; };
    CurlMultiClient crawler(options);
    for (size_t s = 0; s < jars.size(); ++s) {
      crawler.SetSessionOptions(&jars[s], [proxy = proxies[s]](CURL* easy) {
        curl_easy_setopt(easy, CURLOPT_PROXY, proxy.c_str());
      });
      for (const std::string& url : urls) {
        crawler.Add(&jars[s], HttpRequest(url), [s](absl::StatusOr<HttpResponse> r) {
          std::cout << "session " << s << ": " << (r.ok() ? r->url : r.status().ToString()) << "\n";
        });
      }
    }
    absl::Status status;  // The first error of the loop, if any.
    while (status.ok() && crawler.pending() > 0) {  // Yours: poll your descriptors too.
      std::vector<pollfd> fds;
      for (auto [fd, events] : watched) fds.push_back({fd, events, 0});
      if (poll(fds.data(), fds.size(), timer_ms < 0 ? 1000 : timer_ms) == 0) {
        status.Update(crawler.SocketAction(CURL_SOCKET_TIMEOUT, 0));  // curl's timer.
      }
      for (pollfd p : fds) if (p.revents) status.Update(crawler.SocketAction(p.fd, 0));
    }
    // [crawler]
    if (!status.ok()) {
      std::cerr << "crawler_example: " << status << "\n";
      return 1;
    }
    for (size_t s = 0; s < jars.size(); ++s) {
      std::cout << "session " << s << " cookies: " << jars[s].size() << "\n";
    }
  }
  curl_global_cleanup();
  return 0;
}
