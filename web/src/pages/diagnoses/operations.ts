// The diagnosis pages' GraphQL documents: asking for a diagnosis, one diagnosis with its
// report, the list, and the evidence snapshot (from the diagnosis' history) that lets the
// page link an event or a log line the report cites.
import { graphql } from "../../gql";

/** What a list row shows. */
export const DiagnosisFields = graphql(`
  fragment DiagnosisFields on Diagnosis {
    id
    targetType
    targetId
    checks
    question
    status
    jobId
    durationMs
    error
    appliedFindings
    appliedRecommendations {
      findingId
      jobId
      job {
        id
        type
        status
      }
    }
    version
    createdAt
    updatedAt
    report {
      backend
      findings {
        id
        severity
      }
    }
  }
`);

/** The report as the diagnosis page shows it. */
export const DiagnosisReportFields = graphql(`
  fragment DiagnosisReportFields on DiagnosisReport {
    backend
    tokensUsed
    note
    summary
    checks {
      check
      status
      summary
      details
      metrics {
        name
        value
      }
    }
    findings {
      id
      check
      severity
      title
      explanation
      confidence
      evidence {
        kind
        ref
        excerpt
      }
      recommendation {
        text
        action {
          kind
          dropletId
          clusterId
          jobId
          size
          image
          region
        }
      }
    }
  }
`);

export const DiagnosisQuery = graphql(`
  query Diagnosis($id: ID!, $minPosition: Int) {
    diagnosis(id: $id, minPosition: $minPosition) {
      ...DiagnosisFields
      evidenceDigest
      report {
        ...DiagnosisReportFields
      }
    }
  }
`);

export const DiagnosesQuery = graphql(`
  query Diagnoses($first: Int, $after: String, $last: Int, $before: String, $filter: DiagnosisFilter, $minPosition: Int) {
    diagnoses(first: $first, after: $after, last: $last, before: $before, filter: $filter, minPosition: $minPosition) {
      totalCount
      pageInfo {
        ...NextPage
        ...PreviousPage
      }
      nodes {
        ...DiagnosisFields
      }
    }
  }
`);

export const DiagnoseMutation = graphql(`
  mutation Diagnose($input: DiagnoseInput!) {
    diagnose(input: $input) {
      diagnosis {
        id
        status
      }
      job {
        id
      }
      position
      projected
    }
  }
`);

/** The diagnosis' events: the snapshot the analysis saw is in `DiagnosisEvidenceCollected`. */
export const DiagnosisEvidenceQuery = graphql(`
  query DiagnosisEvidence($id: ID!) {
    history(aggregateType: Diagnosis, aggregateId: $id) {
      events {
        position
        type
        payload
      }
    }
  }
`);

/** Runs a finding's recommended command; the same finding again returns the same job. */
export const ApplyRecommendationMutation = graphql(`
  mutation ApplyRecommendation($diagnosisId: ID!, $findingId: String!) {
    applyRecommendation(diagnosisId: $diagnosisId, findingId: $findingId) {
      diagnosis {
        ...DiagnosisFields
      }
      job {
        ...JobFields
      }
      position
      projected
    }
  }
`);
