#include "common/clock.h"

#include <chrono>
#include <thread>

namespace eddy {

Micros SystemClock::now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::sleep_until(Micros t) {
  Micros d = t - now();
  if (d > 0) std::this_thread::sleep_for(std::chrono::microseconds(d));
}

SystemClock* SystemClock::instance() {
  static SystemClock clock;
  return &clock;
}

}  // namespace eddy
