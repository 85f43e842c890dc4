#include "cookiejar/curl/curl_multi_client.h"

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "cookiejar/curl/curl_session.h"
#include "cookiejar/curl/curl_transfer.h"

namespace cookiejar {
namespace {

// Idle handles a session keeps for its next transfers. Its connections live
// in its share, not in the handles, so more would only hold memory (a handle
// is tens of kilobytes).
constexpr std::size_t kIdleHandlesPerSession = 2;

}  // namespace

class CurlMultiClient::Impl {
 public:
  struct Session {
    Session(CookieJar* jar, CurlSession::Connections connections)
        : handles(jar, nullptr, connections) {}
    CurlSession handles;  // The connection and TLS session caches.
    std::shared_ptr<const Configure> configure;  // Guarded by mutex_.
    std::size_t pending = 0;                      // Guarded by mutex_.
    std::vector<CURL*> idle;                      // The loop's.
  };

  struct Transfer {
    Transfer(CookieJar* jar, HttpRequest request, Callback callback)
        : exchange(jar, std::move(request)), done(std::move(callback)) {}
    CurlTransfer exchange;
    Callback done;
    Session* session = nullptr;
    CURL* easy = nullptr;
  };

  explicit Impl(Options options);
  ~Impl();

  void SetSessionOptions(CookieJar* jar, Configure configure);
  void CloseSession(CookieJar* jar);
  void Add(CookieJar* jar, HttpRequest request, Callback done);
  absl::Status Step(bool socket_mode, curl_socket_t socket, int events);
  absl::Status Wait(int timeout_ms);
  void Wakeup() { curl_multi_wakeup(multi_); }
  std::size_t pending() const { return pending_.load(std::memory_order_acquire); }
  bool socket_mode() const { return static_cast<bool>(options_.socket_function); }
  CURLM* multi() { return multi_; }

 private:
  Session* SessionOf(CookieJar* jar);  // Under mutex_.
  void TakeSubmitted();
  void StartWaiting();
  void Start(std::unique_ptr<Transfer> transfer);
  void OnMessages();
  void Finish(Transfer* transfer, absl::StatusOr<HttpResponse> result);
  CURL* Acquire(Session* session);
  void Release(Session* session, CURL* easy);
  void ReapClosedSessions();
  void Destroy(std::unique_ptr<Session> session);

  static int OnSocket(CURL* easy, curl_socket_t socket, int what, void* user, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* user);

  const Options options_;
  CURLM* const multi_;
  // The loop's.
  absl::flat_hash_set<Transfer*> running_;  // Those holding a handle.
  std::vector<CURL*> idle_;  // With share_connections.
  std::deque<std::unique_ptr<Transfer>> waiting_;
  int in_flight_ = 0;
  bool in_step_ = false;
  // Shared with adding threads.
  std::mutex mutex_;
  std::deque<std::unique_ptr<Transfer>> submitted_;
  absl::flat_hash_map<CookieJar*, std::unique_ptr<Session>> sessions_;
  std::vector<std::unique_ptr<Session>> closing_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::thread::id> loop_thread_{};
};

CurlMultiClient::Impl::Impl(Options options)
    : options_([&] {
        if (options.max_in_flight < 1) options.max_in_flight = 1;
        return std::move(options);
      }()),
      multi_(curl_multi_init()) {
  if (multi_ != nullptr && socket_mode()) {
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  }
}

CurlMultiClient::Impl::~Impl() {
  // Handles first (out of the multi), then the multi, then the sessions'
  // shares, which no handle uses any more.
  for (Transfer* transfer : running_) {
    curl_multi_remove_handle(multi_, transfer->easy);  // A no-op when it is not in.
    curl_easy_cleanup(transfer->easy);
    delete transfer;
  }
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
  std::vector<std::unique_ptr<Session>> sessions = std::move(closing_);
  for (auto& [jar, session] : sessions_) sessions.push_back(std::move(session));
  for (std::unique_ptr<Session>& session : sessions) {
    for (CURL* easy : session->idle) curl_easy_cleanup(easy);
    session->idle.clear();
  }
  curl_multi_cleanup(multi_);
}

CurlMultiClient::Impl::Session* CurlMultiClient::Impl::SessionOf(CookieJar* jar) {
  std::unique_ptr<Session>& session = sessions_[jar];
  if (session == nullptr) {
    session = std::make_unique<Session>(jar, options_.share_connections
                                                 ? CurlSession::Connections::kShared
                                                 : CurlSession::Connections::kOwn);
  }
  return session.get();
}

void CurlMultiClient::Impl::SetSessionOptions(CookieJar* jar, Configure configure) {
  auto shared = configure ? std::make_shared<const Configure>(std::move(configure)) : nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  SessionOf(jar)->configure = std::move(shared);
}

void CurlMultiClient::Impl::CloseSession(CookieJar* jar) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(jar);
  if (it == sessions_.end()) return;
  closing_.push_back(std::move(it->second));
  sessions_.erase(it);
}

void CurlMultiClient::Impl::Add(CookieJar* jar, HttpRequest request, Callback done) {
  auto transfer = std::make_unique<Transfer>(jar, std::move(request), std::move(done));
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    transfer->session = SessionOf(jar);
    ++transfer->session->pending;
    first = submitted_.empty();
    submitted_.push_back(std::move(transfer));
    pending_.fetch_add(1, std::memory_order_acq_rel);
  }
  // The loop takes submissions at the end of every step: a callback adding
  // work needs no wake, nor does a queue already announced.
  if (!first || loop_thread_.load(std::memory_order_acquire) == std::this_thread::get_id()) {
    return;
  }
  if (options_.wake) {
    options_.wake();
  } else if (!socket_mode()) {
    Wakeup();
  }
}

void CurlMultiClient::Impl::TakeSubmitted() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::unique_ptr<Transfer>& transfer : submitted_) waiting_.push_back(std::move(transfer));
  submitted_.clear();
}

CURL* CurlMultiClient::Impl::Acquire(Session* session) {
  std::vector<CURL*>& idle = options_.share_connections ? idle_ : session->idle;
  if (idle.empty()) return curl_easy_init();
  CURL* easy = idle.back();
  idle.pop_back();
  // Nothing of the last transfer's options stays: not its proxy, not its
  // request's own options.
  curl_easy_reset(easy);
  return easy;
}

void CurlMultiClient::Impl::Release(Session* session, CURL* easy) {
  if (options_.share_connections) {
    idle_.push_back(easy);
  } else if (session->idle.size() < kIdleHandlesPerSession) {
    session->idle.push_back(easy);
  } else {
    curl_easy_cleanup(easy);
  }
}

void CurlMultiClient::Impl::StartWaiting() {
  while (in_flight_ < options_.max_in_flight && !waiting_.empty()) {
    std::unique_ptr<Transfer> next = std::move(waiting_.front());
    waiting_.pop_front();
    Start(std::move(next));
  }
}

void CurlMultiClient::Impl::Start(std::unique_ptr<Transfer> owned) {
  Transfer* transfer = owned.release();  // Owned by the handle until Finish.
  Session* session = transfer->session;
  transfer->easy = Acquire(session);
  if (transfer->easy == nullptr) {
    Finish(transfer, absl::ResourceExhaustedError("curl_easy_init failed"));
    return;
  }
  running_.insert(transfer);
  std::shared_ptr<const Configure> session_configure;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    session_configure = session->configure;
  }
  if (options_.configure) options_.configure(transfer->easy);
  session->handles.Apply(transfer->easy);
  if (session_configure) (*session_configure)(transfer->easy);
  curl_easy_setopt(transfer->easy, CURLOPT_PRIVATE, transfer);
  absl::Status attached = transfer->exchange.Attach(transfer->easy);
  if (!attached.ok()) {
    Finish(transfer, attached);
    return;
  }
  const CURLMcode added = curl_multi_add_handle(multi_, transfer->easy);
  if (added != CURLM_OK) {
    Finish(transfer, absl::InternalError(curl_multi_strerror(added)));
    return;
  }
  ++in_flight_;
}

void CurlMultiClient::Impl::Finish(Transfer* transfer, absl::StatusOr<HttpResponse> result) {
  std::unique_ptr<Transfer> owned(transfer);
  if (owned->easy != nullptr) {
    running_.erase(transfer);
    Release(owned->session, owned->easy);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --owned->session->pending;
  }
  owned->done(std::move(result));
  pending_.fetch_sub(1, std::memory_order_acq_rel);
}

void CurlMultiClient::Impl::OnMessages() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    const CURLcode result = message->data.result;  // `message` dies with the removal.
    Transfer* transfer = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &transfer);
    curl_multi_remove_handle(multi_, easy);
    --in_flight_;
    absl::StatusOr<CurlTransfer::Next> next = transfer->exchange.Finish(easy, result);
    if (!next.ok()) {
      Finish(transfer, next.status());
    } else if (*next == CurlTransfer::Next::kDone) {
      Finish(transfer, transfer->exchange.TakeResponse());
    } else if (absl::Status attached = transfer->exchange.Attach(easy); !attached.ok()) {
      Finish(transfer, attached);
    } else if (CURLMcode code = curl_multi_add_handle(multi_, easy); code != CURLM_OK) {
      Finish(transfer, absl::InternalError(curl_multi_strerror(code)));
    } else {
      ++in_flight_;  // The next hop, on the same handle, ahead of new transfers.
    }
  }
}

void CurlMultiClient::Impl::Destroy(std::unique_ptr<Session> session) {
  for (CURL* easy : session->idle) curl_easy_cleanup(easy);
  session->idle.clear();
  // ~CurlSession closes the session's connections.
}

void CurlMultiClient::Impl::ReapClosedSessions() {
  std::vector<std::unique_ptr<Session>> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = closing_.begin(); it != closing_.end();) {
      if ((*it)->pending == 0) {
        done.push_back(std::move(*it));
        it = closing_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (std::unique_ptr<Session>& session : done) Destroy(std::move(session));
}

absl::Status CurlMultiClient::Impl::Step(bool socket_action, curl_socket_t socket, int events) {
  if (multi_ == nullptr) return absl::InternalError("curl_multi_init failed");
  if (socket_action != socket_mode()) {
    return absl::FailedPreconditionError(
        socket_action ? "SocketAction needs Options::socket_function and timer_function"
                      : "with Options::socket_function, drive the client with SocketAction");
  }
  if (socket_action && !options_.timer_function) {
    return absl::FailedPreconditionError("Options::socket_function needs timer_function too");
  }
  if (in_step_) return absl::FailedPreconditionError("called from within a callback");
  in_step_ = true;
  loop_thread_.store(std::this_thread::get_id(), std::memory_order_release);
  TakeSubmitted();
  StartWaiting();
  int running = 0;
  const CURLMcode code = socket_action
                             ? curl_multi_socket_action(multi_, socket, events, &running)
                             : curl_multi_perform(multi_, &running);
  if (code == CURLM_OK) {
    OnMessages();
    // What the callbacks added, and what the finished transfers made room
    // for, starts now.
    TakeSubmitted();
    StartWaiting();
    ReapClosedSessions();
  }
  loop_thread_.store(std::thread::id(), std::memory_order_release);
  in_step_ = false;
  if (code != CURLM_OK) return absl::InternalError(curl_multi_strerror(code));
  return absl::OkStatus();
}

absl::Status CurlMultiClient::Impl::Wait(int timeout_ms) {
  if (multi_ == nullptr) return absl::InternalError("curl_multi_init failed");
  if (socket_mode()) {
    return absl::FailedPreconditionError(
        "with Options::socket_function, your event loop waits");
  }
  const CURLMcode code = curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);
  if (code != CURLM_OK) return absl::InternalError(curl_multi_strerror(code));
  return absl::OkStatus();
}

int CurlMultiClient::Impl::OnSocket(CURL* easy, curl_socket_t socket, int what, void* user,
                                    void* socketp) {
  static_cast<Impl*>(user)->options_.socket_function(socket, what);
  return 0;
}

int CurlMultiClient::Impl::OnTimer(CURLM* multi, long timeout_ms, void* user) {
  const TimerFunction& timer = static_cast<Impl*>(user)->options_.timer_function;
  if (timer) timer(timeout_ms);
  return 0;
}

// --- CurlMultiClient ---------------------------------------------------------

CurlMultiClient::CurlMultiClient(Options options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

CurlMultiClient::CurlMultiClient(int max_in_flight, Configure configure)
    : CurlMultiClient([&] {
        Options options;
        options.max_in_flight = max_in_flight;
        options.configure = std::move(configure);
        return options;
      }()) {}

CurlMultiClient::~CurlMultiClient() = default;

void CurlMultiClient::SetSessionOptions(CookieJar* jar, Configure configure) {
  impl_->SetSessionOptions(jar, std::move(configure));
}

void CurlMultiClient::CloseSession(CookieJar* jar) { impl_->CloseSession(jar); }

void CurlMultiClient::Add(CookieJar* jar, HttpRequest request, Callback done) {
  impl_->Add(jar, std::move(request), std::move(done));
}

absl::Status CurlMultiClient::Run() {
  for (;;) {
    absl::Status step = impl_->Step(/*socket_action=*/false, CURL_SOCKET_TIMEOUT, 0);
    if (!step.ok()) return step;
    if (impl_->pending() == 0) return absl::OkStatus();
    absl::Status waited = impl_->Wait(1000);
    if (!waited.ok()) return waited;
  }
}

absl::Status CurlMultiClient::Perform() {
  return impl_->Step(/*socket_action=*/false, CURL_SOCKET_TIMEOUT, 0);
}

absl::Status CurlMultiClient::Wait(int timeout_ms) { return impl_->Wait(timeout_ms); }

void CurlMultiClient::Wakeup() { impl_->Wakeup(); }

absl::Status CurlMultiClient::SocketAction(curl_socket_t socket, int events) {
  return impl_->Step(/*socket_action=*/true, socket, events);
}

std::size_t CurlMultiClient::pending() const { return impl_->pending(); }

CURLM* CurlMultiClient::multi() { return impl_->multi(); }

}  // namespace cookiejar
