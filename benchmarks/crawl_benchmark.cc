// The jar's share of a crawl through libcurl's multi interface: the whole
// per-request cost of a crawl (CurlMultiClient against a local Boost.Beast
// server, 100 transfers in flight, 20 hosts, a redirect with cookies on both
// hops for every fourth request) beside the cost of the jar's calls for the
// same requests (HttpCookies::CookieHeader and StoreResponse per hop, URL
// strings in), in one run. The crawl runs three ways:
//   - the API before sessions: one jar, Add and a blocking Run();
//   - a crawler's: 20 sessions (one jar each, their own connections), driven
//     through curl's socket-action interface by an epoll loop, bodies
//     streamed;
//   - the same with share_connections, to show what isolation costs.
//
//   bazel run --config=opt //benchmarks:crawl_benchmark
//
// The summary lines give the jar's share of each. Everything runs on this
// machine's two cores with the server; the ratios are what to read.

#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "cookiejar/curl/curl_multi_client.h"
#include "cookiejar/http_cookies.h"
#include "cookiejar/redirect_follower.h"

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace cookiejar {
namespace {

constexpr int kRequests = 2000;
constexpr int kHosts = 20;

// A Boost.Beast server on 127.0.0.1, a thread per connection: "/page?n=N"
// sets two cookies; "/r?n=N" sets one and redirects to /page. (Beast, not
// cpp-httplib: Debian's httplib listens with a backlog of 5, and a crawl
// opening a hundred connections at once then waits on SYN retries.)
class LocalServer {
 public:
  LocalServer() : acceptor_(io_) {
    const tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(1024);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      for (;;) {
        tcp::socket socket(io_);
        beast::error_code error;
        acceptor_.accept(socket, error);
        if (error) return;
        std::thread(&LocalServer::Serve, std::move(socket)).detach();
      }
    });
  }
  int port() const { return port_; }

 private:
  static void Serve(tcp::socket socket) {
    socket.set_option(tcp::no_delay(true));
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      beast::error_code error;
      http::read(socket, buffer, request, error);
      if (error) return;
      const std::string target(request.target());
      const std::string n = target.substr(target.find("n=") + 2, target.find('&') - target.find("n=") - 2);
      http::response<http::string_body> response(http::status::ok, request.version());
      if (target.rfind("/r", 0) == 0) {
        response.result(http::status::found);
        response.set(http::field::location, "/page?n=" + n);
        response.insert(http::field::set_cookie, "hop=" + n + "; Path=/");
      } else {
        response.insert(http::field::set_cookie, "seen" + n + "=1; Path=/; Max-Age=3600");
        response.insert(http::field::set_cookie, "last=" + n + "; Path=/; SameSite=Lax");
        response.body() = "ok";
      }
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      http::write(socket, response, error);
      if (error || !request.keep_alive()) return;
    }
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  int port_;
  std::thread thread_;
};

LocalServer& Server() {
  static LocalServer* server = new LocalServer();
  return *server;
}

std::string RequestUrl(int i) {
  return absl::StrCat("http://site", i % kHosts, ".test/", i % 4 == 0 ? "r" : "page",
                      "?n=", i, "&q=crawl");
}

void BM_CrawlThroughCurlMulti(benchmark::State& state) {
  curl_slist* connect_to =
      curl_slist_append(nullptr, absl::StrCat("::127.0.0.1:", Server().port()).c_str());
  for (auto _ : state) {
    CookieJar jar;
    CurlMultiClient client(100, [&](CURL* easy) {
      curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to);
      curl_easy_setopt(easy, CURLOPT_TIMEOUT, 30L);
    });
    int ok = 0;
    for (int i = 0; i < kRequests; ++i) {
      client.Add(&jar, HttpRequest(RequestUrl(i)),
                 [&](absl::StatusOr<HttpResponse> response) { ok += response.ok(); });
    }
    if (!client.Run().ok() || ok != kRequests) state.SkipWithError("the crawl failed");
  }
  curl_slist_free_all(connect_to);
  state.SetItemsProcessed(state.iterations() * kRequests);
}
BENCHMARK(BM_CrawlThroughCurlMulti)->Unit(benchmark::kMillisecond)->UseRealTime();

// The crawler's way: a session per jar, driven by an event loop of the
// caller's (epoll here), bodies streamed to a callback.
void CrawlThroughSessions(benchmark::State& state, bool share_connections) {
  constexpr int kSessions = 20;
  curl_slist* connect_to =
      curl_slist_append(nullptr, absl::StrCat("::127.0.0.1:", Server().port()).c_str());
  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  long timer_ms = -1;
  CurlMultiClient::Options options;
  options.max_in_flight = 100;
  options.share_connections = share_connections;
  options.configure = [&](CURL* easy) {
    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 30L);
  };
  std::map<curl_socket_t, bool> watched;
  options.socket_function = [&](curl_socket_t socket, int what) {
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nullptr);
      watched.erase(socket);
      return;
    }
    epoll_event event = {};
    event.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    event.data.fd = socket;
    epoll_ctl(epoll, watched.emplace(socket, true).second ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket,
              &event);
  };
  options.timer_function = [&](long ms) { timer_ms = ms; };
  std::size_t body_bytes = 0;
  for (auto _ : state) {
    std::deque<CookieJar> jars(kSessions);
    CurlMultiClient client(options);
    int ok = 0;
    for (int i = 0; i < kRequests; ++i) {
      HttpRequest request(RequestUrl(i));
      request.on_body = [&](std::string_view data) {
        body_bytes += data.size();
        return true;
      };
      client.Add(&jars[i % kSessions], std::move(request),
                 [&](absl::StatusOr<HttpResponse> response) { ok += response.ok(); });
    }
    // The transfers were queued before the loop ran: start them at once (a
    // loop of its own would post this from Options::wake), not after an idle
    // wait.
    timer_ms = 0;
    absl::Status status;
    while (status.ok() && client.pending() > 0) {
      epoll_event events[128];
      const int ready = epoll_wait(epoll, events, 128, timer_ms < 0 ? 1000 : static_cast<int>(timer_ms));
      if (ready == 0) status.Update(client.SocketAction(CURL_SOCKET_TIMEOUT, 0));
      for (int e = 0; e < ready; ++e) status.Update(client.SocketAction(events[e].data.fd, 0));
    }
    if (!status.ok() || ok != kRequests) state.SkipWithError("the crawl failed");
  }
  benchmark::DoNotOptimize(body_bytes);
  close(epoll);
  curl_slist_free_all(connect_to);
  state.SetItemsProcessed(state.iterations() * kRequests);
}

void BM_CrawlThroughSessions(benchmark::State& state) { CrawlThroughSessions(state, false); }
BENCHMARK(BM_CrawlThroughSessions)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CrawlThroughSharedSessions(benchmark::State& state) { CrawlThroughSessions(state, true); }
BENCHMARK(BM_CrawlThroughSharedSessions)->Unit(benchmark::kMillisecond)->UseRealTime();

// What the jar did in that crawl, alone: every hop's CookieHeader and
// StoreResponse, with the same URLs and Set-Cookie lines.
void BM_JarCallsOfTheCrawl(benchmark::State& state) {
  struct Hop {
    CookieRequest request;
    std::vector<std::string> set_cookies;
  };
  std::vector<Hop> hops;
  for (int i = 0; i < kRequests; ++i) {
    RedirectFollower follower{CookieRequest(RequestUrl(i))};
    const std::string n = std::to_string(i);
    if (i % 4 == 0) {
      hops.push_back({follower.request(), {"hop=" + n + "; Path=/"}});
      follower.OnResponse(302, "/page?n=" + n).IgnoreError();
    }
    hops.push_back({follower.request(),
                    {"seen" + n + "=1; Path=/; Max-Age=3600", "last=" + n + "; Path=/; SameSite=Lax"}});
  }
  for (auto _ : state) {
    CookieJar jar;
    const HttpCookies cookies(&jar);
    for (const Hop& hop : hops) {
      benchmark::DoNotOptimize(cookies.CookieHeader(hop.request));
      benchmark::DoNotOptimize(cookies.StoreResponse(hop.request, 200, hop.set_cookies));
    }
  }
  state.SetItemsProcessed(state.iterations() * kRequests);
}
BENCHMARK(BM_JarCallsOfTheCrawl)->Unit(benchmark::kMillisecond)->UseRealTime();

class ShareReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      auto items = run.counters.find("items_per_second");
      if (run.error_occurred || items == run.counters.end() || items->second.value <= 0) continue;
      // Single runs, or the median of repetitions.
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      ns_per_request_[run.run_name.function_name] = 1e9 / items->second.value;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const double jar = ns_per_request_["BM_JarCallsOfTheCrawl"];
    if (jar <= 0) return;
    std::printf("\nper request, the jar's calls %.0f ns:\n", jar);
    for (const auto& [name, what] : std::vector<std::pair<std::string, std::string>>{
             {"BM_CrawlThroughCurlMulti", "Add and Run(), one jar"},
             {"BM_CrawlThroughSessions", "20 sessions, socket-action, streamed"},
             {"BM_CrawlThroughSharedSessions", "the same, shared connections"}}) {
      const double crawl = ns_per_request_[name];
      if (crawl <= 0) continue;
      std::printf("  %-40s crawl %6.0f ns: the jar is %.2f %% of it\n", what.c_str(), crawl,
                  100 * jar / crawl);
    }
  }

 private:
  std::map<std::string, double> ns_per_request_;
};

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  benchmark::Initialize(&argc, argv);
  cookiejar::ShareReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  curl_global_cleanup();
  return 0;
}
