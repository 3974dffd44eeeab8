// Sample diagnoses for the tests, typed by the generated fragments.
import type { DiagnosisFieldsFragment, DiagnosisReportFieldsFragment } from "../../gql/graphql";

type Full = DiagnosisFieldsFragment & { evidenceDigest: string | null; report: DiagnosisReportFieldsFragment | null };

export const report: DiagnosisReportFieldsFragment = {
  backend: "builtin",
  tokensUsed: null,
  note: "the model did not answer in time; the built-in analysis is shown",
  summary: null,
  checks: [
    { check: "RELIABILITY", status: "FAIL", summary: "reliability: 1 critical, 1 note", details: ["2 droplets looked at"], metrics: [{ name: "failed_jobs", value: 1 }] },
    { check: "SECURITY", status: "PASS", summary: "security: no problem found", details: [], metrics: [] },
  ],
  findings: [
    {
      id: "droplet-stopped:d2",
      check: "RELIABILITY",
      severity: "INFO",
      title: "droplet web-2 is STOPPED",
      explanation: "web-2 is powered off.",
      confidence: 0.9,
      evidence: [{ kind: "EVENT", ref: "42", excerpt: "DropletPoweredOff by alice at 2026-12-03T10:00:00+00:00" }],
      recommendation: { text: "power on web-2 if it was not stopped on purpose", action: { kind: "POWER_ON_DROPLET", dropletId: "d2", clusterId: null, jobId: null, size: null, image: null, region: null } },
    },
    {
      id: "droplet-failed:d3",
      check: "RELIABILITY",
      severity: "CRITICAL",
      title: "droplet bad-1 is FAILED",
      explanation: "Its PROVISION job failed.",
      confidence: 0.95,
      evidence: [
        { kind: "JOB", ref: "job-7", excerpt: "PROVISION FAILED after 3 attempts: image broken-boot-x64 failed to boot" },
        { kind: "METRIC_WINDOW", ref: "droplet:d1/CPU@2026-12-03T10:00:00Z..2026-12-03T10:30:00Z", excerpt: "CPU mean 97.0%" },
      ],
      recommendation: { text: "retry the PROVISION job of bad-1", action: { kind: "RETRY_JOB", dropletId: null, clusterId: null, jobId: "job-7", size: null, image: null, region: null } },
    },
    {
      id: "deprecated-image:d4",
      check: "SECURITY",
      severity: "WARNING",
      title: "droplet old-1 runs Fedora 40, past its end of life",
      explanation: "Fedora 40 gets no security updates any more.",
      confidence: 0.95,
      evidence: [],
      recommendation: { text: "rebuild old-1 on fedora-42-x64", action: null },
    },
  ],
};

export function diagnosis(over: Partial<Full> = {}): Full {
  return {
    __typename: "Diagnosis",
    id: "diag-1",
    targetType: "CLUSTER",
    targetId: "cluster-1",
    checks: ["RELIABILITY", "SECURITY"],
    question: "why is the shop slow?",
    status: "COMPLETED",
    jobId: "job-d",
    durationMs: 1234,
    error: null,
    appliedFindings: [],
    appliedRecommendations: [],
    version: 3,
    createdAt: "2026-12-03T10:30:00Z",
    updatedAt: "2026-12-03T10:30:02Z",
    evidenceDigest: "0123456789abcdef",
    report,
    ...over,
  } as Full;
}

/** The diagnosis' history, with the snapshot that names event 42's object. */
export const evidenceHistory = {
  data: {
    history: {
      events: [
        { position: 40, type: "DiagnosisRequested", payload: {} },
        {
          position: 41,
          type: "DiagnosisEvidenceCollected",
          payload: { digest: "0123", snapshot: { droplets: [{ id: "d1", name: "web-1" }], events: [{ position: 42, aggregate_type: "Droplet", aggregate_id: "d2", event_type: "DropletPoweredOff" }], logs: [] } },
        },
      ],
    },
  },
};
