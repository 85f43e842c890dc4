// A third store, in memory, for the conformance suite: proof that a backend
// is a file or two on top of the shared follower (it implements only loading
// and writing a batch), and a backend whose failures a test controls.
//
// A MemoryServer is the "database": stores opened on the same server see
// the same profiles (one after the other, as a file reopened).

#ifndef COOKIEJAR_TESTS_MEMORY_COOKIE_STORE_H_
#define COOKIEJAR_TESTS_MEMORY_COOKIE_STORE_H_

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "cookiejar/canonical_cookie.h"
#include "cookiejar/cookie_store.h"

namespace cookiejar {
namespace testing {

class MemoryServer {
 public:
  // From now on writes fail (Unavailable), or work again.
  void FailWrites(bool fail);
  // From now on writes block until Stall(false) or the store interrupts
  // them (its shutdown deadline), or work again.
  void Stall(bool stall);
  // Writes that reached the server (failed ones included).
  size_t writes();
  // A profile's cookies by key.
  std::map<std::string, CanonicalCookie> Profile(const std::string& name);

 private:
  friend class MemoryBackend;
  friend class MemoryProfile;
  std::mutex mu;
  std::condition_variable cv;
  bool fail = false;
  bool stall = false;
  uint64_t interrupts = 0;  // Interruptions so far: a stalled write ends.
  size_t write_count = 0;
  std::map<std::string, std::map<std::string, CanonicalCookie>> profiles;
};

struct MemoryStoreOptions {
  size_t flush_batch = 512;
  absl::Duration flush_interval = absl::Seconds(30);
  size_t max_pending = 100000;
  absl::Duration io_timeout = absl::Seconds(2);
  absl::Duration retry_interval = absl::Milliseconds(20);
};

std::unique_ptr<CookieStore> OpenMemoryStore(std::shared_ptr<MemoryServer> server,
                                             MemoryStoreOptions options = {});

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_MEMORY_COOKIE_STORE_H_
