// The scaling-policy section's GraphQL documents.
import { graphql } from "../../gql";

export const ScalingPolicyFields = graphql(`
  fragment ScalingPolicyFields on ScalingPolicy {
    id
    clusterId
    name
    status
    mode
    metric
    target
    tolerance
    minDroplets
    maxDroplets
    minSize
    maxSize
    costLimitPerHour
    cooldownSeconds
    dryRun
    version
    template {
      size
      image
      hourlyPrice
    }
    updatedAt
  }
`);

export const ScalingPoliciesQuery = graphql(`
  query ScalingPolicies($first: Int, $after: String, $filter: ScalingPolicyFilter) {
    scalingPolicies(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        ...NextPage
      }
      nodes {
        ...ScalingPolicyFields
      }
    }
  }
`);

export const CreateScalingPolicyMutation = graphql(`
  mutation CreateScalingPolicy($input: CreateScalingPolicyInput!) {
    createScalingPolicy(input: $input) {
      scalingPolicy {
        ...ScalingPolicyFields
      }
      position
    }
  }
`);

export const PauseScalingPolicyMutation = graphql(`
  mutation PauseScalingPolicy($id: ID!, $expectedVersion: Int) {
    pauseScalingPolicy(id: $id, expectedVersion: $expectedVersion) {
      scalingPolicy {
        ...ScalingPolicyFields
      }
      position
    }
  }
`);

export const ResumeScalingPolicyMutation = graphql(`
  mutation ResumeScalingPolicy($id: ID!, $expectedVersion: Int) {
    resumeScalingPolicy(id: $id, expectedVersion: $expectedVersion) {
      scalingPolicy {
        ...ScalingPolicyFields
      }
      position
    }
  }
`);

export const DeleteScalingPolicyMutation = graphql(`
  mutation DeleteScalingPolicy($id: ID!, $expectedVersion: Int) {
    deleteScalingPolicy(id: $id, expectedVersion: $expectedVersion) {
      scalingPolicy {
        ...ScalingPolicyFields
      }
      position
    }
  }
`);

export const ScalingDecisionFields = graphql(`
  fragment ScalingDecisionFields on ScalingDecision {
    at
    current
    desired
    currentSize
    desiredSize
    metricValue
    target
    reason
    cappedBy
    dryRun
  }
`);

export const ScalingDecisionRecordFields = graphql(`
  fragment ScalingDecisionRecordFields on ScalingDecisionRecord {
    position
    actor
    decision {
      ...ScalingDecisionFields
    }
    planned
    job {
      id
      status
      progress
    }
    result {
      created
      destroyed
      resized
      skipped
    }
    abandoned
  }
`);

export const ScalingEvaluationFields = graphql(`
  fragment ScalingEvaluationFields on ScalingEvaluation {
    outcome
    note
    decision {
      ...ScalingDecisionFields
    }
    job {
      id
      status
    }
  }
`);

/** A policy's page: its settings, its latest evaluation and decisions. */
export const ScalingPolicyPageQuery = graphql(`
  query ScalingPolicyPage($id: ID!, $first: Int) {
    scalingPolicy(id: $id) {
      ...ScalingPolicyFields
      windowSeconds
      createdAt
      scaleUp {
        stabilizationWindowSeconds
        maxStep {
          droplets
          percent
          periodSeconds
        }
      }
      scaleDown {
        stabilizationWindowSeconds
        maxStep {
          droplets
          percent
          periodSeconds
        }
      }
      cluster {
        id
        name
        status
      }
      lastEvaluation {
        ...ScalingEvaluationFields
      }
      decisions(first: $first) {
        totalCount
        nodes {
          ...ScalingDecisionRecordFields
        }
      }
    }
  }
`);

export const EvaluateScalingPolicyMutation = graphql(`
  mutation EvaluateScalingPolicy($id: ID!, $dryRun: Boolean) {
    evaluateScalingPolicy(id: $id, dryRun: $dryRun) {
      evaluation {
        ...ScalingEvaluationFields
      }
      position
    }
  }
`);

/** The metric a policy watches, over the chart's range (the cluster's average for CPU and memory). */
export const ScalingMetricQuery = graphql(`
  query ScalingMetric($clusterId: ID!, $metric: MetricName!, $range: MetricRange!) {
    cluster(id: $clusterId) {
      id
      metrics(metric: $metric, range: $range, aggregate: AVG) {
        ...SeriesFields
      }
    }
  }
`);
