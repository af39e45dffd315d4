"""Helpers for contract tests: a config for a target and a one-call run."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from harness.checks.contract import ContractResult, run_contract
from harness.config import Config, ContractConfig
from harness.events import Event


def contract_config(url: str, **contract: Any) -> Config:
    """A config for ``url``; the property phase is off unless asked for (it takes its budget)."""
    section = replace(ContractConfig(property_phase=False), **contract)
    return Config(target=url, contract=section)


def run(url: str, **contract: Any) -> tuple[ContractResult, list[Event]]:
    """Run the contract suite against ``url``; return the result and the events it emitted."""
    events: list[Event] = []
    result = run_contract(contract_config(url, **contract), events.append)
    return result, events
