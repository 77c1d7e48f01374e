import { gzipSync } from 'node:zlib';
import { type Artifact, annotationsWith, jsonBytes, ociImage } from './artifact.js';
import { MediaType } from './media-types.js';
import { singleFileTar } from './tar.js';
import type { ChartPushOptions } from './types.js';

/**
 * A Helm chart as `helm push` stores it: config `application/vnd.cncf.helm.config.v1+json` (the chart's
 * metadata), one layer holding the packaged chart (`<chart>/Chart.yaml` in a .tgz), and the title and
 * version annotations Helm writes. The chart is named after the last component of `name`; `version` is the tag.
 */
export function buildChart(name: string, version: string, options: ChartPushOptions = {}): Artifact {
  const chart = name.slice(name.lastIndexOf('/') + 1);
  const metadata = { name: chart, version, apiVersion: 'v2', appVersion: options.appVersion };
  const chartYaml = Object.entries(metadata)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}\n`)
    .join('');
  const packaged = gzipSync(singleFileTar(`${chart}/Chart.yaml`, Buffer.from(chartYaml)));
  return ociImage(
    { mediaType: MediaType.helmConfig, bytes: jsonBytes(metadata) },
    { mediaType: MediaType.helmChartContent, bytes: packaged },
    annotationsWith(
      { 'org.opencontainers.image.title': chart, 'org.opencontainers.image.version': version, ...options.annotations },
      options.revision,
    ),
  );
}
