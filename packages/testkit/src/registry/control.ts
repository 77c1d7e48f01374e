import type { Artifact } from './artifact.js';
import { buildChart } from './chart.js';
import { buildImage } from './image.js';
import { assertNameAndTag, digestOf } from './reference.js';
import type { RegistryStore } from './store.js';
import type { RegistryControl, RequestRecord } from './types.js';

/** The control API over the registry's store and request log; `forgetTokens` is called on reset. */
export function createControl(
  store: RegistryStore,
  requestLog: RequestRecord[],
  forgetTokens: () => void,
): RegistryControl {
  return {
    async pushImage(name, tag, options) {
      assertNameAndTag('pushImage', name, tag);
      return { digest: storeArtifact(store, name, tag, buildImage(name, tag, options)) };
    },
    async pushChart(name, tag, options) {
      assertNameAndTag('pushChart', name, tag);
      return { digest: storeArtifact(store, name, tag, buildChart(name, tag, options)) };
    },
    deleteTag(name, tag) {
      if (!store.deleteTag(name, tag)) throw new Error(`deleteTag: ${name}:${tag} is not a tag in this registry`);
    },
    pushes: () => store.pushes(),
    requests: () => requestLog.map((record) => ({ ...record })),
    reset() {
      store.reset();
      requestLog.length = 0;
      forgetTokens();
    },
  };
}

/** Stores the artifact as an HTTP client would push it: blobs, untagged manifests, then the tagged one. */
function storeArtifact(store: RegistryStore, name: string, tag: string, artifact: Artifact): string {
  for (const blob of artifact.blobs) store.putBlob(name, digestOf(blob), blob);
  const manifests = [...artifact.manifests];
  const tagged = manifests.pop()!;
  for (const manifest of manifests) {
    store.putManifest(name, { digest: digestOf(manifest.bytes) }, manifest.mediaType, manifest.bytes);
  }
  return store.putManifest(name, { tag }, tagged.mediaType, tagged.bytes).digest;
}
