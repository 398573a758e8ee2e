// The per-agent tool allow-list as config: parsed once at start, a bad value names its variable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadToolConfig } from '../src/index.js';

describe('tool config', () => {
  it("allows no tool unless the agent's config lists it, and finds the POS MCP server at BATON_POS_URL", () => {
    assert.deepEqual(loadToolConfig({}), { servers: { pos: 'http://127.0.0.1:8341/mcp' }, allow: [] });
    assert.deepEqual(
      loadToolConfig({ BATON_POS_URL: 'http://127.0.0.1:8441/', BATON_TOOLS_ALLOW: 'pos.list_tables, pos.list_holds' }),
      {
        servers: { pos: 'http://127.0.0.1:8441/mcp' },
        allow: ['pos.list_tables', 'pos.list_holds'],
      },
    );
  });

  it('reads other MCP servers as name=url pairs', () => {
    const config = loadToolConfig({
      BATON_MCP_SERVERS: 'pos=http://pos:8341/mcp,crm=http://crm:9000/mcp',
      BATON_TOOLS_ALLOW: 'crm.find_customer',
    });
    assert.deepEqual(config.servers, { pos: 'http://pos:8341/mcp', crm: 'http://crm:9000/mcp' });
  });

  it('refuses to start with an allowed tool on an unknown server, or a malformed entry, naming the variable', () => {
    assert.throws(
      () => loadToolConfig({ BATON_TOOLS_ALLOW: 'crm.find_customer' }),
      /BATON_TOOLS_ALLOW.*no MCP server named "crm"/,
    );
    assert.throws(() => loadToolConfig({ BATON_TOOLS_ALLOW: 'list_tables' }), /BATON_TOOLS_ALLOW/);
    assert.throws(() => loadToolConfig({ BATON_MCP_SERVERS: 'pos' }), /BATON_MCP_SERVERS/);
  });
});
