// Draws the tray icons (one per compliance state, colour and macOS template) and the app icon with anti-aliasing.
import { encodePng } from './png.js';

/** The tray's icon states (tray/model/trayView.ts shows one of them; a test checks both lists agree). */
export const ICON_STATES = ['compliant', 'warning', 'violation', 'unreachable'] as const;
export type IconState = (typeof ICON_STATES)[number];

type Rgb = readonly [number, number, number];
/** Coverage of a shape at a point in unit coordinates (0..1 across the icon). */
type Shape = (x: number, y: number) => boolean;

const STATE_COLOUR: Record<IconState, Rgb> = {
  compliant: [26, 127, 55],
  warning: [191, 135, 0],
  violation: [207, 34, 46],
  unreachable: [110, 119, 129],
};

function nearSegment(ax: number, ay: number, bx: number, by: number, width: number): Shape {
  return (x, y) => {
    const dx = bx - ax;
    const dy = by - ay;
    const k = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - (ax + k * dx), y - (ay + k * dy)) <= width / 2;
  };
}

const disc =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    Math.hypot(x - cx, y - cy) <= r;
const anyOf =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));

const GLYPH: Record<IconState, Shape> = {
  compliant: anyOf(nearSegment(0.27, 0.52, 0.43, 0.68, 0.13), nearSegment(0.43, 0.68, 0.73, 0.35, 0.13)),
  warning: anyOf(nearSegment(0.5, 0.24, 0.5, 0.56, 0.14), disc(0.5, 0.75, 0.08)),
  violation: anyOf(nearSegment(0.32, 0.32, 0.68, 0.68, 0.13), nearSegment(0.68, 0.32, 0.32, 0.68, 0.13)),
  unreachable: nearSegment(0.3, 0.5, 0.7, 0.5, 0.14),
};

const BADGE = disc(0.5, 0.5, 0.47);

/**
 * Renders with supersampling (4x4 for tray sizes, 2x2 from 256 px where edges are already fine): each sample is
 * a colour or null (transparent).
 */
function render(size: number, pick: (x: number, y: number) => Rgb | null): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  const n = size >= 256 ? 2 : 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const colour = pick((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered++;
        }
      }
      const i = (py * size + px) * 4;
      if (covered === 0) continue;
      rgba.set([Math.round(r / covered), Math.round(g / covered), Math.round(b / covered), Math.round((covered / (n * n)) * 255)], i);
    }
  }
  return encodePng(size, size, rgba);
}

/** Colour tray icon (Windows, Linux): a filled badge in the state's colour with a white glyph. */
export function drawTrayIcon(state: IconState, size: number): Buffer {
  return render(size, (x, y) => (GLYPH[state](x, y) ? [255, 255, 255] : BADGE(x, y) ? STATE_COLOUR[state] : null));
}

/** macOS template image: black badge with the glyph cut out; macOS tints it for light and dark menu bars. */
export function drawTemplateIcon(state: IconState, size: number): Buffer {
  return render(size, (x, y) => (BADGE(x, y) && !GLYPH[state](x, y) ? [0, 0, 0] : null));
}

function roundedSquare(x: number, y: number, inset: number, radius: number): boolean {
  const cx = Math.min(Math.max(x, inset + radius), 1 - inset - radius);
  const cy = Math.min(Math.max(y, inset + radius), 1 - inset - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

/** The app icon: a blue rounded square with a white ring open to the right (a cordon) around a white dot. */
export function drawAppIcon(size: number): Buffer {
  return render(size, (x, y) => {
    if (!roundedSquare(x, y, 0.06, 0.2)) return null;
    const r = Math.hypot(x - 0.5, y - 0.5);
    const angle = Math.abs(Math.atan2(y - 0.5, x - 0.5));
    const ring = r >= 0.2 && r <= 0.3 && angle >= Math.PI / 4.5;
    const ringEnds =
      disc(0.5 + 0.25 * Math.cos(Math.PI / 4.5), 0.5 + 0.25 * Math.sin(Math.PI / 4.5), 0.05)(x, y) ||
      disc(0.5 + 0.25 * Math.cos(Math.PI / 4.5), 0.5 - 0.25 * Math.sin(Math.PI / 4.5), 0.05)(x, y);
    if (ring || ringEnds || r <= 0.085) return [255, 255, 255];
    return [11, 92, 173];
  });
}

/** Every generated file, by path relative to the package root. */
export function allIcons(states: readonly IconState[] = ICON_STATES): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const state of states) {
    files.set(`tray/assets/tray-${state}.png`, drawTrayIcon(state, 16));
    files.set(`tray/assets/tray-${state}@2x.png`, drawTrayIcon(state, 32));
    files.set(`tray/assets/tray-${state}Template.png`, drawTemplateIcon(state, 16));
    files.set(`tray/assets/tray-${state}Template@2x.png`, drawTemplateIcon(state, 32));
  }
  files.set('tray/assets/app-icon-64.png', drawAppIcon(64));
  files.set('build/icon.png', drawAppIcon(1024));
  for (const size of [16, 32, 48, 64, 128, 256, 512]) files.set(`build/icons/${size}x${size}.png`, drawAppIcon(size));
  return files;
}
