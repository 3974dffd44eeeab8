// The roles' order, the one place the console compares them: each role may do what the
// ones below it may (the server's role table, query/src/graphql/access.rs, decides).
import type { Role } from "../gql/graphql";

const RANK: Record<Role, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/** Whether `role` may do what `needed` may; no role (not signed in) may do nothing. */
export function allows(role: Role | null | undefined, needed: Role): boolean {
  return !!role && RANK[role] >= RANK[needed];
}

/** Why a control is not offered to `role`: "Needs the OPERATOR role (you are VIEWER)." */
export function needsRole(needed: Role, role: Role | null | undefined): string {
  return `Needs the ${needed} role${role ? ` (you are ${role})` : ""}.`;
}
