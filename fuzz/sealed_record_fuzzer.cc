// Opening hostile sealed records (persistence/internal/sealing.h): whatever
// Redis or a database file hands back, Open refuses it with a reason or
// returns what was sealed; it never crashes, and never opens a text sealed
// under other associated data. An input that starts with 0x00 is sealed
// first (the rest of it), then opened: the round trip must give it back.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "persistence/internal/sealing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cookiejar::persistence_internal::Sealer;
  static const Sealer* sealer = [] {
    cookiejar::StoreKeyRing ring;
    ring.keys = {{"current", std::string(32, 'c')}, {"old", std::string(32, 'o')}};
    ring.name_key = std::string(32, 'n');
    return Sealer::Create(ring, true)->release();
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input[0] == '\0') {
    const std::string sealed = sealer->Seal(input.substr(1), "profile\nkey");
    absl::StatusOr<std::string> opened = sealer->Open(sealed, "profile\nkey");
    if (!opened.ok() || *opened != input.substr(1)) std::abort();
    if (sealer->Open(sealed, "profile\nother").ok()) std::abort();
    return 0;
  }
  absl::StatusOr<std::string> opened = sealer->Open(input, "profile\nkey");
  if (!opened.ok() && opened.status().message().empty()) std::abort();
  Sealer::KeyIdOf(input);
  return 0;
}
