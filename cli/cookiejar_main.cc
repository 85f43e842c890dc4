// cookiejar: command-line access to the library.
//
//   cookiejar psl [--icann-only] [--list FILE] HOST...
//       For each host: its canonical form, public suffix and registrable domain.

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "host/canonical_host.h"
#include "public_suffix/public_suffix_list.h"

namespace cookiejar {
namespace {

constexpr char kUsage[] =
    "usage: cookiejar COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  psl [--icann-only] [--list FILE] HOST...\n"
    "      Show each host's canonical form, public suffix and registrable\n"
    "      domain (eTLD+1). --icann-only ignores the list's PRIVATE section;\n"
    "      --list reads a public_suffix_list.dat instead of the built-in one.\n"
    "  help\n"
    "      Show this text.\n";

// Terminal columns of UTF-8 text (one per code point; good enough for hosts).
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

// Pads to `width` display columns.
std::string Pad(const std::string& text, size_t width) {
  size_t shown = DisplayWidth(text);
  return shown >= width ? text : text + std::string(width - shown, ' ');
}

int Usage(const char* error) {
  if (error != nullptr) {
    std::cerr << "cookiejar: " << error << "\n\n" << kUsage;
    return 2;
  }
  std::cout << kUsage;
  return 0;
}

int PslCommand(const std::vector<std::string>& args) {
  SuffixRules rules = SuffixRules::kIcannAndPrivate;
  std::unique_ptr<PublicSuffixList> loaded;
  std::vector<std::string> hosts;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--icann-only") {
      rules = SuffixRules::kIcannOnly;
    } else if (args[i] == "--list") {
      if (i + 1 == args.size()) return Usage("--list needs a file");
      auto list = PublicSuffixList::Load(args[++i]);
      if (!list.ok()) {
        std::cerr << "cookiejar: " << list.status().message() << "\n";
        return 1;
      }
      loaded = *std::move(list);
    } else if (args[i] == "--help" || args[i] == "-h") {
      return Usage(nullptr);
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      return Usage(("unknown option " + args[i]).c_str());
    } else {
      hosts.push_back(args[i]);
    }
  }
  if (hosts.empty()) return Usage("psl needs at least one host");
  const PublicSuffixList& psl = loaded ? *loaded : PublicSuffixList::Builtin();

  struct Row {
    std::string input, canonical, suffix, registrable;
  };
  std::vector<Row> rows;
  int status = 0;
  for (const std::string& input : hosts) {
    absl::StatusOr<CanonicalHost> host = CanonicalizeHost(input);
    if (!host.ok()) {
      std::cerr << "cookiejar: " << host.status().message() << "\n";
      status = 1;
      continue;
    }
    Row row{input, host->name, "-", "-"};
    if (host->is_ip()) {
      row.suffix = row.registrable = "(IP address)";
    } else {
      std::string_view suffix = psl.PublicSuffix(host->name, rules);
      std::string_view registrable = psl.RegistrableDomain(host->name, rules);
      if (!suffix.empty()) row.suffix = std::string(suffix);
      if (!registrable.empty()) row.registrable = std::string(registrable);
    }
    rows.push_back(row);
  }
  if (rows.empty()) return status;
  size_t widths[3] = {4, 9, 13};
  for (const Row& row : rows) {
    widths[0] = std::max(widths[0], DisplayWidth(row.input));
    widths[1] = std::max(widths[1], DisplayWidth(row.canonical));
    widths[2] = std::max(widths[2], DisplayWidth(row.suffix));
  }
  const auto print = [&](const std::string& a, const std::string& b, const std::string& c,
                         const std::string& d) {
    std::cout << Pad(a, widths[0]) << "  " << Pad(b, widths[1]) << "  " << Pad(c, widths[2])
              << "  " << d << "\n";
  };
  print("host", "canonical", "public suffix", "registrable domain");
  for (const Row& row : rows) print(row.input, row.canonical, row.suffix, row.registrable);
  return status;
}

}  // namespace
}  // namespace cookiejar

int main(int argc, char** argv) {
  if (argc < 2) return cookiejar::Usage("missing command");
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "psl") return cookiejar::PslCommand(args);
  if (command == "help" || command == "--help" || command == "-h") {
    return cookiejar::Usage(nullptr);
  }
  return cookiejar::Usage(("unknown command " + command).c_str());
}
