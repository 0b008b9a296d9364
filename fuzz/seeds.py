#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/*: the starting corpus of each fuzz target, from the protocol's
published examples (the same ones src/payment/test_vectors.rs holds), the local network's
routes, the recorded Permit2 exchanges (tests/fixtures/permit2-wire) and the hostile-server
cases of tests/hostile.rs. Run it after changing a seed; the output is committed, so CI needs
no Python.

payment_required inputs are `[mode][PAYMENT-REQUIRED value]\\n\\n[body]`; mode bit 0 set means
"no header, the whole rest is the body"; bits 1-2 pick the body's content type (0 JSON,
1 HTML, 2 text/plain, 3 none).
"""
import base64
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent / "seeds"
WIRE = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "permit2-wire"
USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66"
NONCE = "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480"
EIP2612 = "eip2612GasSponsoring"
ERC20 = "erc20ApprovalGasSponsoring"
TX = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef"


def b64(doc, pad=True):
    text = base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()
    return text if pad else text.rstrip("=")


def option(**over):
    o = {
        "scheme": "exact",
        "network": "eip155:84532",
        "amount": "10000",
        "asset": USDC,
        "payTo": PAY_TO,
        "maxTimeoutSeconds": 60,
        "extra": {"name": "USDC", "version": "2"},
    }
    o.update(over)
    return {k: v for k, v in o.items() if v is not None}


def v2(accepts, **over):
    doc = {
        "x402Version": 2,
        "error": "PAYMENT-SIGNATURE header is required",
        "resource": {
            "url": "https://api.example.com/premium-data",
            "description": "Access to premium market data",
            "mimeType": "application/json",
        },
        "accepts": accepts,
    }
    doc.update(over)
    return doc


def v1(accepts):
    return {"x402Version": 1, "error": "Payment required to access this resource", "accepts": accepts}


def v1_option(**over):
    o = {
        "scheme": "exact",
        "network": "base-sepolia",
        "maxAmountRequired": "10000",
        "asset": USDC,
        "payTo": PAY_TO,
        "resource": "https://api.example.com/premium-data",
        "description": "Access to premium market data",
        "mimeType": "application/json",
        "outputSchema": None,
        "maxTimeoutSeconds": 60,
        "extra": {"name": "USDC", "version": "2"},
    }
    o.update(over)
    return o


def header(doc, body=b"{}", mode=0, pad=True):
    return bytes([mode]) + b64(doc, pad).encode() + b"\n\n" + body


def body(doc, mode=1):
    return bytes([mode]) + json.dumps(doc, indent=2).encode()


def payment_required():
    html = b"<!DOCTYPE html><html><head><title>Payment Required</title></head><body>x402 paywall</body></html>"
    yield "spec-v2-header", header(v2([option()]))
    yield "spec-v2-header-unpadded", header(v2([option()]), pad=False)
    yield "spec-v1-body", body(v1([v1_option()]))
    yield "v2-html-paywall", header(v2([option()]), html, mode=2)
    yield "v2-in-body-only", body(v2([option()]))
    yield "v2-two-networks", header(v2([option(), option(network="eip155:8453", asset=USDC_BASE, amount="2000")]))
    yield "v2-devchain-and-base-sepolia", header(v2([option(network="eip155:31337", asset="0x5FbDB2315678afecb367f032d93F642f64180aa3"), option()]))
    yield "v2-solana-and-evm", header(v2([option(network="solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", asset="4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", payTo="2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4", extra={"feePayer": "EwWqGE4ZFKLofuestmU4LDdK7XM1N4ALgdZccwYugwGd"}), option()]))
    yield "v2-permit2", header(v2([option(extra={"name": "USDC", "version": "2", "assetTransferMethod": "permit2"})]))
    yield "v2-payment-identifier", header(v2([option()], extensions={"payment-identifier": {"info": {"required": False}, "schema": {"type": "object"}}}))
    yield "v2-above-cap", header(v2([option(amount="2500000")]))
    yield "v2-overflow", header(v2([option(amount="1" + "0" * 80)]))
    yield "v2-negative", header(v2([option(amount="-1")]))
    yield "v2-fraction", header(v2([option(amount="0.5")]))
    yield "v2-number-amount", header(v2([option(amount=10000)]))
    yield "v2-unknown-asset", header(v2([option(asset="0x5FbDB2315678afecb367f032d93F642f64180aa3")]))
    yield "v2-wrong-eip712-name", header(v2([option(extra={"name": "USD Coin", "version": "2"})]))
    yield "v2-bad-payee", header(v2([option(payTo="0x1234")]))
    yield "v2-timeout-zero", header(v2([option(maxTimeoutSeconds=0)]))
    yield "v2-timeout-year", header(v2([option(maxTimeoutSeconds=31536000)]))
    yield "v2-unknown-network", header(v2([option(network="eip155:999999")]))
    yield "v2-no-extra", header(v2([option(extra=None)]))
    yield "v2-empty-accepts", header(v2([]))
    yield "v2-version-3", header(v2([option()], x402Version=3))
    yield "v2-header-body-disagree", header(v2([option()]), json.dumps(v2([option(amount="1")])).encode())
    yield "broken-base64", b"\x00eyJ4NDAyVmVyc2lvbiI6Mi*%$\n\n"
    yield "broken-json", b"\x00" + base64.b64encode(b'{"x402Version":2,"accepts":[{"scheme":').replace(b"=", b"") + b"\n\n"
    yield "v1-wrong-version", body({"x402Version": "1", "accepts": [v1_option()]})
    yield "v1-two-options", body(v1([v1_option(), v1_option(network="base", asset=USDC_BASE)]))
    yield "empty-402", b"\x01"


def settlement():
    yield "spec-v2-ok", b64({"success": True, "transaction": TX, "network": "eip155:84532", "payer": PAYER}, pad=True).encode()
    yield "spec-v2-fail", b64({"success": False, "errorReason": "insufficient_funds", "network": "eip155:84532"}).encode()
    yield "spec-v1-ok", b64({"success": True, "transaction": TX, "network": "base-sepolia", "payer": PAYER}).encode()
    yield "spec-v1-fail", b64({"success": False, "errorReason": "insufficient_funds", "transaction": "", "network": "base-sepolia", "payer": PAYER}).encode()
    yield "unpadded", b64({"success": True, "transaction": TX, "network": "eip155:84532"}, pad=False).encode()
    yield "with-amount", b64({"success": True, "transaction": TX, "network": "eip155:84532", "payer": PAYER, "amount": "1000", "extensions": {}}).encode()
    yield "not-base64", b"settled!"
    # success:false naming a transaction: sent, so unconfirmed until the chain says otherwise.
    yield "v2-settlement-pending", b64({"success": False, "errorReason": "settlement_pending", "transaction": TX, "network": "eip155:84532", "payer": PAYER}).encode()
    yield "v2-fail-with-tx-other-reason", b64({"success": False, "errorReason": "transaction_failed", "errorMessage": "reverted\r\n\x1b[2Jpaid", "transaction": TX, "network": "eip155:84532"}).encode()
    yield "v2-fail-tx-not-string", b64({"success": False, "errorReason": "settlement_pending", "transaction": 12}).encode()
    yield "v2-success-string", b64({"success": "false", "transaction": TX}).encode()
    for f in sorted(WIRE.glob("*.json")):
        for i, h in enumerate(json.loads(f.read_text()).get("http", [])):
            if "paymentResponse" in h["response"]:
                yield f"wire-{f.stem}-{i}", b64(h["response"]["paymentResponse"]).encode()


def config():
    yield "readme", b'''default_account = "alice"

[rpc]
base-sepolia = "http://127.0.0.1:8545"

[networks.devchain]
chain_id = 31337
rpc_url = "http://127.0.0.1:8545"
display_name = "Dev chain"
native_symbol = "ETH"
explorer_tx = "http://127.0.0.1:4000/tx/{tx}"
testnet = true

[[assets]]
network = "devchain"
address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
symbol = "USDC"
decimals = 6
eip712_name = "USDC"
eip712_version = "2"
transfer_method = "eip3009"

[limits]
per_payment = "0.10"
daily = "5.00"

[payment]
networks = ["base-sepolia", "base"]
'''
    yield "bad-amount", b'[limits]\nper_payment = "much"\n'
    yield "unknown-key", b'colour = "always"\n'
    yield "asset-on-caip2", b'[[assets]]\nnetwork = "eip155:84532"\naddress = "0x5FbDB2315678afecb367f032d93F642f64180aa3"\nsymbol = "EURC"\ndecimals = 6\neip712_name = "EURC"\neip712_version = "2"\ntransfer_method = "permit2"\n'


def journal():
    signed = {
        "event": "signed",
        "time": "2026-11-30T12:00:00Z",
        "url": "http://127.0.0.1:4021/cheap",
        "method": "GET",
        "bodySha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "version": 2,
        "network": "eip155:84532",
        "networkName": "base-sepolia",
        "asset": USDC,
        "symbol": "USDC",
        "decimals": 6,
        "amount": "1000",
        "payTo": PAY_TO,
        "payer": PAYER,
        "nonce": NONCE,
        "validAfter": 1780000000,
        "validBefore": 1780000660,
        "paymentId": "pay_0123456789abcdef0123456789abcdef",
    }
    settled = {"event": "outcome", "time": "2026-11-30T12:00:01Z", "nonce": NONCE, "status": "settled", "transaction": TX}
    unknown = dict(settled, status="unknown", reason="connection reset after sending", transaction=None)
    unknown = {k: v for k, v in unknown.items() if v is not None}
    line = lambda d: json.dumps(d, separators=(",", ":")).encode() + b"\n"
    yield "settled", line(signed) + line(settled)
    yield "unknown-then-verified", line(signed) + line(unknown) + line(dict(settled, verified=True))
    yield "torn-last-line", line(signed) + line(settled)[:40]
    yield "orphan-outcome", line(settled)


def svm_requirement():
    """SVM `exact` options (x402-protocol.md section 3): [mode][accepts[i] JSON]; mode 1 = v1."""
    devnet = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"
    usdc = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"
    v2 = {
        "scheme": "exact",
        "network": devnet,
        "amount": "1000",
        "asset": usdc,
        "payTo": "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4",
        "maxTimeoutSeconds": 60,
        "extra": {"feePayer": "EwWqGE4ZFKLofuestmU4LDdK7XM1N4ALgdZccwYugwGd"},
    }
    doc = lambda mode, d: bytes([mode]) + json.dumps(d, separators=(",", ":"), ensure_ascii=False).encode()
    yield "v2", doc(0, v2)
    yield "v2-memo-blockhash", doc(0, dict(v2, extra=dict(
        v2["extra"], memo="pi_3abc123def456",
        recentBlockhash="EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k", lastValidBlockHeight="150")))
    yield "v2-memo-256", doc(0, dict(v2, extra=dict(v2["extra"], memo="\u00e9" * 128)))
    yield "v2-other-mint", doc(0, dict(v2, asset="9TrebetynnVZWoLS3BzZVPEgsrRGyTy6Fj7GuQY4ReRb",
                                       amount="18446744073709551615"))
    yield "v2-mainnet", doc(0, dict(v2, network="solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
                                    asset="EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"))
    v1 = {k: v for k, v in v2.items() if k != "amount"}
    yield "v1", doc(1, dict(v1, network="solana-devnet", maxAmountRequired="2500",
                            resource="http://127.0.0.1/x"))
    yield "no-fee-payer", doc(0, dict(v2, extra={}))


def permit2():
    """Permit2 and upto 402s (permit2.md, permit2-wire/): [mode][PaymentRequired JSON]; mode
    bits 0-1 pick the allowance (none, one short, exact, unlimited), bit 2 answers 412."""
    doc = lambda mode, d: bytes([mode]) + json.dumps(d, separators=(",", ":"), ensure_ascii=False).encode()
    base = None
    for f in sorted(WIRE.glob("*.json")):
        for i, h in enumerate(json.loads(f.read_text()).get("http", [])):
            pr = h["response"].get("paymentRequired")
            if pr is None:
                continue
            status = h["response"]["status"]
            yield f"wire-{f.stem}-{i}", doc(4 if status == 412 else 0, pr)
            base = base or pr
    token = "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707"
    upto = {
        "scheme": "upto",
        "network": "eip155:84532",
        "amount": "2000",
        "asset": token,
        "payTo": PAY_TO,
        "maxTimeoutSeconds": 300,
        "extra": {"assetTransferMethod": "permit2", "name": "Permit USD", "version": "1",
                  "facilitatorAddress": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"},
    }
    exact = dict(upto, scheme="exact", extra={"assetTransferMethod": "permit2"})
    both = {EIP2612: {"info": {"version": "1"}}, ERC20: {"info": {"version": "1", "from": PAYER}}}
    yield "upto-allowance-short", doc(1, v2([upto], extensions=both))
    yield "upto-allowance-exact", doc(2, v2([upto]))
    yield "exact-unlimited-allowance", doc(3, v2([exact]))
    yield "upto-no-facilitator", doc(0, v2([dict(upto, extra={"assetTransferMethod": "permit2"})]))
    yield "upto-zero-facilitator", doc(0, v2([dict(upto, extra={"facilitatorAddress": "0x" + "0" * 40})]))
    yield "upto-facilitator-number", doc(0, v2([dict(upto, extra={"facilitatorAddress": 7})]))
    yield "upto-eip3009-method", doc(0, v2([dict(upto, extra=dict(upto["extra"], assetTransferMethod="eip3009"))]))
    yield "upto-max-amount", doc(1, v2([dict(upto, amount=str(2**256 - 1))], extensions=both))
    yield "upto-timeout-max", doc(0, v2([dict(upto, maxTimeoutSeconds=2**64 - 1)]))
    yield "exact-permit2-solana", doc(0, v2([dict(exact, network="solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1")]))
    yield "extensions-info-not-object", doc(1, v2([upto], extensions={EIP2612: {"info": "x"}, ERC20: {"info": [1]}}))
    yield "extensions-not-object", doc(1, v2([upto], extensions={EIP2612: True, ERC20: "yes"}))
    yield "extensions-array", doc(1, v2([upto], extensions=[EIP2612]))
    yield "server-info-clash", doc(1, v2([upto], extensions={EIP2612: {"info": {"from": PAY_TO, "amount": "1", "spender": PAY_TO}}}))
    yield "allowance-required-412", doc(4, v2([exact], error="permit2_allowance_required"))
    yield "allowance-required-402", doc(0, v2([exact], error="permit2_allowance_required"))
    yield "mixed-accepts", doc(0, v2([option(), exact, upto, dict(upto, scheme="exact")]))


def main():
    if ROOT.exists():
        shutil.rmtree(ROOT)
    for target in (payment_required, settlement, config, journal, svm_requirement, permit2):
        folder = ROOT / target.__name__
        folder.mkdir(parents=True)
        for name, data in target():
            (folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
