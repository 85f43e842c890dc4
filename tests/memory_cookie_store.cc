#include "tests/memory_cookie_store.h"

#include <utility>
#include <vector>

#include "persistence/internal/store_backend.h"
#include "persistence/internal/store_follower.h"

namespace cookiejar {
namespace testing {

using store_internal::LoadedProfile;
using store_internal::ProfileBackend;
using store_internal::ProfileWrite;
using store_internal::StoreChange;
using store_internal::StoredState;
using store_internal::WriteResult;

void MemoryServer::FailWrites(bool f) {
  std::lock_guard<std::mutex> lock(mu);
  fail = f;
}

void MemoryServer::Stall(bool s) {
  std::lock_guard<std::mutex> lock(mu);
  stall = s;
  cv.notify_all();
}

size_t MemoryServer::writes() {
  std::lock_guard<std::mutex> lock(mu);
  return write_count;
}

std::map<std::string, CanonicalCookie> MemoryServer::Profile(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu);
  return profiles[name];
}

class MemoryProfile : public ProfileBackend {
 public:
  MemoryProfile(MemoryServer* server, std::string name)
      : server_(server), name_(std::move(name)) {}

  absl::Status Load(LoadedProfile* out) override {
    std::lock_guard<std::mutex> lock(server_->mu);
    for (const auto& [key, cookie] : server_->profiles[name_]) {
      StoredState state;
      state.present = true;
      state.cookie = cookie;
      out->cookies.push_back(std::move(state));
    }
    return absl::OkStatus();
  }

  void Interrupt() override {
    std::lock_guard<std::mutex> lock(server_->mu);
    ++server_->interrupts;
    server_->cv.notify_all();
  }

  const std::string& name() const { return name_; }

 private:
  MemoryServer* const server_;
  const std::string name_;
};

class MemoryBackend : public store_internal::StoreBackend {
 public:
  explicit MemoryBackend(std::shared_ptr<MemoryServer> server) : server_(std::move(server)) {}

  absl::StatusOr<std::unique_ptr<ProfileBackend>> OpenProfile(std::string_view profile) override {
    if (profile.empty()) return absl::InvalidArgumentError("a profile has a name");
    return std::make_unique<MemoryProfile>(server_.get(), std::string(profile));
  }

  absl::Status Write(std::vector<ProfileWrite>* writes, absl::Time) override {
    std::unique_lock<std::mutex> lock(server_->mu);
    ++server_->write_count;
    const uint64_t interrupts = server_->interrupts;
    server_->cv.wait(lock, [&] { return !server_->stall || server_->interrupts != interrupts; });
    if (server_->stall) return absl::UnavailableError("memory server: interrupted while stalled");
    if (server_->fail) return absl::UnavailableError("memory server: writes fail");
    for (ProfileWrite& write : *writes) {
      auto& cookies = server_->profiles[static_cast<MemoryProfile*>(write.profile)->name()];
      for (size_t i = 0; i < write.changes.size(); ++i) {
        const StoreChange& change = write.changes[i];
        const std::string key = store_internal::CookieKey(change.cookie);
        WriteResult& result = write.results[i];
        result.kind = WriteResult::Kind::kWritten;
        switch (change.kind) {
          case StoreChange::Kind::kSet:
            cookies[key] = change.cookie;
            break;
          case StoreChange::Kind::kDelete:
            cookies.erase(key);
            break;
          case StoreChange::Kind::kRemove: {
            auto it = cookies.find(key);
            if (it != cookies.end() && store_internal::SameVersion(it->second, change.cookie)) {
              cookies.erase(it);
            } else {
              result.kind = WriteResult::Kind::kUnchanged;
            }
            break;
          }
        }
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> Profiles() override {
    std::lock_guard<std::mutex> lock(server_->mu);
    std::vector<std::string> out;
    for (const auto& [name, cookies] : server_->profiles) {
      if (!cookies.empty()) out.push_back(name);
    }
    return out;
  }

  absl::Status DeleteProfile(std::string_view profile) override {
    std::lock_guard<std::mutex> lock(server_->mu);
    server_->profiles.erase(std::string(profile));
    return absl::OkStatus();
  }

 private:
  const std::shared_ptr<MemoryServer> server_;
};

namespace {

class MemoryCookieStore : public CookieStore {
 public:
  MemoryCookieStore(std::shared_ptr<MemoryServer> server, const MemoryStoreOptions& options)
      : follower_(std::make_unique<MemoryBackend>(std::move(server)), FollowerOptionsOf(options)) {}

  absl::StatusOr<size_t> Attach(CookieJar* jar, std::string_view profile,
                                AttachReport* report) override {
    return follower_.Attach(jar, profile, report);
  }
  absl::Status Detach(CookieJar* jar) override { return follower_.Detach(jar); }
  absl::Status Flush() override { return follower_.Flush(); }
  absl::StatusOr<std::vector<std::string>> Profiles() override { return follower_.Profiles(); }
  absl::Status DeleteProfile(std::string_view profile) override {
    return follower_.DeleteProfile(profile);
  }
  absl::Status last_error() override { return follower_.last_error(); }

 private:
  static store_internal::FollowerOptions FollowerOptionsOf(const MemoryStoreOptions& options) {
    store_internal::FollowerOptions out;
    out.flush_batch = options.flush_batch;
    out.flush_interval = options.flush_interval;
    out.max_pending = options.max_pending;
    out.io_timeout = options.io_timeout;
    out.retry_interval = options.retry_interval;
    out.store_name = "the memory store";
    return out;
  }

  store_internal::StoreFollower follower_;
};

}  // namespace

std::unique_ptr<CookieStore> OpenMemoryStore(std::shared_ptr<MemoryServer> server,
                                             MemoryStoreOptions options) {
  return std::make_unique<MemoryCookieStore>(std::move(server), options);
}

}  // namespace testing
}  // namespace cookiejar
