// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title PlainUSD
/// @notice A plain 6-decimal OpenZeppelin ERC-20 test stablecoin: no EIP-3009, no EIP-2612.
///         x402 pays it only through Permit2 (`extra.assetTransferMethod: "permit2"`), after
///         an `approve(Permit2, …)` or through the `erc20ApprovalGasSponsoring` extension.
///         Written for the local x402 test network; anyone may mint.
contract PlainUSD is ERC20 {
    constructor() ERC20("Plain USD", "PUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Test token: anyone may mint any amount to anyone.
    function mint(address to, uint256 amount) external returns (bool) {
        _mint(to, amount);
        return true;
    }
}

/// @title PermitUSD
/// @notice A 6-decimal OpenZeppelin ERC-20 with EIP-2612 `permit` (EIP-712 domain name
///         "Permit USD", version "1") and no EIP-3009: paid through Permit2, with the
///         Permit2 allowance granted by a signed permit (`eip2612GasSponsoring`).
///         Written for the local x402 test network; anyone may mint.
contract PermitUSD is ERC20Permit {
    constructor() ERC20("Permit USD", "PMUSD") ERC20Permit("Permit USD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Test token: anyone may mint any amount to anyone.
    function mint(address to, uint256 amount) external returns (bool) {
        _mint(to, amount);
        return true;
    }
}
