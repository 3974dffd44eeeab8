/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment NextPage on PageInfo { hasNextPage endCursor }\n": typeof types.NextPageFragmentDoc,
    "\n  fragment JobFields on Job {\n    id\n    type\n    status\n    progress\n    stage\n    message\n    targetType\n    targetId\n    attempts\n    maxAttempts\n    error\n    retryAt\n    version\n    createdAt\n    updatedAt\n  }\n": typeof types.JobFieldsFragmentDoc,
    "\n  fragment DropletFields on Droplet {\n    id\n    name\n    clusterId\n    cluster {\n      id\n      name\n    }\n    region\n    size\n    image\n    status\n    ip\n    version\n    createdAt\n    updatedAt\n    job {\n      ...JobFields\n    }\n  }\n": typeof types.DropletFieldsFragmentDoc,
    "\n  fragment ClusterFields on Cluster {\n    id\n    name\n    region\n    labels {\n      key\n      value\n    }\n    status\n    dropletCount\n    version\n    createdAt\n    updatedAt\n  }\n": typeof types.ClusterFieldsFragmentDoc,
    "\n  fragment EventFields on Event {\n    position\n    cursor\n    type\n    version\n    eventId\n    aggregateType\n    aggregateId\n    sequence\n    recordedAt\n    actor\n    correlationId\n    causationId\n    payload\n    metadata\n  }\n": typeof types.EventFieldsFragmentDoc,
    "\n  query Catalog {\n    catalog {\n      regions {\n        slug\n        name\n      }\n      sizes {\n        slug\n        vcpus\n        memoryMb\n        diskGb\n        priceMonthly\n      }\n      images {\n        slug\n        name\n        distribution\n      }\n    }\n  }\n": typeof types.CatalogDocument,
    "\n  subscription EventTail($after: String, $filter: EventFilter) {\n    events(after: $after, filter: $filter) {\n      ...EventFields\n    }\n  }\n": typeof types.EventTailDocument,
    "\n  subscription JobsLive($filter: JobFilter) {\n    jobs(filter: $filter) {\n      ...JobFields\n    }\n  }\n": typeof types.JobsLiveDocument,
    "\n  subscription DropletsLive($filter: DropletFilter) {\n    droplets(filter: $filter) {\n      ...DropletFields\n    }\n  }\n": typeof types.DropletsLiveDocument,
    "\n  query EntityName($id: ID!) {\n    droplet(id: $id) {\n      id\n      name\n    }\n    cluster(id: $id) {\n      id\n      name\n    }\n    job(id: $id) {\n      id\n      type\n      targetType\n      targetId\n    }\n  }\n": typeof types.EntityNameDocument,
    "\n  query Events($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {\n    events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n": typeof types.EventsDocument,
    "\n  query History($aggregateType: AggregateType!, $aggregateId: ID!, $asOf: AsOf) {\n    history(aggregateType: $aggregateType, aggregateId: $aggregateId, asOf: $asOf) {\n      aggregateType\n      aggregateId\n      exists\n      version\n      state\n      events {\n        ...EventFields\n      }\n    }\n  }\n": typeof types.HistoryDocument,
    "\n  query Clusters($first: Int, $after: String, $filter: ClusterFilter) {\n    clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } }\n  }\n": typeof types.ClustersDocument,
    "\n  query Cluster($id: ID!) {\n    cluster(id: $id) {\n      ...ClusterFields\n      droplets(first: 100) { totalCount nodes { ...DropletFields } }\n    }\n  }\n": typeof types.ClusterDocument,
    "\n  fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }\n": typeof types.ClusterResultFragmentDoc,
    "\n  mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }\n": typeof types.CreateClusterDocument,
    "\n  mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }\n": typeof types.DeleteClusterDocument,
    "\n  query JobParams($jobId: ID!) {\n    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: \"JobQueued\" }) {\n      nodes {\n        position\n        payload\n      }\n    }\n  }\n": typeof types.JobParamsDocument,
    "\n  query Droplets($first: Int, $after: String, $filter: DropletFilter) {\n    droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } }\n  }\n": typeof types.DropletsDocument,
    "\n  query Droplet($id: ID!) {\n    droplet(id: $id) {\n      ...DropletFields\n      jobs(first: 100) { totalCount nodes { ...JobFields } }\n    }\n  }\n": typeof types.DropletDocument,
    "\n  query ClusterChoices {\n    clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } }\n  }\n": typeof types.ClusterChoicesDocument,
    "\n  fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }\n": typeof types.DropletResultFragmentDoc,
    "\n  mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }\n": typeof types.CreateDropletDocument,
    "\n  mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }\n": typeof types.DestroyDropletDocument,
    "\n  mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }\n": typeof types.PowerDropletDocument,
    "\n  mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }\n": typeof types.ResizeDropletDocument,
    "\n  query Jobs($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...JobFields } }\n  }\n": typeof types.JobsDocument,
    "\n  fragment JobDetailFields on Job {\n    ...JobFields\n    worker\n    leaseExpiresAt\n    result\n    timeline {\n      at\n      status\n      stage\n      progress\n      message\n    }\n  }\n": typeof types.JobDetailFieldsFragmentDoc,
    "\n  query Job($id: ID!) {\n    job(id: $id) {\n      ...JobDetailFields\n    }\n  }\n": typeof types.JobDocument,
    "\n  subscription JobProgress($jobId: ID!) {\n    jobProgress(jobId: $jobId) {\n      ...JobDetailFields\n    }\n  }\n": typeof types.JobProgressDocument,
    "\n  fragment JobResult on JobPayload { job { ...JobDetailFields } position }\n": typeof types.JobResultFragmentDoc,
    "\n  mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }\n": typeof types.CancelJobDocument,
    "\n  mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }\n": typeof types.RetryJobDocument,
    "\n  query Overview {\n    clusters(first: 1, filter: { status: ACTIVE }) {\n      totalCount\n    }\n    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) {\n      totalCount\n    }\n    running: droplets(first: 1, filter: { status: RUNNING }) {\n      totalCount\n    }\n    stopped: droplets(first: 1, filter: { status: STOPPED }) {\n      totalCount\n    }\n    failed: droplets(first: 1, filter: { status: FAILED }) {\n      totalCount\n    }\n    destroying: droplets(first: 1, filter: { status: DESTROYING }) {\n      totalCount\n    }\n    destroyed: droplets(first: 1, filter: { status: DESTROYED }) {\n      totalCount\n    }\n    runningJobs: jobs(first: 100, filter: { status: RUNNING }) {\n      nodes {\n        ...JobFields\n      }\n    }\n    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) {\n      nodes {\n        ...JobFields\n      }\n    }\n  }\n": typeof types.OverviewDocument,
    "\n  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {\n    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {\n      pageInfo {\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n": typeof types.RecentEventsDocument,
};
const documents: Documents = {
    "\n  fragment NextPage on PageInfo { hasNextPage endCursor }\n": types.NextPageFragmentDoc,
    "\n  fragment JobFields on Job {\n    id\n    type\n    status\n    progress\n    stage\n    message\n    targetType\n    targetId\n    attempts\n    maxAttempts\n    error\n    retryAt\n    version\n    createdAt\n    updatedAt\n  }\n": types.JobFieldsFragmentDoc,
    "\n  fragment DropletFields on Droplet {\n    id\n    name\n    clusterId\n    cluster {\n      id\n      name\n    }\n    region\n    size\n    image\n    status\n    ip\n    version\n    createdAt\n    updatedAt\n    job {\n      ...JobFields\n    }\n  }\n": types.DropletFieldsFragmentDoc,
    "\n  fragment ClusterFields on Cluster {\n    id\n    name\n    region\n    labels {\n      key\n      value\n    }\n    status\n    dropletCount\n    version\n    createdAt\n    updatedAt\n  }\n": types.ClusterFieldsFragmentDoc,
    "\n  fragment EventFields on Event {\n    position\n    cursor\n    type\n    version\n    eventId\n    aggregateType\n    aggregateId\n    sequence\n    recordedAt\n    actor\n    correlationId\n    causationId\n    payload\n    metadata\n  }\n": types.EventFieldsFragmentDoc,
    "\n  query Catalog {\n    catalog {\n      regions {\n        slug\n        name\n      }\n      sizes {\n        slug\n        vcpus\n        memoryMb\n        diskGb\n        priceMonthly\n      }\n      images {\n        slug\n        name\n        distribution\n      }\n    }\n  }\n": types.CatalogDocument,
    "\n  subscription EventTail($after: String, $filter: EventFilter) {\n    events(after: $after, filter: $filter) {\n      ...EventFields\n    }\n  }\n": types.EventTailDocument,
    "\n  subscription JobsLive($filter: JobFilter) {\n    jobs(filter: $filter) {\n      ...JobFields\n    }\n  }\n": types.JobsLiveDocument,
    "\n  subscription DropletsLive($filter: DropletFilter) {\n    droplets(filter: $filter) {\n      ...DropletFields\n    }\n  }\n": types.DropletsLiveDocument,
    "\n  query EntityName($id: ID!) {\n    droplet(id: $id) {\n      id\n      name\n    }\n    cluster(id: $id) {\n      id\n      name\n    }\n    job(id: $id) {\n      id\n      type\n      targetType\n      targetId\n    }\n  }\n": types.EntityNameDocument,
    "\n  query Events($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {\n    events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n": types.EventsDocument,
    "\n  query History($aggregateType: AggregateType!, $aggregateId: ID!, $asOf: AsOf) {\n    history(aggregateType: $aggregateType, aggregateId: $aggregateId, asOf: $asOf) {\n      aggregateType\n      aggregateId\n      exists\n      version\n      state\n      events {\n        ...EventFields\n      }\n    }\n  }\n": types.HistoryDocument,
    "\n  query Clusters($first: Int, $after: String, $filter: ClusterFilter) {\n    clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } }\n  }\n": types.ClustersDocument,
    "\n  query Cluster($id: ID!) {\n    cluster(id: $id) {\n      ...ClusterFields\n      droplets(first: 100) { totalCount nodes { ...DropletFields } }\n    }\n  }\n": types.ClusterDocument,
    "\n  fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }\n": types.ClusterResultFragmentDoc,
    "\n  mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }\n": types.CreateClusterDocument,
    "\n  mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }\n": types.DeleteClusterDocument,
    "\n  query JobParams($jobId: ID!) {\n    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: \"JobQueued\" }) {\n      nodes {\n        position\n        payload\n      }\n    }\n  }\n": types.JobParamsDocument,
    "\n  query Droplets($first: Int, $after: String, $filter: DropletFilter) {\n    droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } }\n  }\n": types.DropletsDocument,
    "\n  query Droplet($id: ID!) {\n    droplet(id: $id) {\n      ...DropletFields\n      jobs(first: 100) { totalCount nodes { ...JobFields } }\n    }\n  }\n": types.DropletDocument,
    "\n  query ClusterChoices {\n    clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } }\n  }\n": types.ClusterChoicesDocument,
    "\n  fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }\n": types.DropletResultFragmentDoc,
    "\n  mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }\n": types.CreateDropletDocument,
    "\n  mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }\n": types.DestroyDropletDocument,
    "\n  mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }\n": types.PowerDropletDocument,
    "\n  mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }\n": types.ResizeDropletDocument,
    "\n  query Jobs($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...JobFields } }\n  }\n": types.JobsDocument,
    "\n  fragment JobDetailFields on Job {\n    ...JobFields\n    worker\n    leaseExpiresAt\n    result\n    timeline {\n      at\n      status\n      stage\n      progress\n      message\n    }\n  }\n": types.JobDetailFieldsFragmentDoc,
    "\n  query Job($id: ID!) {\n    job(id: $id) {\n      ...JobDetailFields\n    }\n  }\n": types.JobDocument,
    "\n  subscription JobProgress($jobId: ID!) {\n    jobProgress(jobId: $jobId) {\n      ...JobDetailFields\n    }\n  }\n": types.JobProgressDocument,
    "\n  fragment JobResult on JobPayload { job { ...JobDetailFields } position }\n": types.JobResultFragmentDoc,
    "\n  mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }\n": types.CancelJobDocument,
    "\n  mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }\n": types.RetryJobDocument,
    "\n  query Overview {\n    clusters(first: 1, filter: { status: ACTIVE }) {\n      totalCount\n    }\n    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) {\n      totalCount\n    }\n    running: droplets(first: 1, filter: { status: RUNNING }) {\n      totalCount\n    }\n    stopped: droplets(first: 1, filter: { status: STOPPED }) {\n      totalCount\n    }\n    failed: droplets(first: 1, filter: { status: FAILED }) {\n      totalCount\n    }\n    destroying: droplets(first: 1, filter: { status: DESTROYING }) {\n      totalCount\n    }\n    destroyed: droplets(first: 1, filter: { status: DESTROYED }) {\n      totalCount\n    }\n    runningJobs: jobs(first: 100, filter: { status: RUNNING }) {\n      nodes {\n        ...JobFields\n      }\n    }\n    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) {\n      nodes {\n        ...JobFields\n      }\n    }\n  }\n": types.OverviewDocument,
    "\n  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {\n    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {\n      pageInfo {\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n": types.RecentEventsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NextPage on PageInfo { hasNextPage endCursor }\n"): (typeof documents)["\n  fragment NextPage on PageInfo { hasNextPage endCursor }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobFields on Job {\n    id\n    type\n    status\n    progress\n    stage\n    message\n    targetType\n    targetId\n    attempts\n    maxAttempts\n    error\n    retryAt\n    version\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment JobFields on Job {\n    id\n    type\n    status\n    progress\n    stage\n    message\n    targetType\n    targetId\n    attempts\n    maxAttempts\n    error\n    retryAt\n    version\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DropletFields on Droplet {\n    id\n    name\n    clusterId\n    cluster {\n      id\n      name\n    }\n    region\n    size\n    image\n    status\n    ip\n    version\n    createdAt\n    updatedAt\n    job {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  fragment DropletFields on Droplet {\n    id\n    name\n    clusterId\n    cluster {\n      id\n      name\n    }\n    region\n    size\n    image\n    status\n    ip\n    version\n    createdAt\n    updatedAt\n    job {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ClusterFields on Cluster {\n    id\n    name\n    region\n    labels {\n      key\n      value\n    }\n    status\n    dropletCount\n    version\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment ClusterFields on Cluster {\n    id\n    name\n    region\n    labels {\n      key\n      value\n    }\n    status\n    dropletCount\n    version\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventFields on Event {\n    position\n    cursor\n    type\n    version\n    eventId\n    aggregateType\n    aggregateId\n    sequence\n    recordedAt\n    actor\n    correlationId\n    causationId\n    payload\n    metadata\n  }\n"): (typeof documents)["\n  fragment EventFields on Event {\n    position\n    cursor\n    type\n    version\n    eventId\n    aggregateType\n    aggregateId\n    sequence\n    recordedAt\n    actor\n    correlationId\n    causationId\n    payload\n    metadata\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Catalog {\n    catalog {\n      regions {\n        slug\n        name\n      }\n      sizes {\n        slug\n        vcpus\n        memoryMb\n        diskGb\n        priceMonthly\n      }\n      images {\n        slug\n        name\n        distribution\n      }\n    }\n  }\n"): (typeof documents)["\n  query Catalog {\n    catalog {\n      regions {\n        slug\n        name\n      }\n      sizes {\n        slug\n        vcpus\n        memoryMb\n        diskGb\n        priceMonthly\n      }\n      images {\n        slug\n        name\n        distribution\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EventTail($after: String, $filter: EventFilter) {\n    events(after: $after, filter: $filter) {\n      ...EventFields\n    }\n  }\n"): (typeof documents)["\n  subscription EventTail($after: String, $filter: EventFilter) {\n    events(after: $after, filter: $filter) {\n      ...EventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription JobsLive($filter: JobFilter) {\n    jobs(filter: $filter) {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  subscription JobsLive($filter: JobFilter) {\n    jobs(filter: $filter) {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DropletsLive($filter: DropletFilter) {\n    droplets(filter: $filter) {\n      ...DropletFields\n    }\n  }\n"): (typeof documents)["\n  subscription DropletsLive($filter: DropletFilter) {\n    droplets(filter: $filter) {\n      ...DropletFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EntityName($id: ID!) {\n    droplet(id: $id) {\n      id\n      name\n    }\n    cluster(id: $id) {\n      id\n      name\n    }\n    job(id: $id) {\n      id\n      type\n      targetType\n      targetId\n    }\n  }\n"): (typeof documents)["\n  query EntityName($id: ID!) {\n    droplet(id: $id) {\n      id\n      name\n    }\n    cluster(id: $id) {\n      id\n      name\n    }\n    job(id: $id) {\n      id\n      type\n      targetType\n      targetId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Events($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {\n    events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Events($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {\n    events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query History($aggregateType: AggregateType!, $aggregateId: ID!, $asOf: AsOf) {\n    history(aggregateType: $aggregateType, aggregateId: $aggregateId, asOf: $asOf) {\n      aggregateType\n      aggregateId\n      exists\n      version\n      state\n      events {\n        ...EventFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query History($aggregateType: AggregateType!, $aggregateId: ID!, $asOf: AsOf) {\n    history(aggregateType: $aggregateType, aggregateId: $aggregateId, asOf: $asOf) {\n      aggregateType\n      aggregateId\n      exists\n      version\n      state\n      events {\n        ...EventFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Clusters($first: Int, $after: String, $filter: ClusterFilter) {\n    clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } }\n  }\n"): (typeof documents)["\n  query Clusters($first: Int, $after: String, $filter: ClusterFilter) {\n    clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Cluster($id: ID!) {\n    cluster(id: $id) {\n      ...ClusterFields\n      droplets(first: 100) { totalCount nodes { ...DropletFields } }\n    }\n  }\n"): (typeof documents)["\n  query Cluster($id: ID!) {\n    cluster(id: $id) {\n      ...ClusterFields\n      droplets(first: 100) { totalCount nodes { ...DropletFields } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }\n"): (typeof documents)["\n  fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }\n"): (typeof documents)["\n  mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }\n"): (typeof documents)["\n  mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobParams($jobId: ID!) {\n    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: \"JobQueued\" }) {\n      nodes {\n        position\n        payload\n      }\n    }\n  }\n"): (typeof documents)["\n  query JobParams($jobId: ID!) {\n    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: \"JobQueued\" }) {\n      nodes {\n        position\n        payload\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Droplets($first: Int, $after: String, $filter: DropletFilter) {\n    droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } }\n  }\n"): (typeof documents)["\n  query Droplets($first: Int, $after: String, $filter: DropletFilter) {\n    droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Droplet($id: ID!) {\n    droplet(id: $id) {\n      ...DropletFields\n      jobs(first: 100) { totalCount nodes { ...JobFields } }\n    }\n  }\n"): (typeof documents)["\n  query Droplet($id: ID!) {\n    droplet(id: $id) {\n      ...DropletFields\n      jobs(first: 100) { totalCount nodes { ...JobFields } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClusterChoices {\n    clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } }\n  }\n"): (typeof documents)["\n  query ClusterChoices {\n    clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }\n"): (typeof documents)["\n  fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }\n"): (typeof documents)["\n  mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }\n"): (typeof documents)["\n  mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }\n"): (typeof documents)["\n  mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }\n"): (typeof documents)["\n  mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Jobs($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...JobFields } }\n  }\n"): (typeof documents)["\n  query Jobs($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...JobFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobDetailFields on Job {\n    ...JobFields\n    worker\n    leaseExpiresAt\n    result\n    timeline {\n      at\n      status\n      stage\n      progress\n      message\n    }\n  }\n"): (typeof documents)["\n  fragment JobDetailFields on Job {\n    ...JobFields\n    worker\n    leaseExpiresAt\n    result\n    timeline {\n      at\n      status\n      stage\n      progress\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Job($id: ID!) {\n    job(id: $id) {\n      ...JobDetailFields\n    }\n  }\n"): (typeof documents)["\n  query Job($id: ID!) {\n    job(id: $id) {\n      ...JobDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription JobProgress($jobId: ID!) {\n    jobProgress(jobId: $jobId) {\n      ...JobDetailFields\n    }\n  }\n"): (typeof documents)["\n  subscription JobProgress($jobId: ID!) {\n    jobProgress(jobId: $jobId) {\n      ...JobDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobResult on JobPayload { job { ...JobDetailFields } position }\n"): (typeof documents)["\n  fragment JobResult on JobPayload { job { ...JobDetailFields } position }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }\n"): (typeof documents)["\n  mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }\n"): (typeof documents)["\n  mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Overview {\n    clusters(first: 1, filter: { status: ACTIVE }) {\n      totalCount\n    }\n    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) {\n      totalCount\n    }\n    running: droplets(first: 1, filter: { status: RUNNING }) {\n      totalCount\n    }\n    stopped: droplets(first: 1, filter: { status: STOPPED }) {\n      totalCount\n    }\n    failed: droplets(first: 1, filter: { status: FAILED }) {\n      totalCount\n    }\n    destroying: droplets(first: 1, filter: { status: DESTROYING }) {\n      totalCount\n    }\n    destroyed: droplets(first: 1, filter: { status: DESTROYED }) {\n      totalCount\n    }\n    runningJobs: jobs(first: 100, filter: { status: RUNNING }) {\n      nodes {\n        ...JobFields\n      }\n    }\n    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) {\n      nodes {\n        ...JobFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Overview {\n    clusters(first: 1, filter: { status: ACTIVE }) {\n      totalCount\n    }\n    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) {\n      totalCount\n    }\n    running: droplets(first: 1, filter: { status: RUNNING }) {\n      totalCount\n    }\n    stopped: droplets(first: 1, filter: { status: STOPPED }) {\n      totalCount\n    }\n    failed: droplets(first: 1, filter: { status: FAILED }) {\n      totalCount\n    }\n    destroying: droplets(first: 1, filter: { status: DESTROYING }) {\n      totalCount\n    }\n    destroyed: droplets(first: 1, filter: { status: DESTROYED }) {\n      totalCount\n    }\n    runningJobs: jobs(first: 100, filter: { status: RUNNING }) {\n      nodes {\n        ...JobFields\n      }\n    }\n    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) {\n      nodes {\n        ...JobFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {\n    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {\n      pageInfo {\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {\n    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {\n      pageInfo {\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;