// Replays cookie traces (trace.h) through libcurl's cookie engine
// (CurlCookieEngine) and prints, per trace, what trace_replay prints for this
// library and libsoup: header bytes and the FNV-1a checksum of all Cookie
// headers (G events, in order) joined with '\n'. All S events are replayed
// first, then the G events, as trace_replay's Verify does.
//
//   bazel run -c opt --config=opt //benchmarks:trace_gen -- /tmp/traces
//   bazel run -c opt --config=opt //benchmarks:curl_trace_check -- /tmp/traces/*.trace
//
// --headers=DIR also writes DIR/<trace>.curl.headers, one header a line, to
// compare with another jar's headers line by line.

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "benchmarks/curl_cookie_engine.h"
#include "benchmarks/trace.h"

namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = name.find('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

}  // namespace

int main(int argc, char** argv) {
  using cookiejar::benchmarks::CurlCookieEngine;
  using cookiejar::benchmarks::TraceEvent;
  std::string headers_dir;
  std::vector<std::string> paths;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg.rfind("--headers=", 0) == 0) {
      headers_dir = arg.substr(10);
    } else if (!arg.empty() && arg[0] != '-') {
      paths.push_back(arg);
    } else {
      std::cerr << "usage: curl_trace_check [--headers=DIR] TRACE_FILE...\n";
      return 2;
    }
  }
  if (paths.empty()) {
    std::cerr << "usage: curl_trace_check [--headers=DIR] TRACE_FILE...\n";
    return 2;
  }
  for (const std::string& path : paths) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      std::cerr << "curl_trace_check: cannot open " << path << "\n";
      return 1;
    }
    std::stringstream text;
    text << file.rdbuf();
    auto events = cookiejar::benchmarks::ParseTrace(text.str());
    if (!events.ok()) {
      std::cerr << "curl_trace_check: " << path << ": " << events.status().message() << "\n";
      return 1;
    }
    // A fresh engine per trace, as trace_replay makes a fresh jar.
    auto engine = CurlCookieEngine::Create();
    if (!engine.ok()) {
      std::cerr << "curl_trace_check: " << engine.status().message() << "\n";
      return 1;
    }
    size_t sets = 0, gets = 0, header_bytes = 0;
    for (const TraceEvent& event : *events) {
      if (!event.is_set) continue;
      ++sets;
      if (!(*engine)->Set(event.url, event.set_cookie)) {
        std::cerr << "curl_trace_check: " << path << ": " << (*engine)->last_error() << "\n";
        return 1;
      }
    }
    std::string joined, header;
    std::ofstream headers_out;
    if (!headers_dir.empty()) {
      headers_out.open(headers_dir + "/" + BaseName(path) + ".curl.headers", std::ios::binary);
    }
    for (const TraceEvent& event : *events) {
      if (event.is_set) continue;
      if (!(*engine)->Get(event.url, &header)) {
        std::cerr << "curl_trace_check: " << path << ": " << (*engine)->last_error() << "\n";
        return 1;
      }
      if (gets++ > 0) joined += '\n';
      joined += header;
      header_bytes += header.size();
      if (headers_out.is_open()) headers_out << header << "\n";
    }
    std::cout << absl::StrFormat(
        "%s: %d events (%d S, %d G)\n"
        "  libcurl:   header bytes %d, checksum %016x (%d connections)\n",
        BaseName(path), events->size(), sets, gets, header_bytes,
        cookiejar::benchmarks::Fnv1a(joined), (*engine)->connections_accepted());
  }
  return 0;
}
