// Start-up: read the settings, build the table, wire the search bar and the keyboard.

import { api } from "./api.js";
import { $ } from "./dom.js";
import { setCurrency, plural, count } from "./format.js";
import { AccountTable } from "./table.js";
import { T } from "./strings.js";

function status({ total, query }) {
  const q = query.trim();
  $("#statut-comptes").textContent = q
    ? `${T.shownFor(plural(total, "utilisateur trouvé", "utilisateurs trouvés"), q)}`
    : plural(total, ...T.users);
}

function showError(message) {
  $("#statut-travail").textContent = message;
  $("#statut-travail").classList.add("error");
}

async function start() {
  try {
    const infos = await api.infos();
    setCurrency(infos.devise, infos.decimales);
    $("#statut-base").textContent = infos.base_nom;
    $("#statut-base").title = infos.base;
  } catch (e) {
    showError(e.message);
  }
  const table = new AccountTable($("#table-comptes"), { onStatus: status, onError: showError });
  window.forfaits = { table, count };
  table.reload();
  const search = $("#recherche");
  search.addEventListener("input", () => table.setQuery(search.value));
  document.addEventListener("keydown", (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") {
      e.preventDefault();
      search.focus();
      search.select();
    } else if (e.key === "/" && !typing) {
      e.preventDefault();
      search.focus();
    } else if (e.key === "Escape" && e.target === search && search.value) {
      search.value = "";
      table.setQuery("");
    }
  });
  search.focus();
}

start();
