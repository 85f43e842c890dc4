// The Redis store with a key ring (RedisStoreOptions::encryption), against a
// real redis-server: Redis never sees a name, domain or value; a wrong key
// is refused at Attach with nothing written; a record that does not open is
// reported, never applied, and deletes nothing; keys rotate while jars stay
// attached.

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "cookiejar/redis_cookie_store.h"
#include "persistence/internal/redis_layout.h"
#include "persistence/internal/sealing.h"
#include "tests/redis_fleet_ops.h"
#include "tests/redis_server.h"

namespace cookiejar {
namespace {

using fleet::TestKeyRing;
using persistence_internal::Sealer;
using redis_internal::RedisReply;
using testing::RedisServer;

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

class RedisSealedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server_.Start({}, &error)) << error;
  }

  RedisStoreOptions Options(const std::string& keys) {
    RedisStoreOptions options;
    options.endpoints = {server_.endpoint()};
    options.retry_interval = absl::Milliseconds(20);
    options.io_timeout = absl::Milliseconds(500);
    options.flush_interval = absl::Hours(1);  // Only Flush() writes.
    if (!keys.empty()) options.encryption = TestKeyRing(keys);
    return options;
  }
  std::unique_ptr<RedisCookieStore> Connect(const std::string& keys) {
    auto store = RedisCookieStore::Connect(Options(keys));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  // Every byte Redis holds for profile "p" (keys, fields, values, entries).
  std::string Dump() {
    std::string out;
    const redis_internal::ProfileKeys keys = redis_internal::KeysOf("cookiejar:", "p");
    for (const auto& command : std::vector<redis_internal::RedisCommand>{
             {"HGETALL", keys.meta}, {"HGETALL", keys.cookies},
             {"ZRANGE", keys.tombs, "0", "-1"}, {"XRANGE", keys.log, "-", "+"}}) {
      absl::StatusOr<RedisReply> reply = server_.Command(command);
      if (reply.ok()) Append(*reply, &out);
    }
    return out;
  }
  static void Append(const RedisReply& reply, std::string* out) {
    absl::StrAppend(out, reply.str, "|");
    for (const RedisReply& e : reply.elements) Append(e, out);
  }
  std::string Meta(const std::string& field) {
    absl::StatusOr<RedisReply> reply =
        server_.Command({"HGET", redis_internal::KeysOf("cookiejar:", "p").meta, field});
    return reply.ok() ? reply->str : "";
  }
  // The key id of every sealed record of profile "p".
  std::set<std::string> SealedWith() {
    std::set<std::string> out;
    absl::StatusOr<RedisReply> all =
        server_.Command({"HGETALL", redis_internal::KeysOf("cookiejar:", "p").cookies});
    for (size_t i = 0; all.ok() && i + 1 < all->elements.size(); i += 2) {
      const std::string& record = all->elements[i + 1].str;
      const size_t body = record.find('\n', record.find('\n') + 1) + 1;
      out.insert(std::string(Sealer::KeyIdOf(std::string_view(record).substr(body))));
    }
    return out;
  }

  RedisServer server_;
};

TEST_F(RedisSealedStoreTest, RedisSeesNoNameDomainOrValue) {
  CookieJar a, b;
  auto store_a = Connect("k1");
  auto store_b = Connect("k1");
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  a.SetCookie("https://bank.example/login", "sessionid=TOKEN-4711; Secure; HttpOnly");
  a.SetCookie("https://bank.example/", "doomed=TOKEN-0815");
  ASSERT_TRUE(store_a->Flush().ok());
  a.SetCookie("https://bank.example/", "doomed=; Max-Age=0");  // A deletion in the log.
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  EXPECT_EQ(*b.GetCookieHeader("https://bank.example/login"), "sessionid=TOKEN-4711");
  EXPECT_EQ(b.size(), 1u);

  const std::string dump = Dump();
  EXPECT_TRUE(absl::StrContains(dump, "cookiejar-sealed:"));  // Redis does hold the profile.
  for (const char* secret : {"TOKEN", "sessionid", "doomed", "bank.example", "/login"}) {
    EXPECT_FALSE(absl::StrContains(dump, secret)) << secret;
  }
  // A jar loaded afresh gets the same cookies.
  CookieJar c;
  auto store_c = Connect("k1");
  AttachReport report;
  ASSERT_TRUE(store_c->Attach(&c, "p", &report).ok());
  EXPECT_TRUE(report.refused.empty());
  EXPECT_EQ(*c.GetCookieHeader("https://bank.example/login"), "sessionid=TOKEN-4711");
}

TEST_F(RedisSealedStoreTest, AWrongKeyIsRefusedAtAttachWithNothingWritten) {
  {
    CookieJar a;
    auto store = Connect("k1");
    ASSERT_TRUE(store->Attach(&a, "p").ok());
    a.SetCookie("https://bank.example/", "sid=1");
    ASSERT_TRUE(store->Flush().ok());
  }
  const std::string before = Dump();
  auto refused = [&](RedisStoreOptions options, const std::string& says) {
    CookieJar jar;
    jar.SetCookie("https://other.example/", "mine=1");  // Would be uploaded.
    auto store = RedisCookieStore::Connect(options);
    ASSERT_TRUE(store.ok()) << store.status();
    absl::Status status = (*store)->Attach(&jar, "p").status();
    EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), says)) << status;
    EXPECT_EQ(Dump(), before);
  };
  // No ring for a sealed profile.
  refused(Options(""), "has no key ring");
  // Another name key.
  RedisStoreOptions other_names = Options("k1");
  other_names.encryption.name_key = std::string(32, 'O');
  refused(other_names, "another name key");
  // The same id with another secret.
  RedisStoreOptions impostor = Options("k1");
  impostor.encryption.keys[0].secret = std::string(32, 'x');
  refused(impostor, "not the secret");
  // No key the profile knows.
  refused(Options("k9"), "none of this store's keys");

  // A profile in clear is not sealed by a store with a ring.
  {
    CookieJar clear;
    auto store = Connect("");
    ASSERT_TRUE(store->Attach(&clear, "q").ok());
    clear.SetCookie("https://bank.example/", "sid=1");
    ASSERT_TRUE(store->Flush().ok());
  }
  CookieJar jar;
  auto sealed = Connect("k1");
  absl::Status status = sealed->Attach(&jar, "q").status();
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "in clear")) << status;

  // A malformed ring is refused at Connect, without its secrets.
  RedisStoreOptions short_key = Options("k1");
  short_key.encryption.keys[0].secret = "0123456789";
  absl::Status connect = RedisCookieStore::Connect(short_key).status();
  EXPECT_TRUE(absl::IsInvalidArgument(connect)) << connect;
  EXPECT_FALSE(absl::StrContains(connect.message(), "0123456789"));
}

TEST_F(RedisSealedStoreTest, ARecordThatDoesNotOpenIsReportedNeverAppliedAndDeletesNothing) {
  CookieJar a;
  auto store_a = Connect("k1");
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  a.SetCookie("https://bank.example/", "one=1");
  a.SetCookie("https://bank.example/", "two=2");
  a.SetCookie("https://bank.example/", "three=3");
  ASSERT_TRUE(store_a->Flush().ok());
  const redis_internal::ProfileKeys keys = redis_internal::KeysOf("cookiejar:", "p");
  absl::StatusOr<RedisReply> all = server_.Command({"HGETALL", keys.cookies});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->elements.size(), 6u);
  // Record 0 altered in place; record 1 copied over record 2's field (a
  // valid record, for another cookie).
  std::string altered = all->elements[1].str;
  altered.back() = static_cast<char>(altered.back() ^ 1);
  ASSERT_TRUE(server_.Command({"HSET", keys.cookies, all->elements[0].str, altered}).ok());
  ASSERT_TRUE(
      server_.Command({"HSET", keys.cookies, all->elements[4].str, all->elements[3].str}).ok());

  CookieJar b;
  b.SetCookie("https://bank.example/", "one=mine");  // The jar's own copy stays.
  auto store_b = Connect("k1");
  AttachReport report;
  absl::StatusOr<size_t> loaded = store_b->Attach(&b, "p", &report);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, 1u);
  ASSERT_EQ(report.refused.size(), 2u);
  for (const std::string& reason : report.refused) {
    EXPECT_TRUE(absl::StrContains(reason, "does not open with key \"k1\"")) << reason;
  }
  // The records are still there, as they were; the attacked cookies were
  // neither applied nor deleted anywhere.
  absl::StatusOr<RedisReply> after = server_.Command({"HGETALL", keys.cookies});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->elements.size(), 6u);
  EXPECT_EQ(a.size(), 3u);

  // A forged log entry (a record of another profile's cookie, under the
  // next version): skipped and reported by every follower, never applied.
  CookieJar other;
  auto store_other = Connect("k1");
  ASSERT_TRUE(store_other->Attach(&other, "elsewhere").ok());
  other.SetCookie("https://bank.example/", "one=forged");
  ASSERT_TRUE(store_other->Flush().ok());
  absl::StatusOr<RedisReply> foreign =
      server_.Command({"HGETALL", redis_internal::KeysOf("cookiejar:", "elsewhere").cookies});
  ASSERT_TRUE(foreign.ok() && foreign->elements.size() == 2u);
  absl::StatusOr<RedisReply> version = server_.Command({"HINCRBY", keys.meta, "version", "1"});
  ASSERT_TRUE(version.ok());
  const std::string record = foreign->elements[1].str;
  const std::string forged = absl::StrCat(version->integer, record.substr(record.find('\n')));
  ASSERT_TRUE(server_
                  .Command({"XADD", keys.log, absl::StrCat(version->integer, "-0"), "k",
                            foreign->elements[0].str, "r", forged})
                  .ok());
  ASSERT_TRUE(WaitFor([&] { return absl::IsDataLoss(store_a->last_error()); }));
  EXPECT_TRUE(absl::StrContains(store_a->last_error().message(), "skipped"));
  EXPECT_EQ(*a.GetCookieHeader("https://bank.example/"), "one=1; two=2; three=3");
}

TEST_F(RedisSealedStoreTest, KeysRotateWhileJarsStayAttached) {
  CookieJar a, b;
  auto store_a = Connect("k1");
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  for (int i = 0; i < 20; ++i) {
    a.SetCookie("https://bank.example/", absl::StrCat("c", i, "=old", i));
  }
  ASSERT_TRUE(store_a->Flush().ok());
  EXPECT_EQ(SealedWith(), std::set<std::string>{"k1"});

  // Step 1: b (a process restarted with the new ring) knows k2 but still
  // seals with k1; a keeps working meanwhile.
  auto store_b = Connect("k1,k2");
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  EXPECT_FALSE(Meta("key:k2").empty());
  // Step 2: b restarts sealing with k2 (every process opens it now), and
  // seals again what k1 sealed.
  ASSERT_TRUE(store_b->Detach(&b).ok());
  store_b = Connect("k2,k1");
  AttachReport report;
  ASSERT_TRUE(store_b->Attach(&b, "p", &report).ok());
  EXPECT_TRUE(report.refused.empty());
  ASSERT_TRUE(store_b->Flush().ok());
  EXPECT_EQ(SealedWith(), std::set<std::string>{"k2"});
  b.SetCookie("https://bank.example/", "c0=new");
  ASSERT_TRUE(store_b->Flush().ok());
  // a, which has only k1, cannot open k2's records: it reports them and
  // keeps what it has (this is why every process gets k2 first).
  ASSERT_TRUE(WaitFor([&] { return absl::IsDataLoss(store_a->last_error()); }));
  EXPECT_TRUE(absl::StrContains(a.GetCookieHeader("https://bank.example/").value(), "c0=old0"));
  // a restarts with the new ring and catches up.
  store_a.reset();
  auto store_a2 = Connect("k2,k1");
  CookieJar a2;
  ASSERT_TRUE(store_a2->Attach(&a2, "p").ok());
  EXPECT_EQ(*a2.GetCookieHeader("https://bank.example/"), *b.GetCookieHeader("https://bank.example/"));
  // Step 3: k1 retired: a store with k2 alone loads everything.
  CookieJar c;
  auto store_c = Connect("k2");
  report = AttachReport();
  absl::StatusOr<size_t> loaded = store_c->Attach(&c, "p", &report);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, 20u);
  EXPECT_TRUE(report.refused.empty());
  EXPECT_TRUE(absl::StrContains(*c.GetCookieHeader("https://bank.example/"), "c0=new"));
}

}  // namespace
}  // namespace cookiejar
