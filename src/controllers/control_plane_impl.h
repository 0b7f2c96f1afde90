// Private state of ControlPlane, shared by its .cc files (control_plane.cc: resources and
// watch; worker_protocol.cc: the worker routes; cluster_controller.cc: cluster reconcile;
// task_dispatch.cc: turning Batch/Statement resources into worker tasks and results back).
// Not for use outside controllers/.
//
// Locking: `mu` guards every field below it. Store calls are made while holding `mu` when they
// record a state transition (so the in-memory view and the store cannot disagree); reads of
// resources users asked for go to the store without `mu`. Subscriber callbacks run under
// `subs_mu` only, never under `mu`'s ordering constraint: publish() is called after a write.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "controllers/control_plane.h"

namespace eddy::controllers {

struct TaskRef {
  std::string kind;  // "Batch" or "Statement"
  std::string name;
  bool operator<(const TaskRef& o) const { return kind != o.kind ? kind < o.kind : name < o.name; }
  bool operator==(const TaskRef& o) const { return kind == o.kind && name == o.name; }
};

struct WorkerState {
  std::string cluster;
  std::string name;
  cluster::WorkerHandle handle;
  std::string state;          // starting | ready | dead | stopped
  Micros launched = 0;
  Micros last_heartbeat = 0;  // launch or restart time until the first heartbeat
  int64_t rss_bytes = 0;
  double cpu_seconds = 0;
  bool has_task = false;
  TaskRef task;
  int64_t attempt = 0;
};

struct RunningTask {
  std::string cluster;
  std::string worker;
  int64_t attempt = 0;
  Micros started = 0;
};

struct ControlPlane::Impl {
  std::mutex mu;
  std::condition_variable work_cv;    // a task was queued or cancelled (lease waits on it)
  std::condition_variable wake_cv;    // something to reconcile
  bool wake = false;
  bool stopping = false;
  std::thread reconciler;

  std::map<std::string, WorkerState> workers;          // by worker name
  std::map<std::string, std::deque<TaskRef>> pending;  // by cluster, FIFO
  std::map<TaskRef, RunningTask> running;
  std::set<TaskRef> cancelling;                        // running tasks whose worker must kill them
  std::map<std::string, Micros> status_saved;          // by cluster: last periodic status write

  // Metrics (under mu).
  std::map<std::string, int64_t> created_total;        // by kind
  std::map<std::string, int64_t> tasks_finished_total; // by "kind,result"

  std::mutex subs_mu;
  int64_t next_sub = 1;
  struct Sub {
    std::string kind;
    std::function<void(const ResourceEvent&)> fn;
  };
  std::map<int64_t, Sub> subs;
};

// Status of a new or restarted Cluster: STARTING, its timeline begun at `now`.
void init_cluster_status(resources::Resource& c, Micros now);

// Epoch milliseconds of a clock reading.
inline int64_t to_ms(Micros t) { return t / 1000; }

}  // namespace eddy::controllers
