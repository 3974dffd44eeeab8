// Calls `onData` for every result of a subscription, outside React's render phase.
import { useEffect, useRef } from "react";
import { useClient, type AnyVariables, type TypedDocumentNode } from "urql";

export function useEach<Data, Variables extends AnyVariables>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  onData: (data: Data) => void,
  enabled = true,
  /** Changing it starts the subscription again (e.g. after a terminal status). */
  restartKey: unknown = 0,
) {
  const client = useClient();
  const handler = useRef(onData);
  handler.current = onData;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return;
    const { unsubscribe } = client.subscription(query, variables).subscribe((result) => {
      if (result.data) handler.current(result.data);
    });
    return unsubscribe;
  }, [client, query, key, enabled, restartKey]);
}
