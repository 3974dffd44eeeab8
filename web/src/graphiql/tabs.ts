// The README's walkthrough operations, as GraphiQL's default tabs (shown until the browser has
// tabs of its own in local storage). Plain strings: codegen must not treat them as console
// operations, since they hold placeholders to fill in.
// Named, so that each tab has a title. The header editor (open below the query) takes the
// bearer token as {"Authorization": "Bearer <jwt>"} when CLUSTERGENIE_AUTH_SECRET is set.
export const exampleTabs: { query: string }[] = [
  {
    query: `# Create a cluster; copy its id for the next tab.
mutation CreateCluster {
  createCluster(input: {name: "prod", region: "fra1", labels: [{key: "team", value: "ops"}]}) {
    cluster { id name region status }
    position
  }
}
`,
  },
  {
    query: `mutation CreateDroplet {
  createDroplet(input: {name: "web-1", region: "fra1", size: "s-2vcpu-4gb",
                        image: "ubuntu-24-04-x64", clusterId: "<cluster id from above>"}) {
    droplet { id name status ip }
    job { id type status progress stage }
    position
  }
}
`,
  },
  {
    query: `# Current state first, then every change, until the job is COMPLETED.
subscription JobProgress {
  jobProgress(jobId: "<job id from above>") { id status progress stage message }
}
`,
  },
  {
    query: `query Droplets { droplets(first: 10) { totalCount edges { node { id name status ip size cluster { name } } } } }
`,
  },
  {
    query: `query AuditLog {
  events(first: 50, filter: {aggregateType: Droplet}) {
    edges { node { position type aggregateType aggregateId sequence recordedAt actor payload } }
    pageInfo { hasNextPage endCursor }
  }
}
`,
  },
  {
    query: `query History {
  history(aggregateType: Droplet, aggregateId: "<droplet id>", asOf: {position: 3}) {
    exists version state events { type recordedAt actor }
  }
}
`,
  },
];
