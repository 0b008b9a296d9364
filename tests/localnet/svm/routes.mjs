// Solana routes of the v2 resource server (amounts in USDC base units, 6 decimals). No
// third-party imports: start.mjs reads these for the state JSON.
//
// payTo is the Solana `payee` (its associated token account exists at genesis), except on
// /sol/no-ata, whose payee `payeeNoAta` has no token account (the client must refuse before
// signing). /sol/token2022 charges the Token-2022 test mint. /sol/mixed offers base-sepolia first, then Solana devnet, at different prices so a
// test can tell which one was paid.
export const SOLANA_ROUTES = {
  cheap: { path: "/sol/cheap", method: "GET", amount: "1000", price: "$0.001", payTo: "payee" },
  expensive: { path: "/sol/expensive", method: "GET", amount: "2500000", price: "$2.50", payTo: "payee" },
  echo: { path: "/sol/echo", method: "POST", amount: "1000", price: "$0.001", payTo: "payee" },
  noAta: { path: "/sol/no-ata", method: "GET", amount: "1000", price: "$0.001", payTo: "payeeNoAta" },
  // The Token-2022 test mint "T22" (6 decimals; not a default asset, so priced in base units).
  token2022: { path: "/sol/token2022", method: "GET", amount: "1000", mint: "t22", payTo: "payee" },
  mixed: {
    path: "/sol/mixed",
    method: "GET",
    options: [
      { network: "eip155:84532", amount: "1000", price: "$0.001" },
      { network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", amount: "2000", price: "$0.002", payTo: "payee" },
    ],
  },
};
