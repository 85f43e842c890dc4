// Sealing of stored cookies (include/cookiejar/store_key_ring.h): AEAD
// (AES-256-GCM, libcrypto) under a key ring, and keyed hashes of names.
//
// A sealed text is
//   0x01 | id length (1 byte) | key id | nonce (12 bytes) | ciphertext | tag (16 bytes)
// with a random nonce per seal (NIST SP 800-38D allows 2^32 seals per key
// with random nonces: rotate a key before it has sealed that many records).
// The associated data is authenticated, not stored: the caller passes the
// same text (the profile and the cookie's key) to Seal and to Open, so a
// sealed text moved elsewhere does not open.

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_SEALING_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_SEALING_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cookiejar/store_key_ring.h"

namespace cookiejar {
namespace persistence_internal {

inline constexpr size_t kSealingKeyBytes = 32;
// What sealing adds to a plaintext, at most (the longest key id).
inline constexpr size_t kMaxSealingOverhead = 1 + 1 + 32 + 12 + 16;

class Sealer {
 public:
  // InvalidArgument (naming the key, never a secret) for a secret that is
  // not 32 bytes, a malformed or repeated id, an empty ring, or a missing
  // name key when `need_name_key`.
  static absl::StatusOr<std::unique_ptr<Sealer>> Create(const StoreKeyRing& ring,
                                                        bool need_name_key);
  ~Sealer();
  Sealer(const Sealer&) = delete;
  Sealer& operator=(const Sealer&) = delete;

  // Seals under the ring's first key. Thread-safe.
  std::string Seal(std::string_view plaintext, std::string_view associated) const;
  // The plaintext; DataLoss for a malformed text, one sealed under a key the
  // ring lacks, or one that does not authenticate (another key of the same
  // id, other associated data, altered bytes). Messages name key ids only.
  absl::StatusOr<std::string> Open(std::string_view sealed, std::string_view associated) const;
  // The id of the key a sealed text names ("" when malformed).
  static std::string_view KeyIdOf(std::string_view sealed);

  // A keyed hash of `text` under the name key (22 bytes of URL-safe base64:
  // 128 bits of HMAC-SHA256). Empty without a name key.
  std::string HashName(std::string_view text) const;
  // Check values that tell whether two rings hold the same secret under an
  // id (or the same name key) without revealing it: HMAC-SHA256 of a fixed
  // text, 128 bits, base64.
  std::string NameKeyCheck() const;
  std::string KeyCheck(const std::string& id) const;  // "" for an id not in the ring.

  const std::string& current_id() const;
  std::vector<std::string> key_ids() const;

 private:
  struct Key {
    std::string id;
    std::string secret;
  };
  Sealer(std::vector<Key> keys, std::string name_key);
  const Key* Find(std::string_view id) const;

  const std::vector<Key> keys_;
  const std::string name_key_;
};

}  // namespace persistence_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_SEALING_H_
