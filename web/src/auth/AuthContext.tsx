// Who the console runs as, shared through context: the `me` answer, what the role allows,
// and signing in and out. `SessionProvider` fills it; `useAuth()` reads it.
import { createContext, useContext } from "react";
import type { MeFieldsFragment, Role } from "../gql/graphql";
import { allows } from "./roles";

export interface Auth {
  /** The server's `me`. */
  me: MeFieldsFragment;
  /** "required": nothing but signing in works without a token. */
  mode: "local" | "required";
  /** Whether a session or API token is in use (rather than local mode's built-in operator). */
  signedIn: boolean;
  role: Role | null;
  /** Whether the caller's role may do what `needed` may. */
  can: (needed: Role) => boolean;
  /** Starts a session with `token` (from `login`) and goes to `next`. */
  signIn: (token: string, next: string) => void;
  /** Ends the session and goes to the login page. */
  signOut: () => void;
  /** Why the last session ended without signing out ("expired"), for the login page. */
  ended: string | null;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside SessionProvider");
  return auth;
}

/** The `Auth` of a `me` answer, with the session's actions. */
export function authOf(me: MeFieldsFragment, actions: Pick<Auth, "signIn" | "signOut" | "ended">): Auth {
  return {
    me,
    mode: me.authMode === "required" ? "required" : "local",
    signedIn: me.via === "SESSION" || me.via === "API_TOKEN",
    role: me.role ?? null,
    can: (needed) => allows(me.role, needed),
    ...actions,
  };
}
