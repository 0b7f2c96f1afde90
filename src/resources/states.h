// The states of the core kinds as enums, with their wire names (what status.state holds and
// what Livy and EMR clients read). Before this, the names were string literals in eight files.
// Each kind's controller (src/kinds/<kind>/) and the API adapters (src/server/) use these.
//
// state_of(r, dflt) reads status.state (dflt when absent or unknown); set_state writes it.
// Pure functions over constant tables: thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "resources/resource.h"

namespace eddy::resources {

// EMR's cluster states (ClusterStatus.State).
enum class ClusterState {
  kStarting,
  kBootstrapping,
  kRunning,
  kWaiting,
  kTerminating,
  kTerminated,
  kTerminatedWithErrors,
};
// Livy's session states.
enum class SessionState {
  kNotStarted,
  kStarting,
  kIdle,
  kBusy,
  kShuttingDown,
  kError,
  kDead,
  kKilled,
  kSuccess,
};
// Livy's batch states (the subset a batch goes through).
enum class BatchState { kStarting, kRunning, kShuttingDown, kSuccess, kDead, kKilled };
// Livy's statement states.
enum class StatementState { kWaiting, kRunning, kAvailable, kError, kCancelling, kCancelled };

template <typename E>
struct StateNames;
template <>
struct StateNames<ClusterState> {
  static constexpr std::array<std::string_view, 7> kNames = {
      "STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING", "TERMINATED",
      "TERMINATED_WITH_ERRORS"};
};
template <>
struct StateNames<SessionState> {
  static constexpr std::array<std::string_view, 9> kNames = {
      "not_started", "starting", "idle", "busy", "shutting_down", "error", "dead", "killed",
      "success"};
};
template <>
struct StateNames<BatchState> {
  static constexpr std::array<std::string_view, 6> kNames = {
      "starting", "running", "shutting_down", "success", "dead", "killed"};
};
template <>
struct StateNames<StatementState> {
  static constexpr std::array<std::string_view, 6> kNames = {
      "waiting", "running", "available", "error", "cancelling", "cancelled"};
};

template <typename E>
std::string state_name(E e) {
  return std::string(StateNames<E>::kNames[static_cast<size_t>(e)]);
}

template <typename E>
std::optional<E> parse_state(std::string_view s) {
  const auto& names = StateNames<E>::kNames;
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

template <typename E>
E state_of(const Resource& r, E dflt) {
  auto it = r.status.find("state");
  if (it == r.status.end() || !it->is_string()) return dflt;
  return parse_state<E>(it->template get_ref<const std::string&>()).value_or(dflt);
}

template <typename E>
void set_state(Resource& r, E e) {
  r.status["state"] = state_name(e);
}

inline bool is_terminal(ClusterState s) {
  return s == ClusterState::kTerminated || s == ClusterState::kTerminatedWithErrors;
}
inline bool is_finished(BatchState s) {
  return s == BatchState::kSuccess || s == BatchState::kDead || s == BatchState::kKilled;
}
inline bool is_finished(StatementState s) {
  return s == StatementState::kAvailable || s == StatementState::kError ||
         s == StatementState::kCancelled;
}
// A session in one of these states takes no more statements.
inline bool is_ended(SessionState s) {
  return s == SessionState::kDead || s == SessionState::kKilled || s == SessionState::kError ||
         s == SessionState::kShuttingDown || s == SessionState::kSuccess;
}

}  // namespace eddy::resources
