// The server's rules for user names and passwords (CreateUserInput), for immediate feedback;
// the server still decides.
import type { Role } from "../../gql/graphql";

export const ROLES: Role[] = ["VIEWER", "OPERATOR", "ADMIN"];

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** Why `name` is not a user name, or null. */
export function usernameProblem(name: string): string | null {
  if (!name) return "A user name is required.";
  if (!USERNAME.test(name)) return "1–64 letters, digits, '.', '_', '-' or '@'.";
  return null;
}

/** Why `password` is not acceptable, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return "At least 8 characters.";
  if (password.length > 1024) return "At most 1024 characters.";
  return null;
}
