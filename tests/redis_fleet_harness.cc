#include "tests/redis_fleet_harness.h"

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "persistence/internal/redis_layout.h"
#include "tests/redis_fleet_ops.h"

namespace cookiejar {
namespace fleet {

Worker::Worker(const std::string& binary, int id, const std::string& ports,
               const std::string& profile, long ops, unsigned seed, const std::string& dir,
               const std::vector<std::string>& flags)
    : id_(id), err_path_(absl::StrCat(dir, "/worker", id, ".err")) {
  std::vector<std::string> argv = {binary, ports, profile, std::to_string(id),
                                   std::to_string(ops), std::to_string(seed), dir};
  argv.insert(argv.end(), flags.begin(), flags.end());
  process_ = std::make_unique<testing::BackgroundProcess>(argv, err_path_);
  reader_ = std::thread([this] {
    std::string line;
    while (process_->ReadLine(&line)) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
      cv_.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_all();
  });
}

Worker::~Worker() {
  process_->Kill(SIGCONT);
  process_->Kill(SIGKILL);
  if (reader_.joinable()) reader_.join();
}

std::string Worker::Diagnosis() {
  std::ifstream in(err_path_);
  std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (err.size() > 2000) err = err.substr(err.size() - 2000);
  std::lock_guard<std::mutex> lock(mu_);
  return absl::StrCat("last line: \"", lines_.empty() ? "" : lines_.back(), "\"; ",
                      closed_ ? "exited" : "running", "; stderr: ", err);
}

bool Worker::WaitFor(const std::string& prefix, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
               [&] { return closed_ || HasLine(prefix); });
  return HasLine(prefix);
}

long Worker::Acknowledged() {
  std::lock_guard<std::mutex> lock(mu_);
  long last = 0;
  for (const std::string& l : lines_) {
    long n;
    if (absl::StartsWith(l, "flushed ") && absl::SimpleAtoi(l.substr(8), &n)) last = n;
  }
  return last;
}

long Worker::Attempted() {
  std::lock_guard<std::mutex> lock(mu_);
  long last = 0;
  for (absl::string_view l : lines_) {
    long n;
    if ((absl::ConsumePrefix(&l, "flushed ") || absl::ConsumePrefix(&l, "unflushed ")) &&
        absl::SimpleAtoi(l, &n)) {
      last = n;
    }
  }
  return last;
}

long Worker::Done() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& l : lines_) {
    long n;
    if (absl::StartsWith(l, "done ") && absl::SimpleAtoi(l.substr(5), &n)) return n;
  }
  return -1;
}

bool Worker::Printed(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  return HasLine(prefix);
}

std::string Worker::LineStarting(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& l : lines_) {
    if (absl::StartsWith(l, prefix)) return l;
  }
  return "";
}

std::set<std::string> Worker::Cookies() {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> out;
  for (const std::string& l : lines_) {
    if (absl::StartsWith(l, "cookie ")) out.insert(l.substr(7));
  }
  return out;
}

void Worker::Kill() {
  process_->Kill(SIGKILL);
  process_->Wait();
  if (reader_.joinable()) reader_.join();  // Lines printed before the kill.
}

void Worker::Pause() { process_->Kill(SIGSTOP); }
void Worker::Resume() { process_->Kill(SIGCONT); }
int Worker::Wait() { return process_->Wait(); }

bool Worker::HasLine(const std::string& prefix) {
  return std::any_of(lines_.begin(), lines_.end(),
                     [&](const std::string& l) { return absl::StartsWith(l, prefix); });
}

std::string WorkerBinary() {
  return std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/tests/redis_fleet_worker";
}

std::string Line(const CanonicalCookie& c) {
  return absl::StrCat(absl::StrReplaceAll(redis_internal::CookieKey(c), {{"\n", "|"}}), "=",
                      c.value);
}

int LostAcknowledged(int worker, unsigned seed, long acknowledged,
                     const std::map<std::string, std::string>& own_cookies) {
  // Every operation of the worker on its own cookies: index, and whether it
  // deleted.
  std::map<std::string, std::vector<std::pair<long, bool>>> history;
  OpStream stream(worker, seed);
  // Operations past the acknowledged ones may have been written too; the
  // worker runs at most this far ahead of its last acknowledgement.
  const long horizon = acknowledged + 100000;
  for (long n = 0; n < horizon; ++n) {
    const Op op = stream.Next();
    if (op.kind == OpKind::kSetOwn) history[OwnName(op.key)].push_back({n, false});
    if (op.kind == OpKind::kDeleteOwn) history[OwnName(op.key)].push_back({n, true});
  }
  int lost = 0;
  for (const auto& [name, ops] : history) {
    // The last change among the acknowledged operations.
    long last = -1;
    for (const auto& [n, removed] : ops) {
      if (n < acknowledged) last = n;
    }
    if (last < 0) continue;
    auto it = own_cookies.find(name);
    bool ok;
    if (it == own_cookies.end()) {
      // Absent: that change, or a later one, was a deletion.
      ok = std::any_of(ops.begin(), ops.end(),
                       [&](const auto& op) { return op.first >= last && op.second; });
    } else {
      // Present: the value names the operation that set it ("w3n517").
      long n = -1;
      const std::vector<std::string> parts = absl::StrSplit(it->second, 'n');
      ok = parts.size() == 2 && absl::SimpleAtoi(parts[1], &n) && n >= last;
    }
    if (!ok) ++lost;
  }
  return lost;
}

int SetsSince(int worker, unsigned seed, long from, long acknowledged) {
  std::map<std::string, long> last_set;  // Name -> operation; -1: deleted last.
  OpStream stream(worker, seed);
  for (long n = 0; n < acknowledged; ++n) {
    const Op op = stream.Next();
    if (op.kind == OpKind::kSetOwn) last_set[OwnName(op.key)] = n;
    if (op.kind == OpKind::kDeleteOwn) last_set[OwnName(op.key)] = -1;
  }
  int count = 0;
  for (const auto& entry : last_set) count += entry.second >= from ? 1 : 0;
  return count;
}

}  // namespace fleet
}  // namespace cookiejar
