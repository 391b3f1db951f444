// Everything of the MCP SDK that runs, in one module that `sdk.ts` loads on first use.
export { Client } from '@modelcontextprotocol/sdk/client/index.js';
export { ErrorCode, McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
export { pinnedHttpTransport } from './http-transport.js';
export { CleanStdioTransport } from './stdio-transport.js';
