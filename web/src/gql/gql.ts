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
    "\n  fragment MeFields on Me {\n    actor\n    role\n    via\n    authMode\n    expiresAt\n    user { id username role status }\n  }\n": typeof types.MeFieldsFragmentDoc,
    "query Me { me { ...MeFields } }": typeof types.MeDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) { token expiresAt user { id username role } }\n  }\n": typeof types.LoginDocument,
    "\n  fragment NextPage on PageInfo { hasNextPage endCursor }\n": typeof types.NextPageFragmentDoc,
    "\n  fragment PreviousPage on PageInfo { hasPreviousPage startCursor }\n": typeof types.PreviousPageFragmentDoc,
    "\n  fragment JobFields on Job {\n    id\n    type\n    status\n    progress\n    stage\n    message\n    targetType\n    targetId\n    attempts\n    maxAttempts\n    error\n    retryAt\n    version\n    createdAt\n    updatedAt\n  }\n": typeof types.JobFieldsFragmentDoc,
    "\n  fragment DropletFields on Droplet {\n    id\n    name\n    clusterId\n    cluster {\n      id\n      name\n    }\n    region\n    size\n    image\n    status\n    ip\n    version\n    createdAt\n    updatedAt\n    job {\n      ...JobFields\n    }\n  }\n": typeof types.DropletFieldsFragmentDoc,
    "\n  fragment ClusterFields on Cluster {\n    id\n    name\n    region\n    labels {\n      key\n      value\n    }\n    status\n    dropletCount\n    version\n    createdAt\n    updatedAt\n  }\n": typeof types.ClusterFieldsFragmentDoc,
    "\n  fragment HealthCheckFields on HealthCheck {\n    id\n    name\n    kind\n    target\n    intervalSeconds\n    timeoutMs\n    conditions\n    failureThreshold\n    successThreshold\n    enabled\n    clusterId\n    dropletId\n    state\n    status\n    version\n    createdAt\n    updatedAt\n  }\n": typeof types.HealthCheckFieldsFragmentDoc,
    "\n  fragment HealthCheckResultFields on HealthCheckResult {\n    at\n    success\n    durationMs\n    status\n    error\n    conditionResults {\n      condition\n      success\n      actual\n    }\n  }\n": typeof types.HealthCheckResultFieldsFragmentDoc,
    "\n  fragment UptimeFields on Uptime { window runs successes ratio }\n": typeof types.UptimeFieldsFragmentDoc,
    "\n  fragment EventFields on Event {\n    position\n    cursor\n    type\n    version\n    eventId\n    aggregateType\n    aggregateId\n    sequence\n    recordedAt\n    actor\n    correlationId\n    causationId\n    payload\n    metadata\n  }\n": typeof types.EventFieldsFragmentDoc,
    "\n  query Catalog {\n    catalog {\n      regions {\n        slug\n        name\n      }\n      sizes {\n        slug\n        vcpus\n        memoryMb\n        diskGb\n        priceMonthly\n      }\n      images {\n        slug\n        name\n        distribution\n      }\n    }\n  }\n": typeof types.CatalogDocument,
    "\n  subscription EventTail($after: String, $filter: EventFilter) {\n    events(after: $after, filter: $filter) {\n      ...EventFields\n    }\n  }\n": typeof types.EventTailDocument,
    "\n  subscription JobsLive($filter: JobFilter) {\n    jobs(filter: $filter) {\n      ...JobFields\n    }\n  }\n": typeof types.JobsLiveDocument,
    "\n  subscription DropletsLive($filter: DropletFilter) {\n    droplets(filter: $filter) {\n      ...DropletFields\n    }\n  }\n": typeof types.DropletsLiveDocument,
    "\n  subscription HealthCheckResultsLive($id: ID!) {\n    healthCheckResults(id: $id) {\n      ...HealthCheckResultFields\n    }\n  }\n": typeof types.HealthCheckResultsLiveDocument,
    "\n  query EntityName($id: ID!) {\n    droplet(id: $id) {\n      id\n      name\n    }\n    cluster(id: $id) {\n      id\n      name\n    }\n    job(id: $id) {\n      id\n      type\n      targetType\n      targetId\n    }\n    healthCheck(id: $id) {\n      id\n      name\n    }\n  }\n": typeof types.EntityNameDocument,
    "\n  query Targets {\n    clusters(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n    droplets(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n  }\n": typeof types.TargetsDocument,
    "\n  query Events($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {\n    events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n": typeof types.EventsDocument,
    "\n  query History($aggregateType: AggregateType!, $aggregateId: ID!, $asOf: AsOf) {\n    history(aggregateType: $aggregateType, aggregateId: $aggregateId, asOf: $asOf) {\n      aggregateType\n      aggregateId\n      exists\n      version\n      state\n      events {\n        ...EventFields\n      }\n    }\n  }\n": typeof types.HistoryDocument,
    "query Clusters($first: Int, $after: String, $filter: ClusterFilter) { clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } } }": typeof types.ClustersDocument,
    "query Cluster($id: ID!) { cluster(id: $id) { ...ClusterFields droplets(first: 100) { totalCount nodes { ...DropletFields } } } }": typeof types.ClusterDocument,
    "fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }": typeof types.ClusterResultFragmentDoc,
    "mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }": typeof types.CreateClusterDocument,
    "mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }": typeof types.DeleteClusterDocument,
    "\n  fragment DiagnosisFields on Diagnosis {\n    id\n    targetType\n    targetId\n    checks\n    question\n    status\n    jobId\n    durationMs\n    error\n    appliedFindings\n    appliedRecommendations {\n      findingId\n      jobId\n      job {\n        id\n        type\n        status\n      }\n    }\n    version\n    createdAt\n    updatedAt\n    report {\n      backend\n      findings {\n        id\n        severity\n      }\n    }\n  }\n": typeof types.DiagnosisFieldsFragmentDoc,
    "\n  fragment DiagnosisReportFields on DiagnosisReport {\n    backend\n    tokensUsed\n    note\n    summary\n    checks {\n      check\n      status\n      summary\n      details\n      metrics {\n        name\n        value\n      }\n    }\n    findings {\n      id\n      check\n      severity\n      title\n      explanation\n      confidence\n      evidence {\n        kind\n        ref\n        excerpt\n      }\n      recommendation {\n        text\n        action {\n          kind\n          dropletId\n          clusterId\n          jobId\n          size\n          image\n          region\n        }\n      }\n    }\n  }\n": typeof types.DiagnosisReportFieldsFragmentDoc,
    "\n  query Diagnosis($id: ID!, $minPosition: Int) {\n    diagnosis(id: $id, minPosition: $minPosition) {\n      ...DiagnosisFields\n      evidenceDigest\n      report {\n        ...DiagnosisReportFields\n      }\n    }\n  }\n": typeof types.DiagnosisDocument,
    "\n  query Diagnoses($first: Int, $after: String, $last: Int, $before: String, $filter: DiagnosisFilter, $minPosition: Int) {\n    diagnoses(first: $first, after: $after, last: $last, before: $before, filter: $filter, minPosition: $minPosition) {\n      totalCount\n      pageInfo {\n        ...NextPage\n        ...PreviousPage\n      }\n      nodes {\n        ...DiagnosisFields\n      }\n    }\n  }\n": typeof types.DiagnosesDocument,
    "\n  mutation Diagnose($input: DiagnoseInput!) {\n    diagnose(input: $input) {\n      diagnosis {\n        id\n        status\n      }\n      job {\n        id\n      }\n      position\n      projected\n    }\n  }\n": typeof types.DiagnoseDocument,
    "\n  query DiagnosisEvidence($id: ID!) {\n    history(aggregateType: Diagnosis, aggregateId: $id) {\n      events {\n        position\n        type\n        payload\n      }\n    }\n  }\n": typeof types.DiagnosisEvidenceDocument,
    "\n  mutation ApplyRecommendation($diagnosisId: ID!, $findingId: String!) {\n    applyRecommendation(diagnosisId: $diagnosisId, findingId: $findingId) {\n      diagnosis {\n        ...DiagnosisFields\n      }\n      job {\n        ...JobFields\n      }\n      position\n      projected\n    }\n  }\n": typeof types.ApplyRecommendationDocument,
    "\n  query JobParams($jobId: ID!) {\n    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: \"JobQueued\" }) {\n      nodes {\n        position\n        payload\n      }\n    }\n  }\n": typeof types.JobParamsDocument,
    "query Droplets($first: Int, $after: String, $filter: DropletFilter) { droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } } }": typeof types.DropletsDocument,
    "query Droplet($id: ID!) { droplet(id: $id) { ...DropletFields jobs(first: 100) { totalCount nodes { ...JobFields } } } }": typeof types.DropletDocument,
    "query ClusterChoices { clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } } }": typeof types.ClusterChoicesDocument,
    "fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }": typeof types.DropletResultFragmentDoc,
    "mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }": typeof types.CreateDropletDocument,
    "mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }": typeof types.DestroyDropletDocument,
    "mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }": typeof types.PowerDropletDocument,
    "mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }": typeof types.ResizeDropletDocument,
    "\n  fragment HealthCheckRow on HealthCheck {\n    ...HealthCheckFields\n    results(first: 20) { nodes { ...HealthCheckResultFields } }\n    uptime(window: \"24h\") { ...UptimeFields }\n  }\n": typeof types.HealthCheckRowFragmentDoc,
    "query HealthChecks($first: Int, $after: String, $filter: HealthCheckFilter) { healthChecks(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...HealthCheckRow } } }": typeof types.HealthChecksDocument,
    "query HealthCheckRowLive($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckRow } }": typeof types.HealthCheckRowLiveDocument,
    "\n  fragment HealthCheckDetail on HealthCheck {\n    ...HealthCheckFields\n    results(first: 20) { totalCount nodes { ...HealthCheckResultFields } }\n    hour: uptime(window: \"1h\") { ...UptimeFields }\n    day: uptime(window: \"24h\") { ...UptimeFields }\n    week: uptime(window: \"7d\") { ...UptimeFields }\n  }\n": typeof types.HealthCheckDetailFragmentDoc,
    "query HealthCheck($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckDetail } }": typeof types.HealthCheckDocument,
    "fragment HealthCheckPayloadFields on HealthCheckPayload { healthCheck { ...HealthCheckFields } position }": typeof types.HealthCheckPayloadFieldsFragmentDoc,
    "mutation CreateHealthCheck($input: CreateHealthCheckInput!) { createHealthCheck(input: $input) { ...HealthCheckPayloadFields } }": typeof types.CreateHealthCheckDocument,
    "mutation UpdateHealthCheck($id: ID!, $input: UpdateHealthCheckInput!, $expectedVersion: Int) { updateHealthCheck(id: $id, input: $input, expectedVersion: $expectedVersion) { ...HealthCheckPayloadFields } }": typeof types.UpdateHealthCheckDocument,
    "mutation DeleteHealthCheck($id: ID!) { deleteHealthCheck(id: $id) { ...HealthCheckPayloadFields } }": typeof types.DeleteHealthCheckDocument,
    "mutation RunHealthCheck($id: ID!) { runHealthCheck(id: $id) { ...HealthCheckResultFields } }": typeof types.RunHealthCheckDocument,
    "query Jobs($first: Int, $after: String, $last: Int, $before: String, $filter: JobFilter) { jobs(first: $first, after: $after, last: $last, before: $before, filter: $filter) { totalCount pageInfo { ...NextPage ...PreviousPage } nodes { ...JobFields } } }": typeof types.JobsDocument,
    "\n  fragment JobDetailFields on Job {\n    ...JobFields\n    worker\n    leaseExpiresAt\n    result\n    timeline { at status stage progress message }\n  }\n": typeof types.JobDetailFieldsFragmentDoc,
    "query Job($id: ID!) { job(id: $id) { ...JobDetailFields } }": typeof types.JobDocument,
    "subscription JobProgress($jobId: ID!) { jobProgress(jobId: $jobId) { ...JobDetailFields } }": typeof types.JobProgressDocument,
    "fragment JobResult on JobPayload { job { ...JobDetailFields } position }": typeof types.JobResultFragmentDoc,
    "mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }": typeof types.CancelJobDocument,
    "mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }": typeof types.RetryJobDocument,
    "\n  fragment LogRecordFields on LogRecord {\n    id\n    cursor\n    at\n    level\n    service\n    instance\n    target\n    message\n    fields\n    resourceIds\n    correlationId\n    traceId\n  }\n": typeof types.LogRecordFieldsFragmentDoc,
    "\n  query Logs($filter: LogFilter, $query: String, $first: Int, $after: String) {\n    logs(filter: $filter, query: $query, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...LogRecordFields\n      }\n    }\n  }\n": typeof types.LogsDocument,
    "\n  query LogServices {\n    logServices\n  }\n": typeof types.LogServicesDocument,
    "\n  subscription LogTail($filter: LogFilter, $query: String, $after: String) {\n    logTail(filter: $filter, query: $query, after: $after) {\n      cursor\n      dropped\n      record {\n        ...LogRecordFields\n      }\n    }\n  }\n": typeof types.LogTailDocument,
    "\n  query Monitoring {\n    workerPool {\n      workers\n      runners\n      busy\n      queueLength\n      jobsByStatus { status count }\n    }\n    pipeline {\n      projectorLagEvents\n      projectorLagSeconds\n      relayLagEvents\n    }\n  }\n": typeof types.MonitoringDocument,
    "\n  query Overview {\n    clusters(first: 1, filter: { status: ACTIVE }) { totalCount }\n    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) { totalCount }\n    running: droplets(first: 1, filter: { status: RUNNING }) { totalCount }\n    stopped: droplets(first: 1, filter: { status: STOPPED }) { totalCount }\n    failed: droplets(first: 1, filter: { status: FAILED }) { totalCount }\n    destroying: droplets(first: 1, filter: { status: DESTROYING }) { totalCount }\n    destroyed: droplets(first: 1, filter: { status: DESTROYED }) { totalCount }\n    runningJobs: jobs(first: 100, filter: { status: RUNNING }) { nodes { ...JobFields } }\n    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) { nodes { ...JobFields } }\n  }\n": typeof types.OverviewDocument,
    "\n  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {\n    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {\n      pageInfo { endCursor }\n      nodes { ...EventFields }\n    }\n  }\n": typeof types.RecentEventsDocument,
    "fragment RateLimitRuleFields on RateLimitRule { id name scope scopeId refillRate capacity status version createdAt updatedAt }": typeof types.RateLimitRuleFieldsFragmentDoc,
    "query RateLimitRules($first: Int, $after: String, $filter: RateLimitRuleFilter) { rateLimitRules(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...RateLimitRuleFields } } }": typeof types.RateLimitRulesDocument,
    "mutation CreateRateLimitRule($input: CreateRateLimitRuleInput!) { createRateLimitRule(input: $input) { rateLimitRule { ...RateLimitRuleFields } position } }": typeof types.CreateRateLimitRuleDocument,
    "mutation UpdateRateLimitRule($id: ID!, $input: UpdateRateLimitRuleInput!, $expectedVersion: Int) { updateRateLimitRule(id: $id, input: $input, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }": typeof types.UpdateRateLimitRuleDocument,
    "mutation DeleteRateLimitRule($id: ID!, $expectedVersion: Int) { deleteRateLimitRule(id: $id, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }": typeof types.DeleteRateLimitRuleDocument,
    "query RateLimitStatus($name: String!, $scope: RateLimitScope!, $scopeId: ID) { rateLimitStatus(name: $name, scope: $scope, scopeId: $scopeId) { name scope scopeId source ruleId capacity remaining refillRate resetAt enforced } }": typeof types.RateLimitStatusDocument,
    "\n  fragment ScalingPolicyFields on ScalingPolicy {\n    id\n    clusterId\n    name\n    status\n    mode\n    metric\n    target\n    tolerance\n    minDroplets\n    maxDroplets\n    minSize\n    maxSize\n    costLimitPerHour\n    cooldownSeconds\n    dryRun\n    version\n    template {\n      size\n      image\n      hourlyPrice\n    }\n    updatedAt\n  }\n": typeof types.ScalingPolicyFieldsFragmentDoc,
    "\n  query ScalingPolicies($first: Int, $after: String, $filter: ScalingPolicyFilter) {\n    scalingPolicies(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      nodes {\n        ...ScalingPolicyFields\n      }\n    }\n  }\n": typeof types.ScalingPoliciesDocument,
    "\n  mutation CreateScalingPolicy($input: CreateScalingPolicyInput!) {\n    createScalingPolicy(input: $input) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n": typeof types.CreateScalingPolicyDocument,
    "\n  mutation PauseScalingPolicy($id: ID!, $expectedVersion: Int) {\n    pauseScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n": typeof types.PauseScalingPolicyDocument,
    "\n  mutation ResumeScalingPolicy($id: ID!, $expectedVersion: Int) {\n    resumeScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n": typeof types.ResumeScalingPolicyDocument,
    "\n  mutation DeleteScalingPolicy($id: ID!, $expectedVersion: Int) {\n    deleteScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n": typeof types.DeleteScalingPolicyDocument,
    "\n  fragment ScalingDecisionFields on ScalingDecision {\n    at\n    current\n    desired\n    currentSize\n    desiredSize\n    metricValue\n    target\n    reason\n    cappedBy\n    dryRun\n  }\n": typeof types.ScalingDecisionFieldsFragmentDoc,
    "\n  fragment ScalingDecisionRecordFields on ScalingDecisionRecord {\n    position\n    actor\n    decision {\n      ...ScalingDecisionFields\n    }\n    planned\n    job {\n      id\n      status\n      progress\n    }\n    result {\n      created\n      destroyed\n      resized\n      skipped\n    }\n    abandoned\n  }\n": typeof types.ScalingDecisionRecordFieldsFragmentDoc,
    "\n  fragment ScalingEvaluationFields on ScalingEvaluation {\n    outcome\n    note\n    decision {\n      ...ScalingDecisionFields\n    }\n    job {\n      id\n      status\n    }\n  }\n": typeof types.ScalingEvaluationFieldsFragmentDoc,
    "\n  query ScalingPolicyPage($id: ID!, $first: Int) {\n    scalingPolicy(id: $id) {\n      ...ScalingPolicyFields\n      windowSeconds\n      createdAt\n      scaleUp {\n        stabilizationWindowSeconds\n        maxStep {\n          droplets\n          percent\n          periodSeconds\n        }\n      }\n      scaleDown {\n        stabilizationWindowSeconds\n        maxStep {\n          droplets\n          percent\n          periodSeconds\n        }\n      }\n      cluster {\n        id\n        name\n        status\n      }\n      lastEvaluation {\n        ...ScalingEvaluationFields\n      }\n      decisions(first: $first) {\n        totalCount\n        nodes {\n          ...ScalingDecisionRecordFields\n        }\n      }\n    }\n  }\n": typeof types.ScalingPolicyPageDocument,
    "\n  mutation EvaluateScalingPolicy($id: ID!, $dryRun: Boolean) {\n    evaluateScalingPolicy(id: $id, dryRun: $dryRun) {\n      evaluation {\n        ...ScalingEvaluationFields\n      }\n      position\n    }\n  }\n": typeof types.EvaluateScalingPolicyDocument,
    "\n  query ScalingMetric($clusterId: ID!, $metric: MetricName!, $range: MetricRange!) {\n    cluster(id: $clusterId) {\n      id\n      metrics(metric: $metric, range: $range, aggregate: AVG) {\n        ...SeriesFields\n      }\n    }\n  }\n": typeof types.ScalingMetricDocument,
    "fragment SeriesFields on MetricSeries { metric unit stepSeconds resolution points { t v } latest { t v } }": typeof types.SeriesFieldsFragmentDoc,
    "query DropletMetrics($id: ID!, $range: MetricRange!) {\n  droplet(id: $id) {\n    id status\n    injectedLoad { cpu memory until active }\n    cpu: metrics(metric: CPU, range: $range) { ...SeriesFields }\n    memory: metrics(metric: MEMORY, range: $range) { ...SeriesFields }\n    disk: metrics(metric: DISK, range: $range) { ...SeriesFields }\n    networkIn: metrics(metric: NETWORK_IN, range: $range) { ...SeriesFields }\n    networkOut: metrics(metric: NETWORK_OUT, range: $range) { ...SeriesFields }\n    load1: metrics(metric: LOAD1, range: $range) { ...SeriesFields }\n  }\n}": typeof types.DropletMetricsDocument,
    "query ClusterMetrics($id: ID!, $range: MetricRange!) {\n  cluster(id: $id) {\n    id status\n    injectedLoad { cpu memory queueDepth until active }\n    cpuAvg: metrics(metric: CPU, range: $range, aggregate: AVG) { ...SeriesFields }\n    cpuMax: metrics(metric: CPU, range: $range, aggregate: MAX) { ...SeriesFields }\n    memoryAvg: metrics(metric: MEMORY, range: $range, aggregate: AVG) { ...SeriesFields }\n    memoryMax: metrics(metric: MEMORY, range: $range, aggregate: MAX) { ...SeriesFields }\n    queue: metrics(metric: QUEUE_DEPTH, range: $range) { ...SeriesFields }\n  }\n}": typeof types.ClusterMetricsDocument,
    "subscription DropletSamples($id: ID!) { dropletMetrics(dropletId: $id) { at cpu memory disk networkIn networkOut load1 } }": typeof types.DropletSamplesDocument,
    "mutation InjectLoad($input: InjectLoadInput!) { injectLoad(input: $input) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }": typeof types.InjectLoadDocument,
    "mutation ClearLoad($targetType: LoadTargetType!, $targetId: ID!) { clearLoad(targetType: $targetType, targetId: $targetId) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }": typeof types.ClearLoadDocument,
    "fragment ApiTokenFields on ApiToken { id name userId status expiresAt createdAt version }": typeof types.ApiTokenFieldsFragmentDoc,
    "query ApiTokens($first: Int, $after: String, $filter: ApiTokenFilter, $withOwner: Boolean!) { apiTokens(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ApiTokenFields user @include(if: $withOwner) { id username } } } }": typeof types.ApiTokensDocument,
    "mutation CreateApiToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { ...ApiTokenFields } secret position } }": typeof types.CreateApiTokenDocument,
    "mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { apiToken { ...ApiTokenFields } position } }": typeof types.RevokeApiTokenDocument,
    "fragment UserFields on User { id username role status version createdAt updatedAt }": typeof types.UserFieldsFragmentDoc,
    "query Users($first: Int, $after: String, $filter: UserFilter) { users(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...UserFields } } }": typeof types.UsersDocument,
    "mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { ...UserFields } position } }": typeof types.CreateUserDocument,
    "mutation UpdateUser($id: ID!, $input: UpdateUserInput!, $expectedVersion: Int) { updateUser(id: $id, input: $input, expectedVersion: $expectedVersion) { user { ...UserFields } position } }": typeof types.UpdateUserDocument,
};
const documents: Documents = {
    "\n  fragment MeFields on Me {\n    actor\n    role\n    via\n    authMode\n    expiresAt\n    user { id username role status }\n  }\n": types.MeFieldsFragmentDoc,
    "query Me { me { ...MeFields } }": types.MeDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) { token expiresAt user { id username role } }\n  }\n": types.LoginDocument,
    "\n  fragment NextPage on PageInfo { hasNextPage endCursor }\n": types.NextPageFragmentDoc,
    "\n  fragment PreviousPage on PageInfo { hasPreviousPage startCursor }\n": types.PreviousPageFragmentDoc,
    "\n  fragment JobFields on Job {\n    id\n    type\n    status\n    progress\n    stage\n    message\n    targetType\n    targetId\n    attempts\n    maxAttempts\n    error\n    retryAt\n    version\n    createdAt\n    updatedAt\n  }\n": types.JobFieldsFragmentDoc,
    "\n  fragment DropletFields on Droplet {\n    id\n    name\n    clusterId\n    cluster {\n      id\n      name\n    }\n    region\n    size\n    image\n    status\n    ip\n    version\n    createdAt\n    updatedAt\n    job {\n      ...JobFields\n    }\n  }\n": types.DropletFieldsFragmentDoc,
    "\n  fragment ClusterFields on Cluster {\n    id\n    name\n    region\n    labels {\n      key\n      value\n    }\n    status\n    dropletCount\n    version\n    createdAt\n    updatedAt\n  }\n": types.ClusterFieldsFragmentDoc,
    "\n  fragment HealthCheckFields on HealthCheck {\n    id\n    name\n    kind\n    target\n    intervalSeconds\n    timeoutMs\n    conditions\n    failureThreshold\n    successThreshold\n    enabled\n    clusterId\n    dropletId\n    state\n    status\n    version\n    createdAt\n    updatedAt\n  }\n": types.HealthCheckFieldsFragmentDoc,
    "\n  fragment HealthCheckResultFields on HealthCheckResult {\n    at\n    success\n    durationMs\n    status\n    error\n    conditionResults {\n      condition\n      success\n      actual\n    }\n  }\n": types.HealthCheckResultFieldsFragmentDoc,
    "\n  fragment UptimeFields on Uptime { window runs successes ratio }\n": types.UptimeFieldsFragmentDoc,
    "\n  fragment EventFields on Event {\n    position\n    cursor\n    type\n    version\n    eventId\n    aggregateType\n    aggregateId\n    sequence\n    recordedAt\n    actor\n    correlationId\n    causationId\n    payload\n    metadata\n  }\n": types.EventFieldsFragmentDoc,
    "\n  query Catalog {\n    catalog {\n      regions {\n        slug\n        name\n      }\n      sizes {\n        slug\n        vcpus\n        memoryMb\n        diskGb\n        priceMonthly\n      }\n      images {\n        slug\n        name\n        distribution\n      }\n    }\n  }\n": types.CatalogDocument,
    "\n  subscription EventTail($after: String, $filter: EventFilter) {\n    events(after: $after, filter: $filter) {\n      ...EventFields\n    }\n  }\n": types.EventTailDocument,
    "\n  subscription JobsLive($filter: JobFilter) {\n    jobs(filter: $filter) {\n      ...JobFields\n    }\n  }\n": types.JobsLiveDocument,
    "\n  subscription DropletsLive($filter: DropletFilter) {\n    droplets(filter: $filter) {\n      ...DropletFields\n    }\n  }\n": types.DropletsLiveDocument,
    "\n  subscription HealthCheckResultsLive($id: ID!) {\n    healthCheckResults(id: $id) {\n      ...HealthCheckResultFields\n    }\n  }\n": types.HealthCheckResultsLiveDocument,
    "\n  query EntityName($id: ID!) {\n    droplet(id: $id) {\n      id\n      name\n    }\n    cluster(id: $id) {\n      id\n      name\n    }\n    job(id: $id) {\n      id\n      type\n      targetType\n      targetId\n    }\n    healthCheck(id: $id) {\n      id\n      name\n    }\n  }\n": types.EntityNameDocument,
    "\n  query Targets {\n    clusters(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n    droplets(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n  }\n": types.TargetsDocument,
    "\n  query Events($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {\n    events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...EventFields\n      }\n    }\n  }\n": types.EventsDocument,
    "\n  query History($aggregateType: AggregateType!, $aggregateId: ID!, $asOf: AsOf) {\n    history(aggregateType: $aggregateType, aggregateId: $aggregateId, asOf: $asOf) {\n      aggregateType\n      aggregateId\n      exists\n      version\n      state\n      events {\n        ...EventFields\n      }\n    }\n  }\n": types.HistoryDocument,
    "query Clusters($first: Int, $after: String, $filter: ClusterFilter) { clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } } }": types.ClustersDocument,
    "query Cluster($id: ID!) { cluster(id: $id) { ...ClusterFields droplets(first: 100) { totalCount nodes { ...DropletFields } } } }": types.ClusterDocument,
    "fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }": types.ClusterResultFragmentDoc,
    "mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }": types.CreateClusterDocument,
    "mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }": types.DeleteClusterDocument,
    "\n  fragment DiagnosisFields on Diagnosis {\n    id\n    targetType\n    targetId\n    checks\n    question\n    status\n    jobId\n    durationMs\n    error\n    appliedFindings\n    appliedRecommendations {\n      findingId\n      jobId\n      job {\n        id\n        type\n        status\n      }\n    }\n    version\n    createdAt\n    updatedAt\n    report {\n      backend\n      findings {\n        id\n        severity\n      }\n    }\n  }\n": types.DiagnosisFieldsFragmentDoc,
    "\n  fragment DiagnosisReportFields on DiagnosisReport {\n    backend\n    tokensUsed\n    note\n    summary\n    checks {\n      check\n      status\n      summary\n      details\n      metrics {\n        name\n        value\n      }\n    }\n    findings {\n      id\n      check\n      severity\n      title\n      explanation\n      confidence\n      evidence {\n        kind\n        ref\n        excerpt\n      }\n      recommendation {\n        text\n        action {\n          kind\n          dropletId\n          clusterId\n          jobId\n          size\n          image\n          region\n        }\n      }\n    }\n  }\n": types.DiagnosisReportFieldsFragmentDoc,
    "\n  query Diagnosis($id: ID!, $minPosition: Int) {\n    diagnosis(id: $id, minPosition: $minPosition) {\n      ...DiagnosisFields\n      evidenceDigest\n      report {\n        ...DiagnosisReportFields\n      }\n    }\n  }\n": types.DiagnosisDocument,
    "\n  query Diagnoses($first: Int, $after: String, $last: Int, $before: String, $filter: DiagnosisFilter, $minPosition: Int) {\n    diagnoses(first: $first, after: $after, last: $last, before: $before, filter: $filter, minPosition: $minPosition) {\n      totalCount\n      pageInfo {\n        ...NextPage\n        ...PreviousPage\n      }\n      nodes {\n        ...DiagnosisFields\n      }\n    }\n  }\n": types.DiagnosesDocument,
    "\n  mutation Diagnose($input: DiagnoseInput!) {\n    diagnose(input: $input) {\n      diagnosis {\n        id\n        status\n      }\n      job {\n        id\n      }\n      position\n      projected\n    }\n  }\n": types.DiagnoseDocument,
    "\n  query DiagnosisEvidence($id: ID!) {\n    history(aggregateType: Diagnosis, aggregateId: $id) {\n      events {\n        position\n        type\n        payload\n      }\n    }\n  }\n": types.DiagnosisEvidenceDocument,
    "\n  mutation ApplyRecommendation($diagnosisId: ID!, $findingId: String!) {\n    applyRecommendation(diagnosisId: $diagnosisId, findingId: $findingId) {\n      diagnosis {\n        ...DiagnosisFields\n      }\n      job {\n        ...JobFields\n      }\n      position\n      projected\n    }\n  }\n": types.ApplyRecommendationDocument,
    "\n  query JobParams($jobId: ID!) {\n    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: \"JobQueued\" }) {\n      nodes {\n        position\n        payload\n      }\n    }\n  }\n": types.JobParamsDocument,
    "query Droplets($first: Int, $after: String, $filter: DropletFilter) { droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } } }": types.DropletsDocument,
    "query Droplet($id: ID!) { droplet(id: $id) { ...DropletFields jobs(first: 100) { totalCount nodes { ...JobFields } } } }": types.DropletDocument,
    "query ClusterChoices { clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } } }": types.ClusterChoicesDocument,
    "fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }": types.DropletResultFragmentDoc,
    "mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }": types.CreateDropletDocument,
    "mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }": types.DestroyDropletDocument,
    "mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }": types.PowerDropletDocument,
    "mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }": types.ResizeDropletDocument,
    "\n  fragment HealthCheckRow on HealthCheck {\n    ...HealthCheckFields\n    results(first: 20) { nodes { ...HealthCheckResultFields } }\n    uptime(window: \"24h\") { ...UptimeFields }\n  }\n": types.HealthCheckRowFragmentDoc,
    "query HealthChecks($first: Int, $after: String, $filter: HealthCheckFilter) { healthChecks(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...HealthCheckRow } } }": types.HealthChecksDocument,
    "query HealthCheckRowLive($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckRow } }": types.HealthCheckRowLiveDocument,
    "\n  fragment HealthCheckDetail on HealthCheck {\n    ...HealthCheckFields\n    results(first: 20) { totalCount nodes { ...HealthCheckResultFields } }\n    hour: uptime(window: \"1h\") { ...UptimeFields }\n    day: uptime(window: \"24h\") { ...UptimeFields }\n    week: uptime(window: \"7d\") { ...UptimeFields }\n  }\n": types.HealthCheckDetailFragmentDoc,
    "query HealthCheck($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckDetail } }": types.HealthCheckDocument,
    "fragment HealthCheckPayloadFields on HealthCheckPayload { healthCheck { ...HealthCheckFields } position }": types.HealthCheckPayloadFieldsFragmentDoc,
    "mutation CreateHealthCheck($input: CreateHealthCheckInput!) { createHealthCheck(input: $input) { ...HealthCheckPayloadFields } }": types.CreateHealthCheckDocument,
    "mutation UpdateHealthCheck($id: ID!, $input: UpdateHealthCheckInput!, $expectedVersion: Int) { updateHealthCheck(id: $id, input: $input, expectedVersion: $expectedVersion) { ...HealthCheckPayloadFields } }": types.UpdateHealthCheckDocument,
    "mutation DeleteHealthCheck($id: ID!) { deleteHealthCheck(id: $id) { ...HealthCheckPayloadFields } }": types.DeleteHealthCheckDocument,
    "mutation RunHealthCheck($id: ID!) { runHealthCheck(id: $id) { ...HealthCheckResultFields } }": types.RunHealthCheckDocument,
    "query Jobs($first: Int, $after: String, $last: Int, $before: String, $filter: JobFilter) { jobs(first: $first, after: $after, last: $last, before: $before, filter: $filter) { totalCount pageInfo { ...NextPage ...PreviousPage } nodes { ...JobFields } } }": types.JobsDocument,
    "\n  fragment JobDetailFields on Job {\n    ...JobFields\n    worker\n    leaseExpiresAt\n    result\n    timeline { at status stage progress message }\n  }\n": types.JobDetailFieldsFragmentDoc,
    "query Job($id: ID!) { job(id: $id) { ...JobDetailFields } }": types.JobDocument,
    "subscription JobProgress($jobId: ID!) { jobProgress(jobId: $jobId) { ...JobDetailFields } }": types.JobProgressDocument,
    "fragment JobResult on JobPayload { job { ...JobDetailFields } position }": types.JobResultFragmentDoc,
    "mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }": types.CancelJobDocument,
    "mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }": types.RetryJobDocument,
    "\n  fragment LogRecordFields on LogRecord {\n    id\n    cursor\n    at\n    level\n    service\n    instance\n    target\n    message\n    fields\n    resourceIds\n    correlationId\n    traceId\n  }\n": types.LogRecordFieldsFragmentDoc,
    "\n  query Logs($filter: LogFilter, $query: String, $first: Int, $after: String) {\n    logs(filter: $filter, query: $query, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...LogRecordFields\n      }\n    }\n  }\n": types.LogsDocument,
    "\n  query LogServices {\n    logServices\n  }\n": types.LogServicesDocument,
    "\n  subscription LogTail($filter: LogFilter, $query: String, $after: String) {\n    logTail(filter: $filter, query: $query, after: $after) {\n      cursor\n      dropped\n      record {\n        ...LogRecordFields\n      }\n    }\n  }\n": types.LogTailDocument,
    "\n  query Monitoring {\n    workerPool {\n      workers\n      runners\n      busy\n      queueLength\n      jobsByStatus { status count }\n    }\n    pipeline {\n      projectorLagEvents\n      projectorLagSeconds\n      relayLagEvents\n    }\n  }\n": types.MonitoringDocument,
    "\n  query Overview {\n    clusters(first: 1, filter: { status: ACTIVE }) { totalCount }\n    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) { totalCount }\n    running: droplets(first: 1, filter: { status: RUNNING }) { totalCount }\n    stopped: droplets(first: 1, filter: { status: STOPPED }) { totalCount }\n    failed: droplets(first: 1, filter: { status: FAILED }) { totalCount }\n    destroying: droplets(first: 1, filter: { status: DESTROYING }) { totalCount }\n    destroyed: droplets(first: 1, filter: { status: DESTROYED }) { totalCount }\n    runningJobs: jobs(first: 100, filter: { status: RUNNING }) { nodes { ...JobFields } }\n    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) { nodes { ...JobFields } }\n  }\n": types.OverviewDocument,
    "\n  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {\n    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {\n      pageInfo { endCursor }\n      nodes { ...EventFields }\n    }\n  }\n": types.RecentEventsDocument,
    "fragment RateLimitRuleFields on RateLimitRule { id name scope scopeId refillRate capacity status version createdAt updatedAt }": types.RateLimitRuleFieldsFragmentDoc,
    "query RateLimitRules($first: Int, $after: String, $filter: RateLimitRuleFilter) { rateLimitRules(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...RateLimitRuleFields } } }": types.RateLimitRulesDocument,
    "mutation CreateRateLimitRule($input: CreateRateLimitRuleInput!) { createRateLimitRule(input: $input) { rateLimitRule { ...RateLimitRuleFields } position } }": types.CreateRateLimitRuleDocument,
    "mutation UpdateRateLimitRule($id: ID!, $input: UpdateRateLimitRuleInput!, $expectedVersion: Int) { updateRateLimitRule(id: $id, input: $input, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }": types.UpdateRateLimitRuleDocument,
    "mutation DeleteRateLimitRule($id: ID!, $expectedVersion: Int) { deleteRateLimitRule(id: $id, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }": types.DeleteRateLimitRuleDocument,
    "query RateLimitStatus($name: String!, $scope: RateLimitScope!, $scopeId: ID) { rateLimitStatus(name: $name, scope: $scope, scopeId: $scopeId) { name scope scopeId source ruleId capacity remaining refillRate resetAt enforced } }": types.RateLimitStatusDocument,
    "\n  fragment ScalingPolicyFields on ScalingPolicy {\n    id\n    clusterId\n    name\n    status\n    mode\n    metric\n    target\n    tolerance\n    minDroplets\n    maxDroplets\n    minSize\n    maxSize\n    costLimitPerHour\n    cooldownSeconds\n    dryRun\n    version\n    template {\n      size\n      image\n      hourlyPrice\n    }\n    updatedAt\n  }\n": types.ScalingPolicyFieldsFragmentDoc,
    "\n  query ScalingPolicies($first: Int, $after: String, $filter: ScalingPolicyFilter) {\n    scalingPolicies(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      nodes {\n        ...ScalingPolicyFields\n      }\n    }\n  }\n": types.ScalingPoliciesDocument,
    "\n  mutation CreateScalingPolicy($input: CreateScalingPolicyInput!) {\n    createScalingPolicy(input: $input) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n": types.CreateScalingPolicyDocument,
    "\n  mutation PauseScalingPolicy($id: ID!, $expectedVersion: Int) {\n    pauseScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n": types.PauseScalingPolicyDocument,
    "\n  mutation ResumeScalingPolicy($id: ID!, $expectedVersion: Int) {\n    resumeScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n": types.ResumeScalingPolicyDocument,
    "\n  mutation DeleteScalingPolicy($id: ID!, $expectedVersion: Int) {\n    deleteScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n": types.DeleteScalingPolicyDocument,
    "\n  fragment ScalingDecisionFields on ScalingDecision {\n    at\n    current\n    desired\n    currentSize\n    desiredSize\n    metricValue\n    target\n    reason\n    cappedBy\n    dryRun\n  }\n": types.ScalingDecisionFieldsFragmentDoc,
    "\n  fragment ScalingDecisionRecordFields on ScalingDecisionRecord {\n    position\n    actor\n    decision {\n      ...ScalingDecisionFields\n    }\n    planned\n    job {\n      id\n      status\n      progress\n    }\n    result {\n      created\n      destroyed\n      resized\n      skipped\n    }\n    abandoned\n  }\n": types.ScalingDecisionRecordFieldsFragmentDoc,
    "\n  fragment ScalingEvaluationFields on ScalingEvaluation {\n    outcome\n    note\n    decision {\n      ...ScalingDecisionFields\n    }\n    job {\n      id\n      status\n    }\n  }\n": types.ScalingEvaluationFieldsFragmentDoc,
    "\n  query ScalingPolicyPage($id: ID!, $first: Int) {\n    scalingPolicy(id: $id) {\n      ...ScalingPolicyFields\n      windowSeconds\n      createdAt\n      scaleUp {\n        stabilizationWindowSeconds\n        maxStep {\n          droplets\n          percent\n          periodSeconds\n        }\n      }\n      scaleDown {\n        stabilizationWindowSeconds\n        maxStep {\n          droplets\n          percent\n          periodSeconds\n        }\n      }\n      cluster {\n        id\n        name\n        status\n      }\n      lastEvaluation {\n        ...ScalingEvaluationFields\n      }\n      decisions(first: $first) {\n        totalCount\n        nodes {\n          ...ScalingDecisionRecordFields\n        }\n      }\n    }\n  }\n": types.ScalingPolicyPageDocument,
    "\n  mutation EvaluateScalingPolicy($id: ID!, $dryRun: Boolean) {\n    evaluateScalingPolicy(id: $id, dryRun: $dryRun) {\n      evaluation {\n        ...ScalingEvaluationFields\n      }\n      position\n    }\n  }\n": types.EvaluateScalingPolicyDocument,
    "\n  query ScalingMetric($clusterId: ID!, $metric: MetricName!, $range: MetricRange!) {\n    cluster(id: $clusterId) {\n      id\n      metrics(metric: $metric, range: $range, aggregate: AVG) {\n        ...SeriesFields\n      }\n    }\n  }\n": types.ScalingMetricDocument,
    "fragment SeriesFields on MetricSeries { metric unit stepSeconds resolution points { t v } latest { t v } }": types.SeriesFieldsFragmentDoc,
    "query DropletMetrics($id: ID!, $range: MetricRange!) {\n  droplet(id: $id) {\n    id status\n    injectedLoad { cpu memory until active }\n    cpu: metrics(metric: CPU, range: $range) { ...SeriesFields }\n    memory: metrics(metric: MEMORY, range: $range) { ...SeriesFields }\n    disk: metrics(metric: DISK, range: $range) { ...SeriesFields }\n    networkIn: metrics(metric: NETWORK_IN, range: $range) { ...SeriesFields }\n    networkOut: metrics(metric: NETWORK_OUT, range: $range) { ...SeriesFields }\n    load1: metrics(metric: LOAD1, range: $range) { ...SeriesFields }\n  }\n}": types.DropletMetricsDocument,
    "query ClusterMetrics($id: ID!, $range: MetricRange!) {\n  cluster(id: $id) {\n    id status\n    injectedLoad { cpu memory queueDepth until active }\n    cpuAvg: metrics(metric: CPU, range: $range, aggregate: AVG) { ...SeriesFields }\n    cpuMax: metrics(metric: CPU, range: $range, aggregate: MAX) { ...SeriesFields }\n    memoryAvg: metrics(metric: MEMORY, range: $range, aggregate: AVG) { ...SeriesFields }\n    memoryMax: metrics(metric: MEMORY, range: $range, aggregate: MAX) { ...SeriesFields }\n    queue: metrics(metric: QUEUE_DEPTH, range: $range) { ...SeriesFields }\n  }\n}": types.ClusterMetricsDocument,
    "subscription DropletSamples($id: ID!) { dropletMetrics(dropletId: $id) { at cpu memory disk networkIn networkOut load1 } }": types.DropletSamplesDocument,
    "mutation InjectLoad($input: InjectLoadInput!) { injectLoad(input: $input) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }": types.InjectLoadDocument,
    "mutation ClearLoad($targetType: LoadTargetType!, $targetId: ID!) { clearLoad(targetType: $targetType, targetId: $targetId) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }": types.ClearLoadDocument,
    "fragment ApiTokenFields on ApiToken { id name userId status expiresAt createdAt version }": types.ApiTokenFieldsFragmentDoc,
    "query ApiTokens($first: Int, $after: String, $filter: ApiTokenFilter, $withOwner: Boolean!) { apiTokens(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ApiTokenFields user @include(if: $withOwner) { id username } } } }": types.ApiTokensDocument,
    "mutation CreateApiToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { ...ApiTokenFields } secret position } }": types.CreateApiTokenDocument,
    "mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { apiToken { ...ApiTokenFields } position } }": types.RevokeApiTokenDocument,
    "fragment UserFields on User { id username role status version createdAt updatedAt }": types.UserFieldsFragmentDoc,
    "query Users($first: Int, $after: String, $filter: UserFilter) { users(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...UserFields } } }": types.UsersDocument,
    "mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { ...UserFields } position } }": types.CreateUserDocument,
    "mutation UpdateUser($id: ID!, $input: UpdateUserInput!, $expectedVersion: Int) { updateUser(id: $id, input: $input, expectedVersion: $expectedVersion) { user { ...UserFields } position } }": types.UpdateUserDocument,
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
export function graphql(source: "\n  fragment MeFields on Me {\n    actor\n    role\n    via\n    authMode\n    expiresAt\n    user { id username role status }\n  }\n"): (typeof documents)["\n  fragment MeFields on Me {\n    actor\n    role\n    via\n    authMode\n    expiresAt\n    user { id username role status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me { me { ...MeFields } }"): (typeof documents)["query Me { me { ...MeFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) { token expiresAt user { id username role } }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) { token expiresAt user { id username role } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NextPage on PageInfo { hasNextPage endCursor }\n"): (typeof documents)["\n  fragment NextPage on PageInfo { hasNextPage endCursor }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PreviousPage on PageInfo { hasPreviousPage startCursor }\n"): (typeof documents)["\n  fragment PreviousPage on PageInfo { hasPreviousPage startCursor }\n"];
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
export function graphql(source: "\n  fragment HealthCheckFields on HealthCheck {\n    id\n    name\n    kind\n    target\n    intervalSeconds\n    timeoutMs\n    conditions\n    failureThreshold\n    successThreshold\n    enabled\n    clusterId\n    dropletId\n    state\n    status\n    version\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment HealthCheckFields on HealthCheck {\n    id\n    name\n    kind\n    target\n    intervalSeconds\n    timeoutMs\n    conditions\n    failureThreshold\n    successThreshold\n    enabled\n    clusterId\n    dropletId\n    state\n    status\n    version\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HealthCheckResultFields on HealthCheckResult {\n    at\n    success\n    durationMs\n    status\n    error\n    conditionResults {\n      condition\n      success\n      actual\n    }\n  }\n"): (typeof documents)["\n  fragment HealthCheckResultFields on HealthCheckResult {\n    at\n    success\n    durationMs\n    status\n    error\n    conditionResults {\n      condition\n      success\n      actual\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UptimeFields on Uptime { window runs successes ratio }\n"): (typeof documents)["\n  fragment UptimeFields on Uptime { window runs successes ratio }\n"];
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
export function graphql(source: "\n  subscription HealthCheckResultsLive($id: ID!) {\n    healthCheckResults(id: $id) {\n      ...HealthCheckResultFields\n    }\n  }\n"): (typeof documents)["\n  subscription HealthCheckResultsLive($id: ID!) {\n    healthCheckResults(id: $id) {\n      ...HealthCheckResultFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EntityName($id: ID!) {\n    droplet(id: $id) {\n      id\n      name\n    }\n    cluster(id: $id) {\n      id\n      name\n    }\n    job(id: $id) {\n      id\n      type\n      targetType\n      targetId\n    }\n    healthCheck(id: $id) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query EntityName($id: ID!) {\n    droplet(id: $id) {\n      id\n      name\n    }\n    cluster(id: $id) {\n      id\n      name\n    }\n    job(id: $id) {\n      id\n      type\n      targetType\n      targetId\n    }\n    healthCheck(id: $id) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Targets {\n    clusters(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n    droplets(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  query Targets {\n    clusters(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n    droplets(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n  }\n"];
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
export function graphql(source: "query Clusters($first: Int, $after: String, $filter: ClusterFilter) { clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } } }"): (typeof documents)["query Clusters($first: Int, $after: String, $filter: ClusterFilter) { clusters(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ClusterFields } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Cluster($id: ID!) { cluster(id: $id) { ...ClusterFields droplets(first: 100) { totalCount nodes { ...DropletFields } } } }"): (typeof documents)["query Cluster($id: ID!) { cluster(id: $id) { ...ClusterFields droplets(first: 100) { totalCount nodes { ...DropletFields } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }"): (typeof documents)["fragment ClusterResult on ClusterPayload { cluster { ...ClusterFields } position }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }"): (typeof documents)["mutation CreateCluster($input: CreateClusterInput!) { createCluster(input: $input) { ...ClusterResult } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }"): (typeof documents)["mutation DeleteCluster($id: ID!) { deleteCluster(id: $id) { ...ClusterResult } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DiagnosisFields on Diagnosis {\n    id\n    targetType\n    targetId\n    checks\n    question\n    status\n    jobId\n    durationMs\n    error\n    appliedFindings\n    appliedRecommendations {\n      findingId\n      jobId\n      job {\n        id\n        type\n        status\n      }\n    }\n    version\n    createdAt\n    updatedAt\n    report {\n      backend\n      findings {\n        id\n        severity\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment DiagnosisFields on Diagnosis {\n    id\n    targetType\n    targetId\n    checks\n    question\n    status\n    jobId\n    durationMs\n    error\n    appliedFindings\n    appliedRecommendations {\n      findingId\n      jobId\n      job {\n        id\n        type\n        status\n      }\n    }\n    version\n    createdAt\n    updatedAt\n    report {\n      backend\n      findings {\n        id\n        severity\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DiagnosisReportFields on DiagnosisReport {\n    backend\n    tokensUsed\n    note\n    summary\n    checks {\n      check\n      status\n      summary\n      details\n      metrics {\n        name\n        value\n      }\n    }\n    findings {\n      id\n      check\n      severity\n      title\n      explanation\n      confidence\n      evidence {\n        kind\n        ref\n        excerpt\n      }\n      recommendation {\n        text\n        action {\n          kind\n          dropletId\n          clusterId\n          jobId\n          size\n          image\n          region\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment DiagnosisReportFields on DiagnosisReport {\n    backend\n    tokensUsed\n    note\n    summary\n    checks {\n      check\n      status\n      summary\n      details\n      metrics {\n        name\n        value\n      }\n    }\n    findings {\n      id\n      check\n      severity\n      title\n      explanation\n      confidence\n      evidence {\n        kind\n        ref\n        excerpt\n      }\n      recommendation {\n        text\n        action {\n          kind\n          dropletId\n          clusterId\n          jobId\n          size\n          image\n          region\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Diagnosis($id: ID!, $minPosition: Int) {\n    diagnosis(id: $id, minPosition: $minPosition) {\n      ...DiagnosisFields\n      evidenceDigest\n      report {\n        ...DiagnosisReportFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Diagnosis($id: ID!, $minPosition: Int) {\n    diagnosis(id: $id, minPosition: $minPosition) {\n      ...DiagnosisFields\n      evidenceDigest\n      report {\n        ...DiagnosisReportFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Diagnoses($first: Int, $after: String, $last: Int, $before: String, $filter: DiagnosisFilter, $minPosition: Int) {\n    diagnoses(first: $first, after: $after, last: $last, before: $before, filter: $filter, minPosition: $minPosition) {\n      totalCount\n      pageInfo {\n        ...NextPage\n        ...PreviousPage\n      }\n      nodes {\n        ...DiagnosisFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Diagnoses($first: Int, $after: String, $last: Int, $before: String, $filter: DiagnosisFilter, $minPosition: Int) {\n    diagnoses(first: $first, after: $after, last: $last, before: $before, filter: $filter, minPosition: $minPosition) {\n      totalCount\n      pageInfo {\n        ...NextPage\n        ...PreviousPage\n      }\n      nodes {\n        ...DiagnosisFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Diagnose($input: DiagnoseInput!) {\n    diagnose(input: $input) {\n      diagnosis {\n        id\n        status\n      }\n      job {\n        id\n      }\n      position\n      projected\n    }\n  }\n"): (typeof documents)["\n  mutation Diagnose($input: DiagnoseInput!) {\n    diagnose(input: $input) {\n      diagnosis {\n        id\n        status\n      }\n      job {\n        id\n      }\n      position\n      projected\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DiagnosisEvidence($id: ID!) {\n    history(aggregateType: Diagnosis, aggregateId: $id) {\n      events {\n        position\n        type\n        payload\n      }\n    }\n  }\n"): (typeof documents)["\n  query DiagnosisEvidence($id: ID!) {\n    history(aggregateType: Diagnosis, aggregateId: $id) {\n      events {\n        position\n        type\n        payload\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApplyRecommendation($diagnosisId: ID!, $findingId: String!) {\n    applyRecommendation(diagnosisId: $diagnosisId, findingId: $findingId) {\n      diagnosis {\n        ...DiagnosisFields\n      }\n      job {\n        ...JobFields\n      }\n      position\n      projected\n    }\n  }\n"): (typeof documents)["\n  mutation ApplyRecommendation($diagnosisId: ID!, $findingId: String!) {\n    applyRecommendation(diagnosisId: $diagnosisId, findingId: $findingId) {\n      diagnosis {\n        ...DiagnosisFields\n      }\n      job {\n        ...JobFields\n      }\n      position\n      projected\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobParams($jobId: ID!) {\n    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: \"JobQueued\" }) {\n      nodes {\n        position\n        payload\n      }\n    }\n  }\n"): (typeof documents)["\n  query JobParams($jobId: ID!) {\n    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: \"JobQueued\" }) {\n      nodes {\n        position\n        payload\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Droplets($first: Int, $after: String, $filter: DropletFilter) { droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } } }"): (typeof documents)["query Droplets($first: Int, $after: String, $filter: DropletFilter) { droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Droplet($id: ID!) { droplet(id: $id) { ...DropletFields jobs(first: 100) { totalCount nodes { ...JobFields } } } }"): (typeof documents)["query Droplet($id: ID!) { droplet(id: $id) { ...DropletFields jobs(first: 100) { totalCount nodes { ...JobFields } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ClusterChoices { clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } } }"): (typeof documents)["query ClusterChoices { clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }"): (typeof documents)["fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }"): (typeof documents)["mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }"): (typeof documents)["mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }"): (typeof documents)["mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }"): (typeof documents)["mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HealthCheckRow on HealthCheck {\n    ...HealthCheckFields\n    results(first: 20) { nodes { ...HealthCheckResultFields } }\n    uptime(window: \"24h\") { ...UptimeFields }\n  }\n"): (typeof documents)["\n  fragment HealthCheckRow on HealthCheck {\n    ...HealthCheckFields\n    results(first: 20) { nodes { ...HealthCheckResultFields } }\n    uptime(window: \"24h\") { ...UptimeFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query HealthChecks($first: Int, $after: String, $filter: HealthCheckFilter) { healthChecks(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...HealthCheckRow } } }"): (typeof documents)["query HealthChecks($first: Int, $after: String, $filter: HealthCheckFilter) { healthChecks(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...HealthCheckRow } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query HealthCheckRowLive($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckRow } }"): (typeof documents)["query HealthCheckRowLive($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckRow } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HealthCheckDetail on HealthCheck {\n    ...HealthCheckFields\n    results(first: 20) { totalCount nodes { ...HealthCheckResultFields } }\n    hour: uptime(window: \"1h\") { ...UptimeFields }\n    day: uptime(window: \"24h\") { ...UptimeFields }\n    week: uptime(window: \"7d\") { ...UptimeFields }\n  }\n"): (typeof documents)["\n  fragment HealthCheckDetail on HealthCheck {\n    ...HealthCheckFields\n    results(first: 20) { totalCount nodes { ...HealthCheckResultFields } }\n    hour: uptime(window: \"1h\") { ...UptimeFields }\n    day: uptime(window: \"24h\") { ...UptimeFields }\n    week: uptime(window: \"7d\") { ...UptimeFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query HealthCheck($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckDetail } }"): (typeof documents)["query HealthCheck($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckDetail } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment HealthCheckPayloadFields on HealthCheckPayload { healthCheck { ...HealthCheckFields } position }"): (typeof documents)["fragment HealthCheckPayloadFields on HealthCheckPayload { healthCheck { ...HealthCheckFields } position }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateHealthCheck($input: CreateHealthCheckInput!) { createHealthCheck(input: $input) { ...HealthCheckPayloadFields } }"): (typeof documents)["mutation CreateHealthCheck($input: CreateHealthCheckInput!) { createHealthCheck(input: $input) { ...HealthCheckPayloadFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateHealthCheck($id: ID!, $input: UpdateHealthCheckInput!, $expectedVersion: Int) { updateHealthCheck(id: $id, input: $input, expectedVersion: $expectedVersion) { ...HealthCheckPayloadFields } }"): (typeof documents)["mutation UpdateHealthCheck($id: ID!, $input: UpdateHealthCheckInput!, $expectedVersion: Int) { updateHealthCheck(id: $id, input: $input, expectedVersion: $expectedVersion) { ...HealthCheckPayloadFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteHealthCheck($id: ID!) { deleteHealthCheck(id: $id) { ...HealthCheckPayloadFields } }"): (typeof documents)["mutation DeleteHealthCheck($id: ID!) { deleteHealthCheck(id: $id) { ...HealthCheckPayloadFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RunHealthCheck($id: ID!) { runHealthCheck(id: $id) { ...HealthCheckResultFields } }"): (typeof documents)["mutation RunHealthCheck($id: ID!) { runHealthCheck(id: $id) { ...HealthCheckResultFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Jobs($first: Int, $after: String, $last: Int, $before: String, $filter: JobFilter) { jobs(first: $first, after: $after, last: $last, before: $before, filter: $filter) { totalCount pageInfo { ...NextPage ...PreviousPage } nodes { ...JobFields } } }"): (typeof documents)["query Jobs($first: Int, $after: String, $last: Int, $before: String, $filter: JobFilter) { jobs(first: $first, after: $after, last: $last, before: $before, filter: $filter) { totalCount pageInfo { ...NextPage ...PreviousPage } nodes { ...JobFields } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobDetailFields on Job {\n    ...JobFields\n    worker\n    leaseExpiresAt\n    result\n    timeline { at status stage progress message }\n  }\n"): (typeof documents)["\n  fragment JobDetailFields on Job {\n    ...JobFields\n    worker\n    leaseExpiresAt\n    result\n    timeline { at status stage progress message }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Job($id: ID!) { job(id: $id) { ...JobDetailFields } }"): (typeof documents)["query Job($id: ID!) { job(id: $id) { ...JobDetailFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription JobProgress($jobId: ID!) { jobProgress(jobId: $jobId) { ...JobDetailFields } }"): (typeof documents)["subscription JobProgress($jobId: ID!) { jobProgress(jobId: $jobId) { ...JobDetailFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment JobResult on JobPayload { job { ...JobDetailFields } position }"): (typeof documents)["fragment JobResult on JobPayload { job { ...JobDetailFields } position }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }"): (typeof documents)["mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobResult } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }"): (typeof documents)["mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobResult } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LogRecordFields on LogRecord {\n    id\n    cursor\n    at\n    level\n    service\n    instance\n    target\n    message\n    fields\n    resourceIds\n    correlationId\n    traceId\n  }\n"): (typeof documents)["\n  fragment LogRecordFields on LogRecord {\n    id\n    cursor\n    at\n    level\n    service\n    instance\n    target\n    message\n    fields\n    resourceIds\n    correlationId\n    traceId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Logs($filter: LogFilter, $query: String, $first: Int, $after: String) {\n    logs(filter: $filter, query: $query, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...LogRecordFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Logs($filter: LogFilter, $query: String, $first: Int, $after: String) {\n    logs(filter: $filter, query: $query, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...LogRecordFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LogServices {\n    logServices\n  }\n"): (typeof documents)["\n  query LogServices {\n    logServices\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LogTail($filter: LogFilter, $query: String, $after: String) {\n    logTail(filter: $filter, query: $query, after: $after) {\n      cursor\n      dropped\n      record {\n        ...LogRecordFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription LogTail($filter: LogFilter, $query: String, $after: String) {\n    logTail(filter: $filter, query: $query, after: $after) {\n      cursor\n      dropped\n      record {\n        ...LogRecordFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Monitoring {\n    workerPool {\n      workers\n      runners\n      busy\n      queueLength\n      jobsByStatus { status count }\n    }\n    pipeline {\n      projectorLagEvents\n      projectorLagSeconds\n      relayLagEvents\n    }\n  }\n"): (typeof documents)["\n  query Monitoring {\n    workerPool {\n      workers\n      runners\n      busy\n      queueLength\n      jobsByStatus { status count }\n    }\n    pipeline {\n      projectorLagEvents\n      projectorLagSeconds\n      relayLagEvents\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Overview {\n    clusters(first: 1, filter: { status: ACTIVE }) { totalCount }\n    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) { totalCount }\n    running: droplets(first: 1, filter: { status: RUNNING }) { totalCount }\n    stopped: droplets(first: 1, filter: { status: STOPPED }) { totalCount }\n    failed: droplets(first: 1, filter: { status: FAILED }) { totalCount }\n    destroying: droplets(first: 1, filter: { status: DESTROYING }) { totalCount }\n    destroyed: droplets(first: 1, filter: { status: DESTROYED }) { totalCount }\n    runningJobs: jobs(first: 100, filter: { status: RUNNING }) { nodes { ...JobFields } }\n    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) { nodes { ...JobFields } }\n  }\n"): (typeof documents)["\n  query Overview {\n    clusters(first: 1, filter: { status: ACTIVE }) { totalCount }\n    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) { totalCount }\n    running: droplets(first: 1, filter: { status: RUNNING }) { totalCount }\n    stopped: droplets(first: 1, filter: { status: STOPPED }) { totalCount }\n    failed: droplets(first: 1, filter: { status: FAILED }) { totalCount }\n    destroying: droplets(first: 1, filter: { status: DESTROYING }) { totalCount }\n    destroyed: droplets(first: 1, filter: { status: DESTROYED }) { totalCount }\n    runningJobs: jobs(first: 100, filter: { status: RUNNING }) { nodes { ...JobFields } }\n    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) { nodes { ...JobFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {\n    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {\n      pageInfo { endCursor }\n      nodes { ...EventFields }\n    }\n  }\n"): (typeof documents)["\n  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {\n    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {\n      pageInfo { endCursor }\n      nodes { ...EventFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment RateLimitRuleFields on RateLimitRule { id name scope scopeId refillRate capacity status version createdAt updatedAt }"): (typeof documents)["fragment RateLimitRuleFields on RateLimitRule { id name scope scopeId refillRate capacity status version createdAt updatedAt }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RateLimitRules($first: Int, $after: String, $filter: RateLimitRuleFilter) { rateLimitRules(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...RateLimitRuleFields } } }"): (typeof documents)["query RateLimitRules($first: Int, $after: String, $filter: RateLimitRuleFilter) { rateLimitRules(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...RateLimitRuleFields } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateRateLimitRule($input: CreateRateLimitRuleInput!) { createRateLimitRule(input: $input) { rateLimitRule { ...RateLimitRuleFields } position } }"): (typeof documents)["mutation CreateRateLimitRule($input: CreateRateLimitRuleInput!) { createRateLimitRule(input: $input) { rateLimitRule { ...RateLimitRuleFields } position } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateRateLimitRule($id: ID!, $input: UpdateRateLimitRuleInput!, $expectedVersion: Int) { updateRateLimitRule(id: $id, input: $input, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }"): (typeof documents)["mutation UpdateRateLimitRule($id: ID!, $input: UpdateRateLimitRuleInput!, $expectedVersion: Int) { updateRateLimitRule(id: $id, input: $input, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteRateLimitRule($id: ID!, $expectedVersion: Int) { deleteRateLimitRule(id: $id, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }"): (typeof documents)["mutation DeleteRateLimitRule($id: ID!, $expectedVersion: Int) { deleteRateLimitRule(id: $id, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RateLimitStatus($name: String!, $scope: RateLimitScope!, $scopeId: ID) { rateLimitStatus(name: $name, scope: $scope, scopeId: $scopeId) { name scope scopeId source ruleId capacity remaining refillRate resetAt enforced } }"): (typeof documents)["query RateLimitStatus($name: String!, $scope: RateLimitScope!, $scopeId: ID) { rateLimitStatus(name: $name, scope: $scope, scopeId: $scopeId) { name scope scopeId source ruleId capacity remaining refillRate resetAt enforced } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ScalingPolicyFields on ScalingPolicy {\n    id\n    clusterId\n    name\n    status\n    mode\n    metric\n    target\n    tolerance\n    minDroplets\n    maxDroplets\n    minSize\n    maxSize\n    costLimitPerHour\n    cooldownSeconds\n    dryRun\n    version\n    template {\n      size\n      image\n      hourlyPrice\n    }\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment ScalingPolicyFields on ScalingPolicy {\n    id\n    clusterId\n    name\n    status\n    mode\n    metric\n    target\n    tolerance\n    minDroplets\n    maxDroplets\n    minSize\n    maxSize\n    costLimitPerHour\n    cooldownSeconds\n    dryRun\n    version\n    template {\n      size\n      image\n      hourlyPrice\n    }\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ScalingPolicies($first: Int, $after: String, $filter: ScalingPolicyFilter) {\n    scalingPolicies(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      nodes {\n        ...ScalingPolicyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ScalingPolicies($first: Int, $after: String, $filter: ScalingPolicyFilter) {\n    scalingPolicies(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        ...NextPage\n      }\n      nodes {\n        ...ScalingPolicyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateScalingPolicy($input: CreateScalingPolicyInput!) {\n    createScalingPolicy(input: $input) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n"): (typeof documents)["\n  mutation CreateScalingPolicy($input: CreateScalingPolicyInput!) {\n    createScalingPolicy(input: $input) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseScalingPolicy($id: ID!, $expectedVersion: Int) {\n    pauseScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n"): (typeof documents)["\n  mutation PauseScalingPolicy($id: ID!, $expectedVersion: Int) {\n    pauseScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeScalingPolicy($id: ID!, $expectedVersion: Int) {\n    resumeScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeScalingPolicy($id: ID!, $expectedVersion: Int) {\n    resumeScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteScalingPolicy($id: ID!, $expectedVersion: Int) {\n    deleteScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteScalingPolicy($id: ID!, $expectedVersion: Int) {\n    deleteScalingPolicy(id: $id, expectedVersion: $expectedVersion) {\n      scalingPolicy {\n        ...ScalingPolicyFields\n      }\n      position\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ScalingDecisionFields on ScalingDecision {\n    at\n    current\n    desired\n    currentSize\n    desiredSize\n    metricValue\n    target\n    reason\n    cappedBy\n    dryRun\n  }\n"): (typeof documents)["\n  fragment ScalingDecisionFields on ScalingDecision {\n    at\n    current\n    desired\n    currentSize\n    desiredSize\n    metricValue\n    target\n    reason\n    cappedBy\n    dryRun\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ScalingDecisionRecordFields on ScalingDecisionRecord {\n    position\n    actor\n    decision {\n      ...ScalingDecisionFields\n    }\n    planned\n    job {\n      id\n      status\n      progress\n    }\n    result {\n      created\n      destroyed\n      resized\n      skipped\n    }\n    abandoned\n  }\n"): (typeof documents)["\n  fragment ScalingDecisionRecordFields on ScalingDecisionRecord {\n    position\n    actor\n    decision {\n      ...ScalingDecisionFields\n    }\n    planned\n    job {\n      id\n      status\n      progress\n    }\n    result {\n      created\n      destroyed\n      resized\n      skipped\n    }\n    abandoned\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ScalingEvaluationFields on ScalingEvaluation {\n    outcome\n    note\n    decision {\n      ...ScalingDecisionFields\n    }\n    job {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  fragment ScalingEvaluationFields on ScalingEvaluation {\n    outcome\n    note\n    decision {\n      ...ScalingDecisionFields\n    }\n    job {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ScalingPolicyPage($id: ID!, $first: Int) {\n    scalingPolicy(id: $id) {\n      ...ScalingPolicyFields\n      windowSeconds\n      createdAt\n      scaleUp {\n        stabilizationWindowSeconds\n        maxStep {\n          droplets\n          percent\n          periodSeconds\n        }\n      }\n      scaleDown {\n        stabilizationWindowSeconds\n        maxStep {\n          droplets\n          percent\n          periodSeconds\n        }\n      }\n      cluster {\n        id\n        name\n        status\n      }\n      lastEvaluation {\n        ...ScalingEvaluationFields\n      }\n      decisions(first: $first) {\n        totalCount\n        nodes {\n          ...ScalingDecisionRecordFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ScalingPolicyPage($id: ID!, $first: Int) {\n    scalingPolicy(id: $id) {\n      ...ScalingPolicyFields\n      windowSeconds\n      createdAt\n      scaleUp {\n        stabilizationWindowSeconds\n        maxStep {\n          droplets\n          percent\n          periodSeconds\n        }\n      }\n      scaleDown {\n        stabilizationWindowSeconds\n        maxStep {\n          droplets\n          percent\n          periodSeconds\n        }\n      }\n      cluster {\n        id\n        name\n        status\n      }\n      lastEvaluation {\n        ...ScalingEvaluationFields\n      }\n      decisions(first: $first) {\n        totalCount\n        nodes {\n          ...ScalingDecisionRecordFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EvaluateScalingPolicy($id: ID!, $dryRun: Boolean) {\n    evaluateScalingPolicy(id: $id, dryRun: $dryRun) {\n      evaluation {\n        ...ScalingEvaluationFields\n      }\n      position\n    }\n  }\n"): (typeof documents)["\n  mutation EvaluateScalingPolicy($id: ID!, $dryRun: Boolean) {\n    evaluateScalingPolicy(id: $id, dryRun: $dryRun) {\n      evaluation {\n        ...ScalingEvaluationFields\n      }\n      position\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ScalingMetric($clusterId: ID!, $metric: MetricName!, $range: MetricRange!) {\n    cluster(id: $clusterId) {\n      id\n      metrics(metric: $metric, range: $range, aggregate: AVG) {\n        ...SeriesFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ScalingMetric($clusterId: ID!, $metric: MetricName!, $range: MetricRange!) {\n    cluster(id: $clusterId) {\n      id\n      metrics(metric: $metric, range: $range, aggregate: AVG) {\n        ...SeriesFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment SeriesFields on MetricSeries { metric unit stepSeconds resolution points { t v } latest { t v } }"): (typeof documents)["fragment SeriesFields on MetricSeries { metric unit stepSeconds resolution points { t v } latest { t v } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DropletMetrics($id: ID!, $range: MetricRange!) {\n  droplet(id: $id) {\n    id status\n    injectedLoad { cpu memory until active }\n    cpu: metrics(metric: CPU, range: $range) { ...SeriesFields }\n    memory: metrics(metric: MEMORY, range: $range) { ...SeriesFields }\n    disk: metrics(metric: DISK, range: $range) { ...SeriesFields }\n    networkIn: metrics(metric: NETWORK_IN, range: $range) { ...SeriesFields }\n    networkOut: metrics(metric: NETWORK_OUT, range: $range) { ...SeriesFields }\n    load1: metrics(metric: LOAD1, range: $range) { ...SeriesFields }\n  }\n}"): (typeof documents)["query DropletMetrics($id: ID!, $range: MetricRange!) {\n  droplet(id: $id) {\n    id status\n    injectedLoad { cpu memory until active }\n    cpu: metrics(metric: CPU, range: $range) { ...SeriesFields }\n    memory: metrics(metric: MEMORY, range: $range) { ...SeriesFields }\n    disk: metrics(metric: DISK, range: $range) { ...SeriesFields }\n    networkIn: metrics(metric: NETWORK_IN, range: $range) { ...SeriesFields }\n    networkOut: metrics(metric: NETWORK_OUT, range: $range) { ...SeriesFields }\n    load1: metrics(metric: LOAD1, range: $range) { ...SeriesFields }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ClusterMetrics($id: ID!, $range: MetricRange!) {\n  cluster(id: $id) {\n    id status\n    injectedLoad { cpu memory queueDepth until active }\n    cpuAvg: metrics(metric: CPU, range: $range, aggregate: AVG) { ...SeriesFields }\n    cpuMax: metrics(metric: CPU, range: $range, aggregate: MAX) { ...SeriesFields }\n    memoryAvg: metrics(metric: MEMORY, range: $range, aggregate: AVG) { ...SeriesFields }\n    memoryMax: metrics(metric: MEMORY, range: $range, aggregate: MAX) { ...SeriesFields }\n    queue: metrics(metric: QUEUE_DEPTH, range: $range) { ...SeriesFields }\n  }\n}"): (typeof documents)["query ClusterMetrics($id: ID!, $range: MetricRange!) {\n  cluster(id: $id) {\n    id status\n    injectedLoad { cpu memory queueDepth until active }\n    cpuAvg: metrics(metric: CPU, range: $range, aggregate: AVG) { ...SeriesFields }\n    cpuMax: metrics(metric: CPU, range: $range, aggregate: MAX) { ...SeriesFields }\n    memoryAvg: metrics(metric: MEMORY, range: $range, aggregate: AVG) { ...SeriesFields }\n    memoryMax: metrics(metric: MEMORY, range: $range, aggregate: MAX) { ...SeriesFields }\n    queue: metrics(metric: QUEUE_DEPTH, range: $range) { ...SeriesFields }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription DropletSamples($id: ID!) { dropletMetrics(dropletId: $id) { at cpu memory disk networkIn networkOut load1 } }"): (typeof documents)["subscription DropletSamples($id: ID!) { dropletMetrics(dropletId: $id) { at cpu memory disk networkIn networkOut load1 } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation InjectLoad($input: InjectLoadInput!) { injectLoad(input: $input) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }"): (typeof documents)["mutation InjectLoad($input: InjectLoadInput!) { injectLoad(input: $input) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ClearLoad($targetType: LoadTargetType!, $targetId: ID!) { clearLoad(targetType: $targetType, targetId: $targetId) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }"): (typeof documents)["mutation ClearLoad($targetType: LoadTargetType!, $targetId: ID!) { clearLoad(targetType: $targetType, targetId: $targetId) { position droplet { id injectedLoad { cpu memory until active } } cluster { id injectedLoad { cpu memory queueDepth until active } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ApiTokenFields on ApiToken { id name userId status expiresAt createdAt version }"): (typeof documents)["fragment ApiTokenFields on ApiToken { id name userId status expiresAt createdAt version }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ApiTokens($first: Int, $after: String, $filter: ApiTokenFilter, $withOwner: Boolean!) { apiTokens(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ApiTokenFields user @include(if: $withOwner) { id username } } } }"): (typeof documents)["query ApiTokens($first: Int, $after: String, $filter: ApiTokenFilter, $withOwner: Boolean!) { apiTokens(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ApiTokenFields user @include(if: $withOwner) { id username } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateApiToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { ...ApiTokenFields } secret position } }"): (typeof documents)["mutation CreateApiToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { ...ApiTokenFields } secret position } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { apiToken { ...ApiTokenFields } position } }"): (typeof documents)["mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { apiToken { ...ApiTokenFields } position } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment UserFields on User { id username role status version createdAt updatedAt }"): (typeof documents)["fragment UserFields on User { id username role status version createdAt updatedAt }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Users($first: Int, $after: String, $filter: UserFilter) { users(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...UserFields } } }"): (typeof documents)["query Users($first: Int, $after: String, $filter: UserFilter) { users(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...UserFields } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { ...UserFields } position } }"): (typeof documents)["mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { ...UserFields } position } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateUser($id: ID!, $input: UpdateUserInput!, $expectedVersion: Int) { updateUser(id: $id, input: $input, expectedVersion: $expectedVersion) { user { ...UserFields } position } }"): (typeof documents)["mutation UpdateUser($id: ID!, $input: UpdateUserInput!, $expectedVersion: Int) { updateUser(id: $id, input: $input, expectedVersion: $expectedVersion) { user { ...UserFields } position } }"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;