#include "cookiejar/redis/redis_cookie_store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/absl_view.h"
#include "persistence/internal/redis_client.h"
#include "persistence/internal/redis_layout.h"
#include "persistence/internal/sealing.h"
#include "persistence/internal/store_backend.h"
#include "persistence/internal/store_follower.h"

namespace cookiejar {
namespace {

using redis_internal::ProfileKeys;
using redis_internal::RedisAddress;
using redis_internal::RedisAuth;
using redis_internal::RedisCommand;
using redis_internal::RedisReply;
using redis_internal::SlotClient;
using redis_internal::StoredCookie;
using store_internal::LoadedProfile;
using store_internal::ProfileBackend;
using store_internal::ProfileWrite;
using store_internal::RemoteSink;
using store_internal::StoreChange;
using store_internal::StoredState;
using store_internal::WriteResult;

// Changes per script call; several calls go in one pipeline.
constexpr size_t kChangesPerScript = 256;
// Entries read from the log, and records scanned, per round trip.
constexpr int kReadCount = 1000;
constexpr int kScanCount = 5000;
// How long one XREAD blocks before the reader looks around again.
constexpr int kBlockMillis = 1000;

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

// A stored record as the follower sees it; false when it does not parse,
// open or belong under `field`. `*stale_key` (optional): sealed under a key
// other than the ring's first.
bool StateOfRecord(const redis_internal::RecordCodec& codec, const std::string& field,
                   const std::string& record, StoredState* out, std::string* error,
                   int64_t* stamp = nullptr, bool* stale_key = nullptr) {
  StoredCookie stored;
  absl::Status decoded = codec.Decode(field, record, &stored, stale_key);
  if (!decoded.ok()) {
    if (error) *error = std::string(decoded.message());
    return false;
  }
  out->version = stored.version;
  out->present = true;
  out->cookie = std::move(stored.cookie);
  if (stamp) *stamp = stored.stamp;
  return true;
}

// What a profile's keys hold, read at once: the change counter, and that
// every key has the type this layout gives it.
struct Snapshot {
  uint64_t counter = 0;
  std::string entry;  // The log entry of `counter` (EntryText), "" if none.
  std::vector<StoredState> states;
  std::vector<std::string> refused;
  // The replication ID of the node read ("" unknown).
  std::string timeline;
  // Records sealed under an older key of the ring: field, state, stamp.
  struct Stale {
    std::string field;
    CanonicalCookie cookie;
    int64_t stamp = 0;
  };
  std::vector<Stale> reseal;
};

// One attached profile: its changes go out through the follower's writer
// thread (Write, on a connection of its own), the other workers' come in
// through a reader thread that follows the profile's log.
class RedisProfile : public ProfileBackend {
 public:
  RedisProfile(const RedisStoreOptions& options, const persistence_internal::Sealer* sealer,
               std::string name)
      : options_(options),
        name_(std::move(name)),
        keys_(redis_internal::KeysOf(options.key_prefix, name_)),
        codec_(name_, sealer),
        sealer_(sealer),
        writer_client_(TargetOf(options), redis_internal::KeySlot(keys_.meta)),
        reader_client_(TargetOf(options), redis_internal::KeySlot(keys_.meta)) {}
  ~RedisProfile() override { Stop(); }

  // Attach's check of every key, before anything is written; for a sealed
  // profile, also of the ring against the profile's name key and key checks
  // (registering the ring's keys).
  absl::Status CheckKeys() {
    if (sealer_ != nullptr) return CheckRing();
    return ReadCounter(&reader_client_).status();
  }

  absl::Status Load(LoadedProfile* out) override;
  void Start(RemoteSink* sink) override;
  void RequestStop() override;
  void Stop() override;
  void Interrupt() override { writer_client_.Interrupt(); }
  void Resync() override {
    std::lock_guard<std::mutex> lock(mu_);
    reload_needed_ = true;
  }

  absl::Status Write(ProfileWrite* write);
  // Waits until the jar has applied every change Redis had accepted when
  // it was called.
  absl::Status WaitApplied(absl::Time deadline);
  void AddStats(RedisProfileStats* out);

 private:
  // Which changes of `write` go to the script: all but the removals of a
  // version Redis does not hold (their results are filed here); for each
  // removal sent, the version it removes (0 for other changes).
  absl::Status CheckRemovals(ProfileWrite* write, std::vector<size_t>* to_send,
                             std::vector<uint64_t>* versions);
  absl::StatusOr<std::vector<RedisReply>> RunScript(const std::vector<RedisCommand>& commands,
                                                     int* replicated);
  // The script call that starts every batch (args follow: field, mark, body).
  RedisCommand ScriptHead() const;
  absl::Status CheckRing();
  // Writes records sealed under an older key again under the ring's first,
  // with their own stamps (a newer change of the cookie wins as usual).
  // With writer_mu_ held.
  absl::Status Reseal(const std::vector<Snapshot::Stale>& stale);

  void ReaderLoop();
  absl::Status ReadLog();
  // The profile's version counter, checking every key's type and the
  // schema: FailedPrecondition for foreign keys.
  absl::StatusOr<uint64_t> ReadCounter(SlotClient* client);
  // What the log holds under `version` (EntryText), or nullopt.
  absl::StatusOr<std::optional<std::string>> ReadEntry(uint64_t version);
  absl::StatusOr<Snapshot> ReadSnapshot();
  absl::Status Reload();
  void Fail(const absl::Status& status);
  // Sleeps for retry_interval unless stopping; returns !stopping.
  bool Backoff();

  const RedisStoreOptions& options_;
  const std::string name_;
  const ProfileKeys keys_;
  const redis_internal::RecordCodec codec_;
  const persistence_internal::Sealer* const sealer_;  // Null: in clear.
  // writer_client_, script_sha_ and writer_timeline_. Reload holds it too, so
  // that no batch lands between its scan and its application (the scan's
  // older state would undo it, its version lost with those held).
  std::mutex writer_mu_;
  SlotClient writer_client_;  // The writer thread's (and Sync's).
  std::string script_sha_;
  SlotClient reader_client_;  // The reader thread's (Attach's before it starts).

  std::mutex mu_;  // Never held while calling the sink.
  std::condition_variable cv_;
  RemoteSink* sink_ = nullptr;
  bool stopping_ = false;
  uint64_t last_version_ = 0;  // Of the log, applied.
  // The log entry of last_version_ (EntryText; "" unknown): Redis that lost
  // changes may give their versions to new ones.
  std::string last_entry_;
  // The highest version Redis has given or shown this worker's writes: Redis
  // had the profile at least that far, whether or not the log has brought
  // those versions back yet.
  uint64_t acked_version_ = 0;
  bool reload_needed_ = false;
  bool reloading_ = false;
  bool check_counter_ = false;  // After a reconnection: did Redis lose data?
  // The replication ID of the node the jar was loaded from (timeline_,
  // under mu_), and of the node the writer last wrote to (under
  // writer_mu_); "" unknown (INFO not allowed). A new one (a failover, a
  // restart) may have lost changes the old one acknowledged, and given
  // their versions to new ones: the jar is reloaded.
  std::string timeline_;
  std::string writer_timeline_;
  uint64_t reloads_ = 0;
  bool connected_ = false;
  std::thread reader_;
};

absl::StatusOr<uint64_t> RedisProfile::ReadCounter(SlotClient* client) {
  absl::StatusOr<std::vector<RedisReply>> replies =
      client->Pipeline({{"HGETALL", keys_.meta},
                        {"TYPE", keys_.cookies},
                        {"TYPE", keys_.tombs},
                        {"TYPE", keys_.log}});
  if (!replies.ok()) return replies.status();
  const RedisReply& meta = (*replies)[0];
  if (meta.is_error()) {
    if (meta.ErrorCode() == "WRONGTYPE") return ForeignError(name_, keys_.meta + " is not a hash");
    return ReplyError(meta);
  }
  // Every key of the profile, whatever the state of the others.
  bool any = false;
  const std::pair<const std::string*, std::string_view> wanted[] = {
      {&keys_.cookies, "hash"}, {&keys_.tombs, "zset"}, {&keys_.log, "stream"}};
  for (size_t i = 0; i < 3; ++i) {
    const RedisReply& type = (*replies)[i + 1];
    if (type.is_error()) return ReplyError(type);
    if (type.str == "none") continue;
    any = true;
    if (type.str != wanted[i].second) {
      return ForeignError(name_, absl::StrCat(*wanted[i].first, " is a ", type.str, ", not a ",
                                              AbslView(wanted[i].second)));
    }
  }
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < meta.elements.size(); i += 2) {
    fields[meta.elements[i].str] = meta.elements[i + 1].str;
  }
  if (fields.empty()) {
    if (any) return ForeignError(name_, "keys of this profile exist without " + keys_.meta);
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

absl::StatusOr<std::optional<std::string>> RedisProfile::ReadEntry(uint64_t version) {
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

absl::StatusOr<Snapshot> RedisProfile::ReadSnapshot() {
  Snapshot out;
  // The counter first: every change after it comes from the log, so the
  // scan below may see some of them or not.
  absl::StatusOr<uint64_t> counter = ReadCounter(&reader_client_);
  if (!counter.ok()) return counter.status();
  out.counter = *counter;
  out.timeline = reader_client_.replication_id();
  if (out.counter > 0) {
    absl::StatusOr<std::optional<std::string>> entry = ReadEntry(out.counter);
    if (!entry.ok()) return entry.status();
    out.entry = entry->value_or("");
  }
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
      StoredState state;
      std::string error;
      int64_t stamp = 0;
      bool stale_key = false;
      if (StateOfRecord(codec_, items[i].str, items[i + 1].str, &state, &error, &stamp,
                        &stale_key)) {
        if (stale_key) out.reseal.push_back({items[i].str, state.cookie, stamp});
        out.states.push_back(std::move(state));
      } else {
        out.refused.push_back(absl::StrCat("record: ", error));
      }
    }
  } while (cursor != "0");
  return out;
}

absl::Status RedisProfile::Load(LoadedProfile* out) {
  absl::StatusOr<Snapshot> snapshot = ReadSnapshot();
  if (!snapshot.ok()) return snapshot.status();
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_version_ = snapshot->counter;
    last_entry_ = snapshot->entry;
    timeline_ = snapshot->timeline;
    acked_version_ = snapshot->counter;
    connected_ = true;
  }
  if (!snapshot->reseal.empty()) {
    // Key rotation. Not fatal: tried again at the next load.
    std::lock_guard<std::mutex> client_lock(writer_mu_);
    Reseal(snapshot->reseal).IgnoreError();
  }
  out->cookies = std::move(snapshot->states);
  out->refused = std::move(snapshot->refused);
  return absl::OkStatus();
}

absl::Status RedisProfile::Reload() {
  // No batch of ours lands between the scan and its application: it would
  // be undone by the scan's older state.
  std::lock_guard<std::mutex> client_lock(writer_mu_);
  absl::StatusOr<Snapshot> snapshot = ReadSnapshot();
  if (!snapshot.ok()) return snapshot.status();
  RemoteSink* sink;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_version_ = snapshot->counter;
    last_entry_ = snapshot->entry;
    timeline_ = snapshot->timeline;
    acked_version_ = snapshot->counter;
    reload_needed_ = false;
    check_counter_ = false;
    reloading_ = true;
    connected_ = true;
    ++reloads_;
    sink = sink_;
  }
  // Everything up to the counter, and the jar's cookies Redis lacks gone;
  // what was held back is of an older state or another history, and goes.
  sink->Replace(snapshot->states, snapshot->counter);
  sink->Advanced(snapshot->counter);
  // After Advanced, which clears the last error: records left alone stay
  // reported until a later exchange works.
  if (!snapshot->refused.empty()) {
    sink->NoteError(absl::DataLossError(
        absl::StrCat(keys_.cookies, ": ", snapshot->refused.size(),
                     " records do not open or parse; left alone (first: ",
                     snapshot->refused.front(), ")")));
  }
  if (!snapshot->reseal.empty()) {
    absl::Status resealed = Reseal(snapshot->reseal);
    if (!resealed.ok()) sink->NoteError(resealed);
  }
  std::lock_guard<std::mutex> lock(mu_);
  reloading_ = false;
  cv_.notify_all();
  return absl::OkStatus();
}

void RedisProfile::Start(RemoteSink* sink) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    sink_ = sink;
  }
  reader_ = std::thread([this] { ReaderLoop(); });
}

void RedisProfile::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  reader_client_.Interrupt();
}

void RedisProfile::Stop() {
  RequestStop();
  if (reader_.joinable()) reader_.join();
}

void RedisProfile::Fail(const absl::Status& status) {
  RemoteSink* sink;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status)) {
      connected_ = false;
      check_counter_ = true;
    }
    sink = sink_;
  }
  if (sink) sink->NoteError(status);
}

bool RedisProfile::Backoff() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.retry_interval),
               [this] { return stopping_; });
  return !stopping_;
}

void RedisProfile::ReaderLoop() {
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

absl::Status RedisProfile::ReadLog() {
  bool check, reload;
  uint64_t from, acked;
  std::string from_entry;
  RemoteSink* sink;
  {
    std::lock_guard<std::mutex> lock(mu_);
    check = check_counter_;
    reload = reload_needed_;
    from = last_version_;
    from_entry = last_entry_;
    acked = acked_version_;  // Before the counter is read: Redis had it then.
    sink = sink_;
  }
  if (reload) return Reload();
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
    connected_ = true;
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
      return ForeignError(name_, keys_.log + " is not a stream");
    }
    return ReplyError(*reply);
  }
  // [[log, [[id, [field, value, ...]], ...]]]
  if (reply->elements.size() != 1 || reply->elements[0].elements.size() != 2) {
    return absl::DataLossError("Redis: unexpected XREAD reply");
  }
  absl::Status skipped;  // The last entry skipped.
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
    StoredState state;
    std::string error;
    bool decoded;
    if (record != nullptr) {
      decoded = StateOfRecord(codec_, key, *record, &state, &error);
    } else {
      absl::Status status = codec_.DecodeDeletion(key, note, &state.cookie);
      decoded = status.ok();
      if (!decoded) error = std::string(status.message());
    }
    state.version = version;  // A record's own version is this entry's.
    if (decoded) {
      sink->Apply(state);
    } else {
      skipped = absl::DataLossError(absl::StrCat(keys_.log, " entry ", id, " skipped: ", error));
    }
    std::lock_guard<std::mutex> lock(mu_);
    last_version_ = version;
    last_entry_ = EntryText(entry.elements[1]);
  }
  uint64_t applied;
  {
    std::lock_guard<std::mutex> lock(mu_);
    connected_ = true;
    applied = last_version_;
  }
  sink->Advanced(applied);
  // After Advanced, which clears the last error.
  if (!skipped.ok()) sink->NoteError(skipped);
  cv_.notify_all();
  return absl::OkStatus();
}

absl::Status RedisProfile::CheckRemovals(ProfileWrite* write, std::vector<size_t>* to_send,
                                         std::vector<uint64_t>* versions) {
  // A removal goes only for the version the jar dropped: the record Redis
  // holds is read back through the record encoding and compared; the
  // script then removes it only if it is still that record's version.
  std::vector<size_t> removals;
  std::vector<RedisCommand> reads;
  for (size_t i = 0; i < write->changes.size(); ++i) {
    if (write->changes[i].kind != StoreChange::Kind::kRemove) {
      to_send->push_back(i);
      versions->push_back(0);
      continue;
    }
    removals.push_back(i);
    reads.push_back({"HGET", keys_.cookies, codec_.Field(write->changes[i].cookie)});
  }
  if (removals.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<RedisReply>> replies = writer_client_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (size_t j = 0; j < removals.size(); ++j) {
    const size_t i = removals[j];
    const RedisReply& reply = (*replies)[j];
    WriteResult& result = write->results[i];
    if (reply.is_error()) {
      if (reply.ErrorCode() == "WRONGTYPE") {
        return ForeignError(name_, keys_.cookies + " is not a hash");
      }
      return ReplyError(reply);
    }
    StoredState current;
    if (reply.type != RedisReply::Type::kString ||
        !StateOfRecord(codec_, codec_.Field(write->changes[i].cookie), reply.str, &current,
                       nullptr)) {
      result.kind = WriteResult::Kind::kUnchanged;  // Absent, or not ours to judge.
      continue;
    }
    if (!store_internal::SameVersion(current.cookie, write->changes[i].cookie)) {
      // Redis holds another version: newer, set since by some worker.
      result.kind = WriteResult::Kind::kSuperseded;
      result.current = std::move(current);
      continue;
    }
    to_send->push_back(i);
    versions->push_back(current.version);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RedisReply>> RedisProfile::RunScript(
    const std::vector<RedisCommand>& commands_in, int* replicated) {
  std::vector<RedisCommand> commands = commands_in;
  // A server that does not know the script yet (first use, or restarted)
  // gets it and the calls again.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (script_sha_.empty()) {
      absl::StatusOr<RedisReply> loaded =
          writer_client_.Command({"SCRIPT", "LOAD", redis_internal::kWriteScript});
      if (!loaded.ok()) return loaded.status();
      if (loaded->is_error()) return ReplyError(*loaded);
      if (loaded->type != RedisReply::Type::kString) {
        return absl::DataLossError("Redis: unexpected reply to SCRIPT LOAD");
      }
      script_sha_ = loaded->str;
    }
    for (RedisCommand& command : commands) command[1] = script_sha_;
    absl::StatusOr<std::vector<RedisReply>> replies =
        options_.min_replicas == 0
            ? writer_client_.Pipeline(commands)
            : writer_client_.PipelineReplicated(commands, options_.min_replicas,
                                                options_.replica_timeout, replicated);
    if (!replies.ok()) return replies.status();
    const bool unknown = std::any_of(replies->begin(), replies->end(), [](const RedisReply& r) {
      return r.ErrorCode() == "NOSCRIPT";
    });
    if (!unknown) return replies;
    script_sha_.clear();
  }
  return absl::UnavailableError("Redis does not keep the write script");
}

RedisCommand RedisProfile::ScriptHead() const {
  return {"EVALSHA",
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
}

absl::Status RedisProfile::Reseal(const std::vector<Snapshot::Stale>& stale) {
  std::vector<RedisCommand> commands;
  for (size_t start = 0; start < stale.size(); start += kChangesPerScript) {
    RedisCommand command = ScriptHead();
    for (size_t i = start; i < std::min(stale.size(), start + kChangesPerScript); ++i) {
      command.push_back(stale[i].field);
      command.push_back(std::to_string(stale[i].stamp));
      command.push_back(codec_.Body(stale[i].cookie, stale[i].field));
    }
    commands.push_back(std::move(command));
  }
  int replicated = 0;
  absl::StatusOr<std::vector<RedisReply>> replies = RunScript(commands, &replicated);
  if (!replies.ok()) return replies.status();
  for (const RedisReply& reply : *replies) {
    if (reply.is_error()) return ScriptError(reply, name_);
  }
  return absl::OkStatus();
}

absl::Status RedisProfile::CheckRing() {
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
  // Every key's type and the schema, as for a profile in clear.
  return ReadCounter(&reader_client_).status();
}

absl::Status RedisProfile::Write(ProfileWrite* write) {
  std::lock_guard<std::mutex> client_lock(writer_mu_);
  std::vector<size_t> to_send;
  std::vector<uint64_t> versions;
  absl::Status status = CheckRemovals(write, &to_send, &versions);
  std::vector<RedisReply> replies;
  int replicated = 0;
  bool ran = false;
  if (status.ok() && !to_send.empty()) {
    std::vector<RedisCommand> commands;
    for (size_t start = 0; start < to_send.size(); start += kChangesPerScript) {
      RedisCommand command = ScriptHead();
      for (size_t j = start; j < std::min(to_send.size(), start + kChangesPerScript); ++j) {
        const StoreChange& change = write->changes[to_send[j]];
        const std::string field = codec_.Field(change.cookie);
        command.push_back(field);
        switch (change.kind) {
          case StoreChange::Kind::kSet:
            command.push_back(std::to_string(change.stamp_us));
            command.push_back(codec_.Body(change.cookie, field));
            break;
          case StoreChange::Kind::kDelete:
            command.push_back(std::to_string(change.stamp_us));
            command.push_back(codec_.DeletionBody(change.cookie, field));
            break;
          case StoreChange::Kind::kRemove:
            command.push_back(absl::StrCat("=", versions[j]));
            command.push_back(codec_.DeletionBody(change.cookie, field));
            break;
        }
      }
      commands.push_back(std::move(command));
    }
    absl::StatusOr<std::vector<RedisReply>> got = RunScript(commands, &replicated);
    if (got.ok()) {
      ran = true;
      replies = std::move(*got);
      for (const RedisReply& reply : replies) {
        if (reply.is_error()) {
          status = ScriptError(reply, name_);
          break;
        }
        if (reply.type != RedisReply::Type::kArray) {
          status = absl::DataLossError("Redis: unexpected reply to the write script");
          break;
        }
      }
    } else {
      status = got.status();
    }
  }
  // With min_replicas, a change Redis applied but too few replicas confirmed
  // is not reported written: the follower keeps it queued (remote states of
  // the cookie are held back meanwhile, as for any change on its way) and
  // writes it again, with its stamp (a repeat at worst), until replicas
  // confirm it; a failover to a replica without it then loses nothing.
  const bool confirmed = options_.min_replicas == 0 || replicated >= options_.min_replicas;
  if (status.ok() && ran && !confirmed) {
    status = absl::UnavailableError(absl::StrCat(
        "profile \"", name_, "\": Redis at ", writer_client_.node(), " applied the changes but ",
        replicated, " of the ", options_.min_replicas, " replicas required confirmed them within ",
        absl::FormatDuration(options_.replica_timeout)));
  }
  // Written to a node of another history than the last one (a promoted
  // replica, a restart): versions the jar holds, or holds back, may have
  // been lost there and given to other changes, so they say nothing
  // against the versions it gives. The jar is reloaded, and nothing held
  // back is applied before: an older change of the cookie from the other
  // history would undo this one.
  bool new_history = false;
  const std::string& written_to = writer_client_.replication_id();
  if (ran && !written_to.empty()) {
    new_history = !writer_timeline_.empty() && written_to != writer_timeline_;
    writer_timeline_ = written_to;
  }
  // Calls that did run are written again when a later one failed: a set or
  // a deletion with the same stamp only repeats its content under a new
  // version, and a removal of a version already removed finds nothing.
  uint64_t acked = 0;
  for (size_t j = 0; j < to_send.size(); ++j) {
    WriteResult& result = write->results[to_send[j]];
    const RedisReply* reply = nullptr;
    if (status.ok() || (ran && !confirmed && j / kChangesPerScript < replies.size())) {
      const RedisReply& call = replies[j / kChangesPerScript];
      if (call.type == RedisReply::Type::kArray && j % kChangesPerScript < call.elements.size()) {
        reply = &call.elements[j % kChangesPerScript];
      }
    }
    if (reply == nullptr) {
      result = WriteResult();  // Not written.
      continue;
    }
    if (reply->type == RedisReply::Type::kInteger) {
      if (reply->integer > 0) acked = std::max(acked, static_cast<uint64_t>(reply->integer));
      if (!confirmed) {
        result = WriteResult();  // Written again until replicas confirm it.
      } else if (reply->integer > 0) {
        result.kind = WriteResult::Kind::kWritten;
        result.version = static_cast<uint64_t>(reply->integer);
      } else {
        result.kind = WriteResult::Kind::kUnchanged;
      }
    } else if (reply->type == RedisReply::Type::kArray && reply->elements.size() == 2) {
      // A newer change of this cookie won: the jar takes Redis's state.
      result.kind = WriteResult::Kind::kSuperseded;
      StoredState current;
      current.version = static_cast<uint64_t>(std::max<long long>(reply->elements[0].integer, 0));
      acked = std::max(acked, current.version);
      const StoreChange& change = write->changes[to_send[j]];
      const std::string field = codec_.Field(change.cookie);
      if (reply->elements[1].str.empty() ||
          !StateOfRecord(codec_, field, reply->elements[1].str, &current, nullptr)) {
        // Deleted (or a record that does not open: never applied as a
        // set). The cookie is the one this change was about.
        current.present = false;
        current.cookie = change.cookie;
      }
      // The counter orders it: Redis held this state at that version.
      current.version = static_cast<uint64_t>(std::max<long long>(reply->elements[0].integer, 0));
      result.current = std::move(current);
    } else {
      result = WriteResult();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (new_history) reload_needed_ = true;
  // While a reload is due (this write met another history, or the reader
  // did), nothing held back is applied: a state of the old history (read
  // before the failover, its version higher than the new history's) would
  // undo this jar's own change. The reload replaces what is held back.
  write->reload_due = reload_needed_;
  acked_version_ = std::max(acked_version_, acked);
  if (status.ok()) {
    connected_ = true;
  } else if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status)) {
    connected_ = false;
    check_counter_ = true;
  }
  return status;
}

absl::Status RedisProfile::WaitApplied(absl::Time deadline) {
  absl::StatusOr<uint64_t> counter;
  {
    std::lock_guard<std::mutex> client_lock(writer_mu_);
    counter = ReadCounter(&writer_client_);
  }
  if (!counter.ok()) return counter.status();
  std::unique_lock<std::mutex> lock(mu_);
  const bool done = cv_.wait_until(lock, absl::ToChronoTime(deadline), [&] {
    return stopping_ || (last_version_ >= *counter && !reload_needed_ && !reloading_);
  });
  if (!done) {
    return absl::DeadlineExceededError(absl::StrCat("profile \"", name_, "\" applied version ",
                                                    last_version_, " of ", *counter));
  }
  return absl::OkStatus();
}

void RedisProfile::AddStats(RedisProfileStats* out) {
  std::lock_guard<std::mutex> lock(mu_);
  out->reloads = reloads_;
  out->version = last_version_;
  out->connected = connected_;
}

// Redis for the follower: every profile on connections of its own.
class RedisBackend : public store_internal::StoreBackend {
 public:
  explicit RedisBackend(const RedisStoreOptions& options) : options_(options) {
    if (options_.encryption.enabled()) {
      // Checked by Connect.
      sealer_ = std::move(
          *persistence_internal::Sealer::Create(options_.encryption, /*need_name_key=*/true));
    }
  }

  absl::StatusOr<std::unique_ptr<ProfileBackend>> OpenProfile(std::string_view profile) override {
    absl::Status names = redis_internal::CheckNames(options_.key_prefix, profile);
    if (!names.ok()) return names;
    auto opened = std::make_unique<RedisProfile>(options_, sealer_.get(), std::string(profile));
    absl::Status checked = opened->CheckKeys();
    if (!checked.ok()) return checked;
    return opened;
  }

  // The follower gives each profile its own writer: one profile a call.
  absl::Status Write(std::vector<ProfileWrite>* writes, absl::Time) override {
    absl::Status result;
    for (ProfileWrite& write : *writes) {
      absl::Status status = static_cast<RedisProfile*>(write.profile)->Write(&write);
      if (result.ok()) result = status;
    }
    return result;
  }

  absl::StatusOr<std::vector<std::string>> Profiles() override;

  absl::Status DeleteProfile(std::string_view profile) override {
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

 private:
  const RedisStoreOptions& options_;
  // Null when the store keeps cookies in clear. Outlives the profiles: the
  // follower ends them before its backend.
  std::unique_ptr<persistence_internal::Sealer> sealer_;
};

// A glob pattern matching `text` literally.
std::string GlobEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> RedisBackend::Profiles() {
  const redis_internal::RedisTarget target = TargetOf(options_);
  // The masters: a cluster names them; a standalone server (or the master
  // a Sentinel names) is its own.
  std::vector<std::unique_ptr<SlotClient>> masters;
  absl::Status last = absl::UnavailableError("no Redis endpoint given");
  for (const RedisAddress& seed : target.seeds) {
    redis_internal::RedisTarget one = target;
    one.seeds = {seed};
    auto client = std::make_unique<SlotClient>(std::move(one), -1);
    absl::StatusOr<RedisReply> slots = client->Command({"CLUSTER", "SLOTS"});
    if (!slots.ok()) {
      last = slots.status();
      if (!absl::IsUnavailable(last)) return last;
      continue;
    }
    if (slots->is_error()) {
      masters.push_back(std::move(client));
    } else {
      std::vector<RedisAddress> seen;
      for (const RedisReply& range : slots->elements) {
        if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) continue;
        RedisAddress master{range.elements[2].elements[0].str,
                            static_cast<int>(range.elements[2].elements[1].integer)};
        if (master.host.empty() || master.host == "?") master.host = seed.host;
        if (std::find(seen.begin(), seen.end(), master) != seen.end()) continue;
        seen.push_back(master);
        redis_internal::RedisTarget node = target;
        node.sentinel_master.clear();
        node.seeds = {target.Map(master)};
        masters.push_back(std::make_unique<SlotClient>(std::move(node), -1));
      }
    }
    break;
  }
  if (masters.empty()) return last;
  const std::string head = options_.key_prefix + "{";
  const std::string tail = "}:meta";
  std::set<std::string> profiles;
  for (const std::unique_ptr<SlotClient>& master : masters) {
    std::vector<std::string> found;
    std::string cursor = "0";
    do {
      absl::StatusOr<RedisReply> page = master->Command(
          {"SCAN", cursor, "MATCH", GlobEscape(head) + "*" + tail, "COUNT", "1000"});
      if (!page.ok()) return page.status();
      if (page->is_error()) return ReplyError(*page);
      if (page->elements.size() != 2) return absl::DataLossError("Redis: unexpected SCAN reply");
      cursor = page->elements[0].str;
      for (const RedisReply& key : page->elements[1].elements) {
        if (!absl::StartsWith(key.str, head) || !absl::EndsWith(key.str, tail)) continue;
        const std::string name =
            key.str.substr(head.size(), key.str.size() - head.size() - tail.size());
        if (redis_internal::CheckNames(options_.key_prefix, name).ok()) found.push_back(name);
      }
    } while (cursor != "0");
    // Profiles with at least one cookie.
    std::vector<RedisCommand> lengths;
    for (const std::string& name : found) {
      lengths.push_back({"HLEN", redis_internal::KeysOf(options_.key_prefix, name).cookies});
    }
    if (lengths.empty()) continue;
    absl::StatusOr<std::vector<RedisReply>> counts = master->Pipeline(lengths);
    if (!counts.ok()) return counts.status();
    for (size_t i = 0; i < found.size(); ++i) {
      if ((*counts)[i].type == RedisReply::Type::kInteger && (*counts)[i].integer > 0) {
        profiles.insert(found[i]);
      }
    }
  }
  return std::vector<std::string>(profiles.begin(), profiles.end());
}

store_internal::FollowerOptions FollowerOptionsOf(const RedisStoreOptions& options) {
  store_internal::FollowerOptions out;
  out.flush_batch = options.flush_batch;
  out.flush_interval = options.flush_interval;
  out.max_pending = options.max_pending;
  out.persist_session_cookies = true;  // A crawler's login session is often one.
  out.shared = true;
  // A profile's slot may be served by another node than the next one's.
  out.writer_per_profile = true;
  out.io_timeout = options.io_timeout;
  out.retry_interval = options.retry_interval;
  out.store_name = "Redis";
  return out;
}

}  // namespace

struct RedisCookieStore::Impl {
  explicit Impl(RedisStoreOptions o) : options(std::move(o)) {
    auto backend = std::make_unique<RedisBackend>(options);
    follower = std::make_unique<store_internal::StoreFollower>(std::move(backend),
                                                               FollowerOptionsOf(options));
  }
  const RedisStoreOptions options;  // Before the follower, which uses it.
  std::unique_ptr<store_internal::StoreFollower> follower;
};

RedisCookieStore::RedisCookieStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

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
    return std::unique_ptr<RedisCookieStore>(
        new RedisCookieStore(std::make_unique<Impl>(std::move(options))));
  }
  return last;
}

// The follower stops every profile and writes what is pending, all within
// io_timeout.
RedisCookieStore::~RedisCookieStore() = default;

absl::StatusOr<size_t> RedisCookieStore::Attach(CookieJar* jar, std::string_view profile,
                                                AttachReport* report) {
  // The name first: nothing else is worth checking for a name Redis cannot hold.
  absl::Status names = redis_internal::CheckNames(impl_->options.key_prefix, profile);
  if (!names.ok()) return names;
  return impl_->follower->Attach(jar, profile, report);
}

absl::Status RedisCookieStore::Detach(CookieJar* jar) { return impl_->follower->Detach(jar); }

absl::Status RedisCookieStore::Flush() { return impl_->follower->Flush(); }

absl::Status RedisCookieStore::Sync(CookieJar* jar, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::shared_ptr<ProfileBackend> profile = impl_->follower->profile_backend(jar);
  if (!profile) return absl::NotFoundError("jar is not attached");
  absl::Status flushed = impl_->follower->FlushJar(jar, deadline);
  if (!flushed.ok()) return flushed;
  return static_cast<RedisProfile*>(profile.get())->WaitApplied(deadline);
}

absl::StatusOr<std::vector<std::string>> RedisCookieStore::Profiles() {
  return impl_->follower->Profiles();
}

absl::Status RedisCookieStore::DeleteProfile(std::string_view profile) {
  return impl_->follower->DeleteProfile(profile);
}

RedisProfileStats RedisCookieStore::stats(const CookieJar* jar) {
  RedisProfileStats out;
  absl::StatusOr<store_internal::FollowerStats> counted = impl_->follower->stats(jar);
  std::shared_ptr<ProfileBackend> profile = impl_->follower->profile_backend(jar);
  if (!counted.ok() || !profile) return out;
  out.pending = counted->pending;
  out.written = counted->written;
  out.superseded = counted->superseded;
  out.applied = counted->applied;
  out.dropped = counted->dropped;
  static_cast<RedisProfile*>(profile.get())->AddStats(&out);
  return out;
}

absl::Status RedisCookieStore::last_error() { return impl_->follower->last_error(); }

}  // namespace cookiejar
