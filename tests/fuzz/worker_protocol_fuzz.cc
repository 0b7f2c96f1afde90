// libFuzzer target: the worker protocol's JSON (cluster/worker_protocol.h) as either end reads
// it: the server parses workers' requests (register, heartbeat, lease, log, done) and a worker
// parses the server's answers (register, heartbeat, lease with its task invocation). The input
// is one JSON document (invalid JSON is dropped: the HTTP layer answers 400 before the
// protocol sees it) given to every *_from_json. Asserts: no crash or exception; for every
// message that parses, to_json and parsing again gives the same message (compared through its
// JSON, and field by field for task references), so what one end writes the other reads back
// unchanged; a lease's wait is clamped to [0, 30000] ms and an exit code to [-1000, 1000].
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "cluster/worker_protocol.h"

namespace {

using nlohmann::json;
namespace protocol = eddy::cluster::protocol;

// to_json(parse(j)) is a fixed point: parsing it again and writing it gives the same JSON.
// Through text, as the wire carries it.
template <typename Parse, typename T>
void round_trip(Parse parse, const T& first) {
  const json once = protocol::to_json(first);
  auto again = parse(json::parse(once.dump()));
  if (!again.is_ok()) __builtin_trap();
  if (protocol::to_json(again.value()) != once) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const json j = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;

  if (auto r = protocol::register_request_from_json(j); r.is_ok())
    round_trip(protocol::register_request_from_json, r.value());
  if (auto r = protocol::heartbeat_request_from_json(j); r.is_ok()) {
    round_trip(protocol::heartbeat_request_from_json, r.value());
    if (r.value().task) {
      auto again = protocol::heartbeat_request_from_json(protocol::to_json(r.value()));
      if (!again.is_ok() || !again.value().task || !(*again.value().task == *r.value().task))
        __builtin_trap();
    }
  }
  if (auto r = protocol::lease_request_from_json(j); r.is_ok()) {
    if (r.value().wait_ms < 0 || r.value().wait_ms > 30000) __builtin_trap();
    round_trip(protocol::lease_request_from_json, r.value());
  }
  if (auto r = protocol::log_request_from_json(j); r.is_ok()) {
    round_trip(protocol::log_request_from_json, r.value());
    auto again = protocol::log_request_from_json(protocol::to_json(r.value()));
    if (!again.is_ok() || !(again.value().task == r.value().task) ||
        again.value().lines != r.value().lines)
      __builtin_trap();
  }
  if (auto r = protocol::done_report_from_json(j); r.is_ok()) {
    if (r.value().exit_code < -1000 || r.value().exit_code > 1000) __builtin_trap();
    round_trip(protocol::done_report_from_json, r.value());
  }

  // Answers: lenient, a worker must survive any server.
  const protocol::RegisterAnswer reg = protocol::register_answer_from_json(j);
  if (protocol::register_answer_from_json(protocol::to_json(reg)).heartbeat_interval_ms !=
      reg.heartbeat_interval_ms)
    __builtin_trap();
  const protocol::HeartbeatAnswer hb = protocol::heartbeat_answer_from_json(j);
  if (protocol::heartbeat_answer_from_json(protocol::to_json(hb)).action != hb.action)
    __builtin_trap();
  if (auto lease = protocol::lease_answer_from_json(j); lease.is_ok()) {
    const protocol::LeaseAnswer& a = lease.value();
    if (a.task && a.task->ref.name.empty()) __builtin_trap();
    if (a.task && a.task->unreadable.is_ok()) {
      // A readable task: what the server would send for it reads back the same.
      round_trip(protocol::lease_answer_from_json, a);
      auto again = protocol::lease_answer_from_json(json::parse(protocol::to_json(a).dump()));
      if (!again.is_ok() || !again.value().task || !(again.value().task->ref == a.task->ref) ||
          again.value().task->invocation.argv != a.task->invocation.argv ||
          again.value().task->invocation.files != a.task->invocation.files)
        __builtin_trap();
    }
  }
  return 0;
}
