// The one time a token's secret is shown: selectable, copyable, and a warning that it cannot
// be shown again (the server keeps only its hash).
import { useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog";

export function SecretDialog({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = () =>
    navigator.clipboard
      .writeText(secret)
      .then(() => setCopied("yes"))
      .catch(() => setCopied("failed"));
  return (
    <ConfirmDialog title={`API token ${name} created`} confirmLabel="I have stored it" cancelLabel={null} onClose={onClose} onConfirm={onClose}>
      <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900" role="alert">
        Copy the secret now: it is shown only this once and cannot be shown again.
      </p>
      <label className="label" htmlFor="token-secret">
        Secret (send as <code>Authorization: Bearer …</code>)
      </label>
      <div className="flex gap-2">
        <input
          id="token-secret"
          data-testid="token-secret"
          className="input font-mono text-xs"
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
        />
        <button type="button" className="btn-secondary" onClick={copy}>
          {copied === "yes" ? "Copied" : "Copy"}
        </button>
      </div>
      {copied === "failed" && <p className="text-xs text-red-700">The browser refused to copy; select the secret and copy it by hand.</p>}
    </ConfirmDialog>
  );
}
