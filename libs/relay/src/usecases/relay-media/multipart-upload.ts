// A multipart upload (images/edits, audio/transcriptions, audio/translations) read off the client's
// request as it arrives: text fields kept (small, bounded), files written to a private temporary
// directory through streams, so memory stays flat whatever the file's size. The files are stored
// rather than piped straight on because the route's channel is known only once `model` arrives (the
// openai SDK sends it after the file) and because a failover sends the same bytes again; each
// attempt streams them from disk. The directory is removed when the request is over.
import busboy from 'busboy';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WAV_HEADER_BYTES, type MultipartFilePart, type UploadedFile } from '@gateway/providers';
import { RelayError, RelayErrorCode } from '../../relay.errors';

/** What the client's request offers: its headers and its unread body. */
export interface UploadSource {
  readonly headers: IncomingHttpHeaders;
  readonly body: Readable;
}

export interface UploadLimits {
  /** The most bytes all files of one request may take together. */
  readonly fileBytes: number;
  /** The route's file field, named by a 413 refused on the declared length alone (default `file`). */
  readonly fileField?: string;
}

export interface StoredUpload {
  fields: [string, string][];
  files: UploadedFile[];
}

const MAX_FIELDS = 64;
/**
 * All text fields of one upload together (held in memory): room for gpt-4o-transcribe-diarize's
 * `known_speaker_references[]`, up to 4 data URLs of 2-10 s of audio (a 10 s 16 kHz WAV is 427 kB
 * as a data URL), and no more than 64 fields of 64 KiB took before.
 */
const MAX_FIELDS_BYTES = 4 * 1024 * 1024;
const MAX_FILES = 17;
/** Room for the fields and the multipart framing around the files. */
const FRAMING_BYTES = MAX_FIELDS_BYTES + 1024 * 1024;

export class MultipartUpload {
  private dir: string | null = null;
  private readonly paths = new Map<UploadedFile, string>();

  constructor(
    private readonly source: UploadSource,
    private readonly limits: UploadLimits,
  ) {}

  /** Reads the whole upload, storing its files; a RelayError (400 / 413) names what was wrong. */
  async read(): Promise<StoredUpload> {
    const type = this.source.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\s*;/i.test(type)) {
      throw new RelayError(
        RelayErrorCode.InvalidRequest,
        'this route takes a multipart/form-data upload (a file and text fields)',
        { param: null },
      );
    }
    const declared = Number(this.source.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limits.fileBytes + FRAMING_BYTES) {
      throw tooLarge(this.limits.fileField ?? 'file', this.limits.fileBytes);
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: this.source.headers,
        // A file name's bytes are UTF-8, as the SDKs and browsers send them (busboy's default
        // reads them as latin1, and the name would reach the upstream garbled).
        defParamCharset: 'utf8',
        limits: {
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELDS_BYTES,
          files: MAX_FILES,
          // Busboy signals `limit` once a file reaches fileSize: one byte more lets a file of
          // exactly the route's limit through (the limit is inclusive, as documented).
          fileSize: this.limits.fileBytes + 1,
          parts: MAX_FIELDS + MAX_FILES,
        },
      });
    } catch (error) {
      throw new RelayError(
        RelayErrorCode.InvalidRequest,
        `the upload is malformed: ${(error as Error).message}`,
      );
    }
    this.dir = await mkdtemp(join(tmpdir(), 'gateway-upload-'));
    const dir = this.dir;
    const fields: [string, string][] = [];
    const files: UploadedFile[] = [];
    const writes: Promise<void>[] = [];
    let failure: RelayError | null = null;
    let stored = 0;
    let fieldBytes = 0;
    const fail = (error: RelayError) => {
      failure ??= error;
    };

    parser.on('field', (name, value, info) => {
      fieldBytes += Buffer.byteLength(value);
      if (info.valueTruncated || fieldBytes > MAX_FIELDS_BYTES)
        fail(
          new RelayError(
            RelayErrorCode.InvalidRequest,
            `the text fields are longer than ${MAX_FIELDS_BYTES} bytes together (at ${name})`,
            { param: name },
          ),
        );
      else fields.push([name, value]);
    });
    parser.on('file', (name, stream, info) => {
      const file: UploadedFile = {
        field: name,
        filename: info.filename ?? 'upload',
        contentType: info.mimeType || 'application/octet-stream',
        size: 0,
      };
      const path = join(dir, `${files.length}`);
      files.push(file);
      this.paths.set(file, path);
      const head: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        // A copy: a slice would keep the whole chunk alive.
        if (file.size < WAV_HEADER_BYTES)
          head.push(Buffer.from(chunk.subarray(0, WAV_HEADER_BYTES - file.size)));
        file.size += chunk.length;
        stored += chunk.length;
        if (stored > this.limits.fileBytes) fail(tooLarge(name, this.limits.fileBytes));
      });
      stream.on('limit', () => fail(tooLarge(name, this.limits.fileBytes)));
      stream.on('end', () => {
        file.head = Buffer.concat(head);
      });
      writes.push(
        pipeline(stream, createWriteStream(path)).catch((error: unknown) => {
          fail(
            new RelayError(
              RelayErrorCode.InvalidRequest,
              `the upload of ${name} broke off: ${(error as Error).message}`,
              { param: name },
            ),
          );
        }),
      );
    });
    parser.on('fieldsLimit', () =>
      fail(new RelayError(RelayErrorCode.InvalidRequest, `an upload takes at most ${MAX_FIELDS} fields`)),
    );
    parser.on('filesLimit', () =>
      fail(new RelayError(RelayErrorCode.InvalidRequest, `an upload takes at most ${MAX_FILES} files`)),
    );
    parser.on('partsLimit', () =>
      fail(new RelayError(RelayErrorCode.InvalidRequest, 'the upload has too many parts')),
    );

    try {
      await pipeline(this.source.body, parser);
    } catch (error) {
      // The client went away mid-upload: recorded as such (499), not as a bad request, whatever
      // the file's own stream made of being cut off first.
      const code = (error as NodeJS.ErrnoException).code;
      if (
        code === 'ECONNRESET' ||
        code === 'ERR_STREAM_PREMATURE_CLOSE' ||
        (error as Error).message === 'aborted'
      ) {
        failure = new RelayError(
          RelayErrorCode.ClientClosed,
          'the client closed the connection during the upload',
        );
      } else {
        fail(
          new RelayError(
            RelayErrorCode.InvalidRequest,
            `the upload is malformed or was cut off: ${(error as Error).message}`,
          ),
        );
      }
    }
    await Promise.all(writes);
    if (failure !== null) throw failure;
    return { fields, files };
  }

  /** The stored files as parts of an upstream's multipart body, each opened anew per attempt. */
  parts(files: readonly UploadedFile[]): MultipartFilePart[] {
    return files.map((file) => {
      const path = this.paths.get(file);
      if (path === undefined) throw new Error('the file is not part of this upload');
      return { ...file, open: () => createReadStream(path, { highWaterMark: 64 * 1024 }) };
    });
  }

  /** Removes the stored files (idempotent; never throws). */
  async dispose(): Promise<void> {
    const dir = this.dir;
    this.dir = null;
    if (dir !== null) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function tooLarge(field: string, limit: number): RelayError {
  return new RelayError(
    RelayErrorCode.RequestTooLarge,
    `the upload is larger than this route's limit of ${limit} bytes (${Math.round(limit / (1024 * 1024))} MiB)`,
    { param: field },
  );
}
