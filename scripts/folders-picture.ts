/**
 * The picture ARCHITECTURE.md opens with: the folders of src/ and the imports between them, as
 * dependency-cruiser finds them with the folder rules of .dependency-cruiser.cjs (so every arrow
 * is one the rules allow), drawn by its mermaid reporter. Each folder is one box (`channels` is
 * the connectors and the registry; `channels/kit` and `channels/families` are apart, being what
 * every connector may use); the composition root's files are boxes of their own.
 *
 * `npm run deps:picture` writes it between the markers; test/docs-in-sync.test.ts fails when the
 * committed picture and the code disagree.
 */
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ARCHITECTURE_MD = `${ROOT}ARCHITECTURE.md`;

const START = '<!-- folders:start (npm run deps:picture writes this block) -->';
const END = '<!-- folders:end -->';

/** A folder under src/ (channels' kit and families apart), or a file at the root of src/. */
const FOLDER = '^src/(channels/(kit|families)/|[^/]+/|[^/]+\\.ts$)';

export async function foldersPicture(): Promise<string> {
  const options = await extractDepcruiseOptions(`${ROOT}.dependency-cruiser.cjs`);
  const { output } = await cruise(
    ['src'],
    { ...options, baseDir: ROOT, includeOnly: '^src/', collapse: FOLDER, outputType: 'mermaid' },
    undefined,
    { tsConfig: extractTSConfig(`${ROOT}tsconfig.json`) },
  );
  if (typeof output !== 'string') throw new Error('the mermaid reporter gave no text');
  return flatten(output);
}

/**
 * The reporter draws a collapsed folder as a box (a subgraph per path segment) around a blank
 * node, and arrows between the blank nodes; here each blank node gets its folder's path as its
 * label and the boxes go, so the picture is one labelled node per folder.
 */
function flatten(mermaid: string): string {
  const path: string[] = [];
  const out: string[] = [];
  for (const line of mermaid.trim().split('\n')) {
    const subgraph = /^subgraph \S+\["(.*)"\]$/.exec(line);
    const node = /^(\S+)\["(.*)"\]$/.exec(line);
    if (subgraph) path.push(subgraph[1]!);
    else if (line === 'end') path.pop();
    else if (node) {
      // The outermost box is src/ itself.
      const inSrc = path.slice(1);
      out.push(`${node[1]}["${node[2] === ' ' ? `${inSrc.join('/')}/` : [...inSrc, node[2]].join('/')}"]`);
    } else if (line !== '') out.push(line);
  }
  return out.join('\n');
}

/** The markdown with the block between the markers replaced by `picture`. */
export function withPicture(markdown: string, picture: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`ARCHITECTURE.md has no ${START} … ${END} block`);
  return `${markdown.slice(0, start + START.length)}\n\n\`\`\`mermaid\n${picture}\n\`\`\`\n\n${markdown.slice(end)}`;
}
