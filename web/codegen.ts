import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed operations from the server's checked-in SDL. CI runs `npm run codegen:check`
// so a schema or query change without regenerating fails the build.
const config: CodegenConfig = {
  schema: "../schema/clustergenie.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown" },
        skipTypename: false,
      },
    },
  },
  hooks: { afterAllFileWrite: [] },
};

export default config;
