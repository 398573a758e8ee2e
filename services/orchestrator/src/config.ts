// The orchestrator's own configuration fields (the rest is in main.ts).
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `BATON_WORKFLOW_MODULES=reservation=tests/e2e/upgrade/reservation-next.ts,...`: a workflow
 *  type's code from another module (absolute, or relative to the repository). */
export const workflowModules = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const modules: Record<string, string> = {};
    for (const pair of value.split(',').filter((p) => p.trim() !== '')) {
      const [type, path, ...rest] = pair.split('=').map((s) => s.trim());
      if (!type || !path || rest.length > 0) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not type=module-path` });
        return z.NEVER;
      }
      const file = isAbsolute(path) ? path : resolve(ROOT, path);
      if (!existsSync(file)) {
        ctx.addIssue({ code: 'custom', message: `the module for workflow type "${type}" does not exist: ${path}` });
        return z.NEVER;
      }
      modules[type] = file;
    }
    return modules;
  });
