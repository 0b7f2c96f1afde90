// EmrApi: the subset of Amazon EMR's API that the seed's boto3 scripts call — RunJobFlow,
// ListClusters, DescribeCluster, TerminateJobFlows — over the AWS JSON 1.1 protocol
// (POST / with `X-Amz-Target: ElasticMapReduce.<Action>`, application/x-amz-json-1.1), mapped
// onto Cluster resources (field reference: /work/shared/specs/emr.md).
//
// Mapping: an EMR cluster is a Cluster resource. Its JobFlowId ("j-" + 13 upper-case base36
// characters) is the label eddy.dev/emr-id for clusters made by RunJobFlow, or derived from the
// resource's uid for clusters made otherwise, so every cluster is visible to EMR clients. The EMR
// Name is the label eddy.dev/emr-name (when it is a valid label value) and, sanitized, the
// resource name (suffixed -2, -3, ... when taken, e.g. by yesterday's terminated run).
// Instances.InstanceCount N → spec.workers = max(1, N - 1) (the master is the Eddy server);
// KeepJobFlowAliveWhenNoSteps true → autoTerminate false, else autoTerminate true with the
// default idleTimeout (AutoTerminationPolicy.IdleTimeout overrides it). TerminateJobFlows cancels
// the cluster (it terminates and stays listed as TERMINATED, as on EMR). Request fields Eddy has
// no use for (roles, AMIs, subnets, ...) are ignored; Steps are refused (use Livy's /batches).
//
// Auth: the SigV4 Authorization header boto3 sends is not verified (its region is read for
// ClusterArn). On a non-loopback bind the bearer token is required as for every route; boto3
// sends it through an event hook (docs/livy.md).
//
// Thread-safety: stateless apart from the ControlPlane pointer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "resources/resource.h"
#include "server/routes.h"

namespace eddy::controlplane {
class ControlPlane;
}

namespace eddy::server {

inline constexpr const char* kEmrIdLabel = "eddy.dev/emr-id";
inline constexpr const char* kEmrNameLabel = "eddy.dev/emr-name";

// The JobFlowId of a Cluster resource (label, else derived from its uid).
std::string emr_cluster_id(const resources::Resource& cluster);
// An EMR Name as a resource name: lower-case, other characters → '-', at most 56 characters.
std::string emr_resource_name(const std::string& emr_name);
// The region of a SigV4 Authorization header's credential scope; "us-east-1" when absent.
std::string emr_region(const std::string& authorization);

class EmrApi {
 public:
  explicit EmrApi(controlplane::ControlPlane* control_plane) : cp_(control_plane) {}
  void add_routes(std::vector<Route>* routes);

 private:
  void dispatch(const httplib::Request& req, httplib::Response& res);
  Result<nlohmann::json> run_job_flow(const nlohmann::json& in, const std::string& region);
  Result<nlohmann::json> list_clusters(const nlohmann::json& in, const std::string& region);
  Result<nlohmann::json> describe_cluster(const nlohmann::json& in, const std::string& region);
  Result<nlohmann::json> terminate_job_flows(const nlohmann::json& in);
  Result<resources::Resource> find_cluster(const std::string& job_flow_id);

  controlplane::ControlPlane* cp_;
};

}  // namespace eddy::server
