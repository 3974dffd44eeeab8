// The Health page's GraphQL documents.
import { graphql } from "../../gql";

export const HealthChecksQuery = graphql(`query HealthChecks($first: Int, $after: String, $filter: HealthCheckFilter) { healthChecks(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { id name kind target intervalSeconds conditions state enabled results(first: 20) { nodes { at success durationMs error } } uptime(window: "24h") { runs ratio } } } }`);

export const RunHealthCheckMutation = graphql(`mutation RunHealthCheck($id: ID!) { runHealthCheck(id: $id) { success error } }`);
