#include "jar/internal/change_dispatcher.h"

#include <algorithm>

namespace cookiejar {
namespace jar_internal {
namespace {

// The dispatchers this thread is delivering for (nested when a listener of
// one jar changes another).
thread_local std::vector<const ChangeDispatcher*> delivering_here;

bool DeliveringHere(const ChangeDispatcher* dispatcher) {
  return std::find(delivering_here.begin(), delivering_here.end(), dispatcher) !=
         delivering_here.end();
}

}  // namespace

void ChangeDispatcher::Deliver(ChangeList changes) {
  if (changes.empty()) return;
  uint64_t last = 0;
  std::unique_lock<std::mutex> lock(mu_);
  for (CookieChange& change : changes) {
    last = std::max(last, change.sequence);
    const uint64_t sequence = change.sequence;
    waiting_.emplace(sequence, std::move(change));
  }
  if (DeliveringHere(this)) return;  // The delivery loop above us takes them.
  while (delivered_ < last) {
    if (delivering_ || waiting_.empty() || waiting_.begin()->first != delivered_ + 1) {
      // Another thread delivers, or a lower sequence is still on its way.
      delivered_cv_.wait(lock);
      continue;
    }
    delivering_ = true;
    delivering_here.push_back(this);
    while (!waiting_.empty() && waiting_.begin()->first == delivered_ + 1) {
      const CookieChange change = std::move(waiting_.begin()->second);
      waiting_.erase(waiting_.begin());
      Listeners listeners;
      for (const auto& entry : listeners_) listeners.push_back(entry.second);
      lock.unlock();
      for (const auto& listener : listeners) (*listener)(change);
      lock.lock();
      delivered_ = change.sequence;
    }
    delivering_here.pop_back();
    delivering_ = false;
    delivered_cv_.notify_all();
  }
}

uint64_t ChangeDispatcher::AddListener(CookieChangeListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_listener_id_++;
  listeners_.emplace_back(id, std::make_shared<CookieChangeListener>(std::move(listener)));
  has_listeners_.store(true, std::memory_order_release);
  return id;
}

void ChangeDispatcher::RemoveListener(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [id](const auto& entry) { return entry.first == id; }),
                   listeners_.end());
  has_listeners_.store(!listeners_.empty(), std::memory_order_release);
}

}  // namespace jar_internal
}  // namespace cookiejar
