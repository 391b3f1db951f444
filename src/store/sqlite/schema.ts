/** Row shapes as Kysely sees them. Portable column types: TEXT, INTEGER; times are epoch milliseconds. */
export interface Database {
  organizations: { id: string; name: string; created_at: number };
  api_keys: {
    id: string;
    org_id: string;
    name: string;
    display_prefix: string;
    hash: string;
    role: string;
    service_class: string;
    created_at: number;
    expires_at: number | null;
    revoked_at: number | null;
  };
  providers: {
    id: string;
    org_id: string;
    name: string;
    kind: string;
    tier: string;
    base_url: string | null;
    models: string;
    sealed_api_key: string | null;
    settings: string;
    enabled: number;
    created_at: number;
    updated_at: number;
  };
  routes: {
    id: string;
    org_id: string;
    name: string;
    candidates: string;
    created_at: number;
    updated_at: number;
  };
  worker_keys: {
    id: string;
    provider_id: string;
    name: string;
    display_prefix: string;
    hash: string;
    created_at: number;
    revoked_at: number | null;
  };
  request_log: {
    id: string;
    org_id: string | null;
    key_id: string | null;
    surface: string;
    model_requested: string | null;
    route: string | null;
    provider_id: string | null;
    provider_model: string | null;
    tier: string | null;
    worker_id: string | null;
    stream: number;
    status: number;
    error_code: string | null;
    error_message: string | null;
    finish_reason: string | null;
    input_tokens: number;
    output_tokens: number;
    cache_read_tokens: number;
    cache_write_tokens: number;
    reasoning_tokens: number;
    cost_usd: number | null;
    started_at: number;
    queue_ms: number | null;
    first_byte_ms: number | null;
    total_ms: number;
    client_aborted: number;
    decision: string;
  };
  stored_responses: {
    id: string;
    org_id: string;
    key_id: string;
    model: string;
    created_at: number;
    input: string;
    response: string;
  };
}
