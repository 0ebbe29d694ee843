import { Type, type Static } from 'typebox';

/** The body of every error response, so clients handle all failures with one shape. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer({ examples: [400] }),
    error: Type.String({ description: 'HTTP reason phrase', examples: ['Bad Request'] }),
    code: Type.String({ description: 'Stable machine-readable error code', examples: ['VALIDATION_FAILED'] }),
    message: Type.String({ description: 'Human-readable explanation, safe to show' }),
    requestId: Type.String({ description: 'Quote it when reporting a problem: it finds the server logs' }),
    details: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ examples: ['body.email'] }),
          message: Type.String({ examples: ['must match format "email"'] }),
        }),
      ),
    ),
  },
  { title: 'ErrorResponse' },
);

export type ErrorBody = Static<typeof ErrorResponse>;
