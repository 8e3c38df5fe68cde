// The app's icons: Lucide's SVG outlines, bundled, so they draw the same on every system
// (a host without a colour-emoji font showed the seed's emoji as empty boxes). Each icon
// keeps one of the seed's meanings; `mirror` marks the ones that point along the reading
// direction, which turn around in a right-to-left layout.
import {
  ArrowLeft,
  Check,
  ChevronDown,
  ChevronRight,
  Circle,
  Download,
  File,
  Folder,
  FolderOpen,
  KeyRound,
  Languages,
  Laptop,
  Link,
  LockKeyhole,
  MessageCircle,
  Monitor,
  Pause,
  Play,
  RotateCw,
  Save,
  Send,
  ShieldAlert,
  Square,
  TriangleAlert,
  X,
  type IconNode,
} from 'lucide';

const NODES = {
  back: ArrowLeft,
  check: Check,
  collapse: ChevronDown,
  expand: ChevronRight,
  dot: Circle,
  download: Download,
  file: File,
  folder: Folder,
  chooseFolder: FolderOpen,
  login: KeyRound,
  language: Languages,
  client: Laptop,
  connect: Link,
  lock: LockKeyhole,
  chat: MessageCircle,
  server: Monitor,
  pause: Pause,
  start: Play,
  retry: RotateCw,
  save: Save,
  send: Send,
  alarm: ShieldAlert,
  stop: Square,
  warning: TriangleAlert,
  close: X,
} satisfies Record<string, IconNode>;

export type IconName = keyof typeof NODES;

/** Icons that point forward or back along the line of text (mirrored in right-to-left). */
export const DIRECTIONAL: ReadonlySet<IconName> = new Set<IconName>(['back', 'expand', 'send']);

/** Icons drawn filled rather than outlined (the unread dot, Start, Pause, Stop). */
const FILLED: ReadonlySet<IconName> = new Set<IconName>(['dot', 'start', 'pause', 'stop']);

function escapeAttribute(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function children(node: IconNode): string {
  return node
    .map(([tag, attrs]) => {
      const list = Object.entries(attrs)
        .map(([k, v]) => ` ${k}="${escapeAttribute(v as string | number)}"`)
        .join('');
      return `<${tag}${list}/>`;
    })
    .join('');
}

const cache = new Map<string, string>();

/**
 * The SVG markup of an icon: decorative (aria-hidden), sized by the text around it, drawn
 * in the current colour. `mirrored` turns a directional icon around for right-to-left.
 */
export function iconMarkup(name: IconName, mirrored = false): string {
  const key = `${name}|${mirrored}`;
  let markup = cache.get(key);
  if (markup === undefined) {
    const classes = ['icon', `icon-${name}`, mirrored ? 'mirrored' : ''].filter(Boolean).join(' ');
    const fill = FILLED.has(name) ? 'currentColor' : 'none';
    markup =
      `<svg xmlns="http://www.w3.org/2000/svg" class="${classes}" viewBox="0 0 24 24" fill="${fill}" stroke="currentColor" ` +
      `stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false" data-icon="${name}">` +
      `${children(NODES[name])}</svg>`;
    cache.set(key, markup);
  }
  return markup;
}

export const ICON_NAMES = Object.keys(NODES) as IconName[];
