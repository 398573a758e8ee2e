// Which tools an agent may reach: the MCP servers it knows and its allow-list, from its own
// environment (each agent is its own service, so the list is per agent).
//
//   BATON_MCP_SERVERS=pos=http://127.0.0.1:8341/mcp     (default: the POS simulator at BATON_POS_URL)
//   BATON_TOOLS_ALLOW=pos.list_tables,pos.list_holds   (default: none)
import { z } from 'zod';
import { loadConfig, serviceEnv } from '@baton/contracts';

export interface ToolConfig {
  /** MCP server name -> Streamable HTTP endpoint. */
  servers: Record<string, string>;
  /** Tools as `server.tool`. */
  allow: string[];
}

const NAME = /^[a-z][a-z0-9_-]*$/;
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const ToolEnv = z
  .object({
    BATON_POS_URL: z.url().default('http://127.0.0.1:8341'),
    BATON_MCP_SERVERS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const servers: Record<string, string> = {};
        for (const entry of list(v)) {
          const [name, url] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
          if (!NAME.test(name) || !z.url().safeParse(url).success) {
            ctx.addIssue({ code: 'custom', message: `"${entry}" is not name=url, e.g. pos=http://127.0.0.1:8341/mcp` });
            return z.NEVER;
          }
          servers[name] = url;
        }
        return servers;
      }),
    BATON_TOOLS_ALLOW: z
      .string()
      .default('')
      .transform(list)
      .refine(
        (tools) => tools.every((t) => /^[a-z][a-z0-9_-]*\.[A-Za-z0-9_.-]+$/.test(t)),
        'must list tools as server.tool, e.g. pos.list_tables',
      ),
  })
  .superRefine((c, ctx) => {
    const servers = c.BATON_MCP_SERVERS ?? { pos: '' };
    for (const tool of c.BATON_TOOLS_ALLOW) {
      const server = tool.slice(0, tool.indexOf('.'));
      if (!(server in servers))
        ctx.addIssue({
          code: 'custom',
          path: ['BATON_TOOLS_ALLOW'],
          message: `${tool}: no MCP server named "${server}" in BATON_MCP_SERVERS`,
        });
    }
  });

export function loadToolConfig(env: Readonly<Record<string, string | undefined>> = serviceEnv()): ToolConfig {
  const parsed = loadConfig(ToolEnv, env);
  return {
    servers: parsed.BATON_MCP_SERVERS ?? { pos: `${parsed.BATON_POS_URL.replace(/\/$/, '')}/mcp` },
    allow: parsed.BATON_TOOLS_ALLOW,
  };
}
