/**
 * A request shaped like Claude Code 2.1.197's (docs/wire-formats.md §4.2): system blocks with
 * cache_control, an in-array system message after the first user turn, tools without `type` (one
 * with `$schema`, one deferred), adaptive thinking, `output_config`, `metadata.user_id` as a JSON
 * string, explicit nulls, and a top-level field the canonical model does not know.
 */
export function claudeCodeRequest(): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 32000,
    system: [
      { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197.fa0; cc_entrypoint=cli' },
      { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Working directory: /repo', cache_control: { type: 'ephemeral' } },
    ],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Fix the failing test.' },
          { type: 'text', text: '' },
          { type: 'text', text: '<system-reminder>todo list is empty</system-reminder>', cache_control: { type: 'ephemeral' } },
        ],
      },
      { role: 'system', content: 'The user switched to plan mode.' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I should read the test first.', signature: 'sig-abc' },
          { type: 'text', text: 'Reading the test.' },
          { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/repo/a.test.ts' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_01',
            content: [
              { type: 'text', text: 'ENOENT: no such file' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            ],
            is_error: true,
          },
        ],
      },
    ],
    tools: [
      {
        name: 'Read',
        description: 'Reads a file from the local filesystem.',
        input_schema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { file_path: { type: 'string' } },
          required: ['file_path'],
          additionalProperties: false,
        },
      },
      {
        name: 'ToolSearch',
        description: 'Loads deferred tools.',
        input_schema: { type: 'object', properties: { query: { type: 'string' } } },
        defer_loading: true,
        cache_control: { type: 'ephemeral' },
        eager_input_streaming: true,
      },
    ],
    tool_choice: null,
    temperature: null,
    thinking: { type: 'adaptive' },
    output_config: { effort: 'high' },
    metadata: { user_id: '{"device_id":"d-1","account_uuid":"","session_id":"s-1"}' },
    context_management: { edits: [{ type: 'clear_thinking_20251015' }] },
    stream: true,
  };
}
