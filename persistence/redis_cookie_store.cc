#include "cookiejar/redis_cookie_store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/absl_view.h"
#include "persistence/internal/redis_client.h"
#include "persistence/internal/redis_layout.h"
#include "persistence/internal/sealing.h"

namespace cookiejar {

using redis_internal::CookieKey;
using redis_internal::DecodeCookieKey;
using redis_internal::DecodeRecord;
using redis_internal::EncodeCookie;
using redis_internal::ProfileKeys;
using redis_internal::RedisAddress;
using redis_internal::RedisAuth;
using redis_internal::RedisCommand;
using redis_internal::RedisConnection;
using redis_internal::RedisReply;
using redis_internal::SlotClient;
using redis_internal::StoredCookie;

namespace {

// Changes per script call; several calls go in one pipeline.
constexpr size_t kChangesPerScript = 256;
// Entries read from the log, and records scanned, per round trip.
constexpr int kReadCount = 1000;
constexpr int kScanCount = 5000;
// How long one XREAD blocks before the reader looks around again.
constexpr int kBlockMillis = 1000;

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// For messages: never the value.
std::string Describe(const CanonicalCookie& c) {
  return absl::StrCat(c.name, "@", c.domain, c.path);
}

// What an applied remote change looks like when the jar reports it back:
// ImportCookie may clamp times, so only what it keeps is compared.
bool SameContent(const CanonicalCookie& a, const CanonicalCookie& b) {
  return a.value == b.value && a.expiry == b.expiry && a.secure == b.secure &&
         a.http_only == b.http_only && a.same_site == b.same_site && a.priority == b.priority &&
         a.source_scheme == b.source_scheme;
}

redis_internal::RedisTarget TargetOf(const RedisStoreOptions& options) {
  redis_internal::RedisTarget target;
  for (const RedisEndpoint& e : options.endpoints) target.seeds.push_back({e.host, e.port});
  target.auth = RedisAuth{options.user, options.password};
  target.sentinel_master = options.sentinel_master;
  target.sentinel_auth = RedisAuth{options.sentinel_user, options.sentinel_password};
  for (const RedisAddressMapping& m : options.address_map) {
    target.address_map.push_back(
        {{m.announced.host, m.announced.port}, {m.reach_at.host, m.reach_at.port}});
  }
  target.timeout = options.io_timeout;
  return target;
}

absl::Status ForeignError(const std::string& profile, std::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat("Redis keys of profile \"", profile,
                                                    "\" do not hold a cookie store: ",
                                                    AbslView(what)));
}

absl::Status SchemaError(const std::string& profile, std::string_view found) {
  return absl::FailedPreconditionError(
      absl::StrCat("profile \"", profile, "\" has schema version ", AbslView(found),
                   ", not this program's ", redis_internal::kSchemaVersion));
}

// An error reply: the ACL's refusal is for the operator to fix; anything
// else (LOADING, CLUSTERDOWN, OOM...) may pass, and is retried.
absl::Status ReplyError(const RedisReply& reply) {
  if (reply.ErrorCode() == "NOPERM") {
    return absl::PermissionDeniedError(absl::StrCat("Redis: ", reply.str));
  }
  return absl::UnavailableError(absl::StrCat("Redis: ", reply.str));
}

// An error reply of the write script.
absl::Status ScriptError(const RedisReply& reply, const std::string& profile) {
  const std::string_view code = reply.ErrorCode();
  const std::string_view detail =
      std::string_view(reply.str).substr(std::min(reply.str.size(), code.size() + 1));
  if (code == "COOKIEJAR_FOREIGN") return ForeignError(profile, detail);
  if (code == "COOKIEJAR_SCHEMA") return SchemaError(profile, detail);
  return ReplyError(reply);
}

// A log entry's fields and values, for telling two entries apart. Every
// entry has its stamp (a set's inside its record), so an entry written again
// under a version Redis lost is a different text.
std::string EntryText(const RedisReply& fields) {
  std::string out;
  for (const RedisReply& f : fields.elements) absl::StrAppend(&out, f.str.size(), ":", f.str);
  return out;
}

}  // namespace

// One attached jar: its changes go out through a writer thread, the other
// workers' come in through a reader thread that follows the profile's log.
class RedisCookieStore::Profile {
 public:
  Profile(const RedisStoreOptions& options, const persistence_internal::Sealer* sealer,
          CookieJar* jar, std::string name);
  ~Profile();

  // Loads the profile into the jar; then Start().
  absl::Status Load(RedisAttachReport* report);
  void Start();
  // Stops the threads and writes what is pending (bounded by io_timeout).
  // With `jar_alive` false the jar is not touched any more.
  void Stop(bool jar_alive);

  void OnChange(const CookieChange& change);
  absl::Status Flush();
  absl::Status Sync(absl::Duration timeout);
  RedisProfileStats stats();
  absl::Status last_error();

  CookieJar* jar() const { return jar_; }
  const std::string& name() const { return name_; }
  uint64_t listener_id = 0;

 private:
  struct Change {
    CanonicalCookie cookie;
    bool remove;
    int64_t stamp;
  };
  // A cookie's state in Redis at `version`.
  struct Remote {
    uint64_t version = 0;
    bool present = false;
    CanonicalCookie cookie;
  };

  absl::Status WritePending();
  void WriterLoop();
  void ReaderLoop();
  absl::Status ReadLog();
  // The profile's version counter; FailedPrecondition for foreign keys.
  absl::StatusOr<uint64_t> ReadCounter(SlotClient* client);
  // What the log holds under `version` (EntryText), or nullopt.
  absl::StatusOr<std::optional<std::string>> ReadEntry(uint64_t version);
  absl::Status Reload(RedisAttachReport* report);
  // Decides, under mu_, what to do with a remote state: apply it (true),
  // or hold it back while a local change of the cookie is on its way.
  bool ShouldApply(const std::string& key, const Remote& remote);
  // With apply_mu_ held and mu_ not held.
  void Apply(const std::string& key, const Remote& remote);
  void Fail(const absl::Status& status);
  // With mu_ held: records a background error for last_error(), except over
  // dropped changes not yet reported by Flush (the worse news).
  void NoteError(const absl::Status& status);
  // Sleeps for retry_interval unless stopping; returns !stopping.
  bool Backoff();

  // Attach, for a sealed profile: checks the ring against the profile's
  // (name key, key checks) and registers the ring's keys.
  absl::Status CheckKeys();

  const RedisStoreOptions& options_;
  CookieJar* const jar_;
  const std::string name_;
  const ProfileKeys keys_;
  const redis_internal::RecordCodec codec_;
  const persistence_internal::Sealer* const sealer_;
  SlotClient writer_client_;  // Under flush_mu_.
  SlotClient reader_client_;  // The reader thread's (Load's before it starts).
  std::string script_sha_;    // Under flush_mu_.
  // Changes Redis applied that min_replicas replicas have not confirmed yet,
  // and the writer connection that wrote them. Under flush_mu_.
  struct Unconfirmed {
    Change change;
    uint64_t connection = 0;
  };
  std::map<std::string, Unconfirmed> unconfirmed_;

  std::mutex flush_mu_;  // One batch in flight at a time.
  // Held while the jar is changed with a remote state, and while a batch is
  // taken out of pending_: a local change made during an application is
  // then ordered against it by the jar's own notifications (see OnChange).
  std::mutex apply_mu_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool jar_alive_ = true;
  std::map<std::string, Change> pending_;  // Latest local change per cookie key.
  std::chrono::steady_clock::time_point first_pending_;
  std::set<std::string> inflight_;         // Keys of the batch being written.
  // The keys of unconfirmed_: local changes that a failover may still undo
  // (remote states of them are held back like those of pending changes).
  std::set<std::string> unconfirmed_keys_;
  // Versions known for keys beyond last_version_ (what the log brings next
  // is newer than anything else).
  std::unordered_map<std::string, uint64_t> held_;
  std::map<std::string, Remote> deferred_;  // Remote states held back.
  uint64_t last_version_ = 0;               // Of the log, applied.
  // The log entry of last_version_ (EntryText; "" unknown): Redis that lost
  // changes may give their versions to new ones.
  std::string last_entry_;
  // The highest version Redis has given or shown this worker's writes: Redis
  // had the profile at least that far, whether or not the log has brought
  // those versions back yet.
  uint64_t acked_version_ = 0;
  bool reload_needed_ = false;
  bool check_counter_ = false;  // After a reconnection: did Redis lose data?
  // The replication ID of the node the jar was loaded from, and of the node
  // the writer last wrote to ("" unknown: INFO not allowed). A new one (a
  // failover, a restart) may have lost changes the old one acknowledged,
  // and may have given their versions to new ones: the jar is reloaded.
  std::string timeline_;
  std::string writer_timeline_;  // Under flush_mu_.
  // The remote state being applied (echo suppression).
  bool expecting_ = false;
  std::string expect_key_;
  Remote expect_;

  RedisProfileStats stats_;
  bool dropped_unreported_ = false;
  // Copied in and out, never shared: copies of an absl::Status share one
  // reference-counted representation, and a copy handed to the caller while
  // the background threads replace this one is a race ThreadSanitizer
  // reports (Abseil's own library, which releases it, is not instrumented).
  struct {
    absl::StatusCode code = absl::StatusCode::kOk;
    std::string message;
  } last_error_;

  std::thread writer_, reader_;
};

RedisCookieStore::Profile::Profile(const RedisStoreOptions& options,
                                   const persistence_internal::Sealer* sealer, CookieJar* jar,
                                   std::string name)
    : options_(options),
      jar_(jar),
      name_(std::move(name)),
      keys_(redis_internal::KeysOf(options.key_prefix, name_)),
      codec_(name_, sealer),
      sealer_(sealer),
      writer_client_(TargetOf(options), redis_internal::KeySlot(keys_.meta)),
      reader_client_(TargetOf(options), redis_internal::KeySlot(keys_.meta)) {}

RedisCookieStore::Profile::~Profile() { Stop(false); }

void RedisCookieStore::Profile::Start() {
  writer_ = std::thread([this] { WriterLoop(); });
  reader_ = std::thread([this] { ReaderLoop(); });
}

void RedisCookieStore::Profile::Stop(bool jar_alive) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) jar_alive_ = jar_alive;
    stopping_ = true;
  }
  cv_.notify_all();
  reader_client_.Interrupt();
  if (reader_.joinable()) reader_.join();
  if (writer_.joinable()) writer_.join();
  // The last batch: one attempt.
  WritePending().IgnoreError();
}

void RedisCookieStore::Profile::Fail(const absl::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  NoteError(status);
  if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status)) {
    stats_.connected = false;
    check_counter_ = true;
  }
}

void RedisCookieStore::Profile::NoteError(const absl::Status& status) {
  if (dropped_unreported_) return;
  last_error_.code = status.code();
  last_error_.message = std::string(status.message());
}

bool RedisCookieStore::Profile::Backoff() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.retry_interval),
               [this] { return stopping_; });
  return !stopping_;
}

void RedisCookieStore::Profile::OnChange(const CookieChange& change) {
  // A replaced cookie: the insertion that follows carries the new state.
  if (change.cause == CookieChangeCause::kOverwrite) return;
  const bool remove = change.cause != CookieChangeCause::kInserted;
  std::string key = codec_.Field(change.cookie);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (expecting_ && key == expect_key_) {
      // The application of a remote state, reported back: the jar now holds
      // what Redis holds, and any local change of the cookie made before it
      // (in the jar's order) is superseded. Anything else is local.
      const bool echo = remove ? !expect_.present && change.cause == CookieChangeCause::kExplicit
                               : expect_.present && SameContent(change.cookie, expect_.cookie);
      if (echo) {
        pending_.erase(key);
        return;
      }
    }
    auto it = pending_.find(key);
    if (it == pending_.end() && pending_.size() >= options_.max_pending) {
      // The jar has the change; the fleet will not. Once Redis is back the
      // jar is reloaded, so that it holds what the fleet holds again.
      ++stats_.dropped;
      dropped_unreported_ = true;
      reload_needed_ = true;
      last_error_.code = absl::StatusCode::kResourceExhausted;
      last_error_.message = absl::StrCat(
          "profile \"", name_, "\": ", stats_.dropped, " changes dropped, more than ",
          options_.max_pending, " were waiting for Redis");
      return;
    }
    if (pending_.empty()) {
      first_pending_ = std::chrono::steady_clock::now();
      wake = true;
    }
    Change& slot = pending_[key];
    slot.cookie = change.cookie;
    slot.remove = remove;
    slot.stamp = NowMicros();
    wake = wake || pending_.size() >= options_.flush_batch;
  }
  if (wake) cv_.notify_all();
}

bool RedisCookieStore::Profile::ShouldApply(const std::string& key, const Remote& remote) {
  auto held = held_.find(key);
  if (held != held_.end() && held->second >= remote.version) return false;  // Older news.
  if (pending_.count(key) || inflight_.count(key) || unconfirmed_keys_.count(key)) {
    // Our own change of this cookie is on its way and Redis will order it
    // against this one: keep the newest remote state until it has.
    Remote& d = deferred_[key];
    if (d.version < remote.version) d = remote;
    return false;
  }
  return true;
}

void RedisCookieStore::Profile::Apply(const std::string& key, const Remote& remote) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!jar_alive_) return;
    expecting_ = true;
    expect_key_ = key;
    expect_ = remote;
  }
  if (remote.present) {
    // A refusal (expired meanwhile, or the jar's rules) leaves the jar as it
    // was; the cookie's writer enforces the rules for the fleet.
    jar_->ImportCookie(remote.cookie, CookieJar::ImportTimes::kKeep);
  } else {
    jar_->DeleteCookie(remote.cookie);
  }
  std::lock_guard<std::mutex> lock(mu_);
  expecting_ = false;
  uint64_t& held = held_[key];
  held = std::max(held, remote.version);
  ++stats_.applied;
}

absl::Status RedisCookieStore::Profile::WritePending() {
  std::lock_guard<std::mutex> flush_lock(flush_mu_);
  std::vector<std::pair<std::string, Change>> batch;
  {
    std::lock_guard<std::mutex> apply_lock(apply_mu_);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, change] : pending_) {
      inflight_.insert(key);
      batch.emplace_back(key, std::move(change));
    }
    pending_.clear();
    // Written on a connection that is gone, unconfirmed by replicas: the
    // node that took them may have been replaced by a replica without them.
    // Written again (with their stamps: a repeat at worst), unless a newer
    // change of the cookie is in the batch.
    for (auto it = unconfirmed_.begin(); it != unconfirmed_.end();) {
      if (writer_client_.connected() && it->second.connection == writer_client_.connections()) {
        ++it;
        continue;
      }
      if (inflight_.insert(it->first).second) {
        batch.emplace_back(it->first, std::move(it->second.change));
      }
      it = unconfirmed_.erase(it);
    }
  }
  if (batch.empty() && unconfirmed_.empty()) return absl::OkStatus();
  // Deletions first (the log keeps this order): a jar that replays a set
  // and the evictions it caused then never holds more cookies than its
  // limits, and does not evict on its own.
  std::stable_partition(batch.begin(), batch.end(),
                        [](const auto& entry) { return entry.second.remove; });

  std::vector<RedisCommand> commands;
  for (size_t start = 0; start < batch.size(); start += kChangesPerScript) {
    RedisCommand command = {"EVALSHA",
                            script_sha_,
                            "4",
                            keys_.meta,
                            keys_.cookies,
                            keys_.tombs,
                            keys_.log,
                            std::to_string(redis_internal::kSchemaVersion),
                            codec_.layout(),
                            std::to_string(options_.log_length),
                            std::to_string(options_.tombstones)};
    for (size_t i = start; i < std::min(batch.size(), start + kChangesPerScript); ++i) {
      const Change& change = batch[i].second;
      command.push_back(batch[i].first);
      command.push_back(std::to_string(change.stamp));
      command.push_back(change.remove ? codec_.DeletionBody(change.cookie, batch[i].first)
                                      : codec_.Body(change.cookie, batch[i].first));
    }
    commands.push_back(std::move(command));
  }
  // Sends the calls; a server that does not know the script yet (first use,
  // or restarted) gets it and the calls again.
  absl::StatusOr<std::vector<RedisReply>> replies;
  absl::Status status;
  int replicated = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (script_sha_.empty()) {
      absl::StatusOr<RedisReply> loaded =
          writer_client_.Command({"SCRIPT", "LOAD", redis_internal::kWriteScript});
      if (!loaded.ok()) {
        status = loaded.status();
        break;
      }
      if (loaded->is_error()) {
        status = ReplyError(*loaded);
        break;
      }
      if (loaded->type != RedisReply::Type::kString) {
        status = absl::DataLossError("Redis: unexpected reply to SCRIPT LOAD");
        break;
      }
      script_sha_ = loaded->str;
      for (RedisCommand& command : commands) command[1] = script_sha_;
    }
    if (options_.min_replicas == 0) {
      replies = writer_client_.Pipeline(commands);
    } else {
      // Nothing new to write: WAIT alone confirms what this connection wrote.
      if (commands.empty()) commands.push_back({"PING"});
      replies = writer_client_.PipelineReplicated(commands, options_.min_replicas,
                                                  options_.replica_timeout, &replicated);
      if (batch.empty() && replies.ok()) replies->clear();
    }
    if (!replies.ok()) {
      status = replies.status();
      break;
    }
    const bool unknown = std::any_of(replies->begin(), replies->end(), [](const RedisReply& r) {
      return r.ErrorCode() == "NOSCRIPT";
    });
    if (!unknown) break;
    script_sha_.clear();
    status = absl::UnavailableError("Redis does not keep the write script");
  }
  if (status.ok() && replies.ok()) {
    for (const RedisReply& reply : *replies) {
      if (reply.is_error()) {
        status = ScriptError(reply, name_);
        break;
      }
      if (reply.type != RedisReply::Type::kArray) {
        status = absl::DataLossError("Redis: unexpected reply to the write script");
        break;
      }
    }
  }
  const bool confirmed = options_.min_replicas == 0 || replicated >= options_.min_replicas;
  if (status.ok() && !confirmed) {
    status = absl::UnavailableError(absl::StrCat(
        "profile \"", name_, "\": Redis at ", writer_client_.node(), " applied the changes but ",
        replicated, " of the ", options_.min_replicas, " replicas required confirmed them within ",
        absl::FormatDuration(options_.replica_timeout)));
  }
  if (status.ok()) {
    // WAIT covered every earlier write of this connection.
    for (auto it = unconfirmed_.begin(); it != unconfirmed_.end();) {
      it = it->second.connection == writer_client_.connections() ? unconfirmed_.erase(it)
                                                                  : std::next(it);
    }
    // Written on a connection lost during this call: written again next.
    if (!unconfirmed_.empty()) {
      status = absl::UnavailableError(absl::StrCat(
          "profile \"", name_, "\": the connection to Redis was replaced before replicas confirmed ",
          unconfirmed_.size(), " changes; they are written again"));
    }
  }
  // Calls that did run are kept even when a later one failed; as every
  // change is written again with the same stamp, a second write of one that
  // did land only repeats its content under a new version.
  std::vector<std::pair<std::string, Remote>> to_apply;
  std::lock_guard<std::mutex> apply_lock(apply_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Written to a node of another history than the last one (a promoted
    // replica, a restart): versions this jar holds, or holds back, may have
    // been lost there and given to other changes, so they say nothing
    // against the versions it gives. The jar is reloaded, and nothing held
    // back is applied before: an older change of the cookie from the other
    // history would undo this one.
    const std::string& written_to = writer_client_.replication_id();
    if (replies.ok() && !written_to.empty()) {
      if (!writer_timeline_.empty() && written_to != writer_timeline_) reload_needed_ = true;
      writer_timeline_ = written_to;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      const std::string& key = batch[i].first;
      inflight_.erase(key);
      const RedisReply* result = nullptr;
      if (status.ok() || (!confirmed && replies.ok())) {
        const RedisReply& call = (*replies)[i / kChangesPerScript];
        if (i % kChangesPerScript < call.elements.size()) {
          result = &call.elements[i % kChangesPerScript];
        }
      }
      if (result == nullptr) {
        // Not written: back in the queue, unless a newer change replaced it.
        if (!pending_.count(key)) pending_.emplace(key, std::move(batch[i].second));
        continue;
      }
      uint64_t known = 0;
      if (result->type == RedisReply::Type::kInteger && !confirmed) {
        unconfirmed_[key] = Unconfirmed{batch[i].second, writer_client_.connections()};
      }
      if (result->type == RedisReply::Type::kInteger) {
        ++stats_.written;
        known = static_cast<uint64_t>(std::max<long long>(result->integer, 0));
      } else if (result->type == RedisReply::Type::kArray && result->elements.size() == 2) {
        // A newer change of this cookie won: the jar takes Redis's state.
        ++stats_.superseded;
        Remote current;
        current.version = static_cast<uint64_t>(std::max<long long>(result->elements[0].integer, 0));
        acked_version_ = std::max(acked_version_, current.version);
        StoredCookie stored;
        if (!result->elements[1].str.empty() &&
            codec_.Decode(key, result->elements[1].str, &stored).ok()) {
          current.present = true;
          current.cookie = std::move(stored.cookie);
        } else {
          // Deleted (or a record that does not open: never applied as a
          // set). The cookie is the one this change was about.
          current.cookie = batch[i].second.cookie;
        }
        Remote& d = deferred_[key];
        if (d.version < current.version) d = std::move(current);
      }
      if (known > 0) {
        acked_version_ = std::max(acked_version_, known);
        uint64_t& held = held_[key];
        held = std::max(held, known);
      }
    }
    // Remote states held back while these changes were on their way.
    std::set<std::string> settled;
    for (const auto& entry : batch) settled.insert(entry.first);
    for (const std::string& key : unconfirmed_keys_) {
      if (!unconfirmed_.count(key)) settled.insert(key);
    }
    unconfirmed_keys_.clear();
    for (const auto& entry : unconfirmed_) unconfirmed_keys_.insert(entry.first);
    // A reload replaces what is held back with Redis's current state.
    if (reload_needed_) settled.clear();
    for (const std::string& key : settled) {
      auto d = deferred_.find(key);
      if (d == deferred_.end() || pending_.count(key) || unconfirmed_keys_.count(key)) continue;
      auto held = held_.find(key);
      if (held == held_.end() || held->second < d->second.version) {
        to_apply.emplace_back(key, std::move(d->second));
      }
      deferred_.erase(d);
    }
    if (status.ok()) {
      stats_.connected = true;
    } else {
      NoteError(status);
      if (absl::IsUnavailable(status)) {
        stats_.connected = false;
        check_counter_ = true;
      }
    }
  }
  for (const auto& [key, remote] : to_apply) Apply(key, remote);
  return status;
}

void RedisCookieStore::Profile::WriterLoop() {
  const auto interval = absl::ToChronoMicroseconds(options_.flush_interval);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    // Until a change is pending, then until the batch is full or the first
    // pending change has waited `flush_interval`.
    cv_.wait(lock,
             [this] { return stopping_ || !pending_.empty() || !unconfirmed_keys_.empty(); });
    cv_.wait_until(lock, first_pending_ + interval,
                   [this] { return stopping_ || pending_.size() >= options_.flush_batch; });
    if (stopping_) break;
    if (pending_.empty() && unconfirmed_keys_.empty()) continue;
    lock.unlock();
    const bool ok = WritePending().ok();
    if (!ok) Backoff();
    lock.lock();
  }
}

absl::StatusOr<uint64_t> RedisCookieStore::Profile::ReadCounter(SlotClient* client) {
  absl::StatusOr<std::vector<RedisReply>> replies =
      client->Pipeline({{"HGETALL", keys_.meta}, {"EXISTS", keys_.cookies, keys_.tombs, keys_.log}});
  if (!replies.ok()) return replies.status();
  const RedisReply& meta = (*replies)[0];
  if (meta.is_error()) {
    if (meta.ErrorCode() == "WRONGTYPE") return ForeignError(name_, keys_.meta + " is not a hash");
    return ReplyError(meta);
  }
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < meta.elements.size(); i += 2) {
    fields[meta.elements[i].str] = meta.elements[i + 1].str;
  }
  if (fields.empty()) {
    if ((*replies)[1].integer > 0) {
      return ForeignError(name_, "keys of this profile exist without " + keys_.meta);
    }
    return 0;  // A new profile.
  }
  const std::string& layout = fields["layout"];
  if (layout != codec_.layout()) {
    const std::string sealed_prefix =
        absl::StrCat(AbslView(redis_internal::kLayoutName), "-sealed:");
    if (layout.compare(0, sealed_prefix.size(), sealed_prefix) == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "profile \"", name_, "\" is sealed ",
          codec_.sealed() ? "under another name key than this store's"
                          : "and this store has no key ring (RedisStoreOptions::encryption)"));
    }
    if (layout == redis_internal::kLayoutName) {
      return absl::FailedPreconditionError(absl::StrCat(
          "profile \"", name_, "\" stores cookies in clear and this store seals them: attach "
          "without a key ring, or seal a new profile"));
    }
    return ForeignError(name_, keys_.meta + " belongs to another program");
  }
  if (fields["schema"] != std::to_string(redis_internal::kSchemaVersion)) {
    return SchemaError(name_, fields["schema"]);
  }
  uint64_t counter = 0;
  if (!absl::SimpleAtoi(fields["version"], &counter)) {
    return absl::DataLossError(absl::StrCat(keys_.meta, " has a malformed version"));
  }
  return counter;
}

absl::StatusOr<std::optional<std::string>> RedisCookieStore::Profile::ReadEntry(
    uint64_t version) {
  const std::string id = absl::StrCat(version, "-0");
  absl::StatusOr<RedisReply> reply = reader_client_.Command({"XRANGE", keys_.log, id, id});
  if (!reply.ok()) return reply.status();
  if (reply->ErrorCode() == "WRONGTYPE") return ForeignError(name_, keys_.log + " is not a stream");
  if (reply->is_error()) return ReplyError(*reply);
  // [[id, [field, value, ...]]]
  if (reply->elements.empty()) return std::nullopt;
  if (reply->elements[0].elements.size() != 2) {
    return absl::DataLossError(absl::StrCat("Redis: unexpected XRANGE reply for ", keys_.log));
  }
  return EntryText(reply->elements[0].elements[1]);
}

absl::Status RedisCookieStore::Profile::Reload(RedisAttachReport* report) {
  const bool initial = report != nullptr;
  // No batch of ours is in flight meanwhile: one that Redis applied after
  // the scan read its cookie would otherwise be undone by the scan's older
  // state (its version is lost with the versions held below).
  std::lock_guard<std::mutex> flush_lock(flush_mu_);
  // The counter first: every change after it comes from the log, so the
  // scan below may see some of them or not.
  absl::StatusOr<uint64_t> counter = ReadCounter(&reader_client_);
  if (!counter.ok()) return counter.status();
  const std::string timeline = reader_client_.replication_id();
  absl::StatusOr<std::optional<std::string>> entry = std::optional<std::string>();
  if (*counter > 0) entry = ReadEntry(*counter);
  if (!entry.ok()) return entry.status();
  std::vector<std::pair<std::string, StoredCookie>> records;
  std::set<std::string> in_redis;
  // Sealed under an older key of the ring: written again.
  std::vector<std::pair<std::string, Change>> reseal;
  size_t unreadable = 0;
  std::string cursor = "0";
  do {
    absl::StatusOr<RedisReply> page = reader_client_.Command(
        {"HSCAN", keys_.cookies, cursor, "COUNT", std::to_string(kScanCount)});
    if (!page.ok()) return page.status();
    if (page->ErrorCode() == "WRONGTYPE") return ForeignError(name_, keys_.cookies + " is not a hash");
    if (page->is_error()) return ReplyError(*page);
    if (page->elements.size() != 2) {
      return absl::DataLossError(absl::StrCat("Redis: unexpected HSCAN reply for ", keys_.cookies));
    }
    cursor = page->elements[0].str;
    const std::vector<RedisReply>& items = page->elements[1].elements;
    for (size_t i = 0; i + 1 < items.size(); i += 2) {
      const std::string& key = items[i].str;
      in_redis.insert(key);
      StoredCookie stored;
      bool stale_key = false;
      absl::Status decoded = codec_.Decode(key, items[i + 1].str, &stored, &stale_key);
      if (!decoded.ok()) {
        // Reported, left alone, never applied: the cookie is not deleted
        // from the jar either.
        if (report) report->refused.push_back(absl::StrCat("record: ", decoded.message()));
        ++unreadable;
        continue;
      }
      if (stale_key) reseal.emplace_back(key, Change{stored.cookie, false, stored.stamp});
      records.emplace_back(key, std::move(stored));
    }
  } while (cursor != "0");
  // In creation order, so that loading appends to the jar's buckets.
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return a.second.cookie.creation < b.second.cookie.creation;
  });

  std::lock_guard<std::mutex> apply_lock(apply_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_version_ = *counter;
    last_entry_ = entry->value_or("");
    timeline_ = timeline;
    acked_version_ = *counter;
    // Versions known or held back are of an older state, or of another
    // history: the scan's are newer. Local changes on their way hold back
    // the scan's state below instead.
    held_.clear();
    deferred_.clear();
    reload_needed_ = false;
    check_counter_ = false;
    stats_.version = last_version_;
    stats_.connected = true;
    if (!initial) ++stats_.reloads;
  }
  for (auto& [key, stored] : records) {
    Remote remote{stored.version, true, std::move(stored.cookie)};
    bool apply;
    {
      std::lock_guard<std::mutex> lock(mu_);
      apply = ShouldApply(key, remote);
    }
    if (!apply) continue;
    if (initial) {
      // Loading: what the jar refuses is reported, expired cookies are
      // deleted from Redis.
      {
        std::lock_guard<std::mutex> lock(mu_);
        expecting_ = true;
        expect_key_ = key;
        expect_ = remote;
      }
      const CookieInclusionStatus status = jar_->ImportCookie(remote.cookie);
      std::lock_guard<std::mutex> lock(mu_);
      expecting_ = false;
      held_[key] = remote.version;
      if (status.IsInclude()) {
        ++report->loaded;
      } else if (status.HasOnly(CookieExclusionReason::kExpired)) {
        ++report->expired;
        if (!pending_.count(key)) pending_[key] = Change{remote.cookie, true, NowMicros()};
      } else {
        report->refused.push_back(
            absl::StrCat(Describe(remote.cookie), ": ", status.ToString()));
      }
    } else {
      Apply(key, remote);
    }
  }
  // Cookies of the jar that Redis does not have: a new profile's seed when
  // attaching, gone from the fleet otherwise.
  for (const CanonicalCookie& c : jar_->GetAllCookies()) {
    const std::string key = codec_.Field(c);
    if (in_redis.count(key)) continue;
    bool local;
    {
      std::lock_guard<std::mutex> lock(mu_);
      local = pending_.count(key) || inflight_.count(key) || unconfirmed_keys_.count(key);
      if (!local && initial) {
        pending_[key] = Change{c, false, NowMicros()};
        ++report->uploaded;
      }
    }
    if (!local && !initial) {
      Remote gone;
      gone.version = *counter;
      gone.cookie = c;
      Apply(key, gone);
    }
  }
  {
    // Key rotation: records sealed under an older key of the ring are
    // written again, under the current one, with their own stamps (a newer
    // change of the cookie wins over them as usual).
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, change] : reseal) {
      if (pending_.count(key) || inflight_.count(key) || unconfirmed_keys_.count(key)) continue;
      if (pending_.empty()) first_pending_ = std::chrono::steady_clock::now();
      pending_[key] = std::move(change);
    }
    if (unreadable > 0 && !initial) {
      NoteError(absl::DataLossError(absl::StrCat("profile \"", name_, "\": ", unreadable,
                                                 " records do not open or parse; left alone")));
    }
  }
  cv_.notify_all();
  return absl::OkStatus();
}

absl::Status RedisCookieStore::Profile::Load(RedisAttachReport* report) {
  if (sealer_ != nullptr) {
    absl::Status keys = CheckKeys();
    if (!keys.ok()) return keys;
  }
  return Reload(report);
}

absl::Status RedisCookieStore::Profile::CheckKeys() {
  RedisCommand claim = {"EVAL", redis_internal::kClaimScript, "4", keys_.meta, keys_.cookies,
                        keys_.tombs, keys_.log, codec_.layout(),
                        std::to_string(redis_internal::kSchemaVersion)};
  for (const std::string& id : sealer_->key_ids()) {
    claim.push_back("key:" + id);
    claim.push_back(sealer_->KeyCheck(id));
  }
  absl::StatusOr<RedisReply> reply = reader_client_.Command(claim);
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return ScriptError(*reply, name_);
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    fields[reply->elements[i].str] = reply->elements[i + 1].str;
  }
  if (fields["layout"] != codec_.layout()) {
    // Another layout, or sealed under another name key: ReadCounter says
    // which.
    absl::StatusOr<uint64_t> counter = ReadCounter(&reader_client_);
    if (!counter.ok()) return counter.status();
    return ForeignError(name_, keys_.meta + " changed while attaching");
  }
  std::vector<std::string> known;
  bool ours = false;
  for (const auto& [field, check] : fields) {
    if (field.compare(0, 4, "key:") != 0) continue;
    const std::string id = field.substr(4);
    known.push_back(id);
    const std::string mine = sealer_->KeyCheck(id);
    if (mine.empty()) continue;
    if (mine != check) {
      return absl::FailedPreconditionError(absl::StrCat(
          "key \"", id, "\" of this store's ring is not the secret that profile \"", name_,
          "\" knows under that id"));
    }
    ours = true;
  }
  if (!ours) {
    return absl::FailedPreconditionError(absl::StrCat(
        "none of this store's keys is known to profile \"", name_, "\" (its keys: ",
        absl::StrJoin(known, ", "), "); add one of them to the ring"));
  }
  return absl::OkStatus();
}

absl::Status RedisCookieStore::Profile::ReadLog() {
  bool check, reload;
  uint64_t from, acked;
  std::string from_entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    check = check_counter_;
    reload = reload_needed_;
    from = last_version_;
    from_entry = last_entry_;
    acked = acked_version_;  // Before the counter is read: Redis had it then.
  }
  if (reload) return Reload(nullptr);
  if (check) {
    // Back after an outage: Redis lost changes (restarted without them, or
    // a replica took over, or the profile was deleted) when its counter is
    // behind what we have seen of it (applied from the log, or acknowledged
    // to our writes before the log brought them back), or when the log's
    // entry at our version is not the one we applied (new changes took the
    // lost versions meanwhile): take what it has. (The entry is missing too
    // when the log was trimmed past it: this jar is that far behind.)
    absl::StatusOr<uint64_t> counter = ReadCounter(&reader_client_);
    if (!counter.ok()) return counter.status();
    bool lost = *counter < std::max(from, acked);
    {
      std::lock_guard<std::mutex> lock(mu_);
      const std::string& now = reader_client_.replication_id();
      lost = lost || (!now.empty() && !timeline_.empty() && now != timeline_);
    }
    if (!lost && from > 0) {
      absl::StatusOr<std::optional<std::string>> entry = ReadEntry(from);
      if (!entry.ok()) return entry.status();
      lost = !entry->has_value() || (!from_entry.empty() && **entry != from_entry);
    }
    std::lock_guard<std::mutex> lock(mu_);
    check_counter_ = false;
    stats_.connected = true;
    if (lost) {
      reload_needed_ = true;
      return absl::OkStatus();
    }
  }
  reader_client_.SetTimeout(options_.io_timeout + absl::Milliseconds(kBlockMillis));
  absl::StatusOr<RedisReply> reply =
      reader_client_.Command({"XREAD", "COUNT", std::to_string(kReadCount), "BLOCK",
                              std::to_string(kBlockMillis), "STREAMS", keys_.log,
                              absl::StrCat(from, "-0")});
  if (!reply.ok()) return reply.status();
  {
    // The client may have reconnected, to another node, to send it.
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& now = reader_client_.replication_id();
    if (!now.empty() && !timeline_.empty() && now != timeline_) {
      reload_needed_ = true;
      return absl::OkStatus();
    }
  }
  if (reply->type == RedisReply::Type::kNil) {
    // Nothing new for a while. Also what a worker sees when the profile was
    // deleted or Redis lost its tail (later versions then start lower than
    // this jar's): compare the counter before waiting again.
    std::lock_guard<std::mutex> lock(mu_);
    check_counter_ = true;
    return absl::OkStatus();
  }
  if (reply->is_error()) {
    if (reply->ErrorCode() == "WRONGTYPE") {
      return absl::FailedPreconditionError(
          absl::StrCat(keys_.log, " is not a stream: not a cookie store's log"));
    }
    return ReplyError(*reply);
  }
  // [[log, [[id, [field, value, ...]], ...]]]
  if (reply->elements.size() != 1 || reply->elements[0].elements.size() != 2) {
    return absl::DataLossError("Redis: unexpected XREAD reply");
  }
  std::lock_guard<std::mutex> apply_lock(apply_mu_);
  for (const RedisReply& entry : reply->elements[0].elements[1].elements) {
    if (entry.elements.size() != 2) return absl::DataLossError("Redis: malformed log entry");
    const std::string& id = entry.elements[0].str;
    uint64_t version = 0;
    if (id.size() < 3 || id.compare(id.size() - 2, 2, "-0") != 0 ||
        !absl::SimpleAtoi(absl::string_view(id.data(), id.size() - 2), &version)) {
      return absl::DataLossError(absl::StrCat(keys_.log, " has a foreign entry ", id));
    }
    std::string key;
    const std::string* record = nullptr;
    std::string_view note;
    const std::vector<RedisReply>& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "k") key = fields[i + 1].str;
      if (fields[i].str == "r") record = &fields[i + 1].str;
      if (fields[i].str == "n") note = fields[i + 1].str;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (version != last_version_ + 1 || reload_needed_) {
        // Entries were trimmed away (or Redis lost them), or the writer met
        // another history: the log cannot bring this jar up to date, the
        // whole profile can.
        reload_needed_ = true;
        return absl::OkStatus();
      }
    }
    Remote remote;
    remote.version = version;
    absl::Status decoded;
    if (record != nullptr) {
      StoredCookie stored;
      decoded = codec_.Decode(key, *record, &stored);
      remote.present = true;
      remote.cookie = std::move(stored.cookie);
    } else {
      decoded = codec_.DecodeDeletion(key, note, &remote.cookie);
    }
    bool apply = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!decoded.ok()) {
        NoteError(absl::DataLossError(
            absl::StrCat(keys_.log, " entry ", id, " skipped: ", decoded.message())));
      } else {
        apply = ShouldApply(key, remote);
      }
    }
    if (apply) Apply(key, remote);
    std::lock_guard<std::mutex> lock(mu_);
    last_version_ = version;
    last_entry_ = EntryText(entry.elements[1]);
    stats_.version = version;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.connected = true;
    // What the log brings next is newer than any version held so far.
    if (held_.size() > 1024) {
      for (auto it = held_.begin(); it != held_.end();) {
        it = it->second <= last_version_ ? held_.erase(it) : std::next(it);
      }
    }
  }
  cv_.notify_all();
  return absl::OkStatus();
}

void RedisCookieStore::Profile::ReaderLoop() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    absl::Status status = ReadLog();
    if (!status.ok()) {
      Fail(status);
      if (!Backoff()) return;
    }
  }
}

absl::Status RedisCookieStore::Profile::Flush() {
  absl::Status status = WritePending();
  std::lock_guard<std::mutex> lock(mu_);
  if (status.ok() && dropped_unreported_) {
    dropped_unreported_ = false;
    return absl::ResourceExhaustedError(absl::StrCat(
        "profile \"", name_, "\": ", stats_.dropped, " changes were dropped while more than ",
        options_.max_pending, " waited for Redis; the jar was reloaded from Redis"));
  }
  return status;
}

absl::Status RedisCookieStore::Profile::Sync(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status flushed = Flush();
  if (!flushed.ok()) return flushed;
  absl::StatusOr<uint64_t> counter;
  {
    std::lock_guard<std::mutex> flush_lock(flush_mu_);
    counter = ReadCounter(&writer_client_);
  }
  if (!counter.ok()) return counter.status();
  std::unique_lock<std::mutex> lock(mu_);
  const bool done = cv_.wait_for(lock, absl::ToChronoMicroseconds(deadline - absl::Now()), [&] {
    return stopping_ || (last_version_ >= *counter && !reload_needed_);
  });
  if (!done) {
    return absl::DeadlineExceededError(absl::StrCat("profile \"", name_, "\" applied version ",
                                                    last_version_, " of ", *counter));
  }
  return absl::OkStatus();
}

RedisProfileStats RedisCookieStore::Profile::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  RedisProfileStats out = stats_;
  out.pending = pending_.size() + inflight_.size() + unconfirmed_keys_.size();
  return out;
}

absl::Status RedisCookieStore::Profile::last_error() {
  std::lock_guard<std::mutex> lock(mu_);
  return absl::Status(last_error_.code, last_error_.message);
}

struct RedisCookieStore::State {
  // What the jars' listeners hold: they outlive the store when a jar does.
  struct Link {
    std::mutex mu;
    Profile* profile;
  };
  // Null when the store keeps cookies in clear. Declared before the
  // profiles: they use it until they are gone.
  std::unique_ptr<persistence_internal::Sealer> sealer;
  std::mutex mu;
  std::vector<std::unique_ptr<Profile>> profiles;
  std::vector<std::shared_ptr<Link>> links;  // Parallel to profiles.
};

RedisCookieStore::RedisCookieStore(RedisStoreOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()) {
  if (options_.encryption.enabled()) {
    // Checked by Connect.
    state_->sealer = std::move(*persistence_internal::Sealer::Create(options_.encryption, true));
  }
}

absl::StatusOr<std::unique_ptr<RedisCookieStore>> RedisCookieStore::Connect(
    RedisStoreOptions options) {
  if (options.endpoints.empty()) return absl::InvalidArgumentError("no Redis endpoint given");
  absl::Status names = redis_internal::CheckNames(options.key_prefix, "x");
  if (!names.ok()) return names;
  options.flush_batch = std::max<size_t>(options.flush_batch, 1);
  options.log_length = std::max<size_t>(options.log_length, 1);
  if (options.min_replicas < 0) return absl::InvalidArgumentError("min_replicas is negative");
  if (options.encryption.enabled()) {
    absl::Status ring =
        persistence_internal::Sealer::Create(options.encryption, /*need_name_key=*/true).status();
    if (!ring.ok()) return ring;
  }
  const redis_internal::RedisTarget target = TargetOf(options);
  absl::Status last;
  for (const RedisAddress& address : target.seeds) {
    // Through a Sentinel: the master it names (and checks) answers.
    redis_internal::RedisTarget one = target;
    one.seeds = {address};
    SlotClient client(std::move(one), -1);
    absl::StatusOr<RedisReply> pong = client.Command({"PING"});
    if (!pong.ok()) {
      last = pong.status();
      if (!absl::IsUnavailable(last)) return last;
      continue;
    }
    if (pong->is_error()) {
      // NOAUTH: a password is needed and none was given.
      if (pong->ErrorCode() == "NOAUTH") {
        return absl::UnauthenticatedError(absl::StrCat("Redis at ", client.node(), ": ",
                                                       pong->str));
      }
      if (pong->ErrorCode() == "NOPERM") return ReplyError(*pong);
      last = absl::UnavailableError(absl::StrCat("Redis at ", client.node(), ": ", pong->str));
      continue;
    }
    return std::unique_ptr<RedisCookieStore>(new RedisCookieStore(std::move(options)));
  }
  return last;
}

RedisCookieStore::~RedisCookieStore() {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (size_t i = 0; i < state_->profiles.size(); ++i) {
    {
      std::lock_guard<std::mutex> link_lock(state_->links[i]->mu);
      state_->links[i]->profile = nullptr;
    }
    state_->profiles[i]->Stop(/*jar_alive=*/false);
  }
}

absl::StatusOr<size_t> RedisCookieStore::Attach(CookieJar* jar, std::string_view profile,
                                                RedisAttachReport* report) {
  RedisAttachReport local;
  if (report == nullptr) report = &local;
  *report = RedisAttachReport();
  absl::Status names = redis_internal::CheckNames(options_.key_prefix, profile);
  if (!names.ok()) return names;
  std::lock_guard<std::mutex> lock(state_->mu);
  for (const auto& p : state_->profiles) {
    if (p->name() == profile || p->jar() == jar) {
      return absl::FailedPreconditionError(absl::StrCat(
          "profile \"", std::string(profile), "\" or its jar is already attached to this store"));
    }
  }
  auto attached =
      std::make_unique<Profile>(options_, state_->sealer.get(), jar, std::string(profile));
  auto link = std::make_shared<State::Link>();
  link->profile = attached.get();
  // Following from the start: evictions made while loading reach Redis.
  attached->listener_id = jar->AddChangeListener([link](const CookieChange& change) {
    std::lock_guard<std::mutex> lock(link->mu);
    if (link->profile != nullptr) link->profile->OnChange(change);
  });
  absl::Status loaded = attached->Load(report);
  if (!loaded.ok()) {
    jar->RemoveChangeListener(attached->listener_id);
    {
      std::lock_guard<std::mutex> link_lock(link->mu);
      link->profile = nullptr;
    }
    attached->Stop(/*jar_alive=*/false);
    return loaded;
  }
  attached->Start();
  state_->profiles.push_back(std::move(attached));
  state_->links.push_back(std::move(link));
  return report->loaded;
}

absl::Status RedisCookieStore::Detach(CookieJar* jar) {
  std::unique_ptr<Profile> profile;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (size_t i = 0; i < state_->profiles.size(); ++i) {
      if (state_->profiles[i]->jar() != jar) continue;
      jar->RemoveChangeListener(state_->profiles[i]->listener_id);
      {
        std::lock_guard<std::mutex> link_lock(state_->links[i]->mu);
        state_->links[i]->profile = nullptr;
      }
      profile = std::move(state_->profiles[i]);
      state_->profiles.erase(state_->profiles.begin() + i);
      state_->links.erase(state_->links.begin() + i);
      break;
    }
  }
  if (!profile) return absl::NotFoundError("jar is not attached");
  absl::Status flushed = profile->Flush();
  profile->Stop(/*jar_alive=*/true);
  return flushed;
}

absl::Status RedisCookieStore::Flush() {
  std::lock_guard<std::mutex> lock(state_->mu);
  absl::Status result;
  for (const auto& profile : state_->profiles) {
    absl::Status status = profile->Flush();
    if (result.ok()) result = status;
  }
  return result;
}

absl::Status RedisCookieStore::Sync(CookieJar* jar, absl::Duration timeout) {
  Profile* profile = nullptr;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (const auto& p : state_->profiles) {
      if (p->jar() == jar) profile = p.get();
    }
  }
  if (profile == nullptr) return absl::NotFoundError("jar is not attached");
  return profile->Sync(timeout);
}

absl::Status RedisCookieStore::DeleteProfile(std::string_view profile) {
  absl::Status names = redis_internal::CheckNames(options_.key_prefix, profile);
  if (!names.ok()) return names;
  const ProfileKeys keys = redis_internal::KeysOf(options_.key_prefix, profile);
  SlotClient client(TargetOf(options_), redis_internal::KeySlot(keys.meta));
  absl::StatusOr<RedisReply> reply =
      client.Command({"DEL", keys.meta, keys.cookies, keys.tombs, keys.log});
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return ReplyError(*reply);
  return absl::OkStatus();
}

RedisProfileStats RedisCookieStore::stats(const CookieJar* jar) {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (const auto& p : state_->profiles) {
    if (p->jar() == jar) return p->stats();
  }
  return RedisProfileStats();
}

absl::Status RedisCookieStore::last_error() {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (const auto& p : state_->profiles) {
    absl::Status status = p->last_error();
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace cookiejar
