// The layer rules of the code (see README "Code layout and lint"), checked on every `npm test`: each message names where to go instead.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));

/** Modules that reach the operating system: only adapters (and the client, for its socket) may import them. */
const OS_MODULES = [
  ['fs', 'the files port (agent/ports) implemented in agent/adapters'],
  ['fs/promises', 'the files port (agent/ports) implemented in agent/adapters'],
  ['net', 'agent/client (to reach the daemon) or an adapter'],
  ['child_process', 'the killer or another adapter in agent/adapters'],
  ['os', 'agent/adapters (users, config) or a value passed in'],
  ['http', 'an adapter in agent/adapters'],
  ['https', 'an adapter in agent/adapters'],
  ['dgram', 'an adapter in agent/adapters'],
  ['worker_threads', 'an adapter in agent/adapters'],
];
const OS_PACKAGES = [
  ['chokidar', 'an install-watch adapter in agent/adapters'],
  ['ps-list', 'the processes port (agent/adapters/processes)'],
  ['node-notifier', 'the notifier port (agent/adapters/notifier.ts)'],
  ['better-sqlite3', 'a state-store adapter in agent/adapters'],
  ['netlink', 'an adapter in agent/adapters (exec events, socket peers)'],
];

/** `no-restricted-imports` paths forbidding OS access, each message naming the layer to use instead. */
function osImports(layer, allowed = []) {
  const nodeModules = OS_MODULES.filter(([name]) => !allowed.includes(name)).flatMap(([name, instead]) => [
    { name: `node:${name}`, message: `${layer} does not touch the OS: use ${instead}.` },
    { name, message: `${layer} does not touch the OS: use ${instead}.` },
  ]);
  const packages = OS_PACKAGES.filter(([name]) => !allowed.includes(name)).map(([name, instead]) => ({
    name,
    message: `${layer} does not touch the OS: use ${instead}.`,
  }));
  return [...nodeModules, ...packages];
}

const CLOCK_AND_TIMERS = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'The core has no clock: take `now` as a parameter (the clock port, agent/ports).',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'The core has no clock: take `now` as a parameter (the clock port, agent/ports).',
  },
  {
    selector: 'CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate)$/]',
    message: 'The core has no timers: the daemon schedules (agent/daemon actors).',
  },
  {
    selector: "MemberExpression[object.name='process']",
    message: 'The core does not read the process or its environment: take the value as a parameter (agent/adapters/config.ts reads it).',
  },
  { selector: "MemberExpression[object.name='performance'][property.name='now']", message: 'The core has no clock: take time as a parameter.' },
];

/** Layers by folder; a file belongs to the first pattern that matches it. */
const ELEMENTS = [
  { type: 'common', pattern: 'agent/common/**', partialMatch: false },
  { type: 'core', pattern: 'agent/core/**', partialMatch: false },
  { type: 'ports', pattern: 'agent/ports/**', partialMatch: false },
  { type: 'adapters', pattern: 'agent/adapters/**', partialMatch: false },
  { type: 'client', pattern: 'agent/client/**', partialMatch: false },
  { type: 'daemon', pattern: 'agent/daemon/**', partialMatch: false },
  { type: 'cli', pattern: 'agent/cli/**', partialMatch: false },
  { type: 'tray', pattern: 'tray/**', partialMatch: false },
  { type: 'policies', pattern: 'policies/**', partialMatch: false },
  { type: 'scripts', pattern: 'scripts/**', partialMatch: false },
  { type: 'bench', pattern: 'bench/**', partialMatch: false },
  { type: 'test', pattern: 'test/**', partialMatch: false },
];

/** Who may import whom, with the reason shown when the rule is broken. */
const LAYER_POLICIES = [
  { from: 'common', allow: ['common'], message: 'agent/common is the shared vocabulary (types and values): it imports only itself.' },
  {
    from: 'core',
    allow: ['common', 'core', 'ports', 'policies'],
    message: 'agent/core is pure: it imports agent/common, agent/ports and itself; effects come in through a port.',
  },
  { from: 'ports', allow: ['common', 'ports', 'core'], message: 'agent/ports declares interfaces: it imports agent/common and core types only.' },
  {
    from: 'adapters',
    allow: ['common', 'core', 'ports', 'adapters', 'policies'],
    message: 'agent/adapters implement ports: they never import the daemon, the CLI, the client or the tray.',
  },
  { from: 'client', allow: ['common', 'client'], message: 'agent/client talks to the daemon over its socket: it imports agent/common only.' },
  {
    from: 'daemon',
    allow: ['common', 'core', 'ports', 'adapters', 'daemon', 'policies'],
    message: 'agent/daemon wires core and adapters; it never imports the CLI, the client or the tray.',
  },
  { from: 'cli', allow: ['common', 'core', 'ports', 'adapters', 'daemon', 'client', 'cli', 'policies'], message: 'agent/cli never imports the tray.' },
  {
    from: 'tray',
    allow: ['common', 'client', 'tray'],
    message: 'tray/ reaches the agent only through agent/common (vocabulary) and agent/client (the daemon connection).',
  },
  {
    from: 'scripts',
    allow: ['common', 'core', 'ports', 'adapters', 'policies', 'scripts'],
    message: 'scripts/ never imports tray/ (or the daemon): move what is shared to agent/common or scripts/.',
  },
  { from: 'bench', allow: ['common', 'core', 'ports', 'adapters', 'client', 'daemon', 'cli', 'policies', 'bench', 'scripts', 'test'] },
  { from: 'test', allow: ['common', 'core', 'ports', 'adapters', 'client', 'daemon', 'cli', 'tray', 'policies', 'bench', 'scripts', 'test'] },
];

/** A layer's allowed imports, and the same list negated so a wrong import is reported with the layer's reason. */
function layerPolicies({ from, allow, message }) {
  const source = { element: { type: from } };
  const allowed = `{${allow.join(',')}}`;
  return [
    { from: source, allow: [{ to: { element: { type: allowed } } }] },
    ...(message ? [{ from: source, disallow: [{ to: { element: { type: `!${allowed}` } } }], message: `${message} (imports {{to.type}})` }] : []),
  ];
}

const typeScriptFiles = ['**/*.ts', '**/*.cts', '**/*.mts'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'coverage/**', 'test-output/**', 'reports/**', '.stryker-tmp/**', 'node_modules/**'] },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...js.configs.recommended,
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'writable',
        exports: 'writable',
        module: 'writable',
        URL: 'readonly',
        setTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    files: typeScriptFiles,
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.config.ts'] }, tsconfigRootDir: root } },
    rules: {
      // TypeScript already reports undefined names, with the DOM and Node globals it knows.
      'no-undef': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
    },
  },
  {
    files: [...typeScriptFiles, '**/*.js', '**/*.cjs', '**/*.mjs'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/include': ['agent/**', 'tray/**', 'scripts/**', 'bench/**', 'test/**', 'policies/**'],
      'import/resolver': { [path.join(root, 'scripts/lint/tsResolver.cjs')]: {} },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies: LAYER_POLICIES.flatMap(layerPolicies) }],
    },
  },
  // agent/core: pure logic, no OS, no clock, no timers.
  {
    files: ['agent/core/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: osImports('agent/core') }],
      'no-restricted-syntax': ['error', ...CLOCK_AND_TIMERS],
    },
  },
  // agent/common and agent/ports: types and values only.
  {
    files: ['agent/common/**', 'agent/ports/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: osImports('agent/common and agent/ports'),
          patterns: [{ regex: '^(?!\\.|node:path$|node:crypto$)', message: 'agent/common and agent/ports are plain types and values: no packages.' }],
        },
      ],
      'no-restricted-syntax': ['error', ...CLOCK_AND_TIMERS],
    },
  },
  // The daemon and the CLI reach the OS only through adapters.
  {
    files: ['agent/daemon/**', 'agent/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: osImports('agent/daemon and agent/cli') }] },
  },
  // OS access the daemon still holds itself (the IPC socket server, the file watchers), allowed in these files only so
  // that no other file joins them; each entry goes when that code moves behind an adapter.
  {
    files: ['agent/daemon/ipcServer.ts', 'agent/daemon/actors/installWatcher.ts', 'agent/daemon/actors/policyWatcher.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: osImports('agent/daemon', ['chokidar', 'fs', 'net', 'os']) }] },
  },
  // The client connects to the daemon's socket (and writes its user proof): the socket and files are its OS access.
  {
    files: ['agent/client/**'],
    rules: { 'no-restricted-imports': ['error', { paths: osImports('agent/client', ['net', 'fs']) }] },
  },
  // Spawning and signalling processes happens only in adapters (one chokepoint for kills).
  {
    files: ['agent/**'],
    ignores: ['agent/adapters/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'kill', message: 'Signals go through the killer port (agent/adapters/killer.ts).' }],
    },
  },
  // The tray: electron only in its main process and preload; the window gets no Node.
  {
    files: ['tray/**'],
    ignores: ['tray/main/**', 'tray/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only tray/main and tray/preload run in Electron: pass what the view needs as data.', allowTypeImports: true }],
        },
      ],
    },
  },
  {
    files: ['tray/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!electron$)', message: 'A sandboxed preload can require nothing but electron: keep it self-contained.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ['tray/renderer/**', 'tray/devbridge/client.ts', 'tray/model/**'],
    ignores: ['tray/model/traySession.ts', 'tray/model/agentConnection.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.)',
              message: 'The tray window runs in a browser without Node: import only relative view code (and types).',
              allowTypeImports: true,
            },
            {
              group: ['**/agent/client/**'],
              message: 'The tray window cannot open the socket: tray/main holds the connection and sends the view its data.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
