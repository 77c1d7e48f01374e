/**
 * The API report of every entry point of the published packages, made by API Extractor from the built
 * declarations (`dist/**.d.ts`, as TypeScript 7 emits them; API Extractor reads them with its own
 * TypeScript). Each report is `packages/<package>/api/<name>.api.md`, `<name>` the package's unscoped
 * name, followed by `-<subpath>` for an entry point other than `.` (`core-testing.api.md`).
 *
 *   pnpm api:check    fails when an entry point's API differs from its report (reads `dist/`: `pnpm build` first)
 *   pnpm api:update   builds the packages and writes the reports
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { type EntryPoint, entryPoints, LIBRARIES, ROOT as root } from './libraries.js';

const update = process.argv.includes('--update');

function extract({ folder, manifest, types, report }: EntryPoint) {
  if (!existsSync(types)) throw new Error(`${relative(root, types)} is missing: run pnpm build first`);
  const temp = join(root, 'node_modules/.cache/api-extractor');
  mkdirSync(temp, { recursive: true });
  if (update) mkdirSync(join(folder, 'api'), { recursive: true });
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: folder,
      mainEntryPointFilePath: types,
      newlineKind: 'lf',
      compiler: {
        // The declarations as a consumer's TypeScript reads them: Node's resolution, no workspace condition.
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2023',
            lib: ['ES2023'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            types: ['node'],
          },
          include: [join(folder, 'dist')],
        },
      },
      apiReport: { enabled: true, reportFileName: report, reportFolder: join(folder, 'api'), reportTempFolder: temp },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // Comments are written for readers, not in TSDoc: their tags are not checked.
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
          'ae-undocumented': { logLevel: ExtractorLogLevel.None },
        },
      },
    },
    configObjectFullPath: undefined,
    packageJson: manifest,
    packageJsonFullPath: join(folder, 'package.json'),
  });
  const result = Extractor.invoke(config, {
    localBuild: update,
    // "Analysis will use the bundled TypeScript": its own TypeScript reads the declarations TypeScript 7 wrote.
    messageCallback: (message) => {
      if (message.messageId === 'console-preamble') message.handled = true;
    },
  });
  if (!result.succeeded && !result.apiReportChanged)
    throw new Error(`API Extractor failed on ${relative(root, types)}`);
  return { ok: update || !result.apiReportChanged, changed: result.apiReportChanged, temp };
}

const stale: string[] = [];
for (const entry of LIBRARIES.flatMap(entryPoints)) {
  const name = entry.specifier;
  const where = relative(root, join(entry.folder, 'api', entry.report));
  const { ok, changed, temp } = extract(entry);
  if (ok) console.log(`${name}: ${changed ? `${where} updated` : `${where} is up to date`}`);
  else
    stale.push(`${name}: its API differs from ${where} (the new report: ${relative(root, join(temp, entry.report))})`);
}
if (stale.length > 0) {
  console.error(`\n${stale.join('\n')}\n\nRun pnpm api:update, review the reports' diff and commit it.`);
  process.exit(1);
}
