// The drop zone: a large target that also opens the native file dialog on click or Enter.

import { api } from "./api.js";
import { el } from "./dom.js";
import { icon } from "./icons.js";
import { setDropHandler } from "./drop.js";
import { oneAtATime } from "./ui.js";

/** `type` names the file dialog's filter (files.rs): "csv" by default. */
export function dropZone({ text, title, onFile, type = "csv" }) {
  const zone = el("button", { type: "button", class: "dropzone" }, icon("fichier", 32), el("span", {}, text));
  // Clicked twice, one dialog; the file it gives is then read before the zone answers again.
  oneAtATime(zone, async () => {
    const file = await api.choisirFichier(title, type);
    if (file) await onFile(file);
  });
  setDropHandler(onFile, zone);
  return zone;
}
