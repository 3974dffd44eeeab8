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
