// The users page's GraphQL documents.
import { graphql } from "../../gql";

export const UserFields = graphql(`fragment UserFields on User { id username role status version createdAt updatedAt }`);

export const UsersQuery = graphql(`query Users($first: Int, $after: String, $filter: UserFilter) { users(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...UserFields } } }`);

export const CreateUserMutation = graphql(`mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { ...UserFields } position } }`);

export const UpdateUserMutation = graphql(`mutation UpdateUser($id: ID!, $input: UpdateUserInput!, $expectedVersion: Int) { updateUser(id: $id, input: $input, expectedVersion: $expectedVersion) { user { ...UserFields } position } }`);
