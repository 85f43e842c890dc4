#include "cookiejar/curl_multi_client.h"

#include "absl/strings/str_cat.h"
#include "clients/curl/internal/curl_transfer.h"

namespace cookiejar {

struct CurlMultiClient::Transfer {
  Transfer(CookieJar* jar, HttpRequest request, Callback callback)
      : exchange(jar, std::move(request)), done(std::move(callback)) {}
  curl_internal::CurlTransfer exchange;
  Callback done;
  CURL* easy = nullptr;
};

CurlMultiClient::CurlMultiClient(int max_in_flight, Configure configure)
    : max_in_flight_(max_in_flight < 1 ? 1 : max_in_flight),
      configure_(std::move(configure)),
      multi_(curl_multi_init()) {}

CurlMultiClient::~CurlMultiClient() {
  // Transfers still queued or in flight end without their callbacks.
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
  curl_multi_cleanup(multi_);
}

void CurlMultiClient::Add(CookieJar* jar, HttpRequest request, Callback done) {
  waiting_.push_back(std::make_unique<Transfer>(jar, std::move(request), std::move(done)));
}

absl::Status CurlMultiClient::Start(std::unique_ptr<Transfer> transfer) {
  if (idle_.empty()) {
    CURL* easy = curl_easy_init();
    if (easy == nullptr) return absl::InternalError("curl_easy_init failed");
    if (configure_) configure_(easy);
    idle_.push_back(easy);
  }
  transfer->easy = idle_.back();
  idle_.pop_back();
  Transfer* raw = transfer.release();  // Owned by the handle until Finish.
  curl_easy_setopt(raw->easy, CURLOPT_PRIVATE, raw);
  absl::Status started = raw->exchange.Start(raw->easy);
  if (!started.ok()) {
    Finish(raw, started);
    return absl::OkStatus();
  }
  const CURLMcode added = curl_multi_add_handle(multi_, raw->easy);
  if (added != CURLM_OK) {
    Finish(raw, absl::InternalError(curl_multi_strerror(added)));
    return absl::OkStatus();
  }
  ++in_flight_;
  return absl::OkStatus();
}

void CurlMultiClient::Finish(Transfer* transfer, absl::StatusOr<HttpResponse> result) {
  std::unique_ptr<Transfer> owned(transfer);
  idle_.push_back(owned->easy);
  owned->done(std::move(result));
}

absl::Status CurlMultiClient::Run() {
  if (multi_ == nullptr) return absl::InternalError("curl_multi_init failed");
  for (;;) {
    while (in_flight_ < max_in_flight_ && !waiting_.empty()) {
      std::unique_ptr<Transfer> next = std::move(waiting_.front());
      waiting_.pop_front();
      absl::Status started = Start(std::move(next));
      if (!started.ok()) return started;
    }
    if (in_flight_ == 0 && waiting_.empty()) return absl::OkStatus();
    int running = 0;
    CURLMcode code = curl_multi_perform(multi_, &running);
    if (code != CURLM_OK) return absl::InternalError(curl_multi_strerror(code));
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode result = message->data.result;
      Transfer* transfer = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &transfer);
      curl_multi_remove_handle(multi_, easy);
      --in_flight_;
      absl::StatusOr<bool> done = transfer->exchange.Finish(easy, result);
      if (!done.ok()) {
        Finish(transfer, done.status());
      } else if (*done) {
        Finish(transfer, transfer->exchange.TakeResponse());
      } else {
        // The next hop, on the same handle, ahead of new transfers.
        absl::Status started = transfer->exchange.Start(easy);
        if (!started.ok()) {
          Finish(transfer, started);
        } else if ((code = curl_multi_add_handle(multi_, easy)) != CURLM_OK) {
          Finish(transfer, absl::InternalError(curl_multi_strerror(code)));
        } else {
          ++in_flight_;
        }
      }
    }
    if (in_flight_ > 0) {
      code = curl_multi_poll(multi_, nullptr, 0, 100, nullptr);
      if (code != CURLM_OK) return absl::InternalError(curl_multi_strerror(code));
    }
  }
}

}  // namespace cookiejar
