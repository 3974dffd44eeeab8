// The clusters pages' GraphQL documents (fields come from the shared fragments).
import { graphql } from "../../gql";

export const ClustersQuery = graphql(`query Clusters($first: Int, $after: String, $filter: ClusterFilter) { clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } } }`);

export const ClusterQuery = graphql(`query Cluster($id: ID!) { cluster(id: $id) { ...ClusterFields droplets(first: 100) { totalCount nodes { ...DropletFields } } } }`);

/** What every cluster mutation answers: the cluster as it is now and the event's position. */
export const ClusterResult = graphql(`fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }`);

export const CreateClusterMutation = graphql(`mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }`);

export const DeleteClusterMutation = graphql(`mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }`);
