// The telemetry panels' GraphQL documents: a droplet's and a cluster's series over a range,
// a droplet's live samples, and injectLoad.
import { graphql } from "../../gql";

export const SeriesFields = graphql(`fragment SeriesFields on MetricSeries { metric unit stepSeconds resolution points { t v } latest { t v } }`);

export const DropletMetricsQuery = graphql(`query DropletMetrics($id: ID!, $range: MetricRange!) {
  droplet(id: $id) {
    id status
    injectedLoad { cpu memory until active }
    cpu: metrics(metric: CPU, range: $range) { ...SeriesFields }
    memory: metrics(metric: MEMORY, range: $range) { ...SeriesFields }
    disk: metrics(metric: DISK, range: $range) { ...SeriesFields }
    networkIn: metrics(metric: NETWORK_IN, range: $range) { ...SeriesFields }
    networkOut: metrics(metric: NETWORK_OUT, range: $range) { ...SeriesFields }
    load1: metrics(metric: LOAD1, range: $range) { ...SeriesFields }
  }
}`);

export const ClusterMetricsQuery = graphql(`query ClusterMetrics($id: ID!, $range: MetricRange!) {
  cluster(id: $id) {
    id status
    injectedLoad { cpu memory queueDepth until active }
    cpuAvg: metrics(metric: CPU, range: $range, aggregate: AVG) { ...SeriesFields }
    cpuMax: metrics(metric: CPU, range: $range, aggregate: MAX) { ...SeriesFields }
    memoryAvg: metrics(metric: MEMORY, range: $range, aggregate: AVG) { ...SeriesFields }
    memoryMax: metrics(metric: MEMORY, range: $range, aggregate: MAX) { ...SeriesFields }
    queue: metrics(metric: QUEUE_DEPTH, range: $range) { ...SeriesFields }
  }
}`);

export const DropletSamples = graphql(`subscription DropletSamples($id: ID!) { dropletMetrics(dropletId: $id) { at cpu memory disk networkIn networkOut load1 } }`);

export const InjectLoadMutation = graphql(`mutation InjectLoad($input: InjectLoadInput!) { injectLoad(input: $input) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }`);

export const ClearLoadMutation = graphql(`mutation ClearLoad($targetType: LoadTargetType!, $targetId: ID!) { clearLoad(targetType: $targetType, targetId: $targetId) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }`);
