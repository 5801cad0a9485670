/** One media range of an Accept header: `type/subtype` (either may be `*`) and its quality. */
interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
}

const QUALITY = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.split(';').map((piece) => piece.trim());
    const match = /^([!#$%&'*+\-.^_`|~A-Za-z0-9]+)\/([!#$%&'*+\-.^_`|~A-Za-z0-9]+)$/.exec(range);
    if (!match) continue;
    let quality = 1;
    for (const param of params) {
      const [name, value = ''] = param.split('=').map((piece) => piece.trim());
      if (name?.toLowerCase() !== 'q') continue;
      quality = QUALITY.test(value) ? Number(value) : NaN;
    }
    if (Number.isNaN(quality)) continue;
    ranges.push({ type: match[1]!.toLowerCase(), subtype: match[2]!.toLowerCase(), quality });
  }
  return ranges;
}

/** The quality the ranges give a media type and how specific the deciding range is (2 exact, 1 `type/*`, 0 `*\/*`, -1 none). */
function preference(ranges: MediaRange[], mediaType: string): { quality: number; specificity: number } {
  const [type, subtype] = mediaType.split('/');
  let best = { quality: 0, specificity: -1 };
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' && range.subtype === '*' ? 0 : -1;
    if (specificity > best.specificity) best = { quality: range.quality, specificity };
  }
  return best;
}

/**
 * Whether a request's Accept header prefers `text/plain` to `application/json`: text/plain has the higher
 * quality, or the same quality from a more specific range (`text/plain, *\/*`). Otherwise, with no Accept
 * header, `*\/*`, or an unparsable one, JSON (the default) is answered.
 */
export function prefersPlainText(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return false;
  const ranges = parseAccept(accept);
  const plain = preference(ranges, 'text/plain');
  const json = preference(ranges, 'application/json');
  if (plain.quality <= 0) return false;
  return plain.quality > json.quality || (plain.quality === json.quality && plain.specificity > json.specificity);
}
