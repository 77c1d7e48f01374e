import { type Registry, startRegistry } from '@release-guard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../src/api.js';

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry.close();
});

const config = () => ({
  artifacts: [
    { name: 'image', ref: `${registry.host}/weaveworks/wego-app:{version}` },
    { name: 'chart', ref: `${registry.host}/weaveworks/charts/weave-gitops:{chart}`, after: ['image'], onMerge: true },
  ],
});
const versions = { version: 'v0.29.0', versions: { chart: '4.0.27' } };

describe('gate', () => {
  it('refuses to publish the chart while its image is missing, and opens once the image is pushed', async () => {
    const closed = await gate({ config: config(), artifact: 'chart', versions });
    expect(closed.open).toBe(false);
    expect(closed.predecessors).toEqual([
      {
        name: 'image',
        ref: `${registry.host}/weaveworks/wego-app:v0.29.0`,
        present: false,
        reason: expect.stringContaining('manifest unknown'),
      },
    ]);
    await registry.control.pushImage('weaveworks/wego-app', 'v0.29.0', { platforms: ['linux/amd64', 'linux/arm64'] });
    const opened = await gate({ config: config(), artifact: 'chart', versions });
    expect(opened).toEqual({
      open: true,
      predecessors: [{ name: 'image', ref: `${registry.host}/weaveworks/wego-app:v0.29.0`, present: true }],
    });
  });

  it('an artifact without predecessors is always open', async () => {
    expect(await gate({ config: config(), artifact: 'image', versions })).toEqual({ open: true, predecessors: [] });
  });

  it('names what is wrong with the configuration', async () => {
    await expect(gate({ config: config(), artifact: 'docs', versions })).rejects.toThrow(
      "artifact 'docs', which the artifacts input does not list (known: image, chart)",
    );
    await expect(gate({ config: config(), artifact: 'chart', versions: {} })).rejects.toThrow(
      "the ref of 'image' needs {version}",
    );
  });
});
