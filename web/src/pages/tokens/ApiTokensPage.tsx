// API tokens: your own (admins: everyone's, with the owner), issuing one — its secret shown
// once — and revoking (confirmed).
import { useState } from "react";
import { useMutation } from "urql";
import { ApiTokensQuery, RevokeApiTokenMutation } from "./operations";
import { CreateApiTokenForm } from "./CreateApiTokenForm";
import { SecretDialog } from "./SecretDialog";
import { DataTable, optional, type Column } from "../../components/DataTable";
import { PagedList } from "../../components/PagedList";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader, StatusBadge, Time } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { usePagedQuery } from "../../live/usePagedQuery";
import { useAuth } from "../../auth/AuthContext";
import type { ApiTokensQuery as ApiTokensData } from "../../gql/graphql";

type Row = ApiTokensData["apiTokens"]["nodes"][number];

export function ApiTokensPage() {
  const auth = useAuth();
  const admin = auth.can("ADMIN");
  // Local mode's built-in operator is no user: tokens are issued to a signed-in user.
  const canIssue = !!auth.me.user;
  const [showForm, setShowForm] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<Row | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const toast = useToast();
  const list = usePagedQuery(ApiTokensQuery, { first: 100, withOwner: admin }, (d) => d.apiTokens);
  const [revocation, revoke] = useMutation(RevokeApiTokenMutation);
  const [revokeError, setRevokeError] = useState<typeof revocation.error>(undefined);

  async function confirmRevoke(t: Row) {
    setRevoking(null);
    const r = await revoke({ id: t.id });
    setRevokeError(r.error);
    if (!r.error) {
      toast(`API token ${t.name} revoked`);
      list.reload();
    }
  }

  const columns: Column<Row>[] = [
    { header: "Name", cell: (t) => <span className="font-medium">{t.name}</span> },
    ...optional<Row>(admin, { header: "Owner", cell: (t) => t.user?.username ?? t.userId.slice(0, 8) }),
    { header: "Status", cell: (t) => <StatusBadge status={t.status} /> },
    { header: "Created", className: "hidden sm:table-cell", cell: (t) => <Time at={t.createdAt} /> },
    { header: "Expires", cell: (t) => (t.expiresAt ? <Time at={t.expiresAt} /> : "never") },
    {
      header: "Actions",
      cell: (t) =>
        t.status === "ACTIVE" && (
          <button className="btn-danger" disabled={revocation.fetching} onClick={() => setRevoking(t)}>
            Revoke
          </button>
        ),
    },
  ];

  return (
    <section>
      <PageHeader title="API tokens">
        {canIssue ? (
          <button className="btn-primary" onClick={() => setShowForm((s) => !s)} aria-expanded={showForm}>
            {showForm ? "Close form" : "New API token"}
          </button>
        ) : (
          <span className="self-center text-xs text-slate-500">Sign in as a user to issue a token of your own.</span>
        )}
      </PageHeader>
      <p className="mb-3 text-sm text-slate-600">
        Tokens act as {admin ? "their owner" : "you"} with {admin ? "the owner's" : "your"} role, for scripts and CI: send <code>Authorization: Bearer …</code>.
      </p>
      {showForm && (
        <div className="mb-4">
          <CreateApiTokenForm
            onCreated={(token, name, s) => {
              setShowForm(false);
              setHighlight(token?.id ?? null);
              setSecret({ name, secret: s });
              list.reload();
            }}
          />
        </div>
      )}
      <div className="mb-3">
        <ErrorNotice error={revokeError} />
      </div>
      <PagedList list={list} what="API tokens" count={list.nodes.length} empty={<>No API tokens{canIssue ? ". Issue one with “New API token”." : "."}</>}>
        <DataTable
          rows={list.nodes}
          columns={columns}
          rowKey={(t) => t.id}
          caption={`${list.more.total} API tokens`}
          rowProps={(t) => ({
            className: t.id === highlight ? "bg-sky-50" : undefined,
            "data-testid": `token-row-${t.name}`,
            "data-highlight": t.id === highlight || undefined,
          })}
        />
      </PagedList>
      {secret && <SecretDialog name={secret.name} secret={secret.secret} onClose={() => setSecret(null)} />}
      {revoking && (
        <ConfirmDialog title={`Revoke API token ${revoking.name}?`} confirmLabel="Revoke token" danger onClose={() => setRevoking(null)} onConfirm={() => confirmRevoke(revoking)}>
          <p>Requests with it are refused from now on, and subscriptions using it end. This cannot be undone; issue a new token instead.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
