// Replays cookie traces (trace.h) through libcurl's cookie engine
// (CurlCookieEngine) and prints, per trace, what trace_replay prints for this
// library and libsoup: header bytes and the FNV-1a checksum of all Cookie
// headers (G events, in order) joined with '\n'. All S events are replayed
// first, then the G events, as trace_replay's Verify does.
//
//   bazel run -c opt --config=opt //benchmarks:trace_gen -- /tmp/traces
//   bazel run -c opt --config=opt //benchmarks:curl_trace_check -- /tmp/traces/*.trace
//
// It also replays the trace through this library's jar (as trace_replay
// does: default CookieJarOptions, CookieOptions(), URLs parsed with Url) and
// compares the two header by header: the same cookies in the same order, the
// same cookies in another order, or different cookies (with the first few
// such headers printed, and the cookies only one side sent counted by
// attribute of the Set-Cookie line that made them).
//
// --headers=DIR also writes DIR/<trace>.{curl,cookiejar}.headers, one header
// a line.

#include <algorithm>
#include <fstream>
#include <iterator>
#include <utility>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "benchmarks/curl_cookie_engine.h"
#include "benchmarks/trace.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/url.h"

namespace {

std::vector<std::string> Pairs(const std::string& header) {
  if (header.empty()) return {};
  return absl::StrSplit(header, "; ");
}

// This library's headers for the trace's G events: all S events first.
bool OurHeaders(const std::vector<cookiejar::benchmarks::TraceEvent>& events,
                std::vector<std::string>* headers) {
  cookiejar::CookieJar jar;
  for (const auto& event : events) {
    if (!event.is_set) continue;
    auto url = cookiejar::Url::Parse(event.url);
    if (!url.ok()) return false;
    jar.SetCookie(*url, event.set_cookie);
  }
  for (const auto& event : events) {
    if (event.is_set) continue;
    auto url = cookiejar::Url::Parse(event.url);
    if (!url.ok()) return false;
    std::string header;
    jar.AppendCookieHeader(*url, cookiejar::CookieOptions(), &header);
    headers->push_back(std::move(header));
  }
  return true;
}

// Prints how curl's headers differ from ours. `lines` maps "name=value" to
// the Set-Cookie line that last set it, to say what kind of cookie differs.
void Compare(const std::vector<std::string>& curl, const std::vector<std::string>& ours,
             const std::vector<std::string>& urls,
             const absl::flat_hash_map<std::string, std::string>& lines) {
  size_t same = 0, reordered = 0, different = 0, only_curl = 0, only_ours = 0;
  absl::flat_hash_map<std::string, size_t> only_curl_kinds, only_ours_kinds;
  auto kind = [&](const std::string& pair) {
    auto line = lines.find(pair);
    if (line == lines.end()) return std::string("(no Set-Cookie line sets it)");
    std::string attributes;
    for (absl::string_view part : absl::StrSplit(line->second, ';')) {
      part = absl::StripAsciiWhitespace(part);
      std::string name(part.substr(0, part.find('=')));
      absl::AsciiStrToLower(&name);
      if (name == "path" || name == "max-age" || name == "expires") continue;
      if (part.data() == line->second.data()) continue;  // The cookie itself.
      attributes += attributes.empty() ? name : " " + name;
    }
    return attributes.empty() ? std::string("(no attributes but Path/age)") : attributes;
  };
  size_t printed = 0;
  for (size_t i = 0; i < curl.size(); ++i) {
    if (curl[i] == ours[i]) {
      ++same;
      continue;
    }
    std::vector<std::string> a = Pairs(curl[i]), b = Pairs(ours[i]);
    std::vector<std::string> sorted_a = a, sorted_b = b;
    std::sort(sorted_a.begin(), sorted_a.end());
    std::sort(sorted_b.begin(), sorted_b.end());
    if (sorted_a == sorted_b) {
      ++reordered;
      if (printed++ < 2) {
        std::cout << absl::StrFormat("    reordered, G %s\n      libcurl:   %s\n      cookiejar: %s\n",
                                     urls[i], curl[i].substr(0, 200), ours[i].substr(0, 200));
      }
      continue;
    }
    ++different;
    std::vector<std::string> a_only, b_only;
    std::set_difference(sorted_a.begin(), sorted_a.end(), sorted_b.begin(), sorted_b.end(),
                        std::back_inserter(a_only));
    std::set_difference(sorted_b.begin(), sorted_b.end(), sorted_a.begin(), sorted_a.end(),
                        std::back_inserter(b_only));
    for (const auto& pair : a_only) ++only_curl_kinds[kind(pair)];
    for (const auto& pair : b_only) ++only_ours_kinds[kind(pair)];
    only_curl += a_only.size();
    only_ours += b_only.size();
    if (printed++ < 4) {
      std::cout << absl::StrFormat("    different, G %s\n      libcurl:   %s\n      cookiejar: %s\n",
                                   urls[i], curl[i].substr(0, 200), ours[i].substr(0, 200));
    }
  }
  std::cout << absl::StrFormat(
      "  headers: %d identical, %d the same cookies in another order, %d different "
      "(%d cookies only libcurl sent, %d only cookiejar sent)\n",
      same, reordered, different, only_curl, only_ours);
  for (const auto& [attributes, count] : only_curl_kinds) {
    std::cout << absl::StrFormat("    only libcurl sent %d cookies set with: %s\n", count,
                                 attributes);
  }
  for (const auto& [attributes, count] : only_ours_kinds) {
    std::cout << absl::StrFormat("    only cookiejar sent %d cookies set with: %s\n", count,
                                 attributes);
  }
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
    std::vector<std::string> curl_headers, urls;
    absl::flat_hash_map<std::string, std::string> lines;  // "name=value" -> its line
    for (const TraceEvent& event : *events) {
      if (event.is_set) lines[event.set_cookie.substr(0, event.set_cookie.find(';'))] = event.set_cookie;
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
      curl_headers.push_back(header);
      urls.push_back(event.url);
    }
    std::vector<std::string> our_headers;
    if (!OurHeaders(*events, &our_headers)) {
      std::cerr << "curl_trace_check: " << path << ": a URL this library does not parse\n";
      return 1;
    }
    std::string our_joined;
    size_t our_bytes = 0;
    for (size_t i = 0; i < our_headers.size(); ++i) {
      if (i > 0) our_joined += '\n';
      our_joined += our_headers[i];
      our_bytes += our_headers[i].size();
    }
    if (!headers_dir.empty()) {
      for (const auto& [suffix, headers] :
           {std::pair{".curl.headers", &curl_headers}, std::pair{".cookiejar.headers", &our_headers}}) {
        std::ofstream out(headers_dir + "/" + cookiejar::benchmarks::TraceName(path) + suffix, std::ios::binary);
        for (const std::string& h : *headers) out << h << "\n";
      }
    }
    std::cout << absl::StrFormat(
        "%s: %d events (%d S, %d G)\n"
        "  libcurl:   header bytes %d, checksum %016x (%d connections)\n"
        "  cookiejar: header bytes %d, checksum %016x\n",
        cookiejar::benchmarks::TraceName(path), events->size(), sets, gets, header_bytes,
        cookiejar::benchmarks::Fnv1a(joined), (*engine)->connections_accepted(), our_bytes,
        cookiejar::benchmarks::Fnv1a(our_joined));
    Compare(curl_headers, our_headers, urls, lines);
  }
  return 0;
}
