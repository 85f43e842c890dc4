// Replays a trace's events through the jar a fixed number of times, for
// counting instructions, which a loaded, shared machine does not distort the
// way it distorts time. Valgrind does not decode AVX-512, so build without
// --config=opt:
//
//   bazel build -c opt //benchmarks:trace_count
//   valgrind --tool=callgrind bazel-bin/benchmarks/trace_count TRACE get 20
//
// Phases: "set" replays the Set-Cookie events into a fresh jar each pass;
// "get" fills one jar, then builds every Cookie header each pass (URL
// strings, as a client calls); "linked" does the same for navigations by a
// link on a page of another site (Lax cookies go), and "embedded" for
// subresources of that page (only SameSite=None cookies go): their SameSite
// context compares the request's site with the page's on every lookup.
// Prints the events of one pass, so that
// instructions per event = (counted - counted with 0 passes) / (passes x
// events).

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "benchmarks/trace.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookie_options.h"
#include "cookiejar/url.h"

int main(int argc, char** argv) {
  using namespace cookiejar;
  const std::string phase = argc == 4 ? argv[2] : "";
  if (phase != "set" && phase != "get" && phase != "linked" &&
      phase != "embedded") {
    std::cerr << "usage: trace_count TRACE_FILE set|get|linked|embedded PASSES\n";
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  auto events = benchmarks::ParseTrace(text.str());
  if (!events.ok()) {
    std::cerr << "trace_count: " << events.status().message() << "\n";
    return 1;
  }
  const bool set = phase == "set";
  const int passes = std::atoi(argv[3]);
  size_t per_pass = 0;
  for (const auto& event : *events) per_pass += event.is_set == set;

  uint64_t bytes = 0;
  CookieJar filled;
  if (!set) {
    for (const auto& event : *events) {
      if (event.is_set) filled.SetCookie(event.url, event.set_cookie);
    }
  }
  CookieOptions options;
  const Url page = *Url::Parse("https://news.example/story");
  if (phase == "linked" || phase == "embedded") {
    options.top_level_navigation = phase == "linked";
    options.top_level_url = phase == "embedded" ? &page : nullptr;
    options.initiator = &page;
  }
  std::string header;
  for (int pass = 0; pass < passes; ++pass) {
    if (set) {
      CookieJar jar;
      for (const auto& event : *events) {
        if (event.is_set) bytes += jar.SetCookie(event.url, event.set_cookie).IsInclude();
      }
      continue;
    }
    for (const auto& event : *events) {
      if (event.is_set) continue;
      header.clear();
      filled.AppendCookieHeader(event.url, options, &header).IgnoreError();
      bytes += header.size();
    }
  }
  std::cout << per_pass << " " << phase << " events per pass; checksum " << bytes << "\n";
  return 0;
}
