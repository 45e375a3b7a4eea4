/**
 * The server's layers (docs/ARCHITECTURE.md, "Layers"), checked by `npm run lint:layers` and at the
 * start of `npm test`: any import that breaks a rule is reported as `error <rule>: from -> to` and
 * the command exits non-zero.
 */
module.exports = {
  forbidden: [
    {
      name: 'http-only-from-composition-root',
      comment:
        'Only the HTTP layer itself and the composition root (laurel.ts, cli.ts) import src/http/. Domain code ' +
        'throws the errors of src/errors.ts and leaves the mapping to HTTP to http/.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/http/', '^src/laurel\\.ts$', '^src/cli\\.ts$'] },
      to: { path: '^src/http/' },
    },
    {
      name: 'engine-imports-only-engine-and-events',
      comment:
        'The engine is pure rules (state, input, now): it imports other engine files, the webhook payload types ' +
        'of src/events/ and libraries, never storage, HTTP or another folder that does I/O.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: ['^src/engine/', '^src/events/'] },
    },
    {
      name: 'engine-no-node-io',
      comment: "The engine does no I/O: none of Node's own modules (time and randomness come in as parameters).",
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'stages-only-through-the-runner',
      comment:
        'The pipeline of consequences (docs/engine.md) is the one place consequences are computed: its stages ' +
        'run only through src/pipeline/run-pipeline.ts, never called by a write path directly.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/pipeline/'] },
      to: { path: '^src/pipeline/stages/' },
    },
    {
      name: 'consequence-state-written-by-the-pipeline',
      comment:
        "Users' points and leaderboard scores are written by the pipeline's stages only: their stores are " +
        'imported by nothing else (reads have their own modules).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/pipeline/stages/'] },
      to: { path: ['^src/points/user-points-store\\.ts$', '^src/leaderboards/scores-store\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from store/ ties the engine to the schema as much as a value does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
