"""The contract suite: deterministic checks per API rule and quirk, then Schemathesis."""

from __future__ import annotations

from harness.checks.contract.model import CheckStatus, ContractResult
from harness.checks.contract.runner import run_contract

__all__ = ["CheckStatus", "ContractResult", "run_contract"]
