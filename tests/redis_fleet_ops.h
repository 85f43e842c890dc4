// The operations of tests/redis_fleet_worker.cc, shared with
// tests/redis_fleet_test.cc, which replays them to know what each worker
// did: a worker's operations depend only on its number and seed.
//
// Each worker has cookies of its own (on its own site, which no other worker
// touches: their final state is exactly what the worker last did) and all
// share a few cookies (conflicts: the fleet must agree on one of the values
// written). Values name the worker and the operation: "w3n517".

#ifndef COOKIEJAR_TESTS_REDIS_FLEET_OPS_H_
#define COOKIEJAR_TESTS_REDIS_FLEET_OPS_H_

#include <map>
#include <optional>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cookiejar/store_key_ring.h"

namespace cookiejar {
namespace fleet {

inline constexpr int kOwnKeys = 12;
inline constexpr int kSharedKeys = 8;
inline constexpr char kSharedSite[] = "https://shared.fleet.test/";

enum class OpKind { kSetOwn, kDeleteOwn, kSetShared, kDeleteShared, kLookupOwn, kLookupShared };

struct Op {
  OpKind kind;
  int key;
};

inline std::string OwnSite(int worker) { return absl::StrCat("https://w", worker, ".fleet.test/"); }
inline std::string OwnName(int key) { return absl::StrCat("own", key); }
inline std::string SharedName(int key) { return absl::StrCat("shared", key); }
inline std::string Value(int worker, long op) { return absl::StrCat("w", worker, "n", op); }

class OpStream {
 public:
  OpStream(int worker, unsigned seed) : random_(seed * 7919u + static_cast<unsigned>(worker)) {}
  Op Next() {
    const int roll = static_cast<int>(random_() % 100);
    if (roll < 35) return {OpKind::kSetOwn, static_cast<int>(random_() % kOwnKeys)};
    if (roll < 50) return {OpKind::kDeleteOwn, static_cast<int>(random_() % kOwnKeys)};
    if (roll < 65) return {OpKind::kSetShared, static_cast<int>(random_() % kSharedKeys)};
    if (roll < 70) return {OpKind::kDeleteShared, static_cast<int>(random_() % kSharedKeys)};
    if (roll < 90) return {OpKind::kLookupOwn, 0};
    return {OpKind::kLookupShared, 0};
  }

 private:
  std::mt19937 random_;
};

// The worker's own cookies (name -> value) after its first `ops` operations.
inline std::map<std::string, std::string> OwnStateAfter(int worker, unsigned seed, long ops) {
  std::map<std::string, std::string> state;
  OpStream stream(worker, seed);
  for (long n = 0; n < ops; ++n) {
    const Op op = stream.Next();
    if (op.kind == OpKind::kSetOwn) state[OwnName(op.key)] = Value(worker, n);
    if (op.kind == OpKind::kDeleteOwn) state.erase(OwnName(op.key));
  }
  return state;
}

// A key ring for tests: "k2,k1" is key k2 (seals) and k1 (opens), each
// with a secret made from its id, and one name key.
inline StoreKeyRing TestKeyRing(const std::string& ids) {
  StoreKeyRing ring;
  ring.name_key = std::string(32, 'N');
  for (absl::string_view id : absl::StrSplit(ids, ',')) {
    std::string secret(32, '\0');
    for (size_t i = 0; i < secret.size(); ++i) {
      secret[i] = static_cast<char>(id[i % id.size()] + 7 * i);
    }
    ring.keys.push_back({std::string(id), secret});
  }
  return ring;
}

}  // namespace fleet
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_REDIS_FLEET_OPS_H_
