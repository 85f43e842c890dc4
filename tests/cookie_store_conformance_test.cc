// The CookieStore contract (cookiejar/cookie_store.h), one typed suite run
// against every store: SQLite (a file), Redis (a real redis-server started
// here) and the in-memory store of tests/memory_cookie_store.h (a third
// backend on the same follower). Attach with the jar's own cookies and into
// an empty jar, detach, reopen, concurrent writers, expiry and eviction
// written as removals that never defeat a newer set, failing writes (queued,
// reported, bounded), shutdown bounded in time. Shared stores (Redis) also
// run the races between writers of one profile.
//
// Jars run on a FakeClock started at the real time, so that cookies expire
// when a test says so; the stores stamp changes with the real clock.

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cookiejar/cookie_store.h"
#include "cookiejar/redis/redis_cookie_store.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/memory_cookie_store.h"
#include "tests/redis_server.h"

namespace cookiejar {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// What a test asks of a store; each kind maps it to its own options.
struct Settings {
  // Only Flush() writes by default: what is written when is then exact.
  absl::Duration flush_interval = absl::Hours(1);
  size_t flush_batch = 100000;
  size_t max_pending = 100000;
};

// --- The stores ---------------------------------------------------------------

class SqliteKind {
 public:
  static constexpr bool kShared = false;
  static constexpr bool kCanStall = false;  // A local file has no network.
  static constexpr const char* kName = "SQLite";

  bool SetUp(std::string* error) {
    static std::atomic<int> counter{0};
    path_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/conformance", ++counter, ".db");
    return true;
  }
  std::unique_ptr<CookieStore> Open(const Settings& settings) {
    SqliteStoreOptions options;
    options.flush_interval = settings.flush_interval;
    options.flush_batch = settings.flush_batch;
    options.max_pending = settings.max_pending;
    options.persist_session_cookies = true;  // As the other stores do.
    auto store = SqliteCookieStore::Open(path_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  // Another program's trigger refuses every write to the table: what a
  // full disk or a foreign lock looks like to the store, an error from
  // SQLite for every transaction.
  void BreakWrites() {
    Exec(
        "CREATE TRIGGER conformance_no_insert BEFORE INSERT ON cookies "
        "BEGIN SELECT RAISE(ABORT, 'writes refused by the test'); END;"
        "CREATE TRIGGER conformance_no_delete BEFORE DELETE ON cookies "
        "BEGIN SELECT RAISE(ABORT, 'writes refused by the test'); END;");
  }
  void RepairWrites() {
    Exec("DROP TRIGGER conformance_no_insert; DROP TRIGGER conformance_no_delete;");
  }
  void Stall() {}
  void Resume() {}
  absl::Duration io_timeout() const { return absl::InfiniteDuration(); }

 private:
  void Exec(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &message), SQLITE_OK)
        << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
  }

  std::string path_;
};

class RedisKind {
 public:
  static constexpr bool kShared = true;
  static constexpr bool kCanStall = true;
  static constexpr const char* kName = "Redis";

  bool SetUp(std::string* error) { return server_.Start(testing::RedisServerOptions(), error); }
  std::unique_ptr<CookieStore> Open(const Settings& settings) {
    RedisStoreOptions options;
    options.endpoints = {server_.endpoint()};
    options.flush_interval = settings.flush_interval;
    options.flush_batch = settings.flush_batch;
    options.max_pending = settings.max_pending;
    options.io_timeout = io_timeout();
    options.retry_interval = absl::Milliseconds(20);
    auto store = RedisCookieStore::Connect(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  void BreakWrites() { server_.Kill(); }
  void RepairWrites() {
    std::string error;
    ASSERT_TRUE(server_.Restart(&error)) << error;
  }
  void Stall() { server_.Pause(); }
  void Resume() { server_.Resume(); }
  absl::Duration io_timeout() const { return absl::Milliseconds(500); }

 private:
  testing::RedisServer server_;
};

class MemoryKind {
 public:
  static constexpr bool kShared = false;
  static constexpr bool kCanStall = true;
  static constexpr const char* kName = "memory";

  bool SetUp(std::string*) { return true; }
  std::unique_ptr<CookieStore> Open(const Settings& settings) {
    testing::MemoryStoreOptions options;
    options.flush_interval = settings.flush_interval;
    options.flush_batch = settings.flush_batch;
    options.max_pending = settings.max_pending;
    options.io_timeout = io_timeout();
    return testing::OpenMemoryStore(server_, options);
  }
  void BreakWrites() { server_->FailWrites(true); }
  void RepairWrites() { server_->FailWrites(false); }
  void Stall() { server_->Stall(true); }
  void Resume() { server_->Stall(false); }
  absl::Duration io_timeout() const { return absl::Milliseconds(500); }

 private:
  std::shared_ptr<testing::MemoryServer> server_ = std::make_shared<testing::MemoryServer>();
};

// --- Helpers ------------------------------------------------------------------

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// What a store must keep of a cookie, for comparing jars.
std::string Line(const CanonicalCookie& c) {
  return absl::StrCat(c.name, "=", c.value, " ", c.domain, c.path, c.host_only ? " host" : "",
                      c.secure ? " secure" : "", c.http_only ? " httponly" : "", " ss",
                      static_cast<int>(c.same_site), " p", static_cast<int>(c.priority),
                      " exp ", absl::ToUnixMicros(c.expiry), " created ",
                      absl::ToUnixMicros(c.creation),
                      c.partition_key ? " partition " + c.partition_key->top_level_site : "");
}

std::set<std::string> Contents(CookieJar& jar) {
  std::set<std::string> out;
  for (const CanonicalCookie& c : jar.GetAllCookies()) out.insert(Line(c));
  return out;
}

// name=value of every cookie, sorted.
std::set<std::string> Pairs(CookieJar& jar) {
  std::set<std::string> out;
  for (const CanonicalCookie& c : jar.GetAllCookies()) out.insert(c.name + "=" + c.value);
  return out;
}

template <typename Kind>
class CookieStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(kind_.SetUp(&error)) << error;
  }

  std::unique_ptr<CookieJar> NewJar() {
    CookieJarOptions options;
    options.clock = &clock_;
    return std::make_unique<CookieJar>(options);
  }
  std::unique_ptr<CookieStore> Open(const Settings& settings = Settings()) {
    std::unique_ptr<CookieStore> store = kind_.Open(settings);
    if (!store) std::abort();  // The kind said why.
    return store;
  }
  // What a fresh jar attached to `profile` of a new store holds.
  std::set<std::string> Reloaded(const std::string& profile) {
    auto jar = NewJar();
    auto store = Open();
    EXPECT_TRUE(store->Attach(jar.get(), profile).ok());
    EXPECT_TRUE(store->Detach(jar.get()).ok());
    return Pairs(*jar);
  }

  // A new jar attached to `profile` of a store of its own (a worker).
  // Declare the stores after the jars: a store follows its jar.
  void AttachWorker(const std::string& profile, std::unique_ptr<CookieJar>* jar,
                    std::unique_ptr<CookieStore>* store, const Clock* clock = nullptr) {
    CookieJarOptions options;
    options.clock = clock ? clock : &clock_;
    *jar = std::make_unique<CookieJar>(options);
    *store = Open();
    absl::Status attached = (*store)->Attach(jar->get(), profile).status();
    EXPECT_TRUE(attached.ok()) << attached;
  }

  FakeClock clock_{absl::Now()};
  Kind kind_;
};

using Kinds = ::testing::Types<SqliteKind, RedisKind, MemoryKind>;
class KindNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};
TYPED_TEST_SUITE(CookieStoreTest, Kinds, KindNames);

// --- Attach -------------------------------------------------------------------

// The recommended semantics, the same for every store: the profile's cookies
// load (and win over the jar's cookie of the same key), the jar's others are
// written to the profile.
TYPED_TEST(CookieStoreTest, AttachWritesTheJarsOwnCookies) {
  {
    auto earlier = this->NewJar();
    auto store = this->Open();
    ASSERT_TRUE(store->Attach(earlier.get(), "p").ok());
    earlier->SetCookie("https://a.test/", "stored=1; Max-Age=3600");
    earlier->SetCookie("https://a.test/", "both=from-store; Max-Age=3600");
    ASSERT_TRUE(store->Detach(earlier.get()).ok());
  }
  auto jar = this->NewJar();
  jar->SetCookie("https://a.test/", "own=1; Max-Age=3600");
  jar->SetCookie("https://b.test/", "session=1");
  jar->SetCookie("https://a.test/", "both=from-jar; Max-Age=3600");
  {
    auto store = this->Open();
    AttachReport report;
    absl::StatusOr<size_t> loaded = store->Attach(jar.get(), "p", &report);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(*loaded, 2u);
    EXPECT_EQ(report.loaded, 2u);
    EXPECT_EQ(report.uploaded, 2u);
    EXPECT_THAT(report.refused, IsEmpty());
    EXPECT_EQ(Pairs(*jar), (std::set<std::string>{"both=from-store", "own=1", "session=1",
                                                    "stored=1"}));
    ASSERT_TRUE(store->Flush().ok());
    EXPECT_THAT(*store->Profiles(), ElementsAre("p"));
    ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  EXPECT_EQ(this->Reloaded("p"), Pairs(*jar));
}

// Attaching a jar that holds cookies to a new profile: a reload finds them,
// and the profile is listed (SqliteStore.attach wrote nothing here before).
TYPED_TEST(CookieStoreTest, AttachToANewProfileSavesTheJar) {
  auto jar = this->NewJar();
  jar->SetCookie("https://a.test/", "a=1; Max-Age=3600; Secure; HttpOnly; SameSite=Strict");
  jar->SetCookie("https://www.b.test/", "b=2; Domain=b.test; Max-Age=60; Priority=High");
  const std::set<std::string> before = Contents(*jar);
  {
    auto store = this->Open();
    EXPECT_THAT(*store->Profiles(), IsEmpty());
    AttachReport report;
    ASSERT_TRUE(store->Attach(jar.get(), "chrome", &report).ok());
    EXPECT_EQ(report.uploaded, 2u);
  }  // The store writes what is pending when it goes.
  auto reloaded = this->NewJar();
  auto store = this->Open();
  EXPECT_THAT(*store->Profiles(), ElementsAre("chrome"));
  ASSERT_EQ(*store->Attach(reloaded.get(), "chrome"), 2u);
  EXPECT_EQ(Contents(*reloaded), before);
  ASSERT_TRUE(store->Detach(reloaded.get()).ok());
}

TYPED_TEST(CookieStoreTest, AttachLoadsAStoredProfileIntoAnEmptyJar) {
  const Url top = *Url::Parse("https://top.test/");
  CookieOptions embedded;
  embedded.top_level_url = &top;
  std::set<std::string> written;
  {
    auto jar = this->NewJar();
    auto store = this->Open();
    ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
    jar->SetCookie("https://bank.test/login", "sid=abc; Secure; HttpOnly; Max-Age=3600");
    jar->SetCookie("https://www.shop.test/cart", "cart=\"1 2,3\" \xc3\xa9; Path=/cart; Max-Age=60");
    ASSERT_TRUE(jar->SetCookie("https://embed.test/",
                               "__Host-p=1; Secure; Path=/; SameSite=None; Partitioned", embedded)
                    .IsInclude());
    ASSERT_TRUE(store->Flush().ok());
    written = Contents(*jar);
    ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  auto empty = this->NewJar();
  auto other = this->NewJar();
  auto store = this->Open();
  AttachReport report;
  absl::StatusOr<size_t> loaded = store->Attach(empty.get(), "p", &report);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, 3u);
  EXPECT_EQ(report.uploaded, 0u);
  EXPECT_EQ(Contents(*empty), written);
  EXPECT_EQ(*empty->GetCookieHeader("https://bank.test/login"), "sid=abc");
  // Another profile of the same store is another jar.
  ASSERT_TRUE(store->Attach(other.get(), "q").ok());
  EXPECT_EQ(other->size(), 0u);
  ASSERT_TRUE(store->Detach(empty.get()).ok());
  ASSERT_TRUE(store->Detach(other.get()).ok());
}

TYPED_TEST(CookieStoreTest, OneJarPerProfileAndOneProfilePerJar) {
  auto a = this->NewJar();
  auto b = this->NewJar();
  auto store = this->Open();
  ASSERT_TRUE(store->Attach(a.get(), "p").ok());
  EXPECT_EQ(store->Attach(b.get(), "p").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->Attach(a.get(), "q").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store->Attach(b.get(), "q").ok());
  EXPECT_EQ(store->Detach(a.get()).code(), absl::StatusCode::kOk);
  EXPECT_EQ(store->Detach(a.get()).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store->Detach(b.get()).ok());
}

// --- Detach, reopen -------------------------------------------------------------

TYPED_TEST(CookieStoreTest, DetachWritesWhatIsPendingAndStopsFollowing) {
  auto jar = this->NewJar();
  {
    auto store = this->Open();
    ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
    jar->SetCookie("https://a.test/", "a=1; Max-Age=60");
    ASSERT_TRUE(store->Detach(jar.get()).ok());  // No Flush: Detach writes.
    jar->SetCookie("https://a.test/", "b=1; Max-Age=60");
    jar->SetCookie("https://a.test/", "a=; Max-Age=0");
    ASSERT_TRUE(store->Flush().ok());
  }
  EXPECT_EQ(this->Reloaded("p"), (std::set<std::string>{"a=1"}));
}

TYPED_TEST(CookieStoreTest, AReopenedStoreHasEveryChange) {
  auto jar = this->NewJar();
  {
    auto store = this->Open();
    ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
    jar->SetCookie("https://a.test/", "kept=1; Max-Age=600");
    jar->SetCookie("https://a.test/", "changed=old; Max-Age=600");
    jar->SetCookie("https://a.test/", "deleted=1; Max-Age=600");
    ASSERT_TRUE(store->Flush().ok());
    jar->SetCookie("https://a.test/", "changed=new; Max-Age=600");
    jar->SetCookie("https://a.test/", "deleted=; Max-Age=0");
    jar->DeleteCookie(jar->GetAllCookies()[0]);  // kept=1, the oldest.
    jar->SetCookie("https://a.test/", "kept=again; Max-Age=600");
    ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  EXPECT_EQ(this->Reloaded("p"), (std::set<std::string>{"changed=new", "kept=again"}));
  auto store = this->Open();
  ASSERT_TRUE(store->DeleteProfile("p").ok());
  EXPECT_THAT(*store->Profiles(), IsEmpty());
}

// --- Concurrent writers ---------------------------------------------------------------

TYPED_TEST(CookieStoreTest, ConcurrentWritersLoseNothing) {
  Settings settings;
  settings.flush_interval = absl::Milliseconds(5);  // Writes run beside the changes.
  settings.flush_batch = 64;
  constexpr int kThreads = 4, kSets = 300, kProfiles = 3;
  std::vector<std::unique_ptr<CookieJar>> jars;
  for (int i = 0; i < kProfiles; ++i) jars.push_back(this->NewJar());
  {
    auto store = this->Open(settings);
    for (int i = 0; i < kProfiles; ++i) {
      ASSERT_TRUE(store->Attach(jars[i].get(), absl::StrCat("p", i)).ok());
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int n = 0; n < kSets; ++n) {
          CookieJar& jar = *jars[(t + n) % kProfiles];
          const std::string site = absl::StrCat("https://s", n % 7, ".test/");
          if (n % 5 == 4) {
            jar.SetCookie(site, absl::StrCat("t", t, "c", (n - 1) % 20, "=; Max-Age=0"));
          } else {
            jar.SetCookie(site, absl::StrCat("t", t, "c", n % 20, "=", n, "; Max-Age=600"));
          }
          if (n % 50 == 0) store->Flush().IgnoreError();
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    ASSERT_TRUE(store->Flush().ok()) << store->last_error();
    for (auto& jar : jars) ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  for (int i = 0; i < kProfiles; ++i) {
    EXPECT_EQ(this->Reloaded(absl::StrCat("p", i)), Pairs(*jars[i])) << "profile " << i;
  }
}

// --- What is written for each cause -----------------------------------------------

// The jar expires a cookie by itself and its server sets it again: the store
// ends with the new cookie, whatever order the expiry and the set are written.
TYPED_TEST(CookieStoreTest, AnExpiryNeverDeletesTheNewerSet) {
  auto jar = this->NewJar();
  {
    auto store = this->Open();
    ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
    jar->SetCookie("https://a.test/", "sid=old; Max-Age=60");
    ASSERT_TRUE(store->Flush().ok());
    this->clock_.Advance(absl::Seconds(61));
    // Setting another cookie of the site notices the expiry (kExpired).
    jar->SetCookie("https://a.test/", "theme=dark; Max-Age=600");
    ASSERT_TRUE(store->Flush().ok());
    jar->SetCookie("https://a.test/", "sid=fresh; Max-Age=600");
    ASSERT_TRUE(store->Flush().ok());
    // A cookie that expires and is set again before anything is written.
    jar->SetCookie("https://a.test/", "pref=old; Max-Age=60");
    this->clock_.Advance(absl::Seconds(61));
    jar->SetCookie("https://a.test/", "pref=new; Max-Age=600");
    ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  EXPECT_EQ(this->Reloaded("p"),
            (std::set<std::string>{"pref=new", "sid=fresh", "theme=dark"}));
}

TYPED_TEST(CookieStoreTest, ExpiredStoredCookiesAreRemovedOnAttach) {
  {
    auto jar = this->NewJar();
    auto store = this->Open();
    ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
    jar->SetCookie("https://a.test/", "short=1; Max-Age=60");
    jar->SetCookie("https://a.test/", "long=1; Max-Age=600");
    ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  this->clock_.Advance(absl::Seconds(61));
  {
    auto jar = this->NewJar();
    auto store = this->Open();
    AttachReport report;
    ASSERT_EQ(*store->Attach(jar.get(), "p", &report), 1u);
    EXPECT_EQ(report.expired, 1u);
    ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  this->clock_.Advance(-absl::Seconds(61));  // Even back in time, it is gone.
  EXPECT_EQ(this->Reloaded("p"), (std::set<std::string>{"long=1"}));
}

// A set and the expiry of that very version before anything was written:
// the cookie it replaced must go too (the jar no longer has it).
TYPED_TEST(CookieStoreTest, ASetThatExpiresBeforeItIsWrittenStillReplacesTheOldOne) {
  auto jar = this->NewJar();
  {
    auto store = this->Open();
    ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
    jar->SetCookie("https://a.test/", "k=old; Max-Age=600");
    ASSERT_TRUE(store->Flush().ok());
    jar->SetCookie("https://a.test/", "k=short; Max-Age=5");
    this->clock_.Advance(absl::Seconds(6));
    jar->SetCookie("https://a.test/", "other=1; Max-Age=600");  // Purges k.
    ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  EXPECT_EQ(this->Reloaded("p"), (std::set<std::string>{"other=1"}));
}

// Evictions are written as removals of the evicted versions: the store
// holds what the jar holds.
TYPED_TEST(CookieStoreTest, EvictionsReachTheStore) {
  auto jar = this->NewJar();  // Chromium: 180 cookies a site, evicted down to 150.
  {
    auto store = this->Open();
    ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
    for (int i = 0; i < 170; ++i) {
      jar->SetCookie("https://big.test/", absl::StrCat("c", i, "=1; Max-Age=600"));
    }
    ASSERT_TRUE(store->Flush().ok());
    for (int i = 170; i < 181; ++i) {
      jar->SetCookie("https://big.test/", absl::StrCat("c", i, "=1; Max-Age=600"));
    }
    ASSERT_EQ(jar->size(), 150u);
    ASSERT_TRUE(store->Detach(jar.get()).ok());
  }
  EXPECT_EQ(this->Reloaded("p"), Pairs(*jar));
}

// --- Errors ------------------------------------------------------------------------

TYPED_TEST(CookieStoreTest, FailingWritesAreQueuedReportedAndBounded) {
  Settings settings;
  settings.max_pending = 5;
  auto jar = this->NewJar();
  {
    auto store = this->Open(settings);
    ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
    jar->SetCookie("https://a.test/", "before=1; Max-Age=600");
    ASSERT_TRUE(store->Flush().ok());

    this->kind_.BreakWrites();
    for (int i = 0; i < 3; ++i) {
      jar->SetCookie("https://a.test/", absl::StrCat("q", i, "=1; Max-Age=600"));
    }
    // Queued, not lost: the failure is reported, by Flush and in the
    // background.
    EXPECT_FALSE(store->Flush().ok());
    EXPECT_FALSE(store->last_error().ok());
    // Past the bound: dropped, and reported once the store answers again.
    for (int i = 0; i < 5; ++i) {
      jar->SetCookie("https://a.test/", absl::StrCat("over", i, "=1; Max-Age=600"));
    }
    EXPECT_EQ(store->last_error().code(), absl::StatusCode::kResourceExhausted);
    this->kind_.RepairWrites();
    absl::Status flushed;
    ASSERT_TRUE(WaitFor([&] {
      flushed = store->Flush();
      return flushed.code() != absl::StatusCode::kUnavailable;
    }));
    EXPECT_EQ(flushed.code(), absl::StatusCode::kResourceExhausted) << flushed;
    EXPECT_TRUE(store->Flush().ok());
    EXPECT_TRUE(WaitFor([&] { return store->last_error().ok(); })) << store->last_error();
    // The queued changes were written. An exclusive store rewrites the
    // profile from the jar at Detach (nothing is lost); a shared one
    // reloads the jar from the store (the dropped changes are gone).
    absl::Status detached = store->Detach(jar.get());
    EXPECT_TRUE(detached.ok()) << detached;
  }
  const std::set<std::string> stored = this->Reloaded("p");
  EXPECT_TRUE(stored.count("q0=1") && stored.count("q1=1") && stored.count("q2=1"));
  if (!TypeParam::kShared) {
    EXPECT_EQ(stored, Pairs(*jar));
  }
}

// Shutdown while the store cannot write: bounded by io_timeout, and the
// jar is left alone.
TYPED_TEST(CookieStoreTest, ShutdownIsBoundedWhileTheStoreCannotWrite) {
  auto jar = this->NewJar();
  auto store = this->Open();
  ASSERT_TRUE(store->Attach(jar.get(), "p").ok());
  jar->SetCookie("https://a.test/", "a=1; Max-Age=600");
  ASSERT_TRUE(store->Flush().ok());
  this->kind_.BreakWrites();
  jar->SetCookie("https://a.test/", "b=1; Max-Age=600");
  const absl::Time start = absl::Now();
  store.reset();
  const absl::Duration took = absl::Now() - start;
  if (this->kind_.io_timeout() != absl::InfiniteDuration()) {
    // A promised bound, with room for a loaded 2-core machine (and TSan).
    EXPECT_LT(took, 5 * this->kind_.io_timeout());
  }
  EXPECT_EQ(jar->size(), 2u);
  this->kind_.RepairWrites();
}

TYPED_TEST(CookieStoreTest, FlushAndShutdownAreBoundedWhileTheStoreStalls) {
  if (!TypeParam::kCanStall) GTEST_SKIP() << "a local file does not stall";
  auto a = this->NewJar();
  auto b = this->NewJar();
  auto c = this->NewJar();
  auto store = this->Open();
  ASSERT_TRUE(store->Attach(a.get(), "a").ok());
  ASSERT_TRUE(store->Attach(b.get(), "b").ok());
  ASSERT_TRUE(store->Attach(c.get(), "c").ok());
  this->kind_.Stall();
  for (CookieJar* jar : {a.get(), b.get(), c.get()}) {
    jar->SetCookie("https://a.test/", "x=1; Max-Age=600");
  }
  absl::Time start = absl::Now();
  EXPECT_EQ(store->Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, 5 * this->kind_.io_timeout());
  start = absl::Now();
  store.reset();
  EXPECT_LT(absl::Now() - start, 5 * this->kind_.io_timeout());
  this->kind_.Resume();
}

// --- Shared stores: writers of one profile -------------------------------------------

// The same suite's stores that several processes write at once.
template <typename Kind>
class SharedCookieStoreTest : public CookieStoreTest<Kind> {};
using SharedKinds = ::testing::Types<RedisKind>;
TYPED_TEST_SUITE(SharedCookieStoreTest, SharedKinds, KindNames);

// Two workers hold sid=old. Both expire it; A logs in again (sid=fresh);
// B notices its expired copy after A's set (setting theme=dark on the site)
// and writes after A. B's expiry must not delete A's fresh login.
TYPED_TEST(SharedCookieStoreTest, AStaleExpiryNeverDeletesAnotherWritersNewerSet) {
  std::unique_ptr<CookieJar> a, b;
  std::unique_ptr<CookieStore> store_a, store_b;
  this->AttachWorker("p", &a, &store_a);
  this->AttachWorker("p", &b, &store_b);
  auto c = this->NewJar();
  a->SetCookie("https://site.test/", "sid=old; Max-Age=1");
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(WaitFor([&] { return Pairs(*b).count("sid=old"); }));
  this->clock_.Advance(absl::Seconds(2));
  a->SetCookie("https://site.test/", "sid=fresh; Max-Age=3600");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  b->SetCookie("https://site.test/", "theme=dark; Max-Age=3600");  // B expires sid=old.
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Flush().ok());
  const std::set<std::string> want = {"sid=fresh", "theme=dark"};
  EXPECT_TRUE(WaitFor([&] { return Pairs(*a) == want && Pairs(*b) == want; }))
      << "A: " << ::testing::PrintToString(Pairs(*a))
      << " B: " << ::testing::PrintToString(Pairs(*b));
  auto store_c = this->Open();
  ASSERT_TRUE(store_c->Attach(c.get(), "p").ok());
  EXPECT_EQ(Pairs(*c), want);
}

// A worker attaches while another re-sets a cookie the profile holds
// expired: the expired record it removes on Attach is the old one only.
TYPED_TEST(SharedCookieStoreTest, AttachDuringAReSetRemovesOnlyTheExpiredVersion) {
  auto a = this->NewJar();
  auto c = this->NewJar();
  auto d = this->NewJar();
  auto store_a = this->Open();
  ASSERT_TRUE(store_a->Attach(a.get(), "p").ok());
  a->SetCookie("https://site.test/", "sid=old; Max-Age=1");
  ASSERT_TRUE(store_a->Flush().ok());
  this->clock_.Advance(absl::Seconds(2));
  a->SetCookie("https://site.test/", "sid=fresh; Max-Age=3600");  // Not written yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto store_c = this->Open();
  AttachReport report;
  ASSERT_TRUE(store_c->Attach(c.get(), "p", &report).ok());  // Finds sid=old expired.
  EXPECT_EQ(report.expired, 1u);
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_c->Flush().ok());
  EXPECT_TRUE(WaitFor([&] { return Pairs(*c) == std::set<std::string>{"sid=fresh"}; }))
      << ::testing::PrintToString(Pairs(*c));
  auto store_d = this->Open();
  ASSERT_TRUE(store_d->Attach(d.get(), "p").ok());
  EXPECT_EQ(Pairs(*d), (std::set<std::string>{"sid=fresh"}));
}

// B evicts its stale copy of a cookie that A has set again meanwhile.
TYPED_TEST(SharedCookieStoreTest, AnEvictionOnAStaleViewNeverDeletesANewerSet) {
  std::unique_ptr<CookieJar> a, b;
  std::unique_ptr<CookieStore> store_a, store_b;
  this->AttachWorker("p", &a, &store_a);
  this->AttachWorker("p", &b, &store_b);
  auto c = this->NewJar();
  a->SetCookie("https://big.test/", "login=old; Max-Age=3600");
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(WaitFor([&] { return b->size() == 1; }));
  a->SetCookie("https://big.test/", "login=fresh; Max-Age=3600");  // Not written yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // B fills the site: its oldest cookie, login=old, is evicted.
  for (int i = 0; i < 180; ++i) {
    b->SetCookie("https://big.test/", absl::StrCat("b", i, "=1; Max-Age=3600"));
  }
  ASSERT_EQ(Pairs(*b).count("login=old"), 0u);
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(store_b->Flush().ok());
  auto store_c = this->Open();
  ASSERT_TRUE(store_c->Attach(c.get(), "p").ok());
  EXPECT_EQ(Pairs(*c).count("login=fresh"), 1u);
  EXPECT_TRUE(WaitFor([&] { return Pairs(*a).count("login=fresh") == 1; }));
}

// Two workers expire the same cookie while a third set it again during an
// outage (its set is queued, stamped before their expiries): the expiries
// remove the old version once, and the set still wins when it arrives.
TYPED_TEST(SharedCookieStoreTest, TwoWritersExpiringOneCookieDoNotBeatAnEarlierQueuedSet) {
  std::unique_ptr<CookieJar> a, b, c;
  std::unique_ptr<CookieStore> store_a, store_b, store_c;
  this->AttachWorker("p", &a, &store_a);
  this->AttachWorker("p", &b, &store_b);
  this->AttachWorker("p", &c, &store_c);
  auto d = this->NewJar();
  a->SetCookie("https://site.test/", "sid=old; Max-Age=1");
  ASSERT_TRUE(store_a->Flush().ok());
  ASSERT_TRUE(WaitFor([&] { return b->size() == 1 && c->size() == 1; }));
  this->clock_.Advance(absl::Seconds(2));
  a->SetCookie("https://site.test/", "sid=fresh; Max-Age=3600");  // Queued.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  b->SetCookie("https://site.test/", "b=1; Max-Age=3600");  // B expires sid=old,
  c->SetCookie("https://site.test/", "c=1; Max-Age=3600");  // and C too.
  ASSERT_TRUE(store_b->Flush().ok());
  ASSERT_TRUE(store_c->Flush().ok());
  ASSERT_TRUE(store_a->Flush().ok());  // Arrives last.
  const std::set<std::string> want = {"b=1", "c=1", "sid=fresh"};
  auto store_d = this->Open();
  ASSERT_TRUE(store_d->Attach(d.get(), "p").ok());
  EXPECT_EQ(Pairs(*d), want);
  for (CookieJar* jar : {a.get(), b.get(), c.get()}) {
    EXPECT_TRUE(WaitFor([&] { return Pairs(*jar) == want; }))
        << ::testing::PrintToString(Pairs(*jar));
  }
}

// A clock that runs `hook` once, at the first reading from a thread other
// than the one that armed it: there the store is applying another writer's
// change to the jar.
class HookClock : public Clock {
 public:
  explicit HookClock(const Clock* base) : base_(base) {}
  void Arm(std::function<void()> hook) {
    std::lock_guard<std::mutex> lock(mu_);
    hook_ = std::move(hook);
    armed_by_ = std::this_thread::get_id();
  }
  bool fired() {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }
  absl::Time Now() const override {
    std::function<void()> hook;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (hook_ && std::this_thread::get_id() != armed_by_) {
        hook = std::move(hook_);
        hook_ = nullptr;
        fired_ = true;
      }
    }
    if (hook) hook();  // Its own readings find nothing armed.
    return base_->Now();
  }

 private:
  const Clock* const base_;
  mutable std::mutex mu_;
  mutable std::function<void()> hook_;
  mutable std::thread::id armed_by_;
  mutable bool fired_ = false;
};

// A sets or deletes the cookie in the instant between the store's decision
// to apply B's older change of it and the jar taking that change (a restart
// of Redis applies every stored state again, widening the window): A's
// change is newer and must stay, in A's jar and in the store.
TYPED_TEST(SharedCookieStoreTest, ALocalChangeDuringTheApplicationOfAnOlderOneStays) {
  struct Case {
    std::string profile, local;
    std::set<std::string> want;
  };
  for (const Case& test : {Case{"set", "sid=a2; Max-Age=3600", {"sid=a2"}},
                           Case{"deletion", "sid=; Max-Age=0", {}}}) {
    SCOPED_TRACE(test.profile);
    HookClock hook_clock(&this->clock_);
    std::unique_ptr<CookieJar> a, b;
    std::unique_ptr<CookieStore> store_a, store_b;
    this->AttachWorker(test.profile, &a, &store_a, &hook_clock);
    this->AttachWorker(test.profile, &b, &store_b);
    a->SetCookie("https://site.test/", "sid=a1; Max-Age=3600");
    ASSERT_TRUE(store_a->Flush().ok());
    ASSERT_TRUE(WaitFor([&] { return Pairs(*b).count("sid=a1"); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // A's echo is old news.
    CookieJar* jar_a = a.get();
    const std::string local = test.local;
    hook_clock.Arm([jar_a, local] { jar_a->SetCookie("https://site.test/", local); });
    b->SetCookie("https://site.test/", "sid=b1; Max-Age=3600");
    ASSERT_TRUE(store_b->Flush().ok());
    ASSERT_TRUE(WaitFor([&] { return hook_clock.fired(); }));
    ASSERT_TRUE(store_a->Flush().ok());
    EXPECT_TRUE(WaitFor([&] { return Pairs(*a) == test.want && Pairs(*b) == test.want; }))
        << "A: " << ::testing::PrintToString(Pairs(*a))
        << " B: " << ::testing::PrintToString(Pairs(*b));
    EXPECT_EQ(this->Reloaded(test.profile), test.want);
  }
}

}  // namespace
}  // namespace cookiejar
