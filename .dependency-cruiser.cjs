/**
 * The architecture rules, checked in CI. A service imports only the chassis and other services'
 * contracts; the chassis imports no service; contracts import no implementation.
 */
module.exports = {
  forbidden: [
    {
      name: 'service-reaches-into-another-service',
      comment: "A service may use another service's contract/, never its handlers, storage or service.ts.",
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: ['^services/$1/', '^services/[^/]+/contract/'] },
    },
    {
      name: 'chassis-imports-a-service',
      comment: 'The chassis is a library: no business code, no knowledge of any service.',
      severity: 'error',
      from: { path: '^packages/chassis/' },
      to: { path: '^(services|apps)/' },
    },
    {
      name: 'contract-imports-implementation',
      comment: "Contracts are what callers import; they may not drag in a service's implementation.",
      severity: 'error',
      from: { path: '^services/[^/]+/contract/' },
      to: { path: '^services/[^/]+/(handlers|storage|service\\.ts)' },
    },
    {
      name: 'service-imports-an-app',
      comment: 'Services do not know the gateway, the console or the CLI.',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^apps/' },
    },
    {
      name: 'gateway-imports-service-internals',
      comment: 'The gateway routes by contract only.',
      severity: 'error',
      from: { path: '^apps/gateway/' },
      to: { path: '^services/[^/]+/', pathNot: '^services/[^/]+/contract/' },
    },
    {
      name: 'only-the-platform-starts-servers',
      comment: 'Services, the gateway and the chassis are given connection strings; only the CLI and tests start local servers.',
      severity: 'error',
      from: { path: '^(services|apps/gateway|packages/chassis)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/infra/' },
    },
    {
      name: 'console-imports-gateway-code',
      comment: "The page runs in the browser: of the gateway it reads only the operator API's types (console-api/contract.ts, with `import type`), so none of the gateway reaches the bundle.",
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^apps/gateway/', pathNot: '^apps/gateway/src/console-api/contract\\.ts$' },
    },
    {
      name: 'console-contract-imports-something',
      comment: 'The console type-checks the contract without Node or Fastify types: it declares everything itself.',
      severity: 'error',
      from: { path: '^apps/gateway/src/console-api/contract\\.ts$' },
      to: {},
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules, and built output (the server bundle, the console's dist): only sources are checked.
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default', 'node'], extensions: ['.ts', '.js'] },
    combinedDependencies: true,
  },
};
