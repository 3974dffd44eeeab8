// The API tokens page's GraphQL documents. The owner is asked for only by admins (`users`
// is theirs; others see their own tokens only).
import { graphql } from "../../gql";

export const ApiTokenFields = graphql(`fragment ApiTokenFields on ApiToken { id name userId status expiresAt createdAt version }`);

export const ApiTokensQuery = graphql(`query ApiTokens($first: Int, $after: String, $filter: ApiTokenFilter, $withOwner: Boolean!) { apiTokens(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...ApiTokenFields user @include(if: $withOwner) { id username } } } }`);

export const CreateApiTokenMutation = graphql(`mutation CreateApiToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { ...ApiTokenFields } secret position } }`);

export const RevokeApiTokenMutation = graphql(`mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { apiToken { ...ApiTokenFields } position } }`);
