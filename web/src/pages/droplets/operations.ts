// The droplets pages' GraphQL documents (fields come from the shared fragments).
import { graphql } from "../../gql";

export const DropletsQuery = graphql(`query Droplets($first: Int, $after: String, $filter: DropletFilter) { droplets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...DropletFields } } }`);

export const DropletQuery = graphql(`query Droplet($id: ID!) { droplet(id: $id) { ...DropletFields jobs(first: 100) { totalCount nodes { ...JobFields } } } }`);

/** The clusters a new droplet can join. */
export const ClusterChoicesQuery = graphql(`query ClusterChoices { clusters(first: 100, filter: { status: ACTIVE }) { nodes { id name region } } }`);

/** What every droplet mutation answers: the droplet as it is now and the event's position. */
export const DropletResult = graphql(`fragment DropletResult on DropletPayload { droplet { ...DropletFields } position }`);

export const CreateDropletMutation = graphql(`mutation CreateDroplet($input: CreateDropletInput!) { createDroplet(input: $input) { ...DropletResult job { ...JobFields } } }`);

export const DestroyDropletMutation = graphql(`mutation DestroyDroplet($id: ID!) { destroyDroplet(id: $id) { ...DropletResult } }`);

export const PowerDropletMutation = graphql(`mutation PowerDroplet($id: ID!, $on: Boolean!) { powerDroplet(id: $id, on: $on) { ...DropletResult } }`);

export const ResizeDropletMutation = graphql(`mutation ResizeDroplet($id: ID!, $size: String!) { resizeDroplet(id: $id, size: $size) { ...DropletResult } }`);
