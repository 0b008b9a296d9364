// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ISignatureTransfer} from "@uniswap/v4-periphery/lib/permit2/src/interfaces/ISignatureTransfer.sol";

/// @title x402Permit2ProxyBase
/// @notice Shared checks of the local network's two x402 Permit2 proxies. They stand in for the
///         x402 Foundation's deployed proxies (same addresses, placed with anvil_setCode, and the
///         same external ABI the official x402 EVM facilitator calls: `settle`,
///         `settleWithPermit`, `PERMIT2()`, `WITNESS_TYPEHASH()`, `WITNESS_TYPE_STRING()`).
///         Each proxy is the `spender` of the payer's Permit2 `PermitWitnessTransferFrom`
///         signature and forwards to Permit2's `permitWitnessTransferFrom`, which verifies the
///         signature over the permit and the witness; the proxy only ever sends the tokens to
///         `witness.to`, so whoever submits the transaction cannot redirect them.
/// @dev No constructor, no immutables, no storage (the reentrancy lock is transient), so the
///      runtime code works wherever it is placed.
abstract contract x402Permit2ProxyBase is ReentrancyGuardTransient {
    /// @notice The canonical Permit2 contract.
    ISignatureTransfer public constant PERMIT2 = ISignatureTransfer(0x000000000022D473030F116dDEE9F6B43aC78BA3);

    event Settled();
    event SettledWithPermit();

    /// @notice The amount to transfer is zero.
    error InvalidAmount();
    /// @notice `witness.to` is the zero address.
    error InvalidDestination();
    /// @notice The owner (payer) is the zero address.
    error InvalidOwner();
    /// @notice The payment is settled before `witness.validAfter`.
    error PaymentTooEarly();
    /// @notice The EIP-2612 permit's value differs from the Permit2 permitted amount.
    error Permit2612AmountMismatch();

    /// @notice EIP-2612 permit parameters for `settleWithPermit` (spender is always Permit2).
    struct EIP2612Permit {
        uint256 value;
        uint256 deadline;
        bytes32 r;
        bytes32 s;
        uint8 v;
    }

    /// @dev Checks common to both proxies, then the Permit2 transfer of `amount` to `to`.
    function _transfer(
        ISignatureTransfer.PermitTransferFrom calldata permit,
        uint256 amount,
        address owner,
        address to,
        uint256 validAfter,
        bytes32 witnessHash,
        string memory witnessTypeString,
        bytes calldata signature
    ) internal {
        if (amount == 0) revert InvalidAmount();
        if (owner == address(0)) revert InvalidOwner();
        if (to == address(0)) revert InvalidDestination();
        if (block.timestamp < validAfter) revert PaymentTooEarly();
        PERMIT2.permitWitnessTransferFrom(
            permit,
            ISignatureTransfer.SignatureTransferDetails({to: to, requestedAmount: amount}),
            owner,
            witnessHash,
            witnessTypeString,
            signature
        );
    }

    /// @dev Grants Permit2 the allowance with the payer's EIP-2612 permit. A failing permit is
    ///      ignored (it may have been submitted by someone else already); the Permit2 transfer
    ///      then fails by itself if the allowance is missing.
    function _permit2612(address token, address owner, EIP2612Permit calldata p, uint256 permittedAmount) internal {
        if (p.value != permittedAmount) revert Permit2612AmountMismatch();
        try IERC20Permit(token).permit(owner, address(PERMIT2), p.value, p.deadline, p.v, p.r, p.s) {} catch {}
    }
}

/// @title x402ExactPermit2Proxy
/// @notice Transfers exactly the permitted amount to `witness.to`.
contract x402ExactPermit2Proxy is x402Permit2ProxyBase {
    /// @notice Permit2 witness type string (x402-protocol §2.3): the types after the witness
    ///         field, in EIP-712 order (TokenPermissions before Witness).
    string public constant WITNESS_TYPE_STRING =
        "Witness witness)TokenPermissions(address token,uint256 amount)Witness(address to,uint256 validAfter)";
    bytes32 public constant WITNESS_TYPEHASH = keccak256("Witness(address to,uint256 validAfter)");

    struct Witness {
        address to;
        uint256 validAfter;
    }

    function settle(
        ISignatureTransfer.PermitTransferFrom calldata permit,
        address owner,
        Witness calldata witness,
        bytes calldata signature
    ) external nonReentrant {
        _settle(permit, owner, witness, signature);
        emit Settled();
    }

    function settleWithPermit(
        EIP2612Permit calldata permit2612,
        ISignatureTransfer.PermitTransferFrom calldata permit,
        address owner,
        Witness calldata witness,
        bytes calldata signature
    ) external nonReentrant {
        _permit2612(permit.permitted.token, owner, permit2612, permit.permitted.amount);
        _settle(permit, owner, witness, signature);
        emit SettledWithPermit();
    }

    function _settle(
        ISignatureTransfer.PermitTransferFrom calldata permit,
        address owner,
        Witness calldata witness,
        bytes calldata signature
    ) private {
        bytes32 witnessHash = keccak256(abi.encode(WITNESS_TYPEHASH, witness.to, witness.validAfter));
        _transfer(
            permit, permit.permitted.amount, owner, witness.to, witness.validAfter, witnessHash, WITNESS_TYPE_STRING, signature
        );
    }
}

/// @title x402UptoPermit2Proxy
/// @notice Transfers an amount chosen at settlement, at most the permitted amount, to
///         `witness.to`; only the facilitator named in the signed witness may settle.
contract x402UptoPermit2Proxy is x402Permit2ProxyBase {
    /// @notice Permit2 witness type string (x402-protocol §2.5).
    string public constant WITNESS_TYPE_STRING =
        "Witness witness)TokenPermissions(address token,uint256 amount)Witness(address to,address facilitator,uint256 validAfter)";
    bytes32 public constant WITNESS_TYPEHASH = keccak256("Witness(address to,address facilitator,uint256 validAfter)");

    /// @notice The settlement amount is above the permitted amount.
    error AmountExceedsPermitted();
    /// @notice The caller is not `witness.facilitator`.
    error UnauthorizedFacilitator();

    struct Witness {
        address to;
        address facilitator;
        uint256 validAfter;
    }

    function settle(
        ISignatureTransfer.PermitTransferFrom calldata permit,
        uint256 amount,
        address owner,
        Witness calldata witness,
        bytes calldata signature
    ) external nonReentrant {
        _settle(permit, amount, owner, witness, signature);
        emit Settled();
    }

    function settleWithPermit(
        EIP2612Permit calldata permit2612,
        ISignatureTransfer.PermitTransferFrom calldata permit,
        uint256 amount,
        address owner,
        Witness calldata witness,
        bytes calldata signature
    ) external nonReentrant {
        _permit2612(permit.permitted.token, owner, permit2612, permit.permitted.amount);
        _settle(permit, amount, owner, witness, signature);
        emit SettledWithPermit();
    }

    function _settle(
        ISignatureTransfer.PermitTransferFrom calldata permit,
        uint256 amount,
        address owner,
        Witness calldata witness,
        bytes calldata signature
    ) private {
        if (amount > permit.permitted.amount) revert AmountExceedsPermitted();
        if (msg.sender != witness.facilitator) revert UnauthorizedFacilitator();
        bytes32 witnessHash =
            keccak256(abi.encode(WITNESS_TYPEHASH, witness.to, witness.facilitator, witness.validAfter));
        _transfer(permit, amount, owner, witness.to, witness.validAfter, witnessHash, WITNESS_TYPE_STRING, signature);
    }
}
