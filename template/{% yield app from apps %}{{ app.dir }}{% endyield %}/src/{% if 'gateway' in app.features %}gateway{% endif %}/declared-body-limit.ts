import { errorCodes, type onRequestHookHandler } from 'fastify';

/**
 * Refuses a request whose Content-Length is over `limitBytes` with the 413 a service would answer,
 * before any service is called or a byte of the body is read. The gateway streams bodies to the
 * services without parsing them, so this is the only size it can check up front; a chunked body
 * (no Content-Length) goes through and meets its service's own limit.
 */
export function refuseDeclaredBodiesOver(limitBytes: number): onRequestHookHandler {
  return (request, _reply, done) => {
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > limitBytes) {
      done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    done();
  };
}
