// The rate-limits page's GraphQL documents.
import { graphql } from "../../gql";

export const RateLimitRuleFields = graphql(`fragment RateLimitRuleFields on RateLimitRule { id name scope scopeId refillRate capacity status version createdAt updatedAt }`);

export const RateLimitRulesQuery = graphql(`query RateLimitRules($first: Int, $after: String, $filter: RateLimitRuleFilter) { rateLimitRules(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...RateLimitRuleFields } } }`);

export const CreateRateLimitRuleMutation = graphql(`mutation CreateRateLimitRule($input: CreateRateLimitRuleInput!) { createRateLimitRule(input: $input) { rateLimitRule { ...RateLimitRuleFields } position } }`);

export const UpdateRateLimitRuleMutation = graphql(`mutation UpdateRateLimitRule($id: ID!, $input: UpdateRateLimitRuleInput!, $expectedVersion: Int) { updateRateLimitRule(id: $id, input: $input, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }`);

export const DeleteRateLimitRuleMutation = graphql(`mutation DeleteRateLimitRule($id: ID!, $expectedVersion: Int) { deleteRateLimitRule(id: $id, expectedVersion: $expectedVersion) { rateLimitRule { ...RateLimitRuleFields } position } }`);

export const RateLimitStatusQuery = graphql(`query RateLimitStatus($name: String!, $scope: RateLimitScope!, $scopeId: ID) { rateLimitStatus(name: $name, scope: $scope, scopeId: $scopeId) { name scope scopeId source ruleId capacity remaining refillRate resetAt enforced } }`);
