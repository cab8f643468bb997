// Inline SVG icons built with the DOM (no icon font, no external file, no HTML parsing).

const NS = "http://www.w3.org/2000/svg";

const PATHS = {
  modifier: ["M4 20h4l10-10-4-4L4 16z", "M13.5 6.5l4 4"],
  solde: ["M3 7h18v10H3z", "M3 10h18", "M7 14h3"],
  imprimer: ["M7 9V3h10v6", "M6 17H4v-7h16v7h-2", "M7 14h10v7H7z"],
  historique: ["M12 4v10", "M8 10l4 4 4-4", "M5 20h14"],
  supprimer: ["M5 7h14", "M10 7V4h4v3", "M7 7l1 13h8l1-13", "M10 11v6", "M14 11v6"],
  fermer: ["M6 6l12 12", "M18 6L6 18"],
  fichier: ["M6 3h8l4 4v14H6z", "M14 3v4h4", "M9 13h6", "M9 17h6"],
};

export function icon(name, size = 18) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of PATHS[name] || []) {
    const p = document.createElementNS(NS, "path");
    p.setAttribute("d", d);
    svg.append(p);
  }
  return svg;
}
