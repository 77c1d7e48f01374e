/** Media types the registry emulator stores and serves. */
export const MediaType = {
  /** OCI image manifest: what `pushImage` stores for a single platform. */
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  /** OCI image index: what `pushImage` stores for several platforms. */
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  /** Config of a Helm chart pushed as an OCI artifact. */
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChartContent: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;

/** The manifest media types a `PUT /v2/<name>/manifests/<reference>` accepts (schema 1 is not emulated). */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
];

/** Media types whose manifests list other manifests rather than blobs. */
export const INDEX_MEDIA_TYPES: readonly string[] = [MediaType.ociIndex, MediaType.dockerManifestList];
