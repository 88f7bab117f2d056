// The one error type: an HTTP status, a message that is safe to show, and a private cause that only
// the server's error handler sees (and logs without request details).
export class PubliusError extends Error {
  override name = "PubliusError";
  readonly status: number;
  readonly publicMessage: string;
  /** Field-level messages for forms and 422 answers. */
  readonly fields: Record<string, string> | undefined;
  /** Response headers that go with the answer (Retry-After, X-RateLimit-*). */
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    publicMessage: string,
    options?: {
      cause?: unknown;
      fields?: Record<string, string> | undefined;
      headers?: Record<string, string> | undefined;
    },
  ) {
    super(publicMessage, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.publicMessage = publicMessage;
    this.fields = options?.fields;
    this.headers = options?.headers;
  }
}

export const badRequest = (message: string, fields?: Record<string, string>) =>
  new PubliusError(400, message, { fields });
export const unauthorized = (message = "The access token is invalid") => new PubliusError(401, message);
export const forbidden = (message = "This action is not allowed") => new PubliusError(403, message);
export const notFound = (message = "Record not found") => new PubliusError(404, message);
export const unprocessable = (message: string, fields?: Record<string, string>) =>
  new PubliusError(422, message, { fields });
export const tooMany = (message = "Too many requests") => new PubliusError(429, message);
