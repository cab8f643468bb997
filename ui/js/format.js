// Numbers, money and dates the French way.

const NNBSP = "\u202f"; // narrow no-break space between thousands
const NBSP = "\u00a0";

let currency = { code: "TND", decimals: 3 };

export function setCurrency(code, decimals) {
  currency = { code, decimals };
}

export function currencyInfo() {
  return currency;
}

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
}

/** Minor units (integer) → "1 234,500". BigInt keeps every millime exact. */
export function amount(minor) {
  const v = BigInt(minor);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const scale = 10n ** BigInt(currency.decimals);
  const units = groupThousands((abs / scale).toString());
  const frac = currency.decimals ? "," + (abs % scale).toString().padStart(currency.decimals, "0") : "";
  return (neg ? "-" : "") + units + frac;
}

/** Minor units → "1 234,500 TND". */
export function money(minor) {
  return amount(minor) + NBSP + currency.code;
}

/** 1234567 → "1 234 567". */
export function count(n) {
  return groupThousands(String(n));
}

function pad(n) {
  return String(n).padStart(2, "0");
}

/** UTC seconds → "26/11/2026 09:05" in local time. */
export function dateTime(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const d = new Date(seconds * 1000);
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A day as the core sends it ("2026-12-12") → "12/12/2026". */
export function day(iso) {
  const [y, m, d] = String(iso || "").split("-");
  return d ? `${d}/${m}/${y}` : "";
}

/** Seconds → "h:mm:ss". */
export function duration(seconds) {
  const s = Math.max(0, Number(seconds) || 0);
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}
