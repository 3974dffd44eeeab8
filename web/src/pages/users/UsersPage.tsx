// Users (admins): the list, creating one, and per user changing the role, disabling or
// enabling, and setting a new password — each confirmed; the server's refusals (the last
// admin) are shown as sentences.
import { useState } from "react";
import { useMutation } from "urql";
import { UpdateUserMutation, UsersQuery } from "./operations";
import { CreateUserForm } from "./CreateUserForm";
import { ROLES, passwordProblem } from "./validation";
import { DataTable, type Column } from "../../components/DataTable";
import { PagedList } from "../../components/PagedList";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Field } from "../../components/Field";
import { Select } from "../../components/Select";
import { PageHeader, StatusBadge, Time } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { usePagedQuery } from "../../live/usePagedQuery";
import { useAuth } from "../../auth/AuthContext";
import type { Role, UpdateUserInput, UserFieldsFragment } from "../../gql/graphql";

/** The change being confirmed. */
type Pending =
  | { kind: "role"; user: UserFieldsFragment; role: Role }
  | { kind: "status"; user: UserFieldsFragment }
  | { kind: "password"; user: UserFieldsFragment };

const HINTS = {
  FAILED_PRECONDITION: "The last active admin cannot be disabled or lose the ADMIN role; make another user an admin first.",
  CONFLICT: "The user changed meanwhile; look at the list again and retry.",
};

export function UsersPage() {
  const me = useAuth().me;
  const [showForm, setShowForm] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [password, setPassword] = useState("");
  const [highlight, setHighlight] = useState<string | null>(null);
  const toast = useToast();
  const list = usePagedQuery(UsersQuery, { first: 100 }, (d) => d.users);
  const [update, updateUser] = useMutation(UpdateUserMutation);
  const [actionError, setActionError] = useState<typeof update.error>(undefined);

  const own = (u: UserFieldsFragment) => (u.id === me.user?.id ? <p className="font-medium">This is you: your own session ends too, and you sign in again.</p> : null);
  const close = () => {
    setPending(null);
    setPassword("");
  };
  async function apply(p: Pending) {
    const input: UpdateUserInput =
      p.kind === "role" ? { role: p.role } : p.kind === "status" ? { disabled: p.user.status === "ACTIVE" } : { password };
    close();
    const r = await updateUser({ id: p.user.id, input, expectedVersion: p.user.version });
    setActionError(r.error);
    if (r.error) return;
    setHighlight(p.user.id);
    const name = p.user.username;
    toast(
      p.kind === "role" ? `${name} is now ${p.role}` : p.kind === "password" ? `New password set for ${name}` : `${name} ${p.user.status === "ACTIVE" ? "disabled" : "enabled"}`,
    );
    list.reload();
  }

  const columns: Column<UserFieldsFragment>[] = [
    {
      header: "User name",
      cell: (u) => (
        <span className="font-medium">
          {u.username}
          {u.id === me.user?.id && <span className="ml-1 text-xs text-slate-500">(you)</span>}
        </span>
      ),
    },
    {
      header: "Role",
      cell: (u) => (
        <Select
          aria-label={`Role of ${u.username}`}
          className="input w-auto py-0.5"
          value={u.role}
          disabled={update.fetching}
          onChoose={(role) => role !== u.role && setPending({ kind: "role", user: u, role: role as Role })}
          choices={ROLES}
        />
      ),
    },
    { header: "Status", cell: (u) => <StatusBadge status={u.status} /> },
    { header: "Created", className: "hidden md:table-cell", cell: (u) => <Time at={u.createdAt} /> },
    { header: "Updated", className: "hidden md:table-cell", cell: (u) => <Time at={u.updatedAt} /> },
    {
      header: "Actions",
      cell: (u) => (
        <div className="flex flex-wrap gap-2">
          <button className={u.status === "ACTIVE" ? "btn-danger" : "btn-secondary"} disabled={update.fetching} onClick={() => setPending({ kind: "status", user: u })}>
            {u.status === "ACTIVE" ? "Disable" : "Enable"}
          </button>
          <button className="btn-secondary" disabled={update.fetching} onClick={() => setPending({ kind: "password", user: u })}>
            Set password
          </button>
        </div>
      ),
    },
  ];

  return (
    <section>
      <PageHeader title="Users">
        <button className="btn-primary" onClick={() => setShowForm((s) => !s)} aria-expanded={showForm}>
          {showForm ? "Close form" : "New user"}
        </button>
      </PageHeader>
      {showForm && (
        <div className="mb-4">
          <CreateUserForm
            onCreated={(u) => {
              setHighlight(u.id);
              setShowForm(false);
              toast(`User ${u.username} created as ${u.role}`);
              list.reload();
            }}
          />
        </div>
      )}
      <div className="mb-3">
        <ErrorNotice error={actionError} hints={HINTS} />
      </div>
      <PagedList list={list} what="users" count={list.nodes.length} empty={<>No users yet. Create one with “New user”.</>}>
        <DataTable
          rows={list.nodes}
          columns={columns}
          rowKey={(u) => u.id}
          caption={`${list.more.total} users`}
          rowProps={(u) => ({
            className: u.id === highlight ? "bg-sky-50" : undefined,
            "data-testid": `user-row-${u.username}`,
            "data-highlight": u.id === highlight || undefined,
          })}
        />
      </PagedList>
      {pending?.kind === "role" && (
        <ConfirmDialog title={`Make ${pending.user.username} ${pending.role}?`} confirmLabel="Change role" onClose={close} onConfirm={() => apply(pending)}>
          <p>
            {pending.user.username} is {pending.user.role} now. Their sessions end at once; they sign in again with the new role.
          </p>
          {own(pending.user)}
        </ConfirmDialog>
      )}
      {pending?.kind === "status" &&
        (pending.user.status === "ACTIVE" ? (
          <ConfirmDialog title={`Disable ${pending.user.username}?`} confirmLabel="Disable user" danger onClose={close} onConfirm={() => apply(pending)}>
            <p>They cannot sign in any more, and their sessions and API tokens stop working at once (open pages are sent to the login page).</p>
          </ConfirmDialog>
        ) : (
          <ConfirmDialog title={`Enable ${pending.user.username}?`} confirmLabel="Enable user" onClose={close} onConfirm={() => apply(pending)}>
            <p>They can sign in again. Their earlier API tokens stay revoked.</p>
          </ConfirmDialog>
        ))}
      {pending?.kind === "password" && (
        <ConfirmDialog
          title={`New password for ${pending.user.username}`}
          confirmLabel="Set password"
          ready={!passwordProblem(password)}
          onClose={close}
          onConfirm={() => apply(pending)}
        >
          <Field label="New password" problem={password && passwordProblem(password)} hint="At least 8 characters">
            <input className="input" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          </Field>
          <p>Their sessions and API tokens stop working; they sign in with the new password.</p>
          {own(pending.user)}
        </ConfirmDialog>
      )}
    </section>
  );
}
