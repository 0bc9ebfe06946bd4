/**
 * The one error type of the HTTP layer. Services return expected outcomes as values; routes
 * turn the ones a client must hear about into an ApiError, and the error handler writes it
 * as the contract's envelope `{"error_type", "error_message"}`.
 */
export type TokenErrorCode = 'token_invalid' | 'token_expired' | 'token_revoked';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    // An expected answer (401, 404, 429) needs no stack trace, and capturing one is the
    // costliest part of refusing a request: the cheaper refusals are, the better floods fare.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }

  /** The same failure under another error type (e.g. a 422 that the contract names specially). */
  withType(type: string, message: string): ApiError {
    return new ApiError(this.statusCode, type, message, this.extra, this.headers);
  }

  body(): Record<string, unknown> {
    return { error_type: this.type, error_message: this.message, ...this.extra };
  }
}

const TOKEN_MESSAGES: Record<TokenErrorCode, string> = {
  token_invalid: 'The client token is invalid.',
  token_expired: 'The client token has expired.',
  token_revoked: 'The client token has been revoked.',
};

export const errors = {
  unauthenticated: () =>
    new ApiError(401, 'api_auth_error', 'Unauthenticated.', {}, { 'www-authenticate': 'Bearer' }),
  accountNotFound: () => new ApiError(404, 'api_account_error', 'Account Not Found'),
  userNotFound: () => new ApiError(404, 'api_user_error', 'User Not Found'),
  routeNotFound: () => new ApiError(404, 'api_not_found_error', 'Not Found'),
  invalid: (message: string) => new ApiError(400, 'api_invalid_error', message),
  payloadTooLarge: () => new ApiError(413, 'api_invalid_error', 'Payload Too Large'),
  unsupportedMediaType: () => new ApiError(415, 'api_invalid_error', 'Unsupported Media Type'),
  validation: (fieldErrors: Record<string, string[]>) =>
    new ApiError(422, 'api_validation_error', 'The given data was invalid.', { errors: fieldErrors }),
  token: (code: TokenErrorCode) =>
    new ApiError(401, 'api_token_error', TOKEN_MESSAGES[code], { code }, { 'www-authenticate': 'Bearer' }),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(429, 'api_rate_limit_error', 'Too Many Requests', {}, { 'retry-after': String(retryAfterSeconds) }),
  server: () => new ApiError(500, 'api_server_error', 'Server Error'),
};
