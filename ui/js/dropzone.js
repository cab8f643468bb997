// The drop zone: a large target that also opens the native file dialog on click or Enter.

import { api } from "./api.js";
import { el } from "./dom.js";
import { icon } from "./icons.js";
import { setDropHandler } from "./drop.js";

/** `type` names the file dialog's filter (files.rs): "csv" by default. */
export function dropZone({ text, title, onFile, type = "csv" }) {
  const zone = el(
    "button",
    {
      type: "button",
      class: "dropzone",
      onclick: async () => {
        const file = await api.choisirFichier(title, type);
        if (file) onFile(file);
      },
    },
    icon("fichier", 32),
    el("span", {}, text),
  );
  setDropHandler(onFile, zone);
  return zone;
}
