// The session's GraphQL documents: who the caller is, and signing in.
import { graphql } from "../gql";

export const MeFields = graphql(`
  fragment MeFields on Me {
    actor
    role
    via
    authMode
    expiresAt
    user { id username role status }
  }
`);

export const MeQuery = graphql(`query Me { me { ...MeFields } }`);

export const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) { token expiresAt user { id username role } }
  }
`);
