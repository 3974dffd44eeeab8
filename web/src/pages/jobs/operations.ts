// The jobs pages' GraphQL documents (fields come from the shared fragments).
import { graphql } from "../../gql";

export const JobsQuery = graphql(`query Jobs($first: Int, $after: String, $last: Int, $before: String, $filter: JobFilter) { jobs(first: $first, after: $after, last: $last, before: $before, filter: $filter) { totalCount pageInfo { ...NextPage ...PreviousPage } nodes { ...JobFields } } }`);

/** A job page's fields: the list's, plus who works on it and every stage it went through. */
export const JobDetailFields = graphql(`
  fragment JobDetailFields on Job {
    ...JobFields
    worker
    leaseExpiresAt
    result
    timeline { at status stage progress message }
  }
`);

export const JobQuery = graphql(`query Job($id: ID!) { job(id: $id) { ...JobDetailFields } }`);

export const JobProgressSubscription = graphql(`subscription JobProgress($jobId: ID!) { jobProgress(jobId: $jobId) { ...JobDetailFields } }`);

/** What every job mutation answers: the job as it is now and the event's position. */
export const JobResult = graphql(`fragment JobResult on JobPayload { job { ...JobDetailFields } position }`);

export const CancelJobMutation = graphql(`mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }`);

export const RetryJobMutation = graphql(`mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }`);
