// Files dropped on the window: Rust keeps the file and sends its token ({jeton, fichier}); the
// screen that is open decides what a dropped file means.

import { api } from "./api.js";
import { toast } from "./ui.js";

let handler = null;
let hoverTarget = null;
// What each `refusingDrops` under way will put back when its work ends.
const putBack = new Set();

export function setDropHandler(fn, zone) {
  handler = fn;
  hoverTarget = zone || null;
}

/** A screen's handler lasts while it is shown: another screen starts with none. */
export function resetDropHandler() {
  handler = null;
  hoverTarget = null;
}

/**
 * While `work` (a promise) runs, a file dropped is refused with `message` instead of starting on
 * a second file; the handler from before is back afterwards, unless the screen set another.
 */
export async function refusingDrops(message, work) {
  const before = { handler, hoverTarget };
  putBack.add(before);
  const refuse = () => toast(message, "warn");
  handler = refuse;
  hoverTarget = null;
  try {
    return await work;
  } finally {
    putBack.delete(before);
    if (handler === refuse) [handler, hoverTarget] = [before.handler, before.hoverTarget];
  }
}

export function clearDropHandler(fn) {
  if (handler === fn) {
    handler = null;
    hoverTarget = null;
  }
  // A dialog closed while its work refused drops: its handler is not put back when the work
  // ends (a file dropped then would go to a dialog no longer shown).
  for (const b of putBack) {
    if (b.handler === fn) [b.handler, b.hoverTarget] = [null, null];
  }
}

export function initDrop(fallback) {
  api
    .onFileDrop((file) => {
      if (hoverTarget) hoverTarget.classList.remove("hover");
      (handler || fallback)(file);
    })
    .catch(() => {});
  api
    .onFileHover((hovering) => {
      if (hoverTarget) hoverTarget.classList.toggle("hover", hovering);
    })
    .catch(() => {});
}
