// A large artifact (a contract, a document) travels between steps by reference: the bytes sit in
// the JetStream object store, the workflow's state holds this small record with a summary.
import { z } from 'zod';

export const ArtifactRef = z.object({
  bucket: z.string().min(1),
  /** Object name in the bucket: `workflowId/stepId/name`. */
  key: z.string().min(1),
  /** SHA-256 of the content as the object store reports it, to detect a changed object. */
  digest: z.string().min(1),
  size: z.number().int().min(0),
  contentType: z.string().min(1),
  /** What the next step needs to decide without fetching the artifact; kept short on purpose. */
  summary: z.string().max(1000),
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;
