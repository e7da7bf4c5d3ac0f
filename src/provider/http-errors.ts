// Maps remote-API failures to ProviderError: 429, 5xx, timeouts and dropped connections are
// retryable (the executor retries them, honouring Retry-After); other 4xx are not.
import { ProviderError } from "../errors.ts";

/**
 * Parse a Retry-After value (delta seconds or an HTTP date) or a `retry-after-ms` value into
 * milliseconds. Returns undefined when absent or unparseable.
 * @example retryAfterMs({ "retry-after": "2" }) // 2000
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Whether an HTTP status is worth retrying: 408, 409 (lock), 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Remove every occurrence of each secret from a text (error bodies can echo request data). */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}

/** A ProviderError for an HTTP status, classified for retrying. `detail` must already be redacted. */
export function httpError(provider: string, status: number, detail: string, retryAfter?: number): ProviderError {
  const hint =
    status === 401 || status === 403
      ? " (check the API key in the environment)"
      : status === 404
        ? " (check the model name and base URL)"
        : "";
  return new ProviderError(`${provider}: HTTP ${status}${hint}: ${truncate(detail, 500)}`, {
    retryable: isRetryableStatus(status),
    status,
    retryAfterMs: retryAfter,
  });
}

/** A ProviderError for a failure with no HTTP status: timeouts, resets, refused connections are retryable. */
export function transportError(provider: string, detail: string, options: { timeout?: boolean; malformed?: boolean } = {}): ProviderError {
  const what = options.timeout ? "request timed out" : options.malformed ? "malformed response" : "connection failed";
  return new ProviderError(`${provider}: ${what}: ${truncate(detail, 300)}`, { retryable: true });
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
