// Delivers a jar's change notifications to its listeners one at a time, in
// sequence order, whichever threads made the changes.
//
// Changes get their sequence numbers under the jar's shard locks and are
// handed over after those locks are released, so two threads may hand theirs
// over in either order. The dispatcher holds back a change until every lower
// sequence number has been delivered; one thread at a time delivers, and a
// thread that handed changes over waits until they are delivered, so a change
// is seen by the listeners before the call that made it returns. A listener
// that changes the jar (re-entrant call) does not wait for itself: its changes
// are delivered once it returns.

#ifndef COOKIEJAR_JAR_INTERNAL_CHANGE_DISPATCHER_H_
#define COOKIEJAR_JAR_INTERNAL_CHANGE_DISPATCHER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "cookiejar/cookie_change.h"

namespace cookiejar {
namespace jar_internal {

class ChangeDispatcher {
 public:
  using ChangeList = std::vector<CookieChange>;

  // Whether anyone listens; when not, changes need not be recorded at all.
  bool has_listeners() const { return has_listeners_.load(std::memory_order_acquire); }

  // The next sequence number. Every number handed out must reach Deliver.
  uint64_t NextSequence() { return next_sequence_.fetch_add(1, std::memory_order_relaxed) + 1; }

  // Hands `changes` over and returns once they have been delivered (at once
  // from inside a listener; see above). Call without any jar lock held.
  void Deliver(ChangeList changes);

  uint64_t AddListener(CookieChangeListener listener);
  void RemoveListener(uint64_t id);

 private:
  using Listeners = std::vector<std::shared_ptr<CookieChangeListener>>;

  std::atomic<uint64_t> next_sequence_{0};
  std::atomic<bool> has_listeners_{false};

  std::mutex mu_;
  std::condition_variable delivered_cv_;
  std::map<uint64_t, CookieChange> waiting_ ABSL_GUARDED_BY(mu_);
  uint64_t delivered_ ABSL_GUARDED_BY(mu_) = 0;  // Every sequence up to it.
  bool delivering_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_listener_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<std::pair<uint64_t, std::shared_ptr<CookieChangeListener>>> listeners_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_CHANGE_DISPATCHER_H_
