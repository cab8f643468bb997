// Files dropped on the window (Tauri's drag-and-drop event gives real paths). The screen that
// is open decides what a dropped file means.

import { api } from "./api.js";

let handler = null;
let hoverTarget = null;

export function setDropHandler(fn, zone) {
  handler = fn;
  hoverTarget = zone || null;
}

export function clearDropHandler(fn) {
  if (handler === fn) {
    handler = null;
    hoverTarget = null;
  }
}

export function initDrop(fallback) {
  api
    .onFileDrop(
      (paths) => {
        if (hoverTarget) hoverTarget.classList.remove("hover");
        const path = paths[0];
        if (!path) return;
        (handler || fallback)(path);
      },
      (hovering) => {
        if (hoverTarget) hoverTarget.classList.toggle("hover", hovering);
      },
    )
    .catch(() => {});
}
