// Role gating for controls and pages: commands are not offered to a role the server would
// refuse them to (it still decides; see query/src/graphql/access.rs).
import type { ReactNode } from "react";
import type { Role } from "../gql/graphql";
import { useAuth } from "./AuthContext";
import { needsRole } from "./roles";
import { Empty, PageHeader } from "../components/Status";

/**
 * `children` when the caller's role allows `role`; otherwise nothing, or with `note` a quiet
 * "Read-only" marker whose title names the role needed.
 */
export function IfRole({ role, note = false, children }: { role: Role; note?: boolean; children: ReactNode }) {
  const auth = useAuth();
  if (auth.can(role)) return <>{children}</>;
  if (!note) return null;
  return (
    <span className="self-center rounded-full border border-slate-300 px-2 py-0.5 text-xs text-slate-600" title={needsRole(role, auth.role)} data-testid="read-only">
      Read-only
    </span>
  );
}

/** A page for `role` and above; others see why they cannot use it. */
export function RequireRole({ role, title, children }: { role: Role; title: string; children: ReactNode }) {
  const auth = useAuth();
  if (auth.can(role)) return <>{children}</>;
  return (
    <section>
      <PageHeader title={title} />
      <Empty>This page is for the {role} role; you are {auth.role ?? "not signed in"}.</Empty>
    </section>
  );
}
