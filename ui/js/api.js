// The only module that talks to Rust. Every call returns a promise; errors arrive as
// {message, champs} with a French message.

const core = () => window.__TAURI__.core;

function call(command, args = {}) {
  return core().invoke(command, args).catch((err) => {
    if (err && typeof err === "object" && "message" in err) throw err;
    throw { message: String(err), champs: [] };
  });
}

export const api = {
  infos: () => call("infos_application"),
  listerComptes: (requete) => call("lister_comptes", { requete }),
};
