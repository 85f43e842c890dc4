#include "persistence/internal/redis_client.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include <chrono>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/absl_view.h"

namespace cookiejar {
namespace redis_internal {
namespace {

// Redirections one command may take before the client gives up (a slot
// being moved back and forth, or a misconfigured cluster).
constexpr int kMaxRedirections = 16;

timeval AtLeastOneMs(absl::Duration d) { return absl::ToTimeval(std::max(d, absl::Milliseconds(1))); }

// Writing to a connection the server closed raises SIGPIPE, which would kill
// the process; a library may not change the process's signal handling, so
// the signal is blocked in this thread for the call and a SIGPIPE it raised
// is consumed before the mask is restored.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero = {0, 0};
        sigtimedwait(&pipe_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_, old_;
  bool was_pending_ = false;
};

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

// "host:port" as MOVED and ASK give it (the host may be an IPv6 address, or
// empty for "the node you asked").
bool ParseAddress(std::string_view text, const RedisAddress& asked, RedisAddress* out) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  int port = 0;
  if (!absl::SimpleAtoi(AbslView(text.substr(colon + 1)), &port) || port <= 0 || port > 65535) return false;
  out->host = std::string(text.substr(0, colon));
  if (out->host.empty()) out->host = asked.host;
  out->port = port;
  return true;
}

// The address in "MOVED 3999 127.0.0.1:6381".
bool RedirectTarget(const RedisReply& reply, const RedisAddress& asked, RedisAddress* out) {
  std::vector<absl::string_view> words = absl::StrSplit(reply.str, ' ');
  return words.size() == 3 && ParseAddress(StdView(words[2]), asked, out);
}

}  // namespace

std::string_view RedisReply::ErrorCode() const {
  if (type != Type::kError) return "";
  std::string_view s = str;
  return s.substr(0, s.find(' '));
}

std::string RedisAddress::ToString() const {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                             : absl::StrCat(host, ":", port);
}

RedisConnection::RedisConnection(redisContext* context, RedisAddress address)
    : context_(context), address_(std::move(address)) {}

RedisConnection::~RedisConnection() { redisFree(context_); }

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Open(
    const RedisAddress& address, const RedisAuth& auth, absl::Duration timeout) {
  redisContext* context =
      redisConnectWithTimeout(address.host.c_str(), address.port, AtLeastOneMs(timeout));
  if (context == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (context->err) {
    const std::string message = absl::StrCat("Redis at ", address.ToString(), ": ", context->errstr);
    redisFree(context);
    return absl::UnavailableError(message);
  }
  redisSetTimeout(context, AtLeastOneMs(timeout));
  redisEnableKeepAlive(context);
  auto connection = std::unique_ptr<RedisConnection>(new RedisConnection(context, address));
  if (!auth.password.empty()) {
    RedisCommand command = {"AUTH"};
    if (!auth.user.empty()) command.push_back(auth.user);
    command.push_back(auth.password);
    absl::StatusOr<RedisReply> reply = connection->Command(command);
    if (!reply.ok()) return reply.status();
    if (reply->is_error()) {
      // The reply names no secret; it is passed on as it is.
      const std::string message =
          absl::StrCat("Redis at ", address.ToString(), " refused AUTH: ", reply->str);
      if (reply->ErrorCode() == "WRONGPASS") return absl::UnauthenticatedError(message);
      return absl::PermissionDeniedError(message);
    }
  }
  return connection;
}

absl::StatusOr<std::vector<RedisReply>> RedisConnection::Pipeline(
    const std::vector<RedisCommand>& commands) {
  SigpipeGuard guard;
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const RedisCommand& command : commands) {
    argv.clear();
    lengths.clear();
    for (const std::string& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      return absl::ResourceExhaustedError("out of memory");
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      return absl::UnavailableError(absl::StrCat("Redis at ", address_.ToString(), ": ",
                                                 context_->err ? context_->errstr : "no reply"));
    }
    replies.push_back(Convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return replies;
}

absl::StatusOr<RedisReply> RedisConnection::Command(const RedisCommand& command) {
  absl::StatusOr<std::vector<RedisReply>> replies = Pipeline({command});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

void RedisConnection::SetTimeout(absl::Duration timeout) {
  redisSetTimeout(context_, AtLeastOneMs(timeout));
}

void RedisConnection::Interrupt() {
  if (context_->fd >= 0) shutdown(context_->fd, SHUT_RDWR);
}

int KeySlot(std::string_view key) {
  const size_t open = key.find('{');
  if (open != std::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  // CRC16-CCITT (XModem), as the Redis Cluster specification defines it.
  uint16_t crc = 0;
  for (unsigned char c : key) {
    crc ^= static_cast<uint16_t>(c) << 8;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc & 16383;
}

SlotClient::SlotClient(std::vector<RedisAddress> seeds, RedisAuth auth, int slot,
                       absl::Duration timeout)
    : seeds_(std::move(seeds)), auth_(std::move(auth)), slot_(slot), timeout_(timeout) {}

SlotClient::~SlotClient() = default;

void SlotClient::SetTimeout(absl::Duration timeout) {
  timeout_ = timeout;
  if (connection_) connection_->SetTimeout(timeout);
}

void SlotClient::Interrupt() {
  std::lock_guard<std::mutex> lock(mu_);
  interrupted_ = true;
  if (connection_) connection_->Interrupt();
  if (connecting_) connecting_->Interrupt();
}

void SlotClient::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  connection_.reset();
}

std::string SlotClient::node() {
  std::lock_guard<std::mutex> lock(mu_);
  return connection_ ? connection_->address().ToString() : "";
}

absl::StatusOr<RedisAddress> SlotClient::FindOwner(RedisConnection* connection) {
  absl::StatusOr<RedisReply> slots = connection->Command({"CLUSTER", "SLOTS"});
  if (!slots.ok()) return slots.status();
  if (slots->is_error()) return connection->address();  // Not a cluster: the server itself.
  // [[start, end, [host, port, id], replicas...], ...]
  for (const RedisReply& range : slots->elements) {
    if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) continue;
    const RedisReply& start = range.elements[0];
    const RedisReply& end = range.elements[1];
    const RedisReply& master = range.elements[2];
    if (start.type != RedisReply::Type::kInteger || end.type != RedisReply::Type::kInteger ||
        slot_ < start.integer || slot_ > end.integer) {
      continue;
    }
    if (master.elements[1].type != RedisReply::Type::kInteger) break;
    RedisAddress owner{master.elements[0].str, static_cast<int>(master.elements[1].integer)};
    if (owner.host.empty() || owner.host == "?") owner.host = connection->address().host;
    return owner;
  }
  return absl::UnavailableError(absl::StrCat("no node of the Redis Cluster at ",
                                             connection->address().ToString(), " serves slot ",
                                             slot_));
}

absl::Status SlotClient::Connect() {
  absl::Status last = absl::UnavailableError("no Redis address given");
  for (size_t attempt = 0; attempt < seeds_.size(); ++attempt) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (interrupted_) return absl::CancelledError("closing");
    }
    const RedisAddress& seed = seeds_[next_seed_];
    absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
        RedisConnection::Open(seed, auth_, timeout_);
    if (!connection.ok()) {
      last = connection.status();
      // Bad credentials are not a node being down: say so at once.
      if (!absl::IsUnavailable(last)) return last;
      next_seed_ = (next_seed_ + 1) % seeds_.size();
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (interrupted_) return absl::CancelledError("closing");
      connecting_ = connection->get();
    }
    absl::StatusOr<RedisAddress> owner = FindOwner(connection->get());
    {
      std::lock_guard<std::mutex> lock(mu_);
      connecting_ = nullptr;
    }
    if (!owner.ok()) {
      last = owner.status();
      next_seed_ = (next_seed_ + 1) % seeds_.size();
      continue;
    }
    if (!(*owner == (*connection)->address())) {
      connection = RedisConnection::Open(*owner, auth_, timeout_);
      if (!connection.ok()) {
        last = connection.status();
        if (!absl::IsUnavailable(last)) return last;
        next_seed_ = (next_seed_ + 1) % seeds_.size();
        continue;
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (interrupted_) return absl::CancelledError("closing");
    connection_ = std::move(*connection);
    return absl::OkStatus();
  }
  return last;
}

absl::StatusOr<std::vector<RedisReply>> SlotClient::Pipeline(
    const std::vector<RedisCommand>& commands) {
  std::vector<RedisReply> replies(commands.size());
  // Indexes of the commands still to send, and where (empty: the owner).
  std::vector<size_t> todo(commands.size());
  for (size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  for (int round = 0; !todo.empty(); ++round) {
    if (round > kMaxRedirections) {
      Reset();
      return absl::UnavailableError(absl::StrCat("Redis Cluster redirections for slot ", slot_,
                                                 " did not settle"));
    }
    const bool reused = connection_ != nullptr;
    if (!connection_) {
      absl::Status connected = Connect();
      if (!connected.ok()) return connected;
    }
    std::vector<RedisCommand> batch;
    for (size_t i : todo) batch.push_back(commands[i]);
    absl::StatusOr<std::vector<RedisReply>> got = connection_->Pipeline(batch);
    if (!got.ok() && reused) {
      // A connection that sat idle may have been closed by a server that
      // restarted since: one more try on a new one. (A command that did run
      // runs twice; the store's writes are idempotent.)
      Reset();
      absl::Status connected = Connect();
      if (!connected.ok()) return connected;
      got = connection_->Pipeline(batch);
    }
    if (!got.ok()) {
      Reset();
      return got.status();
    }
    std::vector<size_t> again;
    bool moved = false, wait = false;
    RedisAddress moved_to;
    for (size_t j = 0; j < todo.size(); ++j) {
      RedisReply& reply = (*got)[j];
      const std::string_view code = reply.ErrorCode();
      RedisAddress target;
      if (code == "MOVED" && RedirectTarget(reply, connection_->address(), &target)) {
        moved = true;
        moved_to = target;
        again.push_back(todo[j]);
      } else if (code == "TRYAGAIN") {
        wait = true;
        again.push_back(todo[j]);
      } else if (code == "ASK" && RedirectTarget(reply, connection_->address(), &target)) {
        // Only this command, once, goes to the importing node.
        absl::StatusOr<std::unique_ptr<RedisConnection>> other =
            RedisConnection::Open(target, auth_, timeout_);
        if (!other.ok()) {
          Reset();
          return other.status();
        }
        absl::StatusOr<std::vector<RedisReply>> asked =
            (*other)->Pipeline({{"ASKING"}, commands[todo[j]]});
        if (!asked.ok()) return asked.status();
        const std::string_view asked_code = (*asked)[1].ErrorCode();
        if (asked_code == "TRYAGAIN" || asked_code == "MOVED" || asked_code == "ASK") {
          wait = asked_code == "TRYAGAIN";
          again.push_back(todo[j]);
        } else {
          replies[todo[j]] = std::move((*asked)[1]);
        }
      } else {
        replies[todo[j]] = std::move(reply);
      }
    }
    // MOVED: the slot has a new owner, which the node named (it knows: the
    // slot just left it). If that node cannot be reached, the next call asks
    // the seeds again.
    if (moved) {
      Reset();
      absl::StatusOr<std::unique_ptr<RedisConnection>> owner =
          RedisConnection::Open(moved_to, auth_, timeout_);
      if (!owner.ok() && !absl::IsUnavailable(owner.status())) return owner.status();
      if (owner.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        if (interrupted_) return absl::CancelledError("closing");
        connection_ = std::move(*owner);
      }
    }
    if (wait) std::this_thread::sleep_for(std::chrono::milliseconds(10 * (round + 1)));
    todo.swap(again);
  }
  return replies;
}

absl::StatusOr<RedisReply> SlotClient::Command(const RedisCommand& command) {
  absl::StatusOr<std::vector<RedisReply>> replies = Pipeline({command});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

}  // namespace redis_internal
}  // namespace cookiejar
