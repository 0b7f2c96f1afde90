// random_seed (random.h).
#include "common/random.h"

#include <random>

namespace eddy {

uint64_t random_seed() {
  // random_device reads getrandom(2) on Linux; one per call needs no lock, and callers ask
  // for seeds rarely (a uid per create, an id per submission).
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace eddy
