// What the service host runs: a JSON file written by whoever starts the host (the test kit's
// ServiceSet), read once at start. Each service is its built main.js, or an agent module of a
// workflow's folder, with the variables that make it itself (its NATS identity, its metrics port).
import { z } from 'zod';

export const HostedServiceSpec = z
  .object({
    /** Its folder name (services/<name>, or the agent module's file name). */
    name: z.string().min(1),
    /** A service's built entry point (services/<name>/dist/main.js), from the repository root. */
    main: z.string().min(1).optional(),
    /** Or an agent module to serve (workflows/<w>/dist/agents/<a>.js). */
    agentModule: z.string().min(1).optional(),
    /** Its own variables, over the host's environment. */
    env: z.record(z.string(), z.string()).default({}),
    /** Where its log lines go. */
    logFile: z.string().min(1),
  })
  .refine((s) => (s.main === undefined) !== (s.agentModule === undefined), {
    message: 'needs exactly one of main and agentModule',
  });
export type HostedServiceSpec = z.infer<typeof HostedServiceSpec>;

export const HostManifest = z.object({
  /** Started group by group, the services of a group side by side (simulators before the agents
   *  that call them). */
  groups: z.array(z.array(HostedServiceSpec).min(1)).min(1),
});
export type HostManifest = z.input<typeof HostManifest>;
