import { InputError } from '@backstage/errors';
import type { Request, Response } from 'express';
import { Readable, Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { mayHoldNonText, wellFormed } from './wellFormed';

/**
 * Reading and answering on the ingestion endpoints, the hottest path of the
 * backend. Alert senders post many small bodies, and for each of them
 * body-parser and `res.json` cost more CPU than storing the alert does
 * (content-type matching, stream bookkeeping, an ETag hash of every answer
 * that no sender ever revalidates). The functions here do only what a
 * sender needs.
 */

function httpError(name: string, statusCode: number, message: string) {
  return Object.assign(new Error(message), { name, statusCode });
}

/** The decompressor the body needs, if any. */
function decoderOf(req: Request): Transform | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity')
    .toString()
    .trim()
    .toLowerCase();
  if (encoding === 'identity') return undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  throw httpError(
    'UnsupportedMediaTypeError',
    415,
    `The content encoding ${encoding} is not supported; send identity, gzip or deflate`,
  );
}

/**
 * The whole body as text. A body over `limit` bytes (after decompression)
 * is a 413, answered only once the sender has finished sending (the rest is
 * read and dropped), so that a kept-alive connection stays usable for the
 * sender's next request.
 */
export function readBody(req: Request, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    let decoder: Transform | undefined;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      chunks.length = 0;
      if (decoder) {
        req.unpipe(decoder);
        decoder.destroy();
      }
      if (req.readableEnded) {
        reject(error);
        return;
      }
      req.on('data', () => {});
      req.once('end', () => reject(error));
      req.resume();
    };
    // A sender that hangs up mid-body gets no answer; the promise settles.
    req.once('close', () => {
      if (!req.readableEnded) {
        reject(new InputError('The sender closed the connection mid-body'));
      }
    });
    try {
      decoder = decoderOf(req);
    } catch (error) {
      fail(error as Error);
      return;
    }
    const stream: Readable = decoder ? req.pipe(decoder) : req;
    stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        fail(
          httpError(
            'PayloadTooLargeError',
            413,
            `The body is larger than ${limit / 1024} KB`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    stream.once('error', error =>
      fail(new InputError(`The body could not be read: ${error.message}`)),
    );
    stream.once('end', () => {
      if (failed) return;
      resolve(
        chunks.length === 1
          ? chunks[0].toString('utf8')
          : Buffer.concat(chunks, size).toString('utf8'),
      );
    });
  });
}

/** The body as JSON, or a 400 that says what is wrong with it. */
export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (text.trim() === '') {
      throw new InputError('The body is empty; expected JSON');
    }
    throw new InputError(`The body is not valid JSON: ${(e as Error).message}`);
  }
  return mayHoldNonText(text) ? wellFormed(value) : value;
}

/**
 * Answers with JSON: what `res.json` does, less the ETag and the
 * content-negotiation a sender never uses.
 */
export function sendJson(res: Response, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
