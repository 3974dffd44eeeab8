// Pause, resume or delete a scaling policy: the one path the cluster's list and the policy's
// page both take. No expectedVersion: the autoscaler's decisions are events of the policy
// too, and one recorded since the page was read must not refuse a pause (the intent holds
// either way).
import { useMutation } from "urql";
import { DeleteScalingPolicyMutation, PauseScalingPolicyMutation, ResumeScalingPolicyMutation } from "./operations";

export type PolicyChange = "paused" | "resumed" | "deleted";

export function usePolicyChange() {
  const [paused, pause] = useMutation(PauseScalingPolicyMutation);
  const [resumed, resume] = useMutation(ResumeScalingPolicyMutation);
  const [removal, remove] = useMutation(DeleteScalingPolicyMutation);
  const busy = paused.fetching || resumed.fetching || removal.fetching;
  /** Sends the change; resolves to its error, if any. */
  async function change(id: string, verb: PolicyChange) {
    const vars = { id };
    const r = verb === "paused" ? await pause(vars) : verb === "resumed" ? await resume(vars) : await remove(vars);
    return r.error;
  }
  return { busy, change };
}
