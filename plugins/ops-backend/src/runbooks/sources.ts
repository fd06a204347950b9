import { UrlReaderService } from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import { InputError, isError } from '@backstage/errors';
import { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { IndexedEntity } from '../entities';

/** Where runbook files are read from. */
export type SourceSpec =
  | { type: 'path'; path: string }
  | { type: 'url-file'; url: string }
  | { type: 'url-tree'; url: string };

/** One file of a source: its text, or why it could not be read. */
export interface SourceFile {
  location: string;
  text?: string;
  error?: string;
}

/**
 * What reading a source gave: its files; or an error, `gone` when the source
 * does not exist (its files disappear) rather than failing to answer (its
 * files keep their last good version).
 */
export type SourceRead =
  | { files: SourceFile[] }
  | { error: string; gone: boolean };

// A runbook is a page of YAML; anything this large is not one.
export const MAX_RUNBOOK_FILE_BYTES = 1024 * 1024;
// Bounds a walk through a symlinked or very deep tree.
const MAX_FOLDER_DEPTH = 16;
const RUNBOOK_FILE = /\.ya?ml$/i;

export function sourceKey(source: SourceSpec): string {
  return source.type === 'path'
    ? `path:${source.path}`
    : `${source.type}:${source.url}`;
}

export function sourceLocation(source: SourceSpec): string {
  return source.type === 'path' ? source.path : source.url;
}

function urlSource(url: string): SourceSpec {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`"${url}" is not a URL`);
  }
  // A YAML file name means one file; anything else is a folder.
  return RUNBOOK_FILE.test(parsed.pathname)
    ? { type: 'url-file', url: parsed.toString() }
    : { type: 'url-tree', url: parsed.toString() };
}

/**
 * Where an entity's `operable.dev/runbooks` annotation points:
 * - `url:<url>`: a YAML file (the path ends in .yaml or .yml) or a folder,
 *   read through the UrlReader;
 * - `file:<path>` / `dir:<path>`: a file or folder relative to the entity's
 *   own file (`backstage.io/managed-by-location`): on disk for a `file:`
 *   location, through the UrlReader for a `url:` one.
 * Throws InputError saying what is wrong with the annotation.
 */
export function resolveAnnotationSource(
  entity: IndexedEntity,
  value: string,
): SourceSpec {
  const match = /^(url|file|dir):(.+)$/.exec(value.trim());
  if (!match) {
    throw new InputError(
      `"${value}" is not a location; expected url:<url>, file:<path> or dir:<path>`,
    );
  }
  const [, type, target] = match;
  if (type === 'url') return urlSource(target);
  const own = entity.annotations[ANNOTATION_LOCATION] ?? '';
  if (own.startsWith('file:')) {
    return {
      type: 'path',
      path: resolvePath(dirname(own.slice('file:'.length)), target),
    };
  }
  if (own.startsWith('url:')) {
    let url: URL;
    try {
      url = new URL(target, own.slice('url:'.length));
    } catch {
      throw new InputError(
        `"${target}" does not resolve against the entity's location ${own}`,
      );
    }
    return type === 'file'
      ? { type: 'url-file', url: url.toString() }
      : { type: 'url-tree', url: url.toString() };
  }
  throw new InputError(
    `a ${type}: location is relative to the entity's own file, and where that is (${ANNOTATION_LOCATION}) is not known; use url: instead`,
  );
}

function errorCode(error: unknown): string | undefined {
  return isError(error) ? (error as NodeJS.ErrnoException).code : undefined;
}

function message(error: unknown): string {
  return isError(error) ? error.message : String(error);
}

async function readDiskFile(path: string): Promise<SourceFile> {
  try {
    const info = await stat(path);
    if (info.size > MAX_RUNBOOK_FILE_BYTES) {
      return {
        location: path,
        error: `the file has ${info.size} bytes; a runbook file may have at most ${MAX_RUNBOOK_FILE_BYTES}`,
      };
    }
    return { location: path, text: await readFile(path, 'utf8') };
  } catch (error) {
    return {
      location: path,
      error: `could not read the file: ${message(error)}`,
    };
  }
}

async function listYamlFiles(folder: string, depth: number): Promise<string[]> {
  if (depth > MAX_FOLDER_DEPTH) return [];
  const entries: Dirent[] = await readdir(folder, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      isDirectory = Boolean(target?.isDirectory());
      isFile = Boolean(target?.isFile());
    }
    if (isDirectory) {
      files.push(...(await listYamlFiles(path, depth + 1)));
    } else if (isFile && RUNBOOK_FILE.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/** A file, or every YAML file under a folder (hidden ones skipped). */
async function readDisk(path: string): Promise<SourceRead> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return { error: `${path} does not exist`, gone: true };
    }
    return { error: `could not read ${path}: ${message(error)}`, gone: false };
  }
  if (info.isFile()) return { files: [await readDiskFile(path)] };
  try {
    const paths = await listYamlFiles(path, 0);
    return { files: await Promise.all(paths.map(readDiskFile)) };
  } catch (error) {
    return { error: `could not read ${path}: ${message(error)}`, gone: false };
  }
}

/** What the UrlReader cache of one source holds between refreshes. */
export interface UrlCacheEntry {
  etag?: string;
  files: SourceFile[];
}

function text(location: string, buffer: Buffer): SourceFile {
  if (buffer.length > MAX_RUNBOOK_FILE_BYTES) {
    return {
      location,
      error: `the file has ${buffer.length} bytes; a runbook file may have at most ${MAX_RUNBOOK_FILE_BYTES}`,
    };
  }
  return { location, text: buffer.toString('utf8') };
}

/**
 * Reads a source. A UrlReader answer that has not changed since the cached
 * ETag is served from the cache.
 */
export async function readSource(
  source: SourceSpec,
  urlReader: UrlReaderService,
  cache: Map<string, UrlCacheEntry>,
): Promise<SourceRead> {
  if (source.type === 'path') return readDisk(source.path);
  const key = sourceKey(source);
  const cached = cache.get(key);
  try {
    let entry: UrlCacheEntry;
    if (source.type === 'url-file') {
      const response = await urlReader.readUrl(source.url, {
        etag: cached?.etag,
      });
      entry = {
        etag: response.etag,
        files: [text(source.url, await response.buffer())],
      };
    } else {
      const response = await urlReader.readTree(source.url, {
        etag: cached?.etag,
        filter: path => RUNBOOK_FILE.test(path),
      });
      const base = source.url.replace(/\/+$/, '');
      const files = (await response.files()).sort((a, b) =>
        a.path.localeCompare(b.path),
      );
      entry = {
        etag: response.etag,
        files: await Promise.all(
          files.map(async f => text(`${base}/${f.path}`, await f.content())),
        ),
      };
    }
    cache.set(key, entry);
    return { files: entry.files };
  } catch (error) {
    if (isError(error) && error.name === 'NotModifiedError' && cached) {
      return { files: cached.files };
    }
    if (isError(error) && error.name === 'NotFoundError') {
      cache.delete(key);
      return { error: `${source.url} does not exist`, gone: true };
    }
    return {
      error: `could not read ${source.url}: ${message(error)}`,
      gone: false,
    };
  }
}
