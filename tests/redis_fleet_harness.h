// Worker processes of the fleet tests (tests/redis_fleet_worker.cc) and what
// the tests check of them: the lines they print, their cookies, and how many
// of the changes Redis acknowledged to them a failover lost.

#ifndef COOKIEJAR_TESTS_REDIS_FLEET_HARNESS_H_
#define COOKIEJAR_TESTS_REDIS_FLEET_HARNESS_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "cookiejar/canonical_cookie.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace fleet {

// A worker process and the lines it printed (read by a thread of its own).
class Worker {
 public:
  // `binary`: the worker program; `ports` and `flags` as its usage says.
  Worker(const std::string& binary, int id, const std::string& ports, const std::string& profile,
         long ops, unsigned seed, const std::string& dir,
         const std::vector<std::string>& flags = {});
  ~Worker();

  int id() const { return id_; }
  // The end of what it wrote to standard error and its last output line:
  // why it stopped, for a failure message.
  std::string Diagnosis();
  // Waits for a line starting with `prefix`; false at the end of output or
  // after `timeout`.
  bool WaitFor(const std::string& prefix, absl::Duration timeout = absl::Seconds(90));
  // The operations Redis acknowledged (the last "flushed N").
  long Acknowledged();
  // The operations made when it last tried to write (the last "flushed N"
  // or "unflushed N").
  long Attempted();
  // The operations it made ("done N"), or -1 before it printed that.
  long Done();
  bool Printed(const std::string& prefix);
  // The first line starting with `prefix` ("" when none).
  std::string LineStarting(const std::string& prefix);
  // The "cookie ..." lines (Line() of each cookie of its jar at the end).
  std::set<std::string> Cookies();
  void Kill();
  void Pause();
  void Resume();
  int Wait();

 private:
  bool HasLine(const std::string& prefix);

  const int id_;
  const std::string err_path_;
  std::unique_ptr<testing::BackgroundProcess> process_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool closed_ = false;
};

// The path of the worker program in a Bazel test.
std::string WorkerBinary();

// A cookie as the workers print it: "name|domain|host-only|path|partition=value".
std::string Line(const CanonicalCookie& c);

// Of worker `worker`'s own cookies (name -> value, as a store holds them),
// the number whose state is older than the last change the worker made to
// it among its first `acknowledged` operations: acknowledged changes lost. A
// newer state (a change made after those, written but not yet acknowledged)
// is no loss.
int LostAcknowledged(int worker, unsigned seed, long acknowledged,
                     const std::map<std::string, std::string>& own_cookies);

// Of worker `worker`'s own cookies, the number whose last change among its
// first `acknowledged` operations is a set made by operation `from` or a
// later one: a node that received none of the worker's writes of those
// operations cannot hold them, so a failover to it loses at least that many
// acknowledged changes.
int SetsSince(int worker, unsigned seed, long from, long acknowledged);

}  // namespace fleet
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_REDIS_FLEET_HARNESS_H_
