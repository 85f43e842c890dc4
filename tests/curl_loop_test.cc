// CurlMultiClient and CurlTransfer inside loops that are not theirs (issue
// 24: "no way into an existing event loop"), against tests/http_test_server.py:
// curl's socket-action interface driven by an epoll loop of the test's own,
// woken by an eventfd when a producer thread adds work; 1,000 transfers fed
// by 4 producer threads into a Perform/Wait loop end with the jar of a
// sequential run; and CurlTransfer with CurlSession on the test's own easy
// handles and CURLM.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cookiejar/curl/curl_cookie_client.h"
#include "cookiejar/curl/curl_multi_client.h"
#include "cookiejar/curl/curl_session.h"
#include "cookiejar/curl/curl_transfer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/local_servers.h"

namespace cookiejar {
namespace {

using json = nlohmann::json;

class CurlLoopTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server_ = new testing::HttpTestServer();
  }
  static void TearDownTestSuite() { delete server_; }

  void SetUp() override {
    ASSERT_FALSE(server_->port().empty()) << "the test server did not start";
    // Every host name connects to the test server.
    connect_to_ = curl_slist_append(nullptr, ("::127.0.0.1:" + server_->port()).c_str());
    Log(/*reset=*/true);
  }
  void TearDown() override { curl_slist_free_all(connect_to_); }

  CurlMultiClient::Configure Configure() {
    return [this](CURL* easy) {
      curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to_);
      curl_easy_setopt(easy, CURLOPT_TIMEOUT, 120L);
    };
  }

  json Log(bool reset = false) {
    CookieJar scratch;
    CurlCookieClient client(&scratch);
    Configure()(client.easy());
    absl::StatusOr<HttpResponse> log =
        client.Fetch(HttpRequest(reset ? "http://log.test/__reset" : "http://log.test/__log"));
    return log.ok() && !reset ? json::parse(log->body) : json::array();
  }

  static std::string Escape(const std::string& text) {
    char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
    std::string result = escaped;
    curl_free(escaped);
    return result;
  }

  // Transfer `i`: a redirect on one of 20 hosts that sets a cookie, to a page
  // that sets another.
  static HttpRequest Crawl(int i) {
    return HttpRequest(absl::StrCat(
        "http://site", i % 20, ".test/r?n=", i, "&status=302&set=", Escape(absl::StrCat("hop", i, "=", i)),
        "&to=", Escape(absl::StrCat("/page?n=", i, "&set=", Escape(absl::StrCat("final", i, "=", i))))));
  }

  static std::set<std::string> Cookies(CookieJar& jar) {
    std::set<std::string> all;
    for (const CanonicalCookie& c : jar.GetAllCookies()) all.insert(c.domain + " " + c.name + "=" + c.value);
    return all;
  }

  // The jar a sequential run of transfers [0, count) leaves.
  std::set<std::string> Sequential(int count) {
    CookieJar jar;
    CurlCookieClient client(&jar);
    Configure()(client.easy());
    for (int i = 0; i < count; ++i) EXPECT_TRUE(client.Fetch(Crawl(i)).ok()) << i;
    return Cookies(jar);
  }

  static testing::HttpTestServer* server_;
  curl_slist* connect_to_ = nullptr;
};

testing::HttpTestServer* CurlLoopTest::server_ = nullptr;

// An epoll loop as an application (or libuv, libevent, asio) has one: curl
// says which sockets to watch and when its timer is due; the loop tells the
// client what happened. A producer thread adds transfers while it runs, and
// wakes the loop through an eventfd.
class EpollLoop {
 public:
  EpollLoop() : epoll_(epoll_create1(EPOLL_CLOEXEC)), wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    epoll_event event = {};
    event.events = EPOLLIN;
    event.data.fd = wake_;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event);
  }
  ~EpollLoop() {
    close(wake_);
    close(epoll_);
  }

  void Watch(curl_socket_t socket, int what) {
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, socket, nullptr);
      watched_.erase(socket);
      return;
    }
    epoll_event event = {};
    event.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    event.data.fd = socket;
    epoll_ctl(epoll_, watched_.insert(socket).second ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket, &event);
    ++socket_calls_;
  }
  void Timer(long timeout_ms) {
    deadline_ = timeout_ms < 0 ? std::chrono::steady_clock::time_point::max()
                               : std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  void Wake() {
    const uint64_t one = 1;
    EXPECT_EQ(write(wake_, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
  }

  // Waits for one round of events and hands them to `client`.
  void RunOnce(CurlMultiClient& client) {
    int wait_ms = 1000;
    if (deadline_ != std::chrono::steady_clock::time_point::max()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline_ - std::chrono::steady_clock::now());
      wait_ms = left.count() < 0 ? 0 : static_cast<int>(std::min<long>(left.count(), 1000));
    }
    epoll_event events[64];
    const int ready = epoll_wait(epoll_, events, 64, wait_ms);
    for (int i = 0; i < ready; ++i) {
      if (events[i].data.fd == wake_) {
        uint64_t count;
        EXPECT_EQ(read(wake_, &count, sizeof(count)), static_cast<ssize_t>(sizeof(count)));
        ++wakes_;
        ASSERT_TRUE(client.SocketAction(CURL_SOCKET_TIMEOUT, 0).ok());
        continue;
      }
      const uint32_t e = events[i].events;
      const int flags = ((e & EPOLLIN) ? CURL_CSELECT_IN : 0) | ((e & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                        ((e & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
      ASSERT_TRUE(client.SocketAction(events[i].data.fd, flags).ok());
    }
    if (std::chrono::steady_clock::now() >= deadline_) {
      deadline_ = std::chrono::steady_clock::time_point::max();  // Until curl sets it again.
      ASSERT_TRUE(client.SocketAction(CURL_SOCKET_TIMEOUT, 0).ok());
    }
  }

  int wakes() const { return wakes_; }
  int socket_calls() const { return socket_calls_; }

 private:
  const int epoll_;
  const int wake_;
  std::set<curl_socket_t> watched_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  int wakes_ = 0;
  int socket_calls_ = 0;
};

TEST_F(CurlLoopTest, SocketActionInAnEpollLoopOfYourOwn) {
  constexpr int kTransfers = 120;
  EpollLoop loop;
  CurlMultiClient::Options options;
  options.max_in_flight = 16;
  options.configure = Configure();
  options.socket_function = [&](curl_socket_t socket, int what) { loop.Watch(socket, what); };
  options.timer_function = [&](long timeout_ms) { loop.Timer(timeout_ms); };
  options.wake = [&] { loop.Wake(); };
  CurlMultiClient client(options);
  EXPECT_EQ(client.Run().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(client.Perform().code(), absl::StatusCode::kFailedPrecondition);

  CookieJar jar;
  std::atomic<int> added{0};
  int done = 0, failed = 0;
  std::thread producer([&] {
    for (int i = 0; i < kTransfers; ++i) {
      client.Add(&jar, Crawl(i), [&](absl::StatusOr<HttpResponse> response) {
        ++done;
        if (!response.ok() || response->status != 200 || response->hops.size() != 2) ++failed;
      });
      added.fetch_add(1);
      // In bursts, so that the loop goes idle between them and needs waking.
      if (i % 30 == 29) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (done < kTransfers && std::chrono::steady_clock::now() < give_up) loop.RunOnce(client);
  producer.join();
  EXPECT_EQ(done, kTransfers);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(client.pending(), 0u);
  EXPECT_GT(loop.wakes(), 0);         // The producer woke the idle loop.
  EXPECT_GT(loop.socket_calls(), 0);  // curl's sockets went through the loop.
  EXPECT_EQ(Cookies(jar), Sequential(kTransfers));
}

// Issue 24: 1,000 transfers fed from 4 producer threads into one loop give
// the jar of a sequential run, and every second hop carried the cookie its
// first hop set.
TEST_F(CurlLoopTest, FourProducerThreadsGiveTheJarOfASequentialRun) {
  constexpr int kTransfers = 1000;
  constexpr int kProducers = 4;
  CookieJar jar;
  CurlMultiClient client(100, Configure());
  std::atomic<int> done{0};
  int failed = 0;
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = p; i < kTransfers; i += kProducers) {
        client.Add(&jar, Crawl(i), [&](absl::StatusOr<HttpResponse> response) {
          if (!response.ok() || response->status != 200 || response->hops.size() != 2) ++failed;
          done.fetch_add(1);
        });
      }
    });
  }
  // The loop: a step, then a wait that an Add from a producer ends.
  int steps = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (done.load() < kTransfers && std::chrono::steady_clock::now() < give_up) {
    ASSERT_TRUE(client.Perform().ok());
    ASSERT_TRUE(client.Wait(1000).ok());
    ++steps;
  }
  for (std::thread& producer : producers) producer.join();
  EXPECT_EQ(done.load(), kTransfers);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(client.pending(), 0u);
  EXPECT_GT(steps, 1);

  const json log = Log();
  ASSERT_EQ(log.size(), 2u * kTransfers);
  int carried = 0;
  for (const json& entry : log) {
    const std::string line = entry["request_line"];
    if (line.rfind("GET /page?n=", 0) != 0) continue;
    const std::string n = line.substr(12, line.find('&') - 12);
    const std::string cookie = entry["cookie"].is_null() ? "" : entry["cookie"].get<std::string>();
    carried += cookie.find("hop" + n + "=" + n) != std::string::npos;
  }
  EXPECT_EQ(carried, kTransfers);
  const std::set<std::string> concurrent = Cookies(jar);
  EXPECT_EQ(concurrent.size(), 2u * kTransfers);
  Log(/*reset=*/true);
  EXPECT_EQ(concurrent, Sequential(kTransfers));
}

// Bring your own CURLM: CurlTransfer on your handles, CurlSession for each
// session's own connections, curl_multi_perform and curl_multi_poll yours.
TEST_F(CurlLoopTest, CurlTransferInAMultiLoopOfYourOwn) {
  CookieJar jar_a, jar_b;
  CurlSession session_a(&jar_a), session_b(&jar_b);
  CURLM* multi = curl_multi_init();
  struct Mine {
    CurlSession* session;
    std::unique_ptr<CurlTransfer> transfer;
    CURL* easy;
  };
  std::vector<Mine> transfers;
  for (int i = 0; i < 10; ++i) {
    CurlSession* session = i % 2 ? &session_b : &session_a;
    transfers.push_back({session, std::make_unique<CurlTransfer>(session->jar(), Crawl(i)),
                         curl_easy_init()});
  }
  for (Mine& mine : transfers) {
    Configure()(mine.easy);
    mine.session->Apply(mine.easy);
    curl_easy_setopt(mine.easy, CURLOPT_PRIVATE, &mine);
    ASSERT_TRUE(mine.transfer->Attach(mine.easy).ok());
    curl_multi_add_handle(multi, mine.easy);
  }
  int running = 1, done = 0;
  while (done < 10) {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      CURL* easy = message->easy_handle;
      const CURLcode result = message->data.result;
      Mine* mine = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &mine);
      curl_multi_remove_handle(multi, easy);
      absl::StatusOr<CurlTransfer::Next> next = mine->transfer->Finish(easy, result);
      ASSERT_TRUE(next.ok()) << next.status();
      if (*next == CurlTransfer::Next::kFollow) {
        ASSERT_TRUE(mine->transfer->Attach(easy).ok());
        curl_multi_add_handle(multi, easy);
      } else {
        ++done;
        EXPECT_EQ(mine->transfer->response().status, 200);
      }
    }
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  for (Mine& mine : transfers) curl_easy_cleanup(mine.easy);
  curl_multi_cleanup(multi);

  EXPECT_EQ(jar_a.GetAllCookies().size(), 10u);
  EXPECT_EQ(jar_b.GetAllCookies().size(), 10u);
  // Transfer n is session a's when n is even: no connection carried both.
  std::map<int, std::set<int>> sessions_by_connection;
  for (const json& entry : Log()) {
    const std::string line = entry["request_line"];
    const int n = std::stoi(line.substr(line.find("?n=") + 3));
    sessions_by_connection[entry["peer_port"].get<int>()].insert(n % 2);
  }
  EXPECT_GE(sessions_by_connection.size(), 2u);
  for (const auto& [port, sessions] : sessions_by_connection) EXPECT_EQ(sessions.size(), 1u) << port;
}

TEST_F(CurlLoopTest, CallbacksCannotStepTheLoop) {
  CookieJar jar;
  CurlMultiClient client(4, Configure());
  absl::Status inner;
  client.Add(&jar, HttpRequest("http://a.test/page"), [&](absl::StatusOr<HttpResponse>) {
    inner = client.Perform();
  });
  ASSERT_TRUE(client.Run().ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(client.SocketAction(CURL_SOCKET_TIMEOUT, 0).code(),
            absl::StatusCode::kFailedPrecondition);
}

// Transfers in flight when the client goes end without their callbacks,
// and without leaks (the sanitizer runs check).
TEST_F(CurlLoopTest, DestroyingTheClientMidwayIsSafe) {
  CookieJar jar;
  int called = 0;
  {
    CurlMultiClient client(4, Configure());
    for (int i = 0; i < 20; ++i) client.Add(&jar, Crawl(i), [&](absl::StatusOr<HttpResponse>) { ++called; });
    ASSERT_TRUE(client.Perform().ok());
    EXPECT_EQ(client.pending(), 20u);
  }
  EXPECT_EQ(called, 0);
}

}  // namespace
}  // namespace cookiejar
