// A crawler process that a test drives line by line, for races between
// processes on one Redis profile (tests/redis_store_regression_test.cc).
//
//   redis_store_worker PORT [FLUSH_INTERVAL_MS]
//
// Reads one command a line from standard input and answers each with one
// line, "ok[ DETAIL]" or "error MESSAGE":
//   attach PROFILE      attaches its jar (its clock: a FakeClock started at
//                       the real time)
//   set URL LINE        a Set-Cookie line received from URL
//   advance SECONDS     moves the jar's clock
//   flush | sync        RedisCookieStore::Flush / Sync
//   cookies             "ok name=value name=value ..." (sorted)
//   quit                destroys the store, then the jar, and exits

#include <cstdio>
#include <iostream>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/redis/redis_cookie_store.h"

namespace cookiejar {
namespace {

void Reply(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void Reply(const absl::Status& status) {
  Reply(status.ok() ? std::string("ok") : absl::StrCat("error ", status.ToString()));
}

int Run(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: redis_store_worker PORT [FLUSH_INTERVAL_MS]\n");
    return 2;
  }
  RedisStoreOptions options;
  int flush_ms = 20;
  if (!absl::SimpleAtoi(argv[1], &options.endpoints[0].port) ||
      (argc == 3 && !absl::SimpleAtoi(argv[2], &flush_ms))) {
    return 2;
  }
  options.flush_interval = absl::Milliseconds(flush_ms);
  options.retry_interval = absl::Milliseconds(20);
  options.io_timeout = absl::Seconds(1);

  FakeClock clock(absl::Now());
  CookieJarOptions jar_options;
  jar_options.clock = &clock;
  auto jar = std::make_unique<CookieJar>(jar_options);  // Outlives the store.
  auto connected = RedisCookieStore::Connect(options);
  if (!connected.ok()) {
    std::fprintf(stderr, "connect: %s\n", connected.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<RedisCookieStore> store = std::move(*connected);

  for (std::string line; std::getline(std::cin, line);) {
    const size_t space = line.find(' ');
    const std::string verb = line.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
    if (verb == "attach") {
      absl::StatusOr<size_t> loaded = store->Attach(jar.get(), rest);
      Reply(loaded.ok() ? absl::StrCat("ok ", *loaded)
                        : absl::StrCat("error ", loaded.status().ToString()));
    } else if (verb == "set") {
      const size_t split = rest.find(' ');
      const CookieInclusionStatus status =
          jar->SetCookie(rest.substr(0, split), rest.substr(split + 1));
      Reply(status.IsInclude() ? "ok" : absl::StrCat("error ", status.ToString()));
    } else if (verb == "advance") {
      int seconds = 0;
      if (!absl::SimpleAtoi(rest, &seconds)) {
        Reply("error seconds");
        continue;
      }
      clock.Advance(absl::Seconds(seconds));
      Reply("ok");
    } else if (verb == "flush") {
      Reply(store->Flush());
    } else if (verb == "sync") {
      Reply(store->Sync(jar.get()));
    } else if (verb == "cookies") {
      std::set<std::string> pairs;
      for (const CanonicalCookie& c : jar->GetAllCookies()) pairs.insert(c.name + "=" + c.value);
      Reply(absl::StrCat("ok ", absl::StrJoin(pairs, " ")));
    } else if (verb == "quit") {
      store.reset();
      jar.reset();
      Reply("ok");
      return 0;
    } else {
      Reply("error unknown command " + verb);
    }
  }
  return 0;
}

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) { return cookiejar::Run(argc, argv); }
