#include "persistence/internal/redis_client.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <limits>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

// "master" or "replica" as the node says (HELLO, which an ACL that allows
// @connection allows, unlike ROLE); "" when it does not say.
absl::StatusOr<std::string> RoleOf(RedisConnection* connection) {
  absl::StatusOr<RedisReply> hello = connection->Command({"HELLO", "2"});
  if (!hello.ok()) return hello.status();
  for (size_t i = 0; i + 1 < hello->elements.size(); i += 2) {
    if (hello->elements[i].str == "role") return hello->elements[i + 1].str;
  }
  return std::string();
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

RedisAddress RedisTarget::Map(const RedisAddress& announced) const {
  for (const auto& [from, to] : address_map) {
    if (from == announced) return to;
  }
  return announced;
}

SlotClient::SlotClient(RedisTarget target, int slot)
    : target_(std::move(target)), slot_(slot), timeout_(target_.timeout) {}

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
  replication_id_.clear();
}

std::string SlotClient::node() {
  std::lock_guard<std::mutex> lock(mu_);
  return connection_ ? connection_->address().ToString() : "";
}

void SlotClient::Adopt(std::unique_ptr<RedisConnection> connection) {
  std::string id;
  absl::StatusOr<RedisReply> info = connection->Command({"INFO", "replication"});
  if (info.ok() && info->type == RedisReply::Type::kString) {
    for (absl::string_view line : absl::StrSplit(info->str, absl::ByAnyChar("\r\n"))) {
      if (absl::ConsumePrefix(&line, "master_replid:")) id = std::string(line);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  connection_ = std::move(connection);
  replication_id_ = std::move(id);
  ++connections_;
}

absl::StatusOr<RedisAddress> SlotClient::FindOwner(RedisConnection* connection) {
  absl::StatusOr<RedisReply> slots = connection->Command({"CLUSTER", "SLOTS"});
  if (!slots.ok()) return slots.status();
  if (slots->is_error()) {
    // Not a cluster: the server itself, if it is a master (among several
    // endpoints, a failover may have made another one the master).
    absl::StatusOr<std::string> role = RoleOf(connection);
    if (!role.ok()) return role.status();
    if (*role == "replica") {
      return absl::UnavailableError(
          absl::StrCat("Redis at ", connection->address().ToString(), " is a replica"));
    }
    return connection->address();
  }
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
    return target_.Map(owner);
  }
  return absl::UnavailableError(absl::StrCat("no node of the Redis Cluster at ",
                                             connection->address().ToString(), " serves slot ",
                                             slot_));
}

absl::StatusOr<std::unique_ptr<RedisConnection>> SlotClient::ConnectThroughSentinel(
    const RedisAddress& sentinel) {
  absl::StatusOr<std::unique_ptr<RedisConnection>> asked =
      RedisConnection::Open(sentinel, target_.sentinel_auth, timeout_);
  if (!asked.ok()) return asked.status();
  absl::StatusOr<RedisReply> named = (*asked)->Command(
      {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", target_.sentinel_master});
  if (!named.ok()) return named.status();
  if (named->is_error()) {
    return absl::UnavailableError(
        absl::StrCat("Sentinel at ", sentinel.ToString(), ": ", named->str));
  }
  int port = 0;
  if (named->type != RedisReply::Type::kArray || named->elements.size() != 2 ||
      !absl::SimpleAtoi(named->elements[1].str, &port) || port <= 0 || port > 65535) {
    return absl::UnavailableError(absl::StrCat("Sentinel at ", sentinel.ToString(),
                                               " knows no master \"", target_.sentinel_master,
                                               "\""));
  }
  const RedisAddress master = target_.Map({named->elements[0].str, port});
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Open(master, target_.auth, timeout_);
  if (!connection.ok()) return connection.status();
  // A Sentinel that has not seen a failover yet names the old master, which
  // may be back as a replica.
  absl::StatusOr<std::string> role = RoleOf(connection->get());
  if (!role.ok()) return role.status();
  if (*role == "replica") {
    return absl::UnavailableError(absl::StrCat("Redis at ", master.ToString(),
                                               ", named master \"", target_.sentinel_master,
                                               "\" by Sentinel ", sentinel.ToString(),
                                               ", is not a master (failover in progress?)"));
  }
  return connection;
}

absl::Status SlotClient::Connect() {
  absl::Status last = absl::UnavailableError("no Redis address given");
  for (size_t attempt = 0; attempt < target_.seeds.size(); ++attempt) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (interrupted_) return absl::CancelledError("closing");
    }
    const RedisAddress& seed = target_.seeds[next_seed_];
    absl::StatusOr<std::unique_ptr<RedisConnection>> connection;
    if (!target_.sentinel_master.empty()) {
      connection = ConnectThroughSentinel(seed);
    } else {
      connection = RedisConnection::Open(seed, target_.auth, timeout_);
      if (connection.ok() && slot_ >= 0) {
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
          connection = owner.status();
        } else if (!(*owner == (*connection)->address())) {
          connection = RedisConnection::Open(*owner, target_.auth, timeout_);
        }
      }
    }
    if (!connection.ok()) {
      last = connection.status();
      // Bad credentials are not a node being down: say so at once.
      if (!absl::IsUnavailable(last)) return last;
      next_seed_ = (next_seed_ + 1) % target_.seeds.size();
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (interrupted_) return absl::CancelledError("closing");
    }
    Adopt(std::move(*connection));
    return absl::OkStatus();
  }
  return last;
}

absl::StatusOr<std::vector<RedisReply>> SlotClient::Pipeline(
    const std::vector<RedisCommand>& commands) {
  return Send(commands, 0, absl::ZeroDuration(), nullptr);
}

absl::StatusOr<std::vector<RedisReply>> SlotClient::PipelineReplicated(
    const std::vector<RedisCommand>& commands, int replicas, absl::Duration wait,
    int* replicated) {
  *replicated = std::numeric_limits<int>::max();
  return Send(commands, replicas, wait, replicated);
}

absl::StatusOr<std::vector<RedisReply>> SlotClient::Send(const std::vector<RedisCommand>& commands,
                                                         int replicas, absl::Duration wait,
                                                         int* replicated) {
  const bool waits = replicas > 0;
  const RedisCommand wait_command = {"WAIT", std::to_string(replicas),
                                     std::to_string(absl::ToInt64Milliseconds(wait))};
  // The reply of a WAIT that ends `got`, removed from it.
  auto take_wait = [&](std::vector<RedisReply>* got) {
    if (!waits || got->empty()) return;
    const RedisReply& reply = got->back();
    // An error (an ACL without WAIT) counts as no replica.
    const int count = reply.type == RedisReply::Type::kInteger
                          ? static_cast<int>(std::min<long long>(reply.integer, INT32_MAX))
                          : 0;
    *replicated = std::min(*replicated, count);
    got->pop_back();
  };
  std::vector<RedisReply> replies(commands.size());
  // Indexes of the commands still to send, and where (empty: the owner).
  std::vector<size_t> todo(commands.size());
  for (size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  for (int round = 0; !todo.empty(); ++round) {
    if (round > kMaxRedirections) {
      Reset();
      return absl::UnavailableError(absl::StrCat("Redis redirections for slot ", slot_,
                                                 " did not settle"));
    }
    const bool reused = connection_ != nullptr;
    if (!connection_) {
      absl::Status connected = Connect();
      if (!connected.ok()) return connected;
    }
    std::vector<RedisCommand> batch;
    for (size_t i : todo) batch.push_back(commands[i]);
    if (waits) {
      batch.push_back(wait_command);
      // WAIT blocks up to `wait` before it replies.
      connection_->SetTimeout(timeout_ + wait);
    }
    absl::StatusOr<std::vector<RedisReply>> got = connection_->Pipeline(batch);
    if (!got.ok() && reused) {
      // A connection that sat idle may have been closed by a server that
      // restarted since: one more try on a new one. (A command that did run
      // runs twice; the store's writes are idempotent.)
      Reset();
      absl::Status connected = Connect();
      if (!connected.ok()) return connected;
      if (waits) connection_->SetTimeout(timeout_ + wait);
      got = connection_->Pipeline(batch);
    }
    if (!got.ok()) {
      Reset();
      return got.status();
    }
    if (waits) connection_->SetTimeout(timeout_);
    take_wait(&*got);
    std::vector<size_t> again;
    bool moved = false, wait_retry = false, demoted = false;
    RedisAddress moved_to;
    for (size_t j = 0; j < todo.size(); ++j) {
      RedisReply& reply = (*got)[j];
      const std::string_view code = reply.ErrorCode();
      RedisAddress target;
      if (code == "MOVED" && RedirectTarget(reply, connection_->address(), &target)) {
        moved = true;
        moved_to = target_.Map(target);
        again.push_back(todo[j]);
      } else if (code == "TRYAGAIN") {
        wait_retry = true;
        again.push_back(todo[j]);
      } else if (code == "READONLY") {
        // A replica now (a failover demoted it): the command did not run.
        demoted = true;
        again.push_back(todo[j]);
      } else if (code == "ASK" && RedirectTarget(reply, connection_->address(), &target)) {
        // Only this command, once, goes to the importing node.
        absl::StatusOr<std::unique_ptr<RedisConnection>> other =
            RedisConnection::Open(target_.Map(target), target_.auth, timeout_);
        if (!other.ok()) {
          Reset();
          return other.status();
        }
        std::vector<RedisCommand> asking = {{"ASKING"}, commands[todo[j]]};
        if (waits) {
          asking.push_back(wait_command);
          (*other)->SetTimeout(timeout_ + wait);
        }
        absl::StatusOr<std::vector<RedisReply>> asked = (*other)->Pipeline(asking);
        if (!asked.ok()) return asked.status();
        take_wait(&*asked);
        const std::string_view asked_code = (*asked)[1].ErrorCode();
        if (asked_code == "TRYAGAIN" || asked_code == "MOVED" || asked_code == "ASK") {
          wait_retry = asked_code == "TRYAGAIN";
          again.push_back(todo[j]);
        } else {
          replies[todo[j]] = std::move((*asked)[1]);
        }
      } else {
        if (code == "UNBLOCKED") demoted = true;  // A blocked read ended by a role change.
        replies[todo[j]] = std::move(reply);
      }
    }
    // MOVED: the slot has a new owner, which the node named (it knows: the
    // slot just left it). If that node cannot be reached, the next call asks
    // the seeds again.
    if (moved) {
      Reset();
      absl::StatusOr<std::unique_ptr<RedisConnection>> owner =
          RedisConnection::Open(moved_to, target_.auth, timeout_);
      if (!owner.ok() && !absl::IsUnavailable(owner.status())) return owner.status();
      if (owner.ok()) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (interrupted_) return absl::CancelledError("closing");
        }
        Adopt(std::move(*owner));
      }
    }
    // The master moved to another node: the seeds (or Sentinels) name it,
    // once the failover is over.
    if (demoted) Reset();
    if (wait_retry || (demoted && !again.empty())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10 * (round + 1)));
    }
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
