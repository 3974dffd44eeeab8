// Clusters and droplets to choose from: what a diagnosis list is filtered by, what a health
// check watches over.
import { graphql } from "../gql";

export const TargetsQuery = graphql(`
  query Targets {
    clusters(first: 100) {
      nodes {
        id
        name
        status
      }
    }
    droplets(first: 100) {
      nodes {
        id
        name
        status
      }
    }
  }
`);
