// Files dropped on the window: Rust keeps the file and sends its token ({jeton, fichier}); the
// screen that is open decides what a dropped file means.

import { api } from "./api.js";

let handler = null;
let hoverTarget = null;

export function setDropHandler(fn, zone) {
  handler = fn;
  hoverTarget = zone || null;
}

/** A screen's handler lasts while it is shown: another screen starts with none. */
export function resetDropHandler() {
  handler = null;
  hoverTarget = null;
}

export function clearDropHandler(fn) {
  if (handler === fn) {
    handler = null;
    hoverTarget = null;
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
