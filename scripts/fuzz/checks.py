"""Schemathesis checks for ClusterGenie's GraphQL API (loaded by scripts/fuzz-graphql).

Schemathesis' own `not_a_server_error` knows Apollo's and graphql-java's error codes only, so it
reads every resolver error with another code as a server failure, including a correct refusal
such as `login` with a wrong password (UNAUTHENTICATED) or a made-up id (NOT_FOUND). Our API
says what kind of error each one is in `extensions.code` (query/src/errors.rs), so this check
holds it to that instead:

- no HTTP 5xx, and every answer is a GraphQL response (a JSON object);
- every error that a resolver raised (it has a `path`) carries one of the client codes below;
- no error anywhere carries INTERNAL, and none a code outside the documented set.
"""

import json

import schemathesis

# The codes a correct answer to a bad or unlucky request may carry (ErrorCode in
# query/src/errors.rs, without INTERNAL and UNAVAILABLE: a healthy embedded server under
# fuzzing is never unavailable).
CLIENT_CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "CONFLICT",
        "FAILED_PRECONDITION",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "RATE_LIMITED",
    }
)


@schemathesis.check
def errors_are_client_codes(ctx, response, case):
    """A 5xx, a non-GraphQL body, or an error that is not a documented client error fails."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    try:
        payload = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"the answer is not JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise AssertionError("the answer is not a JSON object")
    for error in payload.get("errors") or []:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if code is None and "path" not in error:
            # Refused before execution (parse or validation): no resolver ran.
            continue
        if code not in CLIENT_CODES:
            raise AssertionError(f"error with code {code!r}: {error.get('message')!r} at {error.get('path')}")
    return None
