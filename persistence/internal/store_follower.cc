#include "persistence/internal/store_follower.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "common/micros.h"

namespace cookiejar {
namespace store_internal {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

std::string PartitionField(const std::optional<CookiePartitionKey>& key) {
  if (!key) return "";
  return absl::StrCat(key->cross_site_ancestor ? "1" : "0", key->top_level_site);
}

// An error kept for later: copies of one absl::Status share a reference-
// counted representation, and a copy handed to a caller while a background
// thread replaces the original is a race that ThreadSanitizer reports
// (Debian's Abseil is not instrumented). Kept as code and text, a fresh
// Status is made for each reader.
struct ErrorRecord {
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;

  void Set(const absl::Status& status) {
    code = status.code();
    message = std::string(status.message());
  }
  absl::Status Get() const { return absl::Status(code, message); }
  bool ok() const { return code == absl::StatusCode::kOk; }
};

// For messages: never the value.
std::string Describe(const CanonicalCookie& c) {
  return absl::StrCat(c.name, "@", c.domain, c.path);
}

// The jar reporting back a stored state the follower applied: ImportCookie
// may clamp its creation and access times, so only what it keeps counts.
bool EchoOf(const CanonicalCookie& reported, const CanonicalCookie& applied) {
  return reported.value == applied.value && reported.expiry == applied.expiry &&
         reported.secure == applied.secure && reported.http_only == applied.http_only &&
         reported.same_site == applied.same_site && reported.priority == applied.priority &&
         reported.source_scheme == applied.source_scheme;
}

bool IsEviction(CookieChangeCause cause) {
  return cause == CookieChangeCause::kEvictedSite || cause == CookieChangeCause::kEvictedGlobal ||
         cause == CookieChangeCause::kEvictedPartition;
}

// What the store must write for a change of the jar; nullopt for none.
std::optional<StoreChange::Kind> KindOf(CookieChangeCause cause) {
  switch (cause) {
    case CookieChangeCause::kInserted:
      return StoreChange::Kind::kSet;
    case CookieChangeCause::kOverwrite:
      return std::nullopt;  // The insertion that follows carries the state.
    case CookieChangeCause::kExplicit:
    case CookieChangeCause::kExpiredOverwrite:
      return StoreChange::Kind::kDelete;
    case CookieChangeCause::kExpired:
    case CookieChangeCause::kSessionEnded:
    case CookieChangeCause::kEvictedSite:
    case CookieChangeCause::kEvictedGlobal:
    case CookieChangeCause::kEvictedPartition:
      return StoreChange::Kind::kRemove;
  }
  return std::nullopt;
}

// Two changes of one cookie, `older` first, as one. A set followed by the
// removal of that very version (it expired or was evicted before it was
// written) is a deletion ordered at the set: it replaces what the set
// replaced, and it loses to anything newer than the set, as the set would
// have. Otherwise the newer change is the cookie's state.
StoreChange Merge(StoreChange older, StoreChange newer) {
  if (older.kind == StoreChange::Kind::kSet && newer.kind == StoreChange::Kind::kRemove &&
      SameVersion(older.cookie, newer.cookie)) {
    older.kind = StoreChange::Kind::kDelete;
    return older;
  }
  return newer;
}

}  // namespace

std::string CookieKey(const CanonicalCookie& c) {
  return absl::StrCat(c.name, "\n", c.domain, "\n", c.host_only ? "1" : "0", "\n", c.path, "\n",
                      PartitionField(c.partition_key));
}

bool SameVersion(const CanonicalCookie& a, const CanonicalCookie& b) {
  return a.name == b.name && a.domain == b.domain && a.host_only == b.host_only &&
         a.path == b.path && a.partition_key == b.partition_key && a.value == b.value &&
         a.creation == b.creation && a.expiry == b.expiry && a.secure == b.secure &&
         a.http_only == b.http_only && a.same_site == b.same_site &&
         a.priority == b.priority && a.source_scheme == b.source_scheme;
}

// One writer thread and the profiles it writes.
struct StoreFollower::Writer {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::shared_ptr<Lane>> lanes;
  std::thread thread;
  bool started = false;
  bool stopping = false;
  // Past the shutdown deadline: no further attempt.
  bool abandoned = false;
  // Flush requests: each waits for a write that started after it.
  uint64_t tickets = 0;
  std::map<uint64_t, std::optional<ErrorRecord>> waiting;
  // No background write before this (after an error).
  SteadyTime retry_at;
  // The last background write's error (OK after a success).
  ErrorRecord last_error;
};

// What a jar's listener holds: it may outlive the profile's attachment.
struct StoreFollower::Link {
  std::mutex mu;
  Lane* lane = nullptr;  // Null once detached.
};

// One attached profile.
struct StoreFollower::Lane : public RemoteSink {
  struct Pending {
    StoreChange change;
    uint64_t sequence = 0;  // The jar's; 0 for the follower's own.
  };

  Lane(StoreFollower* follower, CookieJar* jar, std::string profile)
      : follower(follower), jar(jar), profile(std::move(profile)) {}

  void OnChange(const CookieChange& change);
  // With writer->mu held.
  void Queue(const std::string& key, StoreChange change, uint64_t sequence);
  void Requeue(const std::string& key, StoreChange change);
  // After the application of a stored state of `key` (writer->mu not
  // held): when a local change overtook it in the jar, the jar takes that
  // change again.
  void RedoOvertaken(const std::string& key);

  void Apply(const StoredState& state) override {
    std::lock_guard<std::mutex> apply_lock(apply_mu);
    ApplyLocked(state);
  }
  // With apply_mu held, writer->mu not held.
  void ApplyLocked(const StoredState& state);
  void Replace(const std::vector<StoredState>& states, uint64_t version) override;
  void Advanced(uint64_t version) override;
  void NoteError(const absl::Status& status) override {
    std::lock_guard<std::mutex> lock(writer->mu);
    remote_error.Set(status);
  }

  StoreFollower* const follower;
  CookieJar* const jar;
  const std::string profile;
  std::unique_ptr<ProfileBackend> backend;
  std::shared_ptr<Writer> writer;
  std::shared_ptr<Link> link;
  uint64_t listener_id = 0;

  // Held while the jar is changed with a stored state, and while a batch
  // is taken out of `pending`: a local change made during an application
  // is then ordered against it by the jar's own notifications.
  std::mutex apply_mu;

  // The rest under writer->mu.
  std::map<std::string, Pending> pending;  // Latest change per cookie key.
  SteadyTime first_pending;
  std::set<std::string> inflight;  // Keys of the batch being written.
  // Versions known for keys (older states of them are old news).
  std::unordered_map<std::string, uint64_t> held;
  // Stored states held back while a local change of the cookie is on its
  // way: the newest is applied once the store has ordered the two.
  std::map<std::string, StoredState> deferred;
  // The stored state being applied (its echo is not a local change).
  bool expecting = false;
  std::string expect_key;
  StoredState expect;
  // A local change of expect_key reached the jar before the application.
  bool expect_overtaken = false;
  bool jar_alive = true;
  bool loading = false;
  size_t evicted_while_loading = 0;
  FollowerStats stats;
  bool dropped_unreported = false;
  // Exclusive profiles: changes were dropped, the store lacks them.
  bool diverged = false;
  ErrorRecord remote_error;
};

void StoreFollower::Lane::OnChange(const CookieChange& change) {
  const std::optional<StoreChange::Kind> kind = KindOf(change.cause);
  if (!kind) return;
  StoreChange out;
  out.kind = *kind;
  out.cookie = change.cookie;
  if (out.kind == StoreChange::Kind::kSet && !follower->options_.persist_session_cookies &&
      !change.cookie.IsPersistent()) {
    // Not kept: the stored cookie it replaced goes.
    out.kind = StoreChange::Kind::kDelete;
  }
  out.stamp_us = follower->NowMicros();
  const std::string key = CookieKey(change.cookie);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(writer->mu);
    if (expecting && key == expect_key) {
      // The application of a stored state, reported back: the jar now holds
      // what the store holds, and any local change of the cookie made before
      // it (in the jar's order) is superseded. Anything else is local.
      const bool inserted = change.cause == CookieChangeCause::kInserted;
      const bool echo = inserted ? expect.present && EchoOf(change.cookie, expect.cookie)
                                 : !expect.present && change.cause == CookieChangeCause::kExplicit;
      if (echo) {
        // Nothing of this cookie was pending when the application began, so
        // a change queued since is the jar's own, made after the store's
        // state was read: it is newer, stays queued, and the jar must show
        // it again (RedoOvertaken).
        if (pending.count(key)) expect_overtaken = true;
        return;
      }
    }
    if (loading && IsEviction(change.cause)) ++evicted_while_loading;
    auto it = pending.find(key);
    if (it != pending.end() && it->second.sequence > change.sequence) return;  // Older news.
    if (it == pending.end() && pending.size() >= follower->options_.max_pending) {
      // The jar has the change; the store will not.
      ++stats.dropped;
      if (!dropped_unreported && follower->options_.shared) backend->Resync();
      dropped_unreported = true;
      diverged = true;
      return;
    }
    wake = pending.empty() || pending.size() + 1 >= follower->options_.flush_batch;
    Queue(key, std::move(out), change.sequence);
  }
  if (wake) writer->cv.notify_all();
}

void StoreFollower::Lane::Queue(const std::string& key, StoreChange change, uint64_t sequence) {
  if (pending.empty()) first_pending = std::chrono::steady_clock::now();
  auto [it, inserted] = pending.try_emplace(key);
  if (inserted) {
    it->second.change = std::move(change);
  } else {
    it->second.change = Merge(std::move(it->second.change), std::move(change));
  }
  it->second.sequence = std::max(it->second.sequence, sequence);
}

void StoreFollower::Lane::Requeue(const std::string& key, StoreChange change) {
  if (pending.empty()) first_pending = std::chrono::steady_clock::now();
  auto [it, inserted] = pending.try_emplace(key);
  if (inserted) {
    it->second.change = std::move(change);
  } else {
    // The failed change is the older one.
    it->second.change = Merge(std::move(change), std::move(it->second.change));
  }
}

void StoreFollower::Lane::RedoOvertaken(const std::string& key) {
  std::optional<StoreChange> redo;
  {
    std::lock_guard<std::mutex> lock(writer->mu);
    if (!expect_overtaken) return;
    expect_overtaken = false;
    auto it = pending.find(key);
    // A removal (the jar expired or evicted the cookie) is not redone: a
    // deletion would turn the jar's bookkeeping into somebody's change.
    if (it != pending.end() && it->second.change.kind != StoreChange::Kind::kRemove) {
      redo = it->second.change;
    }
  }
  if (!redo) return;
  // Reported to OnChange as a local change again, which it is.
  if (redo->kind == StoreChange::Kind::kSet) {
    jar->ImportCookie(redo->cookie, CookieJar::ImportTimes::kKeep);
  } else {
    jar->DeleteCookie(redo->cookie);
  }
}

void StoreFollower::Lane::ApplyLocked(const StoredState& state) {
  const std::string key = CookieKey(state.cookie);
  {
    std::lock_guard<std::mutex> lock(writer->mu);
    if (!jar_alive) return;
    auto h = held.find(key);
    if (state.version > 0 && h != held.end() && h->second >= state.version) return;  // Old news.
    if (pending.count(key) || inflight.count(key)) {
      // A local change of this cookie is on its way and the store will
      // order it against this state: keep the newest until it has.
      StoredState& d = deferred[key];
      if (d.version <= state.version) d = state;
      return;
    }
    expecting = true;
    expect_overtaken = false;
    expect_key = key;
    expect = state;
  }
  if (state.present) {
    // A refusal (expired meanwhile, the jar's rules) leaves the jar as it
    // was; the cookie's writer enforces the rules for the store.
    jar->ImportCookie(state.cookie, CookieJar::ImportTimes::kKeep);
  } else {
    jar->DeleteCookie(state.cookie);
  }
  {
    std::lock_guard<std::mutex> lock(writer->mu);
    expecting = false;
    uint64_t& version = held[key];
    version = std::max(version, state.version);
    ++stats.applied;
  }
  RedoOvertaken(key);
}

void StoreFollower::Lane::Replace(const std::vector<StoredState>& states, uint64_t version) {
  std::lock_guard<std::mutex> apply_lock(apply_mu);
  {
    std::lock_guard<std::mutex> lock(writer->mu);
    if (!jar_alive) return;
    held.clear();
    // Of an older state, or of another history: the states below are newer.
    deferred.clear();
  }
  std::set<std::string> stored;
  for (const StoredState& state : states) {
    stored.insert(CookieKey(state.cookie));
    ApplyLocked(state);
  }
  // The jar's cookies the store does not hold are gone from it, unless this
  // jar's own change of them is on its way.
  for (const CanonicalCookie& c : jar->GetAllCookies()) {
    const std::string key = CookieKey(c);
    if (stored.count(key)) continue;
    StoredState gone;
    gone.version = version;
    gone.cookie = c;
    ApplyLocked(gone);
  }
}

void StoreFollower::Lane::Advanced(uint64_t version) {
  std::lock_guard<std::mutex> lock(writer->mu);
  remote_error = ErrorRecord();
  // What the backend brings next is newer than any version held so far.
  if (held.size() > 1024) {
    for (auto it = held.begin(); it != held.end();) {
      it = it->second <= version ? held.erase(it) : std::next(it);
    }
  }
}

StoreFollower::StoreFollower(std::unique_ptr<StoreBackend> backend, FollowerOptions options)
    : backend_(std::move(backend)),
      options_([&] {
        options.flush_batch = std::max<size_t>(options.flush_batch, 1);
        options.max_pending = std::max<size_t>(options.max_pending, 1);
        return options;
      }()),
      clock_(options_.clock ? options_.clock : &Clock::System()) {
  if (!options_.writer_per_profile && !options_.read_only) shared_writer_ = NewWriter();
}

StoreFollower::~StoreFollower() {
  const absl::Time deadline = Deadline();
  std::vector<std::shared_ptr<Lane>> lanes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    lanes.swap(lanes_);
  }
  // The jars may be gone already: from now on nothing touches them.
  for (const auto& lane : lanes) {
    if (lane->link) {
      std::lock_guard<std::mutex> lock(lane->link->mu);
      lane->link->lane = nullptr;
    }
    std::lock_guard<std::mutex> lock(lane->writer->mu);
    lane->jar_alive = false;
  }
  // Every profile's threads and every writer's last write at once, so that
  // together they take io_timeout, not io_timeout per profile.
  for (const auto& lane : lanes) lane->backend->RequestStop();
  std::vector<Writer*> writers;
  for (const auto& lane : lanes) {
    if (std::find(writers.begin(), writers.end(), lane->writer.get()) == writers.end()) {
      writers.push_back(lane->writer.get());
    }
  }
  if (shared_writer_ &&
      std::find(writers.begin(), writers.end(), shared_writer_.get()) == writers.end()) {
    writers.push_back(shared_writer_.get());
  }
  StopWriters(writers, deadline);
  for (const auto& lane : lanes) lane->backend->Stop();
  // The writers hold their lanes, which hold their writer.
  for (Writer* writer : writers) {
    std::lock_guard<std::mutex> lock(writer->mu);
    writer->lanes.clear();
  }
}

absl::Time StoreFollower::Deadline() const {
  return options_.io_timeout == absl::InfiniteDuration() ? absl::InfiniteFuture()
                                                         : absl::Now() + options_.io_timeout;
}

int64_t StoreFollower::NowMicros() const { return micros::ToMicros(clock_->Now()); }

std::shared_ptr<StoreFollower::Writer> StoreFollower::NewWriter() {
  return std::make_shared<Writer>();
}

void StoreFollower::StartWriter(const std::shared_ptr<Writer>& writer) {
  std::lock_guard<std::mutex> lock(writer->mu);
  if (writer->started) return;
  writer->started = true;
  Writer* w = writer.get();
  writer->thread = std::thread([this, w] { WriterLoop(w); });
}

void StoreFollower::StopWriters(const std::vector<Writer*>& writers, absl::Time deadline) {
  // Each writer's last write: of what is pending now.
  std::vector<uint64_t> last(writers.size());
  for (size_t i = 0; i < writers.size(); ++i) {
    std::lock_guard<std::mutex> lock(writers[i]->mu);
    writers[i]->stopping = true;
    last[i] = ++writers[i]->tickets;
    writers[i]->waiting[last[i]];
    writers[i]->cv.notify_all();
  }
  // Then the deadline for all of them together; what is unanswered by then
  // is interrupted, everywhere, before any thread is joined.
  std::vector<std::shared_ptr<Lane>> late;
  for (size_t i = 0; i < writers.size(); ++i) {
    Writer* writer = writers[i];
    std::unique_lock<std::mutex> lock(writer->mu);
    if (!writer->started) continue;
    auto served = [&] { return writer->waiting[last[i]].has_value(); };
    const bool done = deadline == absl::InfiniteFuture()
                          ? (writer->cv.wait(lock, served), true)
                          : writer->cv.wait_until(lock, absl::ToChronoTime(deadline), served);
    if (!done) {
      writer->abandoned = true;
      late.insert(late.end(), writer->lanes.begin(), writer->lanes.end());
    }
  }
  for (const auto& lane : late) lane->backend->Interrupt();
  for (Writer* writer : writers) {
    if (writer->thread.joinable()) writer->thread.join();
  }
}

void StoreFollower::WriterLoop(Writer* w) {
  const auto interval = absl::ToChronoMicroseconds(options_.flush_interval);
  std::unique_lock<std::mutex> lock(w->mu);
  for (;;) {
    const bool requested = !w->waiting.empty() && !w->waiting.rbegin()->second.has_value();
    if (w->stopping && (!requested || w->abandoned)) return;
    const SteadyTime now = std::chrono::steady_clock::now();
    bool due = requested;
    SteadyTime wake = SteadyTime::max();
    if (!due && now < w->retry_at) {
      wake = w->retry_at;
    } else if (!due) {
      for (const auto& lane : w->lanes) {
        if (lane->pending.empty()) continue;
        // A saturating sum: an interval of hours or more must not wrap.
        const SteadyTime ready = lane->first_pending > SteadyTime::max() - interval
                                     ? SteadyTime::max()
                                     : lane->first_pending + interval;
        if (lane->pending.size() >= options_.flush_batch || now >= ready) {
          due = true;
          break;
        }
        wake = std::min(wake, ready);
      }
    }
    if (!due) {
      if (wake == SteadyTime::max()) {
        w->cv.wait(lock);
      } else {
        w->cv.wait_until(lock, wake);
      }
      continue;
    }
    const uint64_t serving = w->tickets;
    lock.unlock();
    const absl::Status status = WriteOnce(w);
    lock.lock();
    ErrorRecord result;
    result.Set(status);
    for (auto& [ticket, outcome] : w->waiting) {
      if (ticket <= serving && !outcome) outcome = result;
    }
    w->last_error = result;
    w->retry_at = status.ok() ? SteadyTime()
                              : std::chrono::steady_clock::now() +
                                    absl::ToChronoMicroseconds(options_.retry_interval);
    w->cv.notify_all();
  }
}

absl::Status StoreFollower::WriteOnce(Writer* w) {
  std::vector<std::shared_ptr<Lane>> lanes;
  {
    std::lock_guard<std::mutex> lock(w->mu);
    lanes = w->lanes;
  }
  std::vector<ProfileWrite> writes;
  std::vector<Lane*> owners;
  std::vector<std::vector<std::string>> keys;
  for (const auto& lane : lanes) {
    std::lock_guard<std::mutex> apply_lock(lane->apply_mu);
    std::lock_guard<std::mutex> lock(w->mu);
    if (lane->pending.empty()) continue;
    ProfileWrite write;
    write.profile = lane->backend.get();
    std::vector<std::string> batch_keys;
    // Deletions and removals first: a store that replays the batch in order
    // (a shared one's log) then never holds more cookies than the jar's
    // limits allow, and does not evict on its own.
    for (const bool sets : {false, true}) {
      for (auto& [key, entry] : lane->pending) {
        if ((entry.change.kind == StoreChange::Kind::kSet) != sets) continue;
        lane->inflight.insert(key);
        write.changes.push_back(std::move(entry.change));
        batch_keys.push_back(key);
      }
    }
    lane->pending.clear();
    write.results.assign(write.changes.size(), WriteResult());
    writes.push_back(std::move(write));
    owners.push_back(lane.get());
    keys.push_back(std::move(batch_keys));
  }
  if (writes.empty()) return absl::OkStatus();
  const absl::Status status = backend_->Write(&writes, Deadline());

  for (size_t w_index = 0; w_index < writes.size(); ++w_index) {
    Lane* lane = owners[w_index];
    ProfileWrite& write = writes[w_index];
    std::vector<StoredState> to_apply;
    std::lock_guard<std::mutex> apply_lock(lane->apply_mu);
    {
      std::lock_guard<std::mutex> lock(w->mu);
      for (size_t i = 0; i < write.changes.size(); ++i) {
        const std::string& key = keys[w_index][i];
        lane->inflight.erase(key);
        WriteResult& result = write.results[i];
        switch (result.kind) {
          case WriteResult::Kind::kNotWritten:
            // Back in the queue, ordered before any newer change of it.
            lane->Requeue(key, std::move(write.changes[i]));
            break;
          case WriteResult::Kind::kWritten:
            ++lane->stats.written;
            if (result.version > 0) {
              uint64_t& held = lane->held[key];
              held = std::max(held, result.version);
            }
            break;
          case WriteResult::Kind::kSuperseded:
            ++lane->stats.superseded;
            [[fallthrough]];
          case WriteResult::Kind::kUnchanged:
            if (result.current) {
              // The jar takes the store's state (after any newer local change).
              StoredState& d = lane->deferred[key];
              if (d.version <= result.current->version) d = std::move(*result.current);
            }
            break;
        }
        // A stored state held back while this change was on its way (none
        // before a reload the write made due: it would undo this change).
        if (write.reload_due) continue;
        auto d = lane->deferred.find(key);
        if (d != lane->deferred.end() && !lane->pending.count(key) && !lane->inflight.count(key)) {
          auto held = lane->held.find(key);
          if (held == lane->held.end() || held->second < d->second.version ||
              d->second.version == 0) {
            to_apply.push_back(std::move(d->second));
          }
          lane->deferred.erase(d);
        }
      }
    }
    for (const StoredState& state : to_apply) lane->ApplyLocked(state);
  }
  return status;
}

absl::StatusOr<size_t> StoreFollower::Attach(CookieJar* jar, std::string_view profile_name,
                                             AttachReport* report) {
  AttachReport local;
  if (report == nullptr) report = &local;
  *report = AttachReport();
  const std::string profile(profile_name);
  {
    std::lock_guard<std::mutex> lock(mu_);
    bool taken = attaching_profiles_.count(profile) || attaching_jars_.count(jar);
    for (const auto& lane : lanes_) taken = taken || lane->profile == profile || lane->jar == jar;
    if (taken) {
      return absl::FailedPreconditionError(absl::StrCat("profile \"", profile, "\" of ",
                                                        options_.store_name,
                                                        " or its jar is already attached"));
    }
    attaching_profiles_.insert(profile);
    attaching_jars_.insert(jar);
  }
  auto unreserve = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    attaching_profiles_.erase(profile);
    attaching_jars_.erase(jar);
  };
  absl::StatusOr<std::unique_ptr<ProfileBackend>> opened = backend_->OpenProfile(profile);
  if (!opened.ok()) {
    unreserve();
    return opened.status();
  }
  auto lane = std::make_shared<Lane>(this, jar, profile);
  lane->backend = std::move(*opened);
  lane->writer = options_.read_only        ? NewWriter()  // Only its mutex is used.
                 : options_.writer_per_profile ? NewWriter()
                                               : shared_writer_;
  if (!options_.read_only) {
    // Following from the start: evictions made while loading reach the store.
    lane->link = std::make_shared<Link>();
    lane->link->lane = lane.get();
    lane->listener_id = jar->AddChangeListener([link = lane->link](const CookieChange& change) {
      std::lock_guard<std::mutex> lock(link->mu);
      if (link->lane != nullptr) link->lane->OnChange(change);
    });
  }
  auto abandon = [&](absl::Status status) {
    if (lane->link) {
      jar->RemoveChangeListener(lane->listener_id);
      std::lock_guard<std::mutex> lock(lane->link->mu);
      lane->link->lane = nullptr;
    }
    lane->backend->Stop();
    unreserve();
    return status;
  };

  {
    std::lock_guard<std::mutex> apply_lock(lane->apply_mu);
    LoadedProfile loaded;
    absl::Status status = lane->backend->Load(&loaded);
    if (!status.ok()) return abandon(status);
    report->refused = std::move(loaded.refused);
    // In creation order, so that loading appends to the jar's buckets.
    std::stable_sort(loaded.cookies.begin(), loaded.cookies.end(),
                     [](const StoredState& a, const StoredState& b) {
                       return a.cookie.creation < b.cookie.creation;
                     });
    std::set<std::string> taken;  // Keys the jar took from the store.
    {
      std::lock_guard<std::mutex> lock(lane->writer->mu);
      lane->loading = true;
    }
    for (const StoredState& state : loaded.cookies) {
      const std::string key = CookieKey(state.cookie);
      {
        std::lock_guard<std::mutex> lock(lane->writer->mu);
        lane->expecting = true;
        lane->expect_overtaken = false;
        lane->expect_key = key;
        lane->expect = state;
      }
      const CookieInclusionStatus included = jar->ImportCookie(state.cookie);
      {
        std::lock_guard<std::mutex> lock(lane->writer->mu);
        lane->expecting = false;
      }
      lane->RedoOvertaken(key);
      std::lock_guard<std::mutex> lock(lane->writer->mu);
      if (included.IsInclude()) {
        ++report->loaded;
        taken.insert(key);
        lane->held[key] = state.version;
      } else if (included.HasOnly(CookieExclusionReason::kExpired)) {
        // Expired in the store: removed there, if it is still this version.
        ++report->expired;
        if (!options_.read_only && !lane->pending.count(key)) {
          StoreChange removal;
          removal.kind = StoreChange::Kind::kRemove;
          removal.cookie = state.cookie;
          lane->Queue(key, std::move(removal), 0);
        }
      } else {
        report->refused.push_back(absl::StrCat(Describe(state.cookie), ": ", included.ToString()));
      }
    }
    {
      std::lock_guard<std::mutex> lock(lane->writer->mu);
      lane->loading = false;
      report->evicted = lane->evicted_while_loading;
    }
    // The jar's own cookies that the profile lacks are written to it, each
    // ordered at its creation: a deletion or a set the store holds from
    // after that still wins.
    if (!options_.read_only) {
      const int64_t now = NowMicros();
      for (const CanonicalCookie& c : jar->GetAllCookies()) {
        if (!options_.persist_session_cookies && !c.IsPersistent()) continue;
        const std::string key = CookieKey(c);
        if (taken.count(key)) continue;
        std::lock_guard<std::mutex> lock(lane->writer->mu);
        auto it = lane->pending.find(key);
        // A local change made meanwhile says it better.
        if (it != lane->pending.end() && it->second.change.kind != StoreChange::Kind::kRemove) {
          continue;
        }
        StoreChange upload;
        upload.kind = StoreChange::Kind::kSet;
        upload.cookie = c;
        upload.stamp_us = std::min(micros::ToMicros(c.creation), now);
        if (it != lane->pending.end()) lane->pending.erase(it);
        lane->Queue(key, std::move(upload), 0);
        ++report->uploaded;
      }
    }
  }
  if (!options_.read_only) lane->backend->Start(lane.get());
  {
    std::lock_guard<std::mutex> lock(mu_);
    attaching_profiles_.erase(profile);
    attaching_jars_.erase(jar);
    lanes_.push_back(lane);
  }
  if (!options_.read_only) {
    {
      std::lock_guard<std::mutex> lock(lane->writer->mu);
      lane->writer->lanes.push_back(lane);
    }
    StartWriter(lane->writer);
    lane->writer->cv.notify_all();
  }
  return report->loaded;
}

std::shared_ptr<StoreFollower::Lane> StoreFollower::FindLane(const CookieJar* jar) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& lane : lanes_) {
    if (lane->jar == jar) return lane;
  }
  return nullptr;
}

absl::Status StoreFollower::QueueRewrite(Lane* lane) {
  LoadedProfile stored;
  absl::Status status = lane->backend->Load(&stored);
  if (!status.ok()) return status;
  std::map<std::string, CanonicalCookie> held;
  for (const CanonicalCookie& c : lane->jar->GetAllCookies()) {
    if (options_.persist_session_cookies || c.IsPersistent()) held[CookieKey(c)] = c;
  }
  const int64_t now = NowMicros();
  std::lock_guard<std::mutex> lock(lane->writer->mu);
  for (const StoredState& state : stored.cookies) {
    const std::string key = CookieKey(state.cookie);
    if (held.count(key)) continue;
    StoreChange deletion;
    deletion.kind = StoreChange::Kind::kDelete;
    deletion.cookie = state.cookie;
    deletion.stamp_us = now;
    lane->Queue(key, std::move(deletion), 0);
  }
  for (auto& [key, cookie] : held) {
    StoreChange set;
    set.kind = StoreChange::Kind::kSet;
    set.cookie = std::move(cookie);
    set.stamp_us = now;
    lane->Queue(key, std::move(set), 0);
  }
  lane->diverged = false;
  return absl::OkStatus();
}

absl::Status StoreFollower::Detach(CookieJar* jar) {
  std::shared_ptr<Lane> lane;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find_if(lanes_.begin(), lanes_.end(),
                           [jar](const auto& l) { return l->jar == jar; });
    if (it == lanes_.end()) return absl::NotFoundError("jar is not attached");
    lane = *it;
    lanes_.erase(it);
  }
  const absl::Time deadline = Deadline();
  if (lane->link) {
    jar->RemoveChangeListener(lane->listener_id);
    std::lock_guard<std::mutex> lock(lane->link->mu);
    lane->link->lane = nullptr;
  }
  // Other writers' changes are not applied any more: the jar goes its way.
  lane->backend->RequestStop();
  absl::Status status;
  if (!options_.read_only) {
    bool rewrite;
    {
      std::lock_guard<std::mutex> lock(lane->writer->mu);
      rewrite = lane->diverged && !options_.shared;
    }
    // The jar is alive here: a profile that lost changes becomes the jar's
    // contents again.
    if (rewrite) status = QueueRewrite(lane.get());
    absl::Status flushed = FlushWriters({lane->writer}, deadline);
    if (status.ok()) status = flushed;
  }
  size_t unwritten = 0;
  bool dropped = false;
  {
    std::lock_guard<std::mutex> lock(lane->writer->mu);
    lane->jar_alive = false;
    auto& lanes = lane->writer->lanes;
    lanes.erase(std::remove(lanes.begin(), lanes.end(), lane), lanes.end());
    unwritten = lane->pending.size() + lane->inflight.size();
    dropped = lane->dropped_unreported;
    lane->dropped_unreported = false;
  }
  if (options_.writer_per_profile && !options_.read_only) StopWriters({lane->writer.get()}, deadline);
  lane->backend->Stop();
  if (!status.ok() && unwritten > 0) {
    return absl::Status(status.code(), absl::StrCat(status.message(), "; ", unwritten,
                                                    " changes of profile \"", lane->profile,
                                                    "\" were not written"));
  }
  if (status.ok() && dropped) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "profile \"", lane->profile, "\": ", lane->stats.dropped,
        " changes were dropped while the queue was full",
        options_.shared ? "" : "; the profile was rewritten from the jar"));
  }
  return status;
}

absl::Status StoreFollower::FlushWriters(const std::vector<std::shared_ptr<Writer>>& writers,
                                         absl::Time deadline) {
  std::vector<uint64_t> tickets;
  for (const auto& writer : writers) {
    std::lock_guard<std::mutex> lock(writer->mu);
    tickets.push_back(++writer->tickets);
    writer->waiting[tickets.back()];
    writer->cv.notify_all();
  }
  absl::Status result;
  for (size_t i = 0; i < writers.size(); ++i) {
    Writer* writer = writers[i].get();
    std::unique_lock<std::mutex> lock(writer->mu);
    auto done = [&] { return writer->waiting[tickets[i]].has_value(); };
    bool answered;
    if (!writer->started) {
      answered = true;  // Nothing was ever queued for it.
      writer->waiting[tickets[i]] = ErrorRecord();
    } else if (deadline == absl::InfiniteFuture()) {
      writer->cv.wait(lock, done);
      answered = true;
    } else {
      answered = writer->cv.wait_until(lock, absl::ToChronoTime(deadline), done);
    }
    absl::Status status =
        answered ? writer->waiting[tickets[i]]->Get()
                 : absl::UnavailableError(absl::StrCat(
                       options_.store_name, " did not answer within ",
                       absl::FormatDuration(options_.io_timeout), "; the changes stay queued"));
    writer->waiting.erase(tickets[i]);
    if (result.ok()) result = status;
  }
  return result;
}

absl::Status StoreFollower::Flush() {
  if (options_.read_only) return absl::OkStatus();
  std::vector<std::shared_ptr<Lane>> lanes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    lanes = lanes_;
  }
  std::vector<std::shared_ptr<Writer>> writers;
  for (const auto& lane : lanes) {
    if (std::find(writers.begin(), writers.end(), lane->writer) == writers.end()) {
      writers.push_back(lane->writer);
    }
  }
  absl::Status status = FlushWriters(writers, Deadline());
  if (!status.ok()) return status;
  // Written: now the worse news, once.
  std::string dropped;
  for (const auto& lane : lanes) {
    std::lock_guard<std::mutex> lock(lane->writer->mu);
    if (!lane->dropped_unreported) continue;
    lane->dropped_unreported = false;
    absl::StrAppend(&dropped, dropped.empty() ? "" : "; ", "profile \"", lane->profile, "\": ",
                    lane->stats.dropped, " changes were dropped while more than ",
                    options_.max_pending, " waited to be written",
                    options_.shared ? " (the jar is reloaded from the store)"
                                    : " (Detach rewrites the profile from the jar)");
  }
  if (!dropped.empty()) return absl::ResourceExhaustedError(dropped);
  return absl::OkStatus();
}

absl::Status StoreFollower::FlushJar(const CookieJar* jar, absl::Time deadline) {
  std::shared_ptr<Lane> lane = FindLane(jar);
  if (!lane) return absl::NotFoundError("jar is not attached");
  if (options_.read_only) return absl::OkStatus();
  absl::Status status = FlushWriters({lane->writer}, deadline);
  if (!status.ok()) return status;
  std::lock_guard<std::mutex> lock(lane->writer->mu);
  if (lane->dropped_unreported) {
    lane->dropped_unreported = false;
    return absl::ResourceExhaustedError(absl::StrCat(
        "profile \"", lane->profile, "\": ", lane->stats.dropped,
        " changes were dropped while more than ", options_.max_pending, " waited to be written"));
  }
  return absl::OkStatus();
}

void StoreFollower::DiscardPending() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& lane : lanes_) {
    std::lock_guard<std::mutex> writer_lock(lane->writer->mu);
    lane->pending.clear();
  }
}

absl::Status StoreFollower::last_error() {
  std::vector<std::shared_ptr<Lane>> lanes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    lanes = lanes_;
  }
  for (const auto& lane : lanes) {
    std::lock_guard<std::mutex> lock(lane->writer->mu);
    if (lane->dropped_unreported) {
      return absl::ResourceExhaustedError(
          absl::StrCat("profile \"", lane->profile, "\": ", lane->stats.dropped,
                       " changes dropped, more than ", options_.max_pending,
                       " were waiting to be written"));
    }
  }
  for (const auto& lane : lanes) {
    std::lock_guard<std::mutex> lock(lane->writer->mu);
    if (!lane->writer->last_error.ok()) return lane->writer->last_error.Get();
  }
  for (const auto& lane : lanes) {
    std::lock_guard<std::mutex> lock(lane->writer->mu);
    if (!lane->remote_error.ok()) return lane->remote_error.Get();
  }
  return absl::OkStatus();
}

absl::StatusOr<FollowerStats> StoreFollower::stats(const CookieJar* jar) {
  std::shared_ptr<Lane> lane = FindLane(jar);
  if (!lane) return absl::NotFoundError("jar is not attached");
  std::lock_guard<std::mutex> lock(lane->writer->mu);
  FollowerStats out = lane->stats;
  out.pending = lane->pending.size() + lane->inflight.size();
  return out;
}

std::shared_ptr<ProfileBackend> StoreFollower::profile_backend(const CookieJar* jar) {
  std::shared_ptr<Lane> lane = FindLane(jar);
  if (!lane) return nullptr;
  return std::shared_ptr<ProfileBackend>(lane, lane->backend.get());
}

}  // namespace store_internal
}  // namespace cookiejar
