// The Redis store against a real redis-server on a loopback port: loading,
// sharing between jars, conflicts, no echoes, foreign layouts, credentials,
// outages and stalls, the bounded queue, limits across jars.

#include "cookiejar/redis/redis_cookie_store.h"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/internal/redis_layout.h"
#include "tests/redis_server.h"

namespace cookiejar {
namespace {

using testing::RedisServer;
using testing::RedisServerOptions;

// Every cookie of a jar with what the fleet must agree on, sorted.
std::set<std::string> Contents(CookieJar& jar) {
  std::set<std::string> out;
  for (const CanonicalCookie& c : jar.GetAllCookies()) {
    out.insert(absl::StrCat(redis_internal::CookieKey(c), "=", c.value, " exp ",
                            absl::ToUnixMicros(c.expiry), c.secure ? " s" : "",
                            c.http_only ? " h" : ""));
  }
  return out;
}

// The name=value pairs a request to `url` would send, sorted.
std::set<std::string> Sent(CookieJar& jar, const std::string& url) {
  std::set<std::string> out;
  for (const CanonicalCookie& c : jar.GetCookies(*Url::Parse(url))) {
    out.insert(c.name + "=" + c.value);
  }
  return out;
}

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// Each test declares its jars before the stores: a store changes its jars
// from its own threads, so it must be gone (or the jar detached) before a
// jar is destroyed.
class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server_.Start(RedisServerOptions(), &error)) << error;
    options_.endpoints = {server_.endpoint()};
    options_.retry_interval = absl::Milliseconds(20);
    options_.io_timeout = absl::Milliseconds(500);
  }

  std::unique_ptr<RedisCookieStore> Connect(RedisStoreOptions options) {
    auto store = RedisCookieStore::Connect(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  std::unique_ptr<RedisCookieStore> Connect() { return Connect(options_); }

  RedisServer server_;
  RedisStoreOptions options_;
};

TEST_F(RedisStoreTest, LoadsWhatAnotherJarWrote) {
  CookieJar a;
  CookieJar b;
  CookieJar other;
  auto writer = Connect();
  ASSERT_TRUE(writer->Attach(&a, "bank").ok());
  a.SetCookie("https://bank.example/login", "session=abc; Secure; HttpOnly");
  a.SetCookie("https://bank.example/", "lang=en; Max-Age=3600; Domain=bank.example");
  // Quotes, a space, a comma and UTF-8 in the value (a tab would be refused
  // by the Chromium profile).
  a.SetCookie("https://shop.example/cart/x", "cart=\"1 2,3\" \xc3\xa9; Path=/cart");
  const Url top = *Url::Parse("https://top.example/");
  CookieOptions embedded;
  embedded.top_level_url = &top;
  ASSERT_TRUE(a.SetCookie("https://embed.example/",
                          "__Host-p=1; Secure; Path=/; SameSite=None; Partitioned", embedded)
                  .IsInclude());
  ASSERT_EQ(a.size(), 4u);
  ASSERT_TRUE(writer->Flush().ok());

  auto reader = Connect();
  AttachReport report;
  absl::StatusOr<size_t> loaded = reader->Attach(&b, "bank", &report);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, a.size());
  EXPECT_TRUE(report.refused.empty());
  EXPECT_EQ(Contents(b), Contents(a));
  EXPECT_EQ(*b.GetCookieHeader("https://bank.example/login"), "session=abc; lang=en");

  // Another profile in the same Redis is another jar.
  ASSERT_TRUE(reader->Attach(&other, "other").ok());
  EXPECT_EQ(other.size(), 0u);
}

TEST_F(RedisStoreTest, ChangesReachAttachedJarsWithoutEchoes) {
  CookieJar a, b;
  RedisStoreOptions options = options_;
  options.flush_interval = absl::Hours(1);  // Only Flush() writes: counts are exact.
  auto store_a = Connect(options);
  auto store_b = Connect(options);
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  for (int i = 0; i < 50; ++i) {
    a.SetCookie("https://site.example/", absl::StrCat("c", i, "=v", i, "; Max-Age=600"));
  }
  ASSERT_TRUE(store_a->Flush().ok());
  a.SetCookie("https://site.example/", "c3=; Max-Age=0");
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(WaitFor([&] { return Contents(b) == Contents(a); }));
  EXPECT_EQ(b.size(), 49u);
  // b's own lookups come from memory and its jar applied every change; it
  // wrote none of them back.
  ASSERT_TRUE(store_b->Sync(&b).ok());
  EXPECT_EQ(store_b->stats(&b).written, 0u);
  EXPECT_EQ(store_b->stats(&b).applied, 51u);
  EXPECT_EQ(store_a->stats(&a).written, 51u);
  // Nor did a write back what it got from b.
  b.SetCookie("https://site.example/", "fromb=1");
  ASSERT_TRUE(store_b->Flush().ok());
  ASSERT_TRUE(store_a->Sync(&a).ok());
  EXPECT_EQ(*a.GetCookieHeader("https://site.example/x"), *b.GetCookieHeader("https://site.example/x"));
  EXPECT_EQ(store_a->stats(&a).written, 51u);
  EXPECT_EQ(store_b->stats(&b).written, 1u);
}

TEST_F(RedisStoreTest, NewestChangeWinsEverywhere) {
  CookieJar a, b;
  RedisStoreOptions slow = options_;
  slow.flush_interval = absl::Hours(1);  // Only Flush() writes.
  auto store_a = Connect(slow);
  auto store_b = Connect(slow);
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  // a's change is older but reaches Redis last: Redis refuses it and a takes
  // b's value.
  a.SetCookie("https://x.example/", "k=from-a");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  b.SetCookie("https://x.example/", "k=from-b");
  ASSERT_TRUE(store_b->Flush().ok());
  ASSERT_TRUE(store_a->Flush().ok());
  EXPECT_EQ(store_a->stats(&a).superseded, 1u);
  ASSERT_TRUE(store_a->Sync(&a).ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  EXPECT_EQ(*a.GetCookieHeader("https://x.example/"), "k=from-b");
  EXPECT_EQ(*b.GetCookieHeader("https://x.example/"), "k=from-b");
  // A newer change of a wins in turn, deletions included.
  a.SetCookie("https://x.example/", "k=; Max-Age=0");
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(store_a->stats(&a).superseded, 1u);
}

TEST_F(RedisStoreTest, RefusesForeignAndNewerLayouts) {
  CookieJar jar;
  auto store = Connect();
  ASSERT_TRUE(server_.Command({"SET", "cookiejar:{str}:meta", "x"}).ok());
  absl::StatusOr<size_t> attached = store->Attach(&jar, "str");
  EXPECT_EQ(attached.status().code(), absl::StatusCode::kFailedPrecondition) << attached.status();

  ASSERT_TRUE(server_.Command({"HSET", "cookiejar:{other}:meta", "layout", "sessions"}).ok());
  attached = store->Attach(&jar, "other");
  EXPECT_EQ(attached.status().code(), absl::StatusCode::kFailedPrecondition) << attached.status();

  ASSERT_TRUE(server_.Command({"HSET", "cookiejar:{new}:meta", "layout", "cookiejar", "schema",
                               "2", "version", "0"})
                  .ok());
  attached = store->Attach(&jar, "new");
  EXPECT_EQ(attached.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(attached.status().message().find("schema"), std::string::npos) << attached.status();

  ASSERT_TRUE(server_.Command({"RPUSH", "cookiejar:{list}:cookies", "x"}).ok());
  attached = store->Attach(&jar, "list");
  EXPECT_EQ(attached.status().code(), absl::StatusCode::kFailedPrecondition) << attached.status();

  EXPECT_EQ(store->Attach(&jar, "a{b}").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Attach(&jar, "").status().code(), absl::StatusCode::kInvalidArgument);
  // Nothing was written for the refused profiles.
  absl::StatusOr<redis_internal::RedisReply> keys = server_.Command({"KEYS", "*"});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->elements.size(), 4u);
}

TEST_F(RedisStoreTest, RefusesMalformedRecordsAndKeepsThem) {
  CookieJar a;
  CookieJar b;
  auto store = Connect();
  ASSERT_TRUE(store->Attach(&a, "p").ok());
  a.SetCookie("https://ok.example/", "good=1; Max-Age=600");
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(server_.Command({"HSET", "cookiejar:{p}:cookies", "bad\nx\n1\n/\n", "garbage"}).ok());
  auto store_b = Connect();
  AttachReport report;
  ASSERT_TRUE(store_b->Attach(&b, "p", &report).ok());
  EXPECT_EQ(report.loaded, 1u);
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].find("garbage"), std::string::npos);  // Values never shown.
  absl::StatusOr<redis_internal::RedisReply> len =
      server_.Command({"HLEN", "cookiejar:{p}:cookies"});
  EXPECT_EQ(len->integer, 2);
}

TEST_F(RedisStoreTest, PasswordAndAclUser) {
  CookieJar a, b;
  CookieJar c;
  RedisServer secured;
  RedisServerOptions server_options;
  server_options.password = "s3cret-pass";
  server_options.acl_user = "crawler";
  server_options.acl_password = "crawler-pass";
  // What docs/fleet.md says the crawler's user needs, and no more.
  server_options.acl_rules = {"~cookiejar:*", "+@read", "+@write", "+@scripting",
                              "+@connection", "+time", "+cluster|slots"};
  std::string error;
  ASSERT_TRUE(secured.Start(server_options, &error)) << error;
  RedisStoreOptions options = options_;
  options.endpoints = {secured.endpoint()};

  auto none = RedisCookieStore::Connect(options);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kUnauthenticated) << none.status();
  options.password = "wrong";
  auto wrong = RedisCookieStore::Connect(options);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnauthenticated) << wrong.status();
  EXPECT_EQ(std::string(wrong.status().message()).find("wrong"), std::string::npos);

  options.password = "s3cret-pass";
  auto by_password = Connect(options);
  options.user = "crawler";
  options.password = "crawler-pass";
  auto by_user = Connect(options);
  ASSERT_TRUE(by_password && by_user);
  ASSERT_TRUE(by_password->Attach(&a, "p").ok());
  ASSERT_TRUE(by_user->Attach(&b, "p").ok());
  a.SetCookie("https://x.example/", "k=v");
  ASSERT_TRUE(WaitFor([&] { return b.size() == 1; }));
  b.SetCookie("https://x.example/", "k=; Max-Age=0");
  ASSERT_TRUE(by_user->Flush().ok()) << by_user->last_error();
  ASSERT_TRUE(WaitFor([&] { return a.size() == 0; }));
  // The user's rules do not reach keys outside the store's prefix.
  RedisStoreOptions other = options;
  other.key_prefix = "elsewhere:";
  auto outside = Connect(other);
  EXPECT_EQ(outside->Attach(&c, "p").status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(RedisStoreTest, KeepsServingDuringAnOutageAndCatchesUpBothWays) {
  CookieJar a, b;
  CookieJar c;
  auto store_a = Connect();
  auto store_b = Connect();
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  a.SetCookie("https://x.example/", "before=1");
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(WaitFor([&] { return b.size() == 1; }));

  server_.Kill();
  a.SetCookie("https://x.example/", "during_a=1");
  b.SetCookie("https://x.example/", "during_b=1");
  b.SetCookie("https://x.example/", "before=; Max-Age=0");
  EXPECT_EQ(*a.GetCookieHeader("https://x.example/"), "before=1; during_a=1");
  EXPECT_EQ(store_a->Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(store_a->stats(&a).connected);
  EXPECT_EQ(store_b->stats(&b).pending, 2u);

  std::string error;
  ASSERT_TRUE(server_.Restart(&error)) << error;
  ASSERT_TRUE(WaitFor([&] { return Contents(a) == Contents(b) && a.size() == 2; }));
  EXPECT_EQ(*a.GetCookieHeader("https://x.example/"), "during_a=1; during_b=1");
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Flush().ok());
  // And a jar loaded now sees the same.
  auto store_c = Connect();
  ASSERT_TRUE(store_c->Attach(&c, "p").ok());
  EXPECT_EQ(Contents(c), Contents(a));
}

// A stall is not a closed connection: requests go unanswered until the
// timeout, and what was sent is executed late, when the server resumes.
TEST_F(RedisStoreTest, KeepsServingThroughAStallAndCatchesUpBothWays) {
  CookieJar a, b;
  CookieJar c;
  auto store_a = Connect();
  auto store_b = Connect();
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  a.SetCookie("https://x.example/", "before=1");
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(WaitFor([&] { return b.size() == 1; }));

  server_.Pause();
  a.SetCookie("https://x.example/", "during_a=1");
  b.SetCookie("https://x.example/", "during_b=1");
  b.SetCookie("https://x.example/", "before=2");
  using Pairs = std::set<std::string>;
  EXPECT_EQ(Sent(a, "https://x.example/"), (Pairs{"before=1", "during_a=1"}));
  EXPECT_EQ(Sent(b, "https://x.example/"), (Pairs{"before=2", "during_b=1"}));
  // Flush gives up after io_timeout; the write it asked for times out in
  // the background.
  EXPECT_EQ(store_a->Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(WaitFor([&] { return !store_a->stats(&a).connected; }));

  server_.Resume();
  ASSERT_TRUE(WaitFor([&] { return Contents(a) == Contents(b) && a.size() == 3; }));
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Flush().ok());
  ASSERT_TRUE(store_a->Sync(&a).ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  // b's change of `before` was the newer one.
  EXPECT_EQ(Sent(a, "https://x.example/"), (Pairs{"before=2", "during_a=1", "during_b=1"}));
  EXPECT_EQ(Contents(a), Contents(b));
  auto store_c = Connect();
  ASSERT_TRUE(store_c->Attach(&c, "p").ok());
  EXPECT_EQ(Contents(c), Contents(a));
}

TEST_F(RedisStoreTest, BoundedQueueReportsDropsAndReloads) {
  CookieJar a, b;
  RedisStoreOptions options = options_;
  options.max_pending = 5;
  auto store_a = Connect(options);
  auto store_b = Connect();
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  b.SetCookie("https://x.example/", "shared=1");
  ASSERT_TRUE(store_b->Flush().ok());
  ASSERT_TRUE(WaitFor([&] { return a.size() == 1; }));

  server_.Kill();
  for (int i = 0; i < 8; ++i) a.SetCookie("https://x.example/", absl::StrCat("c", i, "=1"));
  EXPECT_EQ(store_a->stats(&a).dropped, 3u);
  EXPECT_EQ(store_a->last_error().code(), absl::StatusCode::kResourceExhausted);
  std::string error;
  ASSERT_TRUE(server_.Restart(&error)) << error;
  // Once: the queue was full.
  absl::Status flushed;
  ASSERT_TRUE(WaitFor([&] {
    flushed = store_a->Flush();
    return !absl::IsUnavailable(flushed);
  }));
  EXPECT_EQ(flushed.code(), absl::StatusCode::kResourceExhausted) << flushed;
  flushed = store_a->Flush();
  EXPECT_TRUE(flushed.ok()) << flushed;
  // The jar was reloaded: it holds what the fleet holds (the five queued
  // changes and the shared cookie), not the dropped ones.
  ASSERT_TRUE(WaitFor([&] { return store_a->stats(&a).reloads == 1; }));
  ASSERT_TRUE(store_b->Sync(&b).ok());
  ASSERT_TRUE(store_a->Sync(&a).ok());
  EXPECT_EQ(a.size(), 6u);
  EXPECT_EQ(Contents(a), Contents(b));
}

TEST_F(RedisStoreTest, LimitsHoldAcrossJars) {
  CookieJar a, b;  // Chromium: 180 cookies a site, evicted down to 150.
  RedisStoreOptions options = options_;
  options.flush_interval = absl::Hours(1);  // Only Flush() writes: batches are known.
  auto store_a = Connect(options);
  auto store_b = Connect(options);
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  for (int i = 0; i < 150; ++i) {
    a.SetCookie("https://big.example/", absl::StrCat("z", i, "=1; Max-Age=600"));
  }
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  // The 181st cookie makes a evict the 31 oldest (down to 150): one batch
  // holds the 50 sets and the 31 evictions, the sets first in key order
  // ('a' < 'z').
  for (int i = 0; i < 50; ++i) {
    a.SetCookie("https://big.example/", absl::StrCat("a", i, "=1; Max-Age=600"));
  }
  EXPECT_EQ(a.size(), 169u);
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  EXPECT_EQ(Contents(b), Contents(a));
  // b replayed a's evictions before a's sets: it never went over the limit
  // and evicted nothing on its own (it would have written its evictions).
  EXPECT_EQ(store_b->stats(&b).written, 0u);
  // Redis holds the same cookies.
  absl::StatusOr<redis_internal::RedisReply> len =
      server_.Command({"HLEN", "cookiejar:{p}:cookies"});
  EXPECT_EQ(static_cast<size_t>(len->integer), a.size());
}

// Redis comes back without the last changes it had acknowledged (a lost AOF
// tail, a failover), and a worker writes new changes under the same
// versions before the others reconnect: the others must not take the new
// history for the one they had followed.
TEST_F(RedisStoreTest, LostChangesRewrittenUnderTheSameVersionsAreNoticed) {
  CookieJar a, b, c;
  RedisStoreOptions options = options_;
  options.flush_interval = absl::Hours(1);  // Only Flush() writes: versions are known.
  auto store_a = Connect(options);
  auto store_b = Connect(options);
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  ASSERT_TRUE(store_b->Attach(&b, "p").ok());
  for (int i = 0; i < 5; ++i) a.SetCookie("https://x.example/", absl::StrCat("kept", i, "=1"));
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  const std::vector<std::string> keys = {"cookiejar:{p}:meta", "cookiejar:{p}:cookies",
                                         "cookiejar:{p}:tombs", "cookiejar:{p}:log"};
  std::vector<redis_internal::RedisReply> snapshot;  // Redis at version 5 (nil: no key).
  for (const std::string& key : keys) {
    absl::StatusOr<redis_internal::RedisReply> dumped = server_.Command({"DUMP", key});
    ASSERT_TRUE(dumped.ok() && !dumped->is_error());
    snapshot.push_back(*dumped);
  }
  for (int i = 0; i < 5; ++i) a.SetCookie("https://x.example/", absl::StrCat("lost", i, "=1"));
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  ASSERT_EQ(store_b->stats(&b).version, 10u);

  // Versions 6 to 10 are lost; c writes five other changes as 6 to 10.
  // (a and b stay blocked reading after version 10: nothing reaches them.)
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StatusOr<redis_internal::RedisReply> restored =
        snapshot[i].type == redis_internal::RedisReply::Type::kNil
            ? server_.Command({"DEL", keys[i]})
            : server_.Command({"RESTORE", keys[i], "0", snapshot[i].str, "REPLACE"});
    ASSERT_TRUE(restored.ok() && !restored->is_error()) << keys[i];
  }
  {
    auto store_c = Connect(options);
    ASSERT_TRUE(store_c->Attach(&c, "p").ok());
    for (int i = 0; i < 5; ++i) c.SetCookie("https://x.example/", absl::StrCat("new", i, "=1"));
    ASSERT_TRUE(store_c->Flush().ok());
    ASSERT_TRUE(store_c->Detach(&c).ok());
  }
  // The restart: every connection drops, a and b reconnect.
  ASSERT_TRUE(server_.Command({"CLIENT", "KILL", "TYPE", "normal"}).ok());
  ASSERT_TRUE(WaitFor([&] { return store_a->stats(&a).reloads == 1 && store_b->stats(&b).reloads == 1; }));
  ASSERT_TRUE(store_a->Sync(&a).ok());
  ASSERT_TRUE(store_b->Sync(&b).ok());
  EXPECT_EQ(Contents(a), Contents(c));
  EXPECT_EQ(Contents(b), Contents(c));
  EXPECT_EQ(c.size(), 10u);
}

TEST_F(RedisStoreTest, DeletedProfileEmptiesAttachedJars) {
  CookieJar a;
  auto store_a = Connect();
  ASSERT_TRUE(store_a->Attach(&a, "p").ok());
  for (int i = 0; i < 10; ++i) a.SetCookie("https://x.example/", absl::StrCat("c", i, "=1"));
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_a->DeleteProfile("p").ok());
  // Redis holds an older version than the jar: the jar reloads.
  ASSERT_TRUE(WaitFor([&] { return a.size() == 0; }));
  EXPECT_EQ(store_a->stats(&a).reloads, 1u);
  a.SetCookie("https://x.example/", "after=1");
  ASSERT_TRUE(store_a->Flush().ok());
  absl::StatusOr<redis_internal::RedisReply> len =
      server_.Command({"HLEN", "cookiejar:{p}:cookies"});
  EXPECT_EQ(len->integer, 1);
}

TEST_F(RedisStoreTest, AttachUploadsTheJarsOwnCookiesAndExpiresStaleOnes) {
  CookieJar seeded;
  CookieJar b;
  seeded.SetCookie("https://x.example/", "seed=1; Max-Age=600");
  auto store = Connect();
  AttachReport report;
  ASSERT_TRUE(store->Attach(&seeded, "p", &report).ok());
  EXPECT_EQ(report.uploaded, 1u);
  ASSERT_TRUE(store->Flush().ok());
  // A stored cookie that expired since: deleted from Redis on load.
  CanonicalCookie old = seeded.GetAllCookies()[0];
  old.name = "old";
  old.expiry = absl::Now() - absl::Hours(1);
  old.creation = absl::Now() - absl::Hours(2);
  ASSERT_TRUE(server_.Command({"HSET", "cookiejar:{p}:cookies", redis_internal::CookieKey(old),
                               absl::StrCat("99\n1\n", redis_internal::EncodeCookie(old))})
                  .ok());
  auto store_b = Connect();
  ASSERT_TRUE(store_b->Attach(&b, "p", &report).ok());
  EXPECT_EQ(report.loaded, 1u);
  EXPECT_EQ(report.expired, 1u);
  ASSERT_TRUE(store_b->Flush().ok());
  absl::StatusOr<redis_internal::RedisReply> len =
      server_.Command({"HLEN", "cookiejar:{p}:cookies"});
  EXPECT_EQ(len->integer, 1);
}

}  // namespace
}  // namespace cookiejar
